"""POST /api/v1/<town>/permits/requests: a utility's systems submit an excavation permit
request with an API token. The same input schema (permits/services/request_input.py), services
and checks as the web page: the payload is the schema, the OpenAPI document states it; an
Idempotency-Key header makes a retried POST return the request it already created. A key
belongs to the token's organisation (no one else's key ever finds its request), and the same
key with other data is a 422. The answer lists what the checks found, written in the request's
language (Accept-Language), as the applicant may read them: other people's works only as the
public works map shows them."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status
from ninja.security import HttpBearer

from commune.permits.disclosure import findings_for
from commune.permits.models.texts import Audience
from commune.permits.services import submission
from commune.permits.services.request_input import PermitRequestIn
from commune.permits.services.tokens import api_token_authenticate
from commune.tenants.models import Module


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        return api_token_authenticate(raw=token, now=timezone.now())


router = Router(tags=["permits"], auth=TokenAuth())


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


def _errors(exc: ValidationError) -> dict[str, list[str]]:
    """Errors keyed by the payload's field names (the input schema's), each a sentence."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return {name: [str(m) for m in messages] for name, messages in errors.items()}


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
    try:
        permit, created = submission.permit_file(
            municipality=town,
            applicant=token.created_by,
            organisation=token.organisation,
            request=payload,
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
        return Status(400, {"errors": _errors(exc)})
    return Status(201 if created else 200, permit)
