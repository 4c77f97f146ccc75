"""The town's library of standard conditions, kept by its permit officers and administrators:
add, edit, retire (and restore). A retired condition is offered no more, but the permits that
carry it keep it: a grant copies the texts onto the permit (services/decision.py), so that a
later edit of the library changes no permit already issued."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from commune.core import audit
from commune.permits.models import StandardCondition


def _clean(*, municipality, code: str, text: str, exclude_id: int | None = None) -> None:
    if not text.strip():
        raise ValidationError({"text": _("Write the condition's text.")}, code="text")
    taken = StandardCondition.objects.filter(municipality=municipality, code=code)
    if exclude_id is not None:
        taken = taken.exclude(pk=exclude_id)
    if taken.exists():
        raise ValidationError(
            {"code": _("The town's library already has a condition with this code.")},
            code="code_taken",
        )


@transaction.atomic
def condition_create(*, municipality, code: str, text: str, actor) -> StandardCondition:
    """A new condition in the town's library, offered at once to reviewers and officers."""
    _clean(municipality=municipality, code=code, text=text)
    condition = StandardCondition.objects.create(
        municipality=municipality, code=code, text=text.strip()
    )
    audit.record(
        actor=actor, obj=condition, action="condition_added", after={"code": code, "text": text}
    )
    return condition


@transaction.atomic
def condition_update(
    *, condition: StandardCondition, code: str, text: str, actor
) -> StandardCondition:
    """Change a condition's code or text: the files decided before keep the text they carry."""
    _clean(municipality=condition.municipality, code=code, text=text, exclude_id=condition.pk)
    before = audit.snapshot(condition, ["code", "text"])
    condition.code, condition.text = code, text.strip()
    condition.save(update_fields=["code", "text", "updated_at"])
    audit.record(
        actor=actor,
        obj=condition,
        action="condition_changed",
        before=before,
        after={"code": condition.code, "text": condition.text},
    )
    return condition


@transaction.atomic
def condition_retire(
    *, condition: StandardCondition, actor, retired: bool = True
) -> StandardCondition:
    """Retire a condition (offered no more), or restore it; nothing is deleted."""
    if condition.is_active != retired:
        return condition
    condition.is_active = not retired
    condition.save(update_fields=["is_active", "updated_at"])
    audit.record(
        actor=actor,
        obj=condition,
        action="condition_retired" if retired else "condition_restored",
        after={"code": condition.code},
    )
    return condition
