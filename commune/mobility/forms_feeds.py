"""The form of a vendor feed: where to pull, how often, and how to read the file (the options
an upload's preview stores). The password or token is write-only: never rendered back."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from .forms import CSV_KINDS, MAPPED, ImportUploadForm
from .models import VendorFeed
from .services.feed_fetch import allowed_host, is_internal

#: The reading options of a counts file (DataImport.options) the form asks for.
READING = ("delimiter", "decimal")


def _unprintable(value: str) -> bool:
    """Control characters: in an HTTP header they would end it (or the request would fail)."""
    return any(ord(c) < 32 or ord(c) == 127 for c in value)


def _server(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class FeedForm(forms.ModelForm):
    """A vendor feed, for the town's analysts."""

    url = forms.URLField(
        label=_("Address (URL)"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The vendor's export, https://… (a file in the same format each time)."),
    )
    secret = forms.CharField(
        label=_("Password or token"),
        required=False,
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Never shown again. Leave empty to keep the one stored."),
    )
    delimiter = forms.ChoiceField(
        label=_("Column separator"),
        required=False,
        choices=[
            ("", _("Detect it")),
            (";", _("Semicolon ;")),
            (",", _("Comma ,")),
            ("\\t", _("Tab (Excel's Unicode text)")),
            ("|", _("Vertical bar |")),
        ],
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
    decimal = forms.ChoiceField(
        label=_("Decimal mark"),
        choices=[(".", _("Point: 100.5")), (",", _("Comma: 100,5"))],
    )

    class Meta:
        model = VendorFeed
        fields = ["name", "url", "auth", "username", "every_hours", "kind", "time_zone"]
        widgets = {"username": forms.TextInput(attrs={"autocomplete": "off"})}
        labels = {"every_hours": _("How often to pull")}

    field_order = ["name", "url", "auth", "username", "secret", "every_hours", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label) for value, label in self.fields["kind"].choices if value in CSV_KINDS
        ]
        options = self.instance.options or {}
        self.fields["delimiter"].initial = {"\t": "\\t"}.get(
            options.get("delimiter", ""), options.get("delimiter", "")
        )
        self.fields["decimal"].initial = options.get("decimal", ".")
        for name, label in MAPPED.items():
            self.fields[f"map_{name}"] = forms.CharField(
                label=_("Column: %(name)s") % {"name": label},
                required=False,
                max_length=100,
                initial=options.get(name, ""),
            )

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.username or parts.password:
            raise forms.ValidationError(
                _("Put the user name and password in their fields, not in the address.")
            )
        if parts.scheme != "https" and not (parts.scheme == "http" and allowed_host(host)):
            raise forms.ValidationError(_("The address must start with https://."))
        try:
            internal = is_internal(host.strip("[]"))
        except ValueError:  # a name, resolved by the worker at each pull
            internal = False
        if internal and not allowed_host(host):
            raise forms.ValidationError(
                _("This address leads to an internal network: it is refused.")
            )
        return url

    def clean_username(self):
        value = self.cleaned_data["username"]
        if _unprintable(value) or ":" in value:
            raise forms.ValidationError(_("A user name holds neither “:” nor control characters."))
        return value

    def clean_secret(self):
        value = self.cleaned_data["secret"]
        if _unprintable(value):
            raise forms.ValidationError(_("A password or token holds no control characters."))
        return value

    def clean_time_zone(self):
        return ImportUploadForm.clean_time_zone(self)

    def clean_delimiter(self):
        value = self.cleaned_data["delimiter"]
        return "\t" if value == "\\t" else value

    def clean(self):
        cleaned = super().clean()
        auth, stored = cleaned.get("auth"), bool(self.instance.secret)
        if auth == VendorFeed.Auth.BASIC and not cleaned.get("username"):
            self.add_error("username", _("Give the user name."))
        if auth in {VendorFeed.Auth.BASIC, VendorFeed.Auth.BEARER} and not cleaned.get("secret"):
            if not (stored and self.instance.auth == auth):
                self.add_error("secret", _("Give the password or token."))
            elif "url" in cleaned and _server(cleaned["url"]) != _server(self.instance.url):
                # the stored secret goes to the server it was given for, never to a new one
                self.add_error(
                    "secret", _("The address leads to another server: give the password again.")
                )
        if auth == VendorFeed.Auth.BEARER and not cleaned.get("secret", "").isascii():
            self.add_error("secret", _("A token is written with ASCII characters only."))
        return cleaned

    def save(self, commit=True):
        feed = super().save(commit=False)
        feed.options = self.reading_options()
        return feed

    def reading_options(self) -> dict:
        """The options as an upload's preview stores them on its DataImport (counts only)."""
        data = self.cleaned_data
        if data.get("kind") != VendorFeed._meta.get_field("kind").default:
            return {}
        options = {name: data[name] for name in READING if data.get(name)}
        for name in MAPPED:
            column = (data.get(f"map_{name}") or "").strip()
            if column:
                options[name] = column
        return options
