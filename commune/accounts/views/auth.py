"""Log in, the second factor, log out and password reset."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from commune.tenants.links import town_of_request

from .. import second_factor, services, throttles
from ..access import two_factor_url
from ..forms import CodeForm, CommuneSetPasswordForm, EmailForm, EmailLoginForm
from ._helpers import safe_next


class CommuneLoginView(auth_views.LoginView):
    """django-axes locks an account for one address; the address's own limit on failures
    (whatever the account) stops password spraying."""

    template_name = "accounts/login.html"
    form_class = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        self.attempt = throttles.login_attempt(request)
        if not self.attempt.allowed:
            return throttles.refused(request, self.attempt, throttles.LOGIN_REFUSED)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        throttles.login_succeeded(self.attempt)
        response = super().form_valid(form)
        if second_factor.needs_second_factor(self.request.user):
            return redirect(two_factor_url(self.get_success_url()))
        return response


login_view = CommuneLoginView.as_view()


@require_POST
def logout_view(request):
    logout(request)
    return redirect("platform-home")


@login_required
def two_factor(request):
    """Enrol an authenticator app (first time) or type its current code."""
    user = request.user
    next_url = safe_next(request)
    if not second_factor.needs_second_factor(user) or user.is_verified():
        return redirect(next_url)
    devices = second_factor.confirmed_devices(user)
    enrolling = not devices
    if enrolling:
        devices = [second_factor.enrolment_device(user)]
    form = CodeForm(request.POST or None, devices=devices)
    if request.method == "POST" and form.is_valid():
        if enrolling:
            second_factor.device_confirm(device=form.device)
            messages.success(request, _("Your authenticator app is set up."))
        otp_login(request, form.device)
        return redirect(next_url)
    context = {"form": form, "enrolling": enrolling, "next": next_url}
    if enrolling:
        device = devices[0]
        context |= {
            "qr_svg": second_factor.qr_svg(device.config_url),
            "key": second_factor.base32_key(device),
        }
    return render(request, "accounts/two_factor.html", context)


def password_reset(request):
    """Answers the same whether or not the account exists, also past the limit per mailbox
    (nothing is sent then); past the limit per address, a 429 (counted for every request, so it
    tells nothing about accounts either). The link is on the configured site or the town's own
    domain, never on the Host of the request."""
    form = EmailForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refusal = throttles.mail_on_request(
            request,
            email,
            lambda: services.password_reset_request(
                email=email, link_town=town_of_request(request)
            ),
        )
        return refusal or redirect("accounts:password_reset_done")
    return render(request, "accounts/password_reset_form.html", {"form": form})


password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=CommuneSetPasswordForm,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
