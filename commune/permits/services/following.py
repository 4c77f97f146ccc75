"""Who on the applicant's side receives a file's e-mails. The submitter follows by default; the
other members of the file's organisation follow when they choose to; anyone may stop. Someone
who left the organisation receives nothing more about its files, follower or submitter."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from commune.accounts.models import OrganisationMember, User
from commune.permits.models import FileFollower, PermitRequest


def _on_the_side(permit: PermitRequest) -> set[int]:
    """The ids of the people who act for the file now: the members of its organisation, or its
    applicant for a file in a person's own name."""
    if permit.organisation_id is None:
        return {permit.applicant_id}
    members = OrganisationMember.objects.filter(organisation_id=permit.organisation_id)
    return set(members.values_list("user_id", flat=True))


def permit_follows(*, permit: PermitRequest, user: User) -> bool:
    """Whether `user` receives the e-mails about `permit`."""
    if user.pk not in _on_the_side(permit):
        return False
    choice = FileFollower.objects.filter(permit=permit, user=user).values_list("follows", flat=True)
    chosen = choice.first()
    return chosen if chosen is not None else user.pk == permit.applicant_id


def permit_followers(*, permit: PermitRequest) -> list[User]:
    """The people told of everything about `permit`: its submitter unless they stopped, the
    members who follow it; only those still acting for the file, active accounts, in the order
    of the submitter first then by name."""
    side = _on_the_side(permit)
    choices = dict(FileFollower.objects.filter(permit=permit).values_list("user_id", "follows"))
    ids = {uid for uid, follows in choices.items() if follows}
    if choices.get(permit.applicant_id, True):
        ids.add(permit.applicant_id)
    people = User.objects.filter(pk__in=ids & side, is_active=True).order_by("full_name", "pk")
    return sorted(people, key=lambda person: person.pk != permit.applicant_id)


def permit_follow_set(*, permit: PermitRequest, user: User, follows: bool) -> FileFollower:
    """`user` follows `permit` (or stops): only a member of the file's organisation may (a file
    in a person's own name always tells that person)."""
    if permit.organisation_id is None or user.pk not in _on_the_side(permit):
        raise ValidationError(
            _("Only the people of the organisation that made the request can follow it."),
            code="not_a_member",
        )
    row, _created = FileFollower.objects.update_or_create(
        municipality=permit.municipality,
        permit=permit,
        user=user,
        defaults={"follows": follows},
    )
    return row
