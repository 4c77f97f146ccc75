"""HTTP behaviour shared by the OGC API views: methods, HEAD, CORS, parameter errors.

Every resource answers GET and HEAD (the same headers, no body) and the CORS preflight
(OPTIONS). The data is public and no credentials are involved, so every answer, errors
included, carries `Access-Control-Allow-Origin: *` and a web map on any site can read it;
cookies are never honoured cross-site (no `Access-Control-Allow-Credentials`).
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.utils.translation import gettext as _

from .params import BadParameter

METHODS = ("GET", "HEAD", "OPTIONS")
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    # the headers a script may read besides the simple ones (Content-Type, …)
    "Access-Control-Expose-Headers": "Content-Crs, Content-Length, Link",
}
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Language",
    "Access-Control-Max-Age": "86400",
}


def permits_module(view):
    """Mark a view as part of the permits module: 404 in towns that have not enabled it."""
    view.commune_module = "permits"
    return view


def error(status: int, code: str, description: str, **extra) -> JsonResponse:
    """An OGC exception document {"code", "description"}."""
    return JsonResponse({"code": code, "description": description, **extra}, status=status)


def _cors(response: HttpResponse) -> HttpResponse:
    for name, value in CORS_HEADERS.items():
        response[name] = value
    return response


def _preflight() -> HttpResponse:
    response = HttpResponse(status=204)
    response["Allow"] = ", ".join(METHODS)
    for name, value in PREFLIGHT_HEADERS.items():
        response[name] = value
    return _cors(response)


def _without_body(response: HttpResponse) -> HttpResponse:
    """HEAD: the GET answer's headers, its length included, and no body."""
    if not response.streaming:
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def ogc_view(allowed: set[str] | None = None):
    """Common behaviour: GET/HEAD/OPTIONS, permits module, CORS, 400 on BadParameter and on
    unknown parameters (`allowed`: the query parameters the view reads; `f` by default)."""

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            if request.method not in METHODS:
                return _cors(HttpResponseNotAllowed(METHODS))
            if request.method == "OPTIONS":
                return _preflight()
            try:
                unknown = set(request.GET) - (allowed or {"f"})
                if unknown:
                    raise BadParameter(
                        sorted(unknown)[0],
                        _("Unknown parameter: %(p)s.") % {"p": ", ".join(sorted(unknown))},
                    )
                response = view(request, *args, **kwargs)
            except BadParameter as exc:
                response = error(400, "InvalidParameterValue", exc.message, parameter=exc.name)
            if request.method == "HEAD":
                response = _without_body(response)
            return _cors(response)

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return permits_module(wrapped)

    return decorator
