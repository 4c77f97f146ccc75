"""What an applicant sends for a permit request, from the web form or the API: one input schema
(`PermitRequestIn`), checked here in the service layer, for both.

* The schema holds every rule a request's fields must follow on their own: required texts
  (not only spaces, no NUL), lengths and integer ranges as the database stores them
  (core.bounds), the kinds and closures the model knows, planned dates within PLANNED_DATES and
  in order, the work areas' GeoJSON (services.geometry.WorkAreasIn), a trench width. The API
  publishes it as its OpenAPI payload (ninja validates the body with it); the web form reads
  the browser's input and hands it over with `permit_request_read()`.
* `permit_request_clean()` adds the rules that need the town and the requester: the work areas
  built (a valid polygon, a line with a width) inside the town's territory, the invoicing
  address (the organisation's when none is given). It returns what the submission services save.

Errors are ValidationErrors keyed by the schema's field names, each a sentence in the user's
language (core.schema_errors); each interface says them its own way (a form's fields, the
API's `{"errors": {...}}`).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import pydantic
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from commune.core.bounds import MAX_TEXT_LENGTH, DateWindow, integer_bounds
from commune.core.schema_errors import error_messages
from commune.permits.models import PermitRequest
from commune.permits.models.choices import RoadCategory, RoadClosure, WorkKind

from .geometry import (
    MAX_WIDTH_M,
    AreaSpec,
    WorkAreasIn,
    check_inside_territory,
    work_areas_build,
    work_areas_refusal,
)

#: Works are planned from a year back (an emergency declared after it began) to ten years
#: ahead (beyond any permit's validity). Outside that, a date is a typing mistake or an attack:
#: year 9999 overflowed the checks' date arithmetic (a 500), and counting working days up to it
#: took 2.4 s of CPU per submission.
PLANNED_DATES = DateWindow(years_before=1, years_after=10)
#: The narrowest trench a line may have: a float 0.1 must pass (it is above Decimal("0.10")).
MIN_WIDTH_M = 0.1

#: A text the schema requires: a character other than a space (texts are stripped, and Python
#: counts \x1c-\x1f as spaces) and no NUL character. What the OpenAPI document states.
REQUIRED_TEXT = r"^[^\x00]*[^\s\x00\x1c-\x1f][^\x00]*$"
OPTIONAL_TEXT = r"^[^\x00]*$"


class Refusal(ValueError):
    """A rule of the schema broken: its sentence (already in the user's language) and a code,
    which the form keeps on its error as Django's own fields do."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


def _max_length(name: str) -> int:
    return PermitRequest._meta.get_field(name).max_length or MAX_TEXT_LENGTH


def _text(name: str, *, required: bool) -> Any:
    """A stripped text of the model's field `name`, its length as the column stores it."""
    limit = _max_length(name)

    def check(value: str) -> str:
        if "\x00" in value:
            raise Refusal(_("Null characters are not allowed."), "null_characters_not_allowed")
        value = value.strip()
        if required and not value:
            raise Refusal(_("This field is required."), "required")
        if len(value) > limit:
            raise Refusal(
                _("Ensure this value has at most %(limit_value)d characters.")
                % {"limit_value": limit},
                "max_length",
            )
        return value

    pattern = REQUIRED_TEXT if required else OPTIONAL_TEXT
    schema = {"type": "string", "maxLength": limit, "pattern": pattern}
    return Annotated[str, AfterValidator(check), WithJsonSchema(schema)]


def _choice(choices) -> Any:
    return Literal[tuple(choices.values)]


def _planned(day: dt.date) -> dt.date:
    try:
        PLANNED_DATES(day)
    except ValidationError as exc:
        raise Refusal(exc.messages[0], "date_range") from None
    return day


def _centimetres(width: float | None) -> float | None:
    return None if width is None else round(width, 2)


_PARKING = integer_bounds(PermitRequest._meta.get_field("parking_places_removed"))
_WINDOW = (
    f"Between {PLANNED_DATES.years_before} year before and {PLANNED_DATES.years_after} years "
    "after today (Europe/Zurich)"
)
PlannedDate = Annotated[dt.date, AfterValidator(_planned)]


class PermitRequestIn(BaseModel):
    """An excavation permit request as its applicant sends it (web form or API)."""

    model_config = ConfigDict(extra="ignore")

    site_manager_name: _text("site_manager_name", required=True)
    site_manager_phone: _text("site_manager_phone", required=True)
    invoice_address: _text("invoice_address", required=False) = Field(
        "", description="Defaults to the organisation's (required if it has none)."
    )
    contact_phone: _text("contact_phone", required=False) = ""
    kind: _choice(WorkKind)
    description: _text("description", required=True)
    is_emergency: bool = False
    road_closure: _choice(RoadClosure) = RoadClosure.NONE.value
    pavement_closure: bool = False
    parking_places_removed: int = Field(0, ge=_PARKING[0], le=_PARKING[1])
    diversion: _text("diversion", required=False) = ""
    road_category: _choice(RoadCategory) = RoadCategory.LOCAL.value
    planned_start: PlannedDate = Field(..., description=f"{_WINDOW}.")
    planned_end: PlannedDate = Field(..., description=f"{_WINDOW}, on or after planned_start.")
    work_areas: WorkAreasIn
    line_width_m: Annotated[float | None, AfterValidator(_centimetres)] = Field(
        None,
        ge=MIN_WIDTH_M,
        le=MAX_WIDTH_M,
        description="Trench width for lines (m), to the centimetre.",
    )

    @field_validator("planned_end")
    @classmethod
    def _not_before_start(cls, end: dt.date, info) -> dt.date:
        start = info.data.get("planned_start")
        if start is not None and end < start:
            raise Refusal(_("The end of the works must be on or after their start."), "reversed")
        return end


@dataclass(frozen=True)
class CleanRequest:
    """A request that passed every check: the model's fields (submission.DRAFT_FIELDS) and
    its work areas, as the submission services save them."""

    data: dict[str, Any]
    areas: list[AreaSpec]


def _refusal(errors: list[dict]) -> ValidationError:
    """Pydantic's errors as a ValidationError keyed by field, each with its sentence and code."""
    by_field: dict[str, list] = {}
    areas = []
    for error in errors:
        field, *inside = error["loc"] or ("__all__",)
        if field == "work_areas":
            areas.append({**error, "loc": tuple(inside)})
            continue
        cause = (error.get("ctx") or {}).get("error")
        code = getattr(cause, "code", error["type"])
        for _where, message in error_messages([error]):
            by_field.setdefault(str(field), []).append(ValidationError(message, code=code))
    if areas:
        by_field["work_areas"] = work_areas_refusal(error_messages(areas)).error_list
    return ValidationError(by_field)


def permit_request_read(data: dict[str, Any]) -> PermitRequestIn:
    """`data` (field name → value, as read from a form) checked by the schema, or
    ValidationError keyed by the schema's field names."""
    try:
        return PermitRequestIn.model_validate(data)
    except pydantic.ValidationError as exc:
        raise _refusal(exc.errors()) from None


def permit_request_clean(
    *, municipality, request: PermitRequestIn, organisation=None
) -> CleanRequest:
    """The rules that need the town and the requester, all checked at once: the work areas
    built and inside the territory, an invoicing address (the organisation's by default).
    ValidationError keyed by the schema's field names."""
    errors: dict[str, Any] = {}
    fallback = organisation.invoice_address.strip() if organisation is not None else ""
    invoice = request.invoice_address or fallback
    if not invoice:
        errors["invoice_address"] = ValidationError(_("This field is required."), code="required")
    areas: list[AreaSpec] = []
    try:
        areas = work_areas_build(request.work_areas, default_width=request.line_width_m)
        check_inside_territory(areas, municipality.territory)
    except ValidationError as exc:
        errors["work_areas"] = exc
    if errors:
        raise ValidationError(errors)
    data = request.model_dump(exclude={"work_areas", "line_width_m"})
    data.update(invoice_address=invoice, organisation=organisation)
    return CleanRequest(data=data, areas=areas)
