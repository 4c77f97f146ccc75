"""POST /api/v1/<town>/permits/requests: a utility's systems submit an excavation permit
request with an API token. The same form, services and checks as the web page; an
Idempotency-Key header makes a retried POST return the request it already created. The answer
lists what the checks found, written in the request's language (Accept-Language)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer

from commune.permits.forms import PermitRequestForm
from commune.permits.models import PermitRequest
from commune.permits.services import submission
from commune.permits.services.tokens import api_token_authenticate
from commune.tenants.models import Module

IDEMPOTENCY_NS = uuid.UUID("0b6f1c52-7d0e-4f43-9a55-3f4c8d2e1a90")


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
    def resolve_label(finding) -> str:
        return str(finding.get_kind_display())

    @staticmethod
    def resolve_message(finding) -> str:
        return finding.text


class PermitRequestOut(Schema):
    id: int
    reference: str
    status: str
    routine: bool = Field(..., alias="is_routine")
    findings: list[FindingOut] = Field(
        ..., description="What the automatic checks found on submission (Accept-Language)."
    )

    @staticmethod
    def resolve_findings(permit) -> list:
        return list(permit.findings.all())


class ErrorsOut(Schema):
    errors: dict[str, list[str]]


def _form_data(payload: PermitRequestIn, organisation, key: uuid.UUID) -> dict[str, Any]:
    data = payload.dict()
    data["invoice_address"] = data["invoice_address"] or organisation.invoice_address
    data["geometry"] = json.dumps(data.pop("work_areas"))
    data["line_width_m"] = "" if data["line_width_m"] is None else str(data["line_width_m"])
    data["organisation"] = str(organisation.pk)
    data["submission_key"] = str(key)
    for name in ("is_emergency", "pavement_closure"):
        if not data[name]:
            data.pop(name)
    return data


@router.post(
    "/requests",
    response={201: PermitRequestOut, 200: PermitRequestOut, 400: ErrorsOut, 404: ErrorsOut},
    summary="Submit an excavation permit request",
)
def permit_request_create(
    request,
    payload: PermitRequestIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    town, token = request.municipality, request.auth
    if Module.PERMITS not in town.enabled_modules():
        return Status(
            404, {"errors": {"__all__": ["This town does not take permit requests online."]}}
        )
    key = uuid.uuid5(IDEMPOTENCY_NS, f"{token.organisation_id}:{idempotency_key or uuid.uuid4()}")
    existing = PermitRequest.objects.filter(municipality=town, submission_key=key).first()
    if existing is not None:
        return Status(200, existing)
    user = token.created_by
    form = PermitRequestForm(
        _form_data(payload, token.organisation, key), municipality=town, user=user
    )
    if not form.is_valid():
        return Status(400, {"errors": {k: [str(m) for m in v] for k, v in form.errors.items()}})
    try:
        with transaction.atomic():  # a request that fails its checks leaves nothing behind
            permit = _save_and_submit(town, user, form, key)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        return Status(400, {"errors": errors})
    return Status(201, permit)


def _save_and_submit(town, user, form, key) -> PermitRequest:
    permit = submission.permit_draft_save(
        municipality=town,
        applicant=user,
        data=form.cleaned_data,
        areas=form.areas,
        uploads=[],
        submission_key=key,
    )
    return submission.permit_submit(permit=permit, applicant=user, now=timezone.now())
