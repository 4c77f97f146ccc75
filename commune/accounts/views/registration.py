"""Self-registration, e-mail verification and resending the link."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from commune.tenants.links import town_of_request

from .. import services, throttles, tokens
from ..forms import EmailForm, RegisterForm


def register(request):
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    form = RegisterForm(request.POST or None, initial={"language": request.LANGUAGE_CODE})
    if request.method == "POST":
        # Counted before the form is read: a registration mails a link, and a refused one
        # tells that the address has an account, so neither may be tried at will.
        verdict = throttles.mail_request(request)
        if not verdict.allowed:
            return throttles.refused(request, verdict, throttles.MAILS_REFUSED)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_register(
                email=data["email"],
                full_name=data["full_name"],
                password=data["password1"],
                language=data["language"],
                kind=data["account_type"],
                organisation=form.organisation_data(),
                link_town=town_of_request(request),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            request.session["registered_email"] = data["email"]
            return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


def register_done(request):
    return render(
        request,
        "accounts/register_done.html",
        {"email": request.session.get("registered_email", ""), "form": EmailForm()},
    )


def verify(request, token: str):
    try:
        services.email_verify(token=token)
    except tokens.BadToken:
        return render(request, "accounts/verify_failed.html", {"form": EmailForm()}, status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can log in."))
    return redirect("accounts:login")


def resend(request):
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = throttles.mail_on_request(
            request,
            email,
            lambda: services.verification_resend(email=email, link_town=town_of_request(request)),
        )
        if refusal:
            return refusal
        messages.success(
            request,
            _(
                "If an account with this address still waits for confirmation, a new link is on "
                "its way."
            ),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend.html", {"form": form})
