"""The calls staff must make for people no message reached (notify.py queues them): listed
until a member of staff marks one done; marking it twice changes nothing."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from commune.core import audit

from ..models.registration import RegistrationCall


def call_list_open(*, municipality, event=None):
    """The calls not made yet, oldest first; only those of `event` when given."""
    calls = RegistrationCall.objects.filter(municipality=municipality, done_at__isnull=True)
    if event is not None:
        calls = calls.filter(registration__event=event)
    return calls.select_related("registration__event")


@transaction.atomic
def call_done(*, call: RegistrationCall, user, now: dt.datetime) -> RegistrationCall:
    """`user` called the person: the call leaves the lists."""
    call = RegistrationCall.objects.select_for_update().get(pk=call.pk)
    if call.done_at is not None:
        return call
    call.done_at = now
    call.done_by = user
    call.save(update_fields=["done_at", "done_by", "updated_at"])
    audit.record(
        actor=user,
        obj=call.registration.event,
        action="registration_called",
        after={"registration": call.registration_id, "kind": call.kind},
    )
    return call
