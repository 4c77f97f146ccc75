"""A company's people: the manager invites colleagues and removes members."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from commune.tenants.links import town_of_request

from .. import selectors, services, throttles, tokens
from ..forms import EmailForm, InvitationAcceptForm
from ..models import OrganisationInvitation, OrganisationMember

TOO_MANY_MAILS = gettext_lazy(
    "Several e-mails were sent to this address within the hour. Try again later."
)


@login_required
def organisation(request):
    return render(
        request,
        "accounts/organisation.html",
        {"entries": selectors.organisation_pages(user=request.user), "invite_form": EmailForm()},
    )


@login_required
@require_POST
def organisation_invite(request, org_id: int):
    membership = get_object_or_404(
        OrganisationMember, organisation_id=org_id, user=request.user, is_manager=True
    )
    form = EmailForm(request.POST)
    if form.is_valid():
        verdict = throttles.mail_request(request)
        if not verdict.allowed:
            return throttles.refused(request, verdict, throttles.MAILS_REFUSED)
        try:
            if not throttles.mail_to_allowed(form.cleaned_data["email"]):
                raise ValidationError(TOO_MANY_MAILS)
            services.organisation_invite(
                organisation=membership.organisation,
                manager=request.user,
                email=form.cleaned_data["email"],
                link_town=town_of_request(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {
            "entries": selectors.organisation_pages(user=request.user),
            "invite_form": form,
            "invite_org_id": org_id,
        },
        status=400,
    )


@login_required
def organisation_member_remove(request, org_id: int, member_id: int):
    manager = get_object_or_404(
        OrganisationMember, organisation_id=org_id, user=request.user, is_manager=True
    )
    member = get_object_or_404(OrganisationMember, pk=member_id, organisation_id=org_id)
    if request.method == "POST":
        try:
            services.organisation_member_remove(
                organisation=manager.organisation, manager=request.user, member=member
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(name)s was removed.") % {"name": member.user})
        return redirect("accounts:organisation")
    return render(request, "accounts/member_remove.html", {"member": member})


def invitation(request, token: str):
    """Open an invitation: create the account (or use the logged-in one) and join."""
    try:
        data = tokens.invitation_read(token)
        invite = OrganisationInvitation.objects.select_related("organisation").get(
            pk=data["i"], email=data["e"]
        )
    except (tokens.BadToken, OrganisationInvitation.DoesNotExist):
        return render(request, "accounts/invitation_invalid.html", status=400)
    if invite.accepted_at is not None:
        messages.info(request, _("This invitation has already been used."))
        return redirect(
            "accounts:organisation" if request.user.is_authenticated else "accounts:login"
        )
    has_account = selectors.account_exists(email=invite.email)
    user = request.user if request.user.is_authenticated else None
    form = (
        None
        if (user or has_account)
        else InvitationAcceptForm(
            request.POST or None, email=invite.email, initial={"language": request.LANGUAGE_CODE}
        )
    )
    if request.method == "POST" and (user or (form and form.is_valid())):
        fields = (
            {}
            if user
            else {
                "full_name": form.cleaned_data["full_name"],
                "password": form.cleaned_data["password1"],
                "language": form.cleaned_data["language"],
            }
        )
        try:
            member = services.invitation_accept(invitation=invite, user=user, **fields)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if user is None:
                login(request, member, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("You now act for %(org)s.") % {"org": invite.organisation})
            return redirect("accounts:organisation")
    return render(
        request,
        "accounts/invitation.html",
        {"invitation": invite, "form": form, "has_account": has_account},
    )
