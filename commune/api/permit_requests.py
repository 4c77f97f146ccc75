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
from commune.permits.forms import PermitRequestForm
from commune.permits.models.texts import Audience
from commune.permits.services import submission
from commune.permits.services.tokens import api_token_authenticate
from commune.tenants.models import Module


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return api_token_authenticate(raw=token, now=timezone.now())


router = Router(tags=["permits"], auth=TokenAuth())


class PermitRequestIn(Schema):
    site_manager_name: str
    site_manager_phone: str
    invoice_address: str = Field("", description="Defaults to the organisation's.")
    contact_phone: str = ""
    kind: Literal["water", "gas", "electricity", "telecom", "district_heating", "sewer", "other"]
    description: str
    is_emergency: bool = False
    road_closure: Literal["none", "one_lane", "full"] = "none"
    pavement_closure: bool = False
    parking_places_removed: int = 0
    diversion: str = ""
    road_category: Literal["local", "collector", "main"] = "local"
    planned_start: dt.date
    planned_end: dt.date
    work_areas: dict[str, Any] = Field(
        ..., description="GeoJSON geometry, Feature or FeatureCollection, in WGS84 or LV95."
    )
    line_width_m: float | None = Field(None, description="Trench width for lines (m).")


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


def _form_data(payload: PermitRequestIn, organisation) -> dict[str, Any]:
    data = payload.dict()
    data["invoice_address"] = data["invoice_address"] or organisation.invoice_address
    data["geometry"] = json.dumps(data.pop("work_areas"))
    data["line_width_m"] = "" if data["line_width_m"] is None else str(data["line_width_m"])
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
        404: ErrorsOut,
        422: ErrorsOut,
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
            404, {"errors": {"__all__": ["This town does not take permit requests online."]}}
        )
    user = token.created_by
    form = PermitRequestForm(_form_data(payload, token.organisation), municipality=town, user=user)
    if not form.is_valid():
        return Status(400, {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}})
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
        return Status(400, {"errors": errors})
    return Status(201 if created else 200, permit)
