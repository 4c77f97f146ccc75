"""Calls made with an API token are throttled per token (settings.THROTTLES
"api_calls_per_token"), with the same atomic counters as the log-in and mail throttles. Past the
limit Ninja answers 429 with Retry-After; the body says why in the caller's language.

Set on the whole API, so every endpoint that takes a token is covered, present or future; an
endpoint without authentication is not counted here. Ninja's own rate throttles are not used:
they keep a list of times per key, read then written (hits are lost under concurrency), and
identify anonymous callers by a client-chosen X-Forwarded-For.
"""

from __future__ import annotations

import threading

from django.utils.translation import gettext as _
from ninja.errors import Throttled
from ninja.throttling import BaseThrottle

from commune.core import throttle
from commune.permits.models.tokens import ApiToken

LIMIT = "api_calls_per_token"


class TokenThrottle(BaseThrottle):
    """One instance serves every request, so the last verdict is kept per thread for wait()."""

    def __init__(self) -> None:
        self._last = threading.local()

    def allow_request(self, request) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        verdict = throttle.hit(LIMIT, f"token:{token.pk}")
        self._last.retry_after = verdict.retry_after
        return verdict.allowed

    def wait(self) -> float | None:
        return getattr(self._last, "retry_after", None)


def throttled(request, exc: Throttled, *, api):
    """The 429 in the API's error format ({"errors": {"__all__": [...]}})."""
    message = _("Too many requests with this token. Try again later.")
    return api.create_response(request, {"errors": {"__all__": [message]}}, status=429)
