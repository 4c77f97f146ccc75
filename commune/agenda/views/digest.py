"""The weekly e-mail digest's pages: subscribe (the choices go out as a confirmation link),
confirm (double opt-in), and unsubscribe — RFC 8058's one-click POST, without log-in or CSRF
token, and a confirmation page with a button for a person who opens the link."""

from __future__ import annotations

from django import forms
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commune.accounts import throttles

from .. import digest
from ..models import Category, Language


class SubscribeForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    categories = forms.MultipleChoiceField(
        label=_("The activities you want to hear about"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one kind of activity.")},
    )
    language = forms.ChoiceField(label=_("Language of the e-mail"), choices=Language.choices)


def _url(request, name: str) -> str:
    return reverse(f"agenda:digest:{name}", kwargs={"town": request.municipality.slug})


def _invalid(request):
    return render(request, "agenda/digest_invalid.html", status=400)


@require_http_methods(["GET", "POST"])
def subscribe(request):
    town = request.municipality
    language = (translation.get_language() or "fr")[:2]
    form = SubscribeForm(
        request.POST or None,
        initial={"language": language if language in Language.values else "fr"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def send():
            digest.digest_subscribe_request(
                municipality=town,
                email=data["email"],
                categories=data["categories"],
                language=data["language"],
            )

        refused = throttles.mail_on_request(request, data["email"], send)
        if refused is not None:
            return refused
        return redirect(_url(request, "sent"))
    return render(request, "agenda/digest_subscribe.html", {"form": form})


def sent(request):
    return render(request, "agenda/digest_message.html", {"kind": "sent"})


@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    """GET shows the choices and a button (a mail scanner that follows links confirms
    nothing); POST stores the subscription."""
    town = request.municipality
    try:
        data = digest.digest_confirm_read(municipality=town, token=token)
    except digest.BadToken:
        return _invalid(request)
    if request.method == "POST":
        digest.digest_confirm(municipality=town, token=token, now=timezone.now())
        return render(request, "agenda/digest_message.html", {"kind": "confirmed"})
    labels = [Category(c).label for c in data["c"] if c in Category.values]
    return render(request, "agenda/digest_confirm.html", {"email": data["e"], "categories": labels})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click` here, with no cookie and
    no CSRF token, and the subscription ends at once. A person who opens the link sees a
    button (GET changes nothing: link checkers open links too)."""
    town = request.municipality
    try:
        if request.method == "POST":
            digest.digest_unsubscribe(municipality=town, token=token, now=timezone.now())
            return render(request, "agenda/digest_message.html", {"kind": "unsubscribed"})
        subscription = digest.digest_subscription_for_token(municipality=town, token=token)
    except digest.BadToken:
        return _invalid(request)
    return render(request, "agenda/digest_unsubscribe.html", {"subscription": subscription})
