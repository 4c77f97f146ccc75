"""The day's post: letters confirming a registration (or a waitlist, or a place offered) to
people without e-mail or mobile phone, queued by notify.py. Staff print the day's batch as one
PDF; each letter is put in one batch only (`printed_on`), so a batch printed twice holds the
same letters once, and tomorrow's batch starts with what came after."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from commune.core import audit

from ..models.registration import RegistrationLetter


def letter_list_pending(*, municipality):
    """The letters queued and not yet in a batch, oldest first."""
    return RegistrationLetter.objects.filter(
        municipality=municipality, printed_on__isnull=True
    ).select_related("registration__event__venue")


def letter_list_batch(*, municipality, day: dt.date):
    """The letters of the batch printed on `day`, in the order they were queued."""
    return (
        RegistrationLetter.objects.filter(municipality=municipality, printed_on=day)
        .select_related("registration__event__venue", "registration__event__organisation")
        .order_by("created_at", "pk")
    )


def letter_batch_days(*, municipality, limit: int = 30) -> list[dt.date]:
    """The days of the last batches, newest first."""
    days = (
        RegistrationLetter.objects.filter(municipality=municipality, printed_on__isnull=False)
        .order_by("-printed_on")
        .values_list("printed_on", flat=True)
        .distinct()
    )
    return list(days[:limit])


@transaction.atomic
def letter_batch_print(*, municipality, user, day: dt.date) -> list[RegistrationLetter]:
    """Put every pending letter into `day`'s batch and give the whole batch (those added by
    an earlier print the same day included, each once)."""
    pending = list(
        RegistrationLetter.objects.select_for_update().filter(
            municipality=municipality, printed_on__isnull=True
        )
    )
    for letter in pending:
        letter.printed_on = day
        letter.printed_by = user
        letter.save(update_fields=["printed_on", "printed_by", "updated_at"])
    if pending:
        audit.record(
            actor=user,
            obj=municipality,
            action="letters_print",
            after={"day": day, "letters": [letter.pk for letter in pending]},
        )
    return list(letter_list_batch(municipality=municipality, day=day))
