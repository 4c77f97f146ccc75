"""Forms of the accounts pages: they parse and check input; services do the writing."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import Department

from .models import Organisation, Role, User
from .services.registration import DUPLICATE_EMAIL, DUPLICATE_UID
from .validators import uid_normalise

LANGUAGE_CHOICES = settings.LANGUAGES


class EmailLoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise ValidationError(
                format_html(
                    '{} <a href="{}">{}</a>',
                    _("Confirm your e-mail address first: open the link we sent you."),
                    reverse("accounts:resend"),
                    _("Send the link again"),
                ),
                code="unverified",
            )


class _PasswordPair(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def _check_passwords(self, user: User) -> None:
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if not first or not second:
            return
        if first != second:
            self.add_error("password2", _("The two passwords differ."))
            return
        try:
            password_validation.validate_password(first, user)
        except ValidationError as exc:
            self.add_error("password1", exc)


class RegisterForm(_PasswordPair):
    account_type = forms.ChoiceField(
        label=_("I register as"),
        choices=[
            (User.Kind.CITIZEN, _("A private person")),
            (User.Kind.COMPANY, _("A company or utility")),
        ],
        widget=forms.RadioSelect,
        initial=User.Kind.CITIZEN,
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=LANGUAGE_CHOICES)
    org_name = forms.CharField(label=_("Company name"), max_length=200, required=False)
    uid = forms.CharField(
        label=_("Business number (UID)"),
        max_length=30,
        required=False,
        help_text=_("As in the commercial register: CHE-123.456.789."),
    )
    org_kind = forms.ChoiceField(
        label=_("Kind of organisation"), choices=Organisation.Kind.choices, required=False
    )
    address = forms.CharField(
        label=_("Address"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    invoice_address = forms.CharField(
        label=_("Invoicing address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Leave empty if it is the same as the address."),
    )

    company_fields = ("org_name", "uid", "org_kind", "address", "invoice_address")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(DUPLICATE_EMAIL, code="duplicate")
        return email

    def clean_uid(self):
        value = self.cleaned_data["uid"].strip()
        if not value:
            return ""
        uid = uid_normalise(value)
        if Organisation.objects.filter(uid=uid).exists():
            raise ValidationError(DUPLICATE_UID, code="taken")
        return uid

    def clean(self):
        data = super().clean()
        if data.get("account_type") == User.Kind.COMPANY:
            for name in ("org_name", "uid", "org_kind", "address"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Required for a company or utility."))
        self._check_passwords(
            User(email=data.get("email", ""), full_name=data.get("full_name", ""))
        )
        return data

    def organisation_data(self) -> dict | None:
        data = self.cleaned_data
        if data["account_type"] != User.Kind.COMPANY:
            return None
        return {
            "name": data["org_name"],
            "uid": data["uid"],
            "kind": data["org_kind"],
            "address": data["address"],
            "invoice_address": data["invoice_address"] or data["address"],
        }

    def company_bound_fields(self):
        return [self[name] for name in self.company_fields]

    def person_bound_fields(self):
        return [self[n] for n in ("full_name", "email", "language", "password1", "password2")]


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class InvitationAcceptForm(_PasswordPair):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language for e-mails"), choices=LANGUAGE_CHOICES)
    field_order = ["full_name", "language", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        self._check_passwords(User(email=self.email, full_name=data.get("full_name", "")))
        return data


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("My language"), choices=LANGUAGE_CHOICES)


class CodeForm(forms.Form):
    """Checks a TOTP code against the user's devices, with django-otp's throttling."""

    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, *args, devices, **kwargs):
        super().__init__(*args, **kwargs)
        self.devices = devices
        self.device = None

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        for device in self.devices:
            allowed, _info = device.verify_is_allowed()
            if not allowed:
                raise ValidationError(
                    _("Too many wrong codes. Wait a few seconds, then type the current code."),
                    code="throttled",
                )
        if not code.isdigit():
            raise ValidationError(_("The code is made of digits only."), code="format")
        for device in self.devices:
            if device.verify_token(code):
                self.device = device
                return code
        raise ValidationError(
            _("This code is not right. Type the code your app shows now (it changes every 30 s)."),
            code="wrong",
        )


class CommuneSetPasswordForm(SetPasswordForm):
    """Choosing a password through an e-mailed link also proves the address."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.email_verified = True
        if commit:
            user.save(update_fields=["password", "email_verified"])
        return user


class RoleGrantForm(forms.Form):
    """Give a role to a person, found by e-mail; a new address creates a staff account."""

    email = forms.EmailField(label=_("E-mail"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_("Needed only for a person who has no account yet."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department._base_manager.none(),  # set per request, in scope
        required=False,
        help_text=_("Required for a service reviewer."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.all()  # the request's town

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.SERVICE_REVIEWER and not data.get("department"):
            self.add_error("department", _("A service reviewer needs a department."))
        return data
