"""One error format for the whole API, in the caller's language: `{"errors": {field: [...]}}`
with status 400 for anything the caller must fix, whether the schema or a form refused it.

* `BoundedParser` reads request bodies with the bounded JSON parser (depth, NaN, lone
  surrogates), so a body nested 50,000 deep is a 400 that says so.
* Ninja's schema errors (pydantic, 422 `{"detail": [...]}` in English by default) become 400s
  keyed by the payload's field, each told with `commune.core.schema_errors`.
* Ninja's other HTTP errors (401 without a valid token, a body that is not JSON) keep their
  status and take the same shape.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from commune.core.bounds import BadJSON, json_loads_bounded
from commune.core.schema_errors import error_messages, where

ALL = "__all__"


class BoundedParser(Parser):
    def parse_body(self, request):
        return json_loads_bounded(request.body)


def errors_body(messages: dict[str, list[str]]) -> dict:
    return {"errors": messages}


def _field_and_place(loc: tuple) -> tuple[str, tuple]:
    """("body", "payload", "work_areas", "coordinates", 0) -> ("work_areas", ("coordinates", 0))"""
    source, *rest = loc
    if source == "body" and len(rest) > 1:
        rest = rest[1:]  # the payload's own name
    if not rest:
        return ALL, ()
    return str(rest[0]), tuple(rest[1:])


def schema_error(request, exc: ValidationError, *, api: NinjaAPI):
    errors: dict[str, list[str]] = {}
    for loc, message in error_messages(exc.errors):
        field, place = _field_and_place(loc)
        if place:
            message = _("%(message)s (at %(where)s)") % {"message": message, "where": where(place)}
        errors.setdefault(field, []).append(message)
    return api.create_response(request, errors_body(errors), status=400)


def http_error(request, exc: HttpError, *, api: NinjaAPI):
    if isinstance(exc.__cause__, BadJSON):
        message = exc.__cause__.message
    elif isinstance(exc, AuthenticationError):
        message = _("Give a valid API token: Authorization: Bearer <token>.")
    else:
        message = str(exc)
    return api.create_response(request, errors_body({ALL: [message]}), status=exc.status_code)


def install(api: NinjaAPI) -> None:
    """Give `api` this module's error format (before it serves its first request)."""
    api.parser = BoundedParser()
    api.add_exception_handler(ValidationError, partial(schema_error, api=api))
    api.add_exception_handler(HttpError, partial(http_error, api=api))
