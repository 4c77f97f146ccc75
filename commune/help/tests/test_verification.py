"""Proving an address: a code by post (hashed, single use, 30 days, locked after five wrong
tries), or the coordinator's check at the counter."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from commune.accounts.tests.factories import UserFactory
from commune.help.models import Neighbour, VerificationCode
from commune.help.services import neighbours

from .conftest import NOW, neighbour

pytestmark = pytest.mark.clock


@pytest.fixture
def pending(rosiaz):
    return neighbour(rosiaz, "Paul Pending", verified=False)


def test_joining_twice_makes_one_pending_neighbour_placed_in_its_neighbourhood(town, rosiaz):
    user = UserFactory(full_name="Nina Neuve")
    values = {
        "municipality": town,
        "user": user,
        "neighbourhood": rosiaz,
        "address": "Chemin du Coteau 3",
        "postcode": "1009",
        "locality": "Pully",
        "phone": "+41 21 555 00 01",
        "channel": "post",
    }
    first = neighbours.neighbour_apply(**values)
    second = neighbours.neighbour_apply(**{**values, "address": "Chemin du Coteau 5"})
    assert first.pk == second.pk
    assert Neighbour.objects.count() == 1
    second.refresh_from_db()
    assert second.status == "pending" and second.address == "Chemin du Coteau 5"
    assert rosiaz.area.contains(second.location)


def test_the_code_of_the_letter_verifies_once_and_is_stored_hashed(pending):
    # given
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    stored = VerificationCode.objects.get()
    assert letter.code not in stored.code_hash
    assert letter.expires_at == NOW + dt.timedelta(days=30)
    # when: typed in lower case with the dash and a space
    typed = f" {letter.code[:4].lower()}-{letter.code[4:]}"
    neighbours.code_enter(neighbour=pending, typed=typed, now=NOW + dt.timedelta(days=3))
    # then
    pending.refresh_from_db()
    assert pending.is_verified and pending.channel == "post"
    stored.refresh_from_db()
    assert stored.used_at == NOW + dt.timedelta(days=3)


def test_a_used_code_does_not_verify_again(pending):
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    neighbours.code_enter(neighbour=pending, typed=letter.code, now=NOW)
    Neighbour.objects.filter(pk=pending.pk).update(status="pending")
    with pytest.raises(ValidationError) as refused:
        neighbours.code_enter(neighbour=pending, typed=letter.code, now=NOW)
    assert refused.value.code == "no_code"


def test_an_expired_code_is_refused(pending):
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    with pytest.raises(ValidationError) as refused:
        neighbours.code_enter(neighbour=pending, typed=letter.code, now=letter.expires_at)
    assert refused.value.code == "expired"
    pending.refresh_from_db()
    assert not pending.is_verified


def test_five_wrong_codes_lock_the_letter_even_for_the_right_code_after(pending):
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(ValidationError) as refused:
            neighbours.code_enter(neighbour=pending, typed="WRONGCDE", now=NOW)
        assert (refused.value.code, refused.value.params) == ("wrong", {"left": left})
    assert VerificationCode.objects.get().failures == 5
    with pytest.raises(ValidationError) as refused:
        neighbours.code_enter(neighbour=pending, typed=letter.code, now=NOW)
    assert refused.value.code == "locked"
    pending.refresh_from_db()
    assert not pending.is_verified
    # a locked letter puts the neighbour back on the list of letters to print
    assert neighbours.letters_to_print(municipality=pending.municipality, now=NOW) == [pending]


def test_a_new_letter_replaces_the_code_before_it(pending):
    old = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    new = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    assert VerificationCode.objects.filter(replaced_at=None).count() == 1
    with pytest.raises(ValidationError):
        neighbours.code_enter(neighbour=pending, typed=old.code, now=NOW)
    neighbours.code_enter(neighbour=pending, typed=new.code, now=NOW)
    pending.refresh_from_db()
    assert pending.is_verified


def test_letters_to_print_lists_who_waits_for_a_working_code(pending, rosiaz):
    at_counter = neighbour(rosiaz, "Claire Guichet", verified=False, channel="counter")
    assert at_counter not in neighbours.letters_to_print(municipality=rosiaz.municipality, now=NOW)
    assert neighbours.letters_to_print(municipality=rosiaz.municipality, now=NOW) == [pending]
    letter = neighbours.code_issue(neighbour=pending, actor=None, now=NOW)
    assert neighbours.letters_to_print(municipality=rosiaz.municipality, now=NOW) == []
    later = letter.expires_at + dt.timedelta(seconds=1)
    assert neighbours.letters_to_print(municipality=rosiaz.municipality, now=later) == [pending]


def test_the_counter_needs_the_id_checked_and_withdraws_the_codes_out(pending, coordinator):
    letter = neighbours.code_issue(neighbour=pending, actor=coordinator, now=NOW)
    with pytest.raises(ValidationError):
        neighbours.neighbour_verify_at_counter(
            neighbour=pending, coordinator=coordinator, id_checked=False, now=NOW
        )
    neighbours.neighbour_verify_at_counter(
        neighbour=pending, coordinator=coordinator, id_checked=True, now=NOW
    )
    pending.refresh_from_db()
    assert pending.is_verified and pending.channel == "counter"
    assert pending.verified_by == coordinator
    assert VerificationCode.objects.get().replaced_at == NOW
    assert letter.code
