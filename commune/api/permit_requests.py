"""POST /api/v1/<town>/permits/requests: a utility's systems submit an excavation permit
request with an API token. The same form, services and checks as the web page; an
Idempotency-Key header makes a retried POST return the request it already created. A key
belongs to the token's organisation (no one else's key ever finds its request), and the same
key with other data is a 422. The answer lists what the checks found, written in the request's
language (Accept-Language), as the applicant may read them: other people's works only as the
public works map shows them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer

from commune.permits.disclosure import findings_for
from commune.permits.forms import PLANNED_DATES, PermitRequestForm
from commune.permits.models.texts import Audience
from commune.permits.services import submission
from commune.permits.services.geometry import WorkAreasIn
from commune.permits.services.tokens import api_token_authenticate
from commune.tenants.models import Module


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return api_token_authenticate(raw=token, now=timezone.now())


router = Router(tags=["permits"], auth=TokenAuth())


#: A text the form requires: a character other than a space (the form strips spaces, and
#: Python counts \x1c-\x1f as spaces) and no NUL character (the form refuses it).
REQUIRED_TEXT = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
OPTIONAL_TEXT = r"^[^\x00]*$"
#: The form's fields: the schema states their rules, so that what it allows the form accepts.
_FORM = PermitRequestForm.base_fields
_PLANNED = (
    f"Between {PLANNED_DATES.years_before} year before and {PLANNED_DATES.years_after} years "
    "after today (Europe/Zurich)"
)


def _text(name: str, default: str | None = None, description: str | None = None):
    required = default is None
    return Field(
        ... if required else default,
        max_length=_FORM[name].max_length,
        pattern=REQUIRED_TEXT if required else OPTIONAL_TEXT,
        description=description,
    )


def _number(name: str, default, description: str | None = None):
    field = _FORM[name]
    return Field(default, ge=field.min_value, le=field.max_value, description=description)


class PermitRequestIn(Schema):
    site_manager_name: str = _text("site_manager_name")
    site_manager_phone: str = _text("site_manager_phone")
    invoice_address: str = _text(
        "invoice_address", "", "Defaults to the organisation's (required if it has none)."
    )
    contact_phone: str = _text("contact_phone", "")
    kind: Literal["water", "gas", "electricity", "telecom", "district_heating", "sewer", "other"]
    description: str = _text("description")
    is_emergency: bool = False
    road_closure: Literal["none", "one_lane", "full"] = "none"
    pavement_closure: bool = False
    parking_places_removed: int = _number("parking_places_removed", 0)
    diversion: str = _text("diversion", "")
    road_category: Literal["local", "collector", "main"] = "local"
    planned_start: dt.date = Field(..., description=f"{_PLANNED}.")
    planned_end: dt.date = Field(..., description=f"{_PLANNED}, on or after planned_start.")
    work_areas: WorkAreasIn
    line_width_m: float | None = Field(
        None,
        ge=float(_FORM["line_width_m"].min_value),
        le=float(_FORM["line_width_m"].max_value),
        description="Trench width for lines (m), to the centimetre.",
    )


class FindingOut(Schema):
    kind: Literal["conflict", "moratorium", "coordination", "notice", "emergency"]
    label: str = Field(..., description="The kind in words.")
    message: str = Field(..., description="What was found, in the request's language.")

    @staticmethod
    def resolve_message(finding) -> str:
        return finding.text


class PermitRequestOut(Schema):
    id: int
    reference: str
    status: str
    routine: bool = Field(..., alias="is_routine")
    findings: list[FindingOut] = Field(
        ...,
        description="What the automatic checks found on submission (Accept-Language). Other "
        "parties' works appear once the public works map shows them, by reference and "
        "organisation, never by a private person's name.",
    )

    @staticmethod
    def resolve_findings(permit) -> list:
        return findings_for(permit=permit, audience=Audience.APPLICANT)


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


#: The form's field names that the API's payload spells otherwise.
API_NAMES = {"geometry": "work_areas"}


def _api_errors(errors: dict) -> dict[str, list[str]]:
    """Errors keyed by the payload's field names, each a sentence."""
    return {
        API_NAMES.get(name, name): [str(m) for m in messages] for name, messages in errors.items()
    }


def _form_data(payload: PermitRequestIn, organisation) -> dict[str, Any]:
    data = payload.dict()
    data["invoice_address"] = data["invoice_address"] or organisation.invoice_address
    data["geometry"] = json.dumps(data.pop("work_areas"))
    width = data["line_width_m"]
    data["line_width_m"] = "" if width is None else f"{width:.2f}"
    data["organisation"] = str(organisation.pk)
    for name in ("is_emergency", "pavement_closure"):
        if not data[name]:
            data.pop(name)
    return data


@router.post(
    "/requests",
    response={
        201: PermitRequestOut,
        200: PermitRequestOut,
        400: ErrorsOut,
        401: ErrorsOut,
        404: ErrorsOut,
        422: ErrorsOut,
        429: ErrorsOut,
    },
    summary="Submit an excavation permit request",
    description="With an `Idempotency-Key`, a retry returns the request already made (200); "
    "the same key with other data is refused (422). Keys are the organisation's own.",
)
def permit_request_create(
    request,
    payload: PermitRequestIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Your own key for this request (a UUID, a job number): a retry with the "
        "same key and data returns the request made; no one else's key ever finds it.",
    ),
):
    town, token = request.municipality, request.auth
    if Module.PERMITS not in town.enabled_modules():
        return Status(
            404, {"errors": {"__all__": [_("This town does not take permit requests online.")]}}
        )
    user = token.created_by
    form = PermitRequestForm(_form_data(payload, token.organisation), municipality=town, user=user)
    if not form.is_valid():
        return Status(400, {"errors": _api_errors(form.errors)})
    try:
        permit, created = submission.permit_file(
            municipality=town,
            applicant=user,
            organisation=token.organisation,
            data=form.cleaned_data,
            areas=form.areas,
            submission_key=idempotency_key,
            now=timezone.now(),
        )
    except submission.SubmissionKeyReused as exc:
        message = _(
            "This Idempotency-Key was already used for request %(ref)s with other data; "
            "nothing was saved. Send a new key for a new request."
        ) % {"ref": exc.permit}
        return Status(422, {"errors": {"Idempotency-Key": [message]}})
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(400, {"errors": _api_errors(errors)})
    return Status(201 if created else 200, permit)
