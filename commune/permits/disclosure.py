"""Reads: what each reader may see of a permit file's findings and history. The town's staff see
everything. The applicant's side (the applicant, the people of its organisation, its systems
through the API, its e-mails) reads:

* the checks' findings, other parties' works only as the public works map shows them (see
  `Finding.text_for`): nothing of a request the public cannot see, never a private person;
* the file's history by service, never by person (no staff login or name), with only the texts
  meant for the applicant: complement questions, decision reasons, the opinions with their
  conditions and the remark for the applicant; internal notes and internal steps stay inside.

The applicant's page, the API answer and the coordination e-mail read through here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import GEOSGeometry
from django.utils.translation import gettext as _

from commune.accounts.models import OrganisationMember
from commune.core.audit import action_label, trail_for

from .models import PermitRequest, ReviewTask
from .models.texts import Audience


@dataclass(frozen=True)
class ShownFinding:
    """One finding as one reader reads it (`label` is the kind in words)."""

    kind: str
    label: str
    text: str
    geometry: GEOSGeometry | None


def findings_for(*, permit: PermitRequest, audience: Audience) -> list[ShownFinding]:
    """The findings of `permit` that `audience` may read, written out for it."""
    shown = []
    for finding in permit.findings.select_related("other_permit__organisation"):
        text = finding.text_for(audience)
        if text is not None:
            label = str(finding.get_kind_display())
            shown.append(ShownFinding(finding.kind, label, text, finding.geometry))
    return shown


def other_works_visible(*, permit: PermitRequest, other: PermitRequest | None) -> bool:
    """Whether `permit`'s applicant may be told of `other` (another request) at all."""
    return other is not None and permit.may_tell_of(other)


@dataclass(frozen=True)
class HistoryLine:
    """One step of the file: when, who did it (a person, or a service), what, and a text."""

    at: dt.datetime
    who: str
    what: str
    text: str = ""


#: What the applicant's side sees of the file's history; any other step stays inside (late
#: reviews escalated, services removed, and whatever action is added later until listed here).
APPLICANT_STEPS = {
    "draft_saved",
    "submit",
    "supplemented",
    "withdraw",
    "review_task_routed",
    "review_task_added",
    "review_due_moved",
    "review_answered",
    "review_deemed_favourable",
    "complement_requested",
    "complement_answered",
    "grant",
    "routine_grant",
    "refuse",
    "abandon",
    "works_started",
    "works_ended",
    "reinstated",
    "inspected_closed",
    "inspected_defects",
    "works_overdue",
    "emergency_works_started",
    "emergency_regularised",
    "guarantee_ended",
    "extension_requested",
    "extension_accepted",
    "extension_refused",
    "road_category_corrected",
    "conflict_found",
}
#: Steps whose comment was written for the applicant: the complement asked and answered, the
#: reasons of the decision. Every other comment (an opinion's, before notes were kept apart,
#: included) is internal.
APPLICANT_COMMENTS = {
    "complement_requested",
    "complement_answered",
    "grant",
    "routine_grant",
    "refuse",
    "abandon",
    "road_category_corrected",
}


def history_for(*, permit: PermitRequest, audience: Audience, limit: int) -> list[HistoryLine]:
    """The newest `limit` steps of the file that `audience` may see, written for it."""
    entries = trail_for(permit)
    if audience == Audience.STAFF:
        return [
            HistoryLine(e.created_at, e.actor_label, action_label(e.action), _staff_text(e))
            for e in entries[:limit]
        ]
    own_side = _applicant_side(permit)
    entries = entries.filter(action__in=APPLICANT_STEPS)[:limit]
    return [
        HistoryLine(e.created_at, _who(e, own_side), action_label(e.action), _text(e))
        for e in entries
    ]


def _staff_text(entry) -> str:
    """The step's comment; a decision taken without some opinions names their services too."""
    services = (entry.after or {}).get("services")
    if entry.action == "decided_without_opinions" and services:
        return f"{services} — {entry.comment}"
    return entry.comment


def _applicant_side(permit: PermitRequest) -> set[int]:
    """The people who act for the applicant: the applicant and its organisation's members."""
    people = {permit.applicant_id}
    if permit.organisation_id:
        members = OrganisationMember.objects.filter(organisation_id=permit.organisation_id)
        people |= set(members.values_list("user_id", flat=True))
    return people


def _who(entry, own_side: set[int]) -> str:
    """The applicant's people by name; the town by its service, never by its staff."""
    if entry.actor_id is not None and entry.actor_id in own_side:
        return entry.actor.full_name or entry.actor_label
    department = (entry.after or {}).get("department") or (entry.before or {}).get("department")
    return department or _("Permit office")


def _text(entry) -> str:
    if entry.action in APPLICANT_COMMENTS:
        return entry.comment
    if entry.action != "review_answered":
        return ""
    after = entry.after or {}
    opinions = dict(ReviewTask.Opinion.choices)
    parts = [str(opinions.get(after.get("opinion"), ""))]
    parts += [text for text in after.get("conditions") or [] if text]
    if after.get("remark"):
        parts.append(after["remark"])
    return " — ".join(part for part in parts if part)
