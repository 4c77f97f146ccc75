"""What a stranger may ask of the accounts pages, counted per client address and per mailbox.

django-axes locks one account for one address after repeated failures; these limits add what
it does not cover: many accounts tried from one address (password spraying), and mails that
anyone can make us send (password reset, the confirmation link again, invitations,
registrations), so that nobody floods a mailbox or uses us to send mail in bulk.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from commune.core import throttle
from commune.core.client_address import client_address

LOGIN_FAILURES = "login_failures_per_address"
MAILS_PER_ADDRESS = "mails_per_address"
MAILS_PER_RECIPIENT = "mails_per_recipient"

LOGIN_REFUSED = _("Too many failed log-in attempts from your connection.")
MAILS_REFUSED = _("Too many requests from your connection.")


def login_attempt(request) -> throttle.Verdict:
    """Counted before the password is checked; a successful log-in gives its place back."""
    return throttle.hit(LOGIN_FAILURES, client_address(request))


def login_succeeded(attempt: throttle.Verdict) -> None:
    throttle.refund(attempt)


def mail_request(request) -> throttle.Verdict:
    """A request from this client that sends a mail (whatever its recipient)."""
    return throttle.hit(MAILS_PER_ADDRESS, client_address(request))


def mail_to_allowed(email: str) -> bool:
    """Whether one more mail may go to `email`. Counted for any address, with or without an
    account, so that the answer tells nothing about which accounts exist."""
    return throttle.hit(MAILS_PER_RECIPIENT, email.strip().lower()).allowed


def mail_on_request(request, email: str, send: Callable[[], None]) -> HttpResponse | None:
    """`send()` the mail a stranger asked for, within both limits. Past the address's limit,
    the 429 page to answer; past the mailbox's, nothing is sent and the caller answers as
    usual, so that the page never tells whether an account exists."""
    verdict = mail_request(request)
    if not verdict.allowed:
        return refused(request, verdict, MAILS_REFUSED)
    if mail_to_allowed(email):
        send()
    return None


def refused(request, verdict: throttle.Verdict, reason) -> HttpResponse:
    """Our 429 page, in the visitor's language, with the wait in minutes and Retry-After."""
    minutes = math.ceil(verdict.retry_after / 60)
    wait = ngettext(
        "Please wait %(minutes)s minute before trying again.",
        "Please wait %(minutes)s minutes before trying again.",
        minutes,
    ) % {"minutes": minutes}
    response = render(
        request, "accounts/throttled.html", {"reason": reason, "wait": wait}, status=429
    )
    response["Retry-After"] = str(verdict.retry_after)
    return response
