"""The request itself, where it digs, what it attaches and what the checks found."""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from commune.permits import workflow
from commune.tenants.models import LV95, TenantModel

from .choices import RoadCategory, RoadClosure, WorkKind
from .texts import Audience, Text, render


class PermitRequest(TenantModel):
    """A request to dig in the public domain, from draft to closure; once granted it is the
    permit. Its status only changes through the transitions in workflow.py."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        COMPLEMENT_REQUESTED = "complement_requested", _("Complement requested")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WORKS_STARTED = "works_started", _("Works started")
        WORKS_ENDED = "works_ended", _("Works ended")
        REINSTATED = "reinstated", _("Reinstated")
        INSPECTED_DEFECTS = "inspected_defects", _("Defects found")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ABANDONED = "abandoned", _("Closed without follow-up")

    Kind = WorkKind
    Closure = RoadClosure

    reference = models.CharField(_("reference"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    # The key of the form or API call that made the request, derived from its owner's key
    # (core.idempotency.owned_key), and a fingerprint of the data it came with: the same key
    # again gives this request back only with the same data (services/submission.py).
    submission_key = models.UUIDField(null=True, blank=True)
    submission_hash = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="permit_requests",
        verbose_name=_("applicant"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="permit_requests",
        verbose_name=_("company"),
    )
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    site_manager_name = models.CharField(_("site manager"), max_length=150)
    site_manager_phone = models.CharField(_("site manager emergency phone"), max_length=40)
    invoice_address = models.TextField(_("invoicing address"))
    kind = models.CharField(_("kind of work"), max_length=20, choices=WorkKind.choices)
    description = models.TextField(_("description of the works"))
    is_emergency = models.BooleanField(_("emergency"), default=False)
    road_closure = models.CharField(
        _("road closure"), max_length=10, choices=RoadClosure.choices, default=RoadClosure.NONE
    )
    pavement_closure = models.BooleanField(_("pavement closed"), default=False)
    parking_places_removed = models.PositiveSmallIntegerField(
        _("parking places removed"), default=0
    )
    diversion = models.TextField(_("diversion"), blank=True)
    road_category = models.CharField(
        _("road category"), max_length=10, choices=RoadCategory.choices, default=RoadCategory.LOCAL
    )
    planned_start = models.DateField(_("planned start"))
    planned_end = models.DateField(_("planned end"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Where the works are, in words: the town's address nearest to the work areas (set when the
    # areas are saved, services/location.py); blank when none lies near, and then the point
    # (the areas' centre, LV95) is written as coordinates (`location_text`).
    location_label = models.CharField(_("location"), max_length=200, blank=True)
    location_point = models.PointField(srid=LV95, null=True, blank=True)

    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    notice_respected = models.BooleanField(_("notice respected"), null=True, blank=True)
    regularise_by = models.DateTimeField(_("to regularise by"), null=True, blank=True)
    # An emergency is regularised when its applicant completes the file (documents added after
    # the submission) or the town decides; until then the periodic job reminds, then escalates.
    regularised_at = models.DateTimeField(_("regularised"), null=True, blank=True)
    regularise_reminded_at = models.DateTimeField(null=True, blank=True)
    regularise_escalated_at = models.DateTimeField(null=True, blank=True)
    is_routine = models.BooleanField(_("granted without a human step"), default=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_text = models.TextField(_("reasons"), blank=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    fee_base = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_occupation = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_total = models.DecimalField(
        _("fees (CHF)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    deposit = models.DecimalField(
        _("reinstatement deposit (CHF)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    works_started_at = models.DateTimeField(_("works started"), null=True, blank=True)
    works_ended_at = models.DateTimeField(_("works ended"), null=True, blank=True)
    reinstated_at = models.DateTimeField(_("reinstated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    guarantee_until = models.DateField(_("guarantee until"), null=True, blank=True)
    # The guarantee period ended without open defects: the deposit's refund was proposed to
    # finance (billing), once.
    guarantee_ended_at = models.DateTimeField(_("guarantee ended"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue"), null=True, blank=True)
    expiry_reminded_at = models.DateTimeField(null=True, blank=True)

    url_kwarg = "permit_id"

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("excavation permit request")
        verbose_name_plural = _("excavation permit requests")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "reference"],
                condition=~models.Q(reference=""),
                name="permit_reference_unique",
            ),
            models.UniqueConstraint(
                fields=["municipality", "submission_key"], name="permit_submission_key_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(planned_end__gte=models.F("planned_start")),
                name="permit_end_after_start",
            ),
        ]
        indexes = [
            models.Index(fields=["municipality", "status", "planned_start"]),
            # the officer's queue: every file but drafts, by planned start (one page at a time)
            models.Index(fields=["municipality", "planned_start", "id"], name="permit_queue_order"),
            models.Index(fields=["municipality", "submitted_at"], name="permit_submitted"),
        ]

    def __str__(self) -> str:
        return self.reference or f"#{self.pk}"

    @property
    def location_text(self) -> str:
        """The street address of the works, else their LV95 coordinates ("2'539'012 /
        1'151'034"), else nothing (a draft without an area)."""
        if self.location_label:
            return self.location_label
        if self.location_point is None:
            return ""
        east, north = self.location_point.coords
        return f"{east:,.0f} / {north:,.0f}".replace(",", "'")

    @property
    def total_area_m2(self) -> float:
        return sum(a.area_m2 for a in self.areas.all())

    @property
    def is_public(self) -> bool:
        """Whether the public works map and OGC API show this request (by reference, kind,
        dates and organisation; an emergency from its submission): the most any other
        applicant may read of it."""
        return workflow.shown_to_public(self.status, is_emergency=self.is_emergency)

    def may_tell_of(self, other: PermitRequest) -> bool:
        """Whether everyone on this request's side (its applicant, its organisation's people)
        may be told of `other`: once the public works map shows it, or when it is theirs too
        (the organisation's own works, or the same person's when this one is in their name)."""
        if other.is_public:
            return True
        if self.organisation_id:
            return other.organisation_id == self.organisation_id
        return other.applicant_id == self.applicant_id

    @property
    def is_open(self) -> bool:
        return self.status in workflow.OPEN

    @property
    def is_issued(self) -> bool:
        """Whether a permit was issued (its PDF and invoice exist) and still stands."""
        return self.status in workflow.ISSUED


class WorkArea(TenantModel):
    """One place where the works dig: a polygon, or a line with a width that is buffered into
    a polygon. `geometry` is what every spatial check uses."""

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="areas")
    drawn = models.GeometryField(_("as drawn"), srid=LV95)
    width_m = models.DecimalField(
        _("width (m)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    geometry = models.PolygonField(_("area"), srid=LV95, spatial_index=True)
    area_m2 = models.FloatField(_("area (m²)"))
    length_m = models.FloatField(_("length (m)"))
    # Copied from the permit so that conflict queries need no join on dates.
    starts_on = models.DateField()
    ends_on = models.DateField()

    url_kwarg = "area_id"

    class Meta:
        verbose_name = _("work area")
        indexes = [models.Index(fields=["municipality", "starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.permit} ({self.area_m2:.0f} m²)"


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"permits/{instance.municipality_id}/{instance.permit_id}/{filename}"


class Attachment(TenantModel):
    """A plan or photo (PDF, PNG, JPEG — checked by content, not by name)."""

    class Purpose(models.TextChoices):
        PLAN = "plan", _("Plan")
        PHOTO = "photo", _("Photo")
        COMPLEMENT = "complement", _("Complement")
        REINSTATEMENT = "reinstatement", _("Reinstatement photo")

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=200)
    mime_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.PLAN
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    url_kwarg = "attachment_id"

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return self.name


class Finding(TenantModel):
    """Something the automatic checks found on submission: a conflict with other works, a
    street under moratorium, a coordination opportunity, notice not respected."""

    class Kind(models.TextChoices):
        CONFLICT = "conflict", _("Conflict with other works")
        MORATORIUM = "moratorium", _("Street under moratorium")
        COORDINATION = "coordination", _("Coordinate with other works")
        NOTICE = "notice", _("Minimum notice not respected")
        EMERGENCY = "emergency", _("Emergency: to regularise within 48 hours")

    BLOCKING = {Kind.CONFLICT, Kind.MORATORIUM, Kind.NOTICE, Kind.EMERGENCY}
    #: Kinds that speak of another party's request (`other_permit`).
    ABOUT_OTHERS = {Kind.CONFLICT, Kind.COORDINATION}

    permit = models.ForeignKey(PermitRequest, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The sentence is written out when read (see `text`): its key and parameters are stored.
    # `message` holds the text that rows found before keys were stored (in one language).
    message_key = models.CharField(max_length=40, blank=True)
    message_params = models.JSONField(default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)
    other_permit = models.ForeignKey(
        PermitRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    street = models.ForeignKey(
        "permits.ResurfacedStreet",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    geometry = models.GeometryField(srid=LV95, null=True, blank=True)

    url_kwarg = "finding_id"

    class Meta:
        ordering = ["kind", "id"]
        verbose_name = _("finding")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def text(self) -> str:
        """What was found, in the reader's language (the stored text for older rows)."""
        return render(self.message_key, self.message_params, fallback=self.message)

    def text_for(self, audience: Audience) -> str | None:
        """What `audience` reads of this finding, in the reader's language; None when it may
        not read it at all. The staff read what was found. An applicant reads another party's
        works only once the public works map shows them (its own works, always), and only what
        the map shows: the reference, the dates and the organisation's name, never a private
        person's. It is written out from the other request as it is now, whatever the stored
        sentence says."""
        if audience == Audience.STAFF or self.kind not in self.ABOUT_OTHERS:
            return self.text
        other = self.other_permit
        if other is None or not self.permit.may_tell_of(other):
            return None
        return str(self._public_text(other))

    def _public_text(self, other: PermitRequest) -> Text:
        start, end = other.planned_start, other.valid_until or other.planned_end
        if self.kind == self.Kind.CONFLICT:
            return Text.of("finding.conflict", ref=other.reference, start=start, end=end)
        if other.organisation_id:
            who = other.organisation.name
            return Text.of("finding.coordination", who=who, ref=other.reference, start=start)
        return Text.of("finding.coordination.unnamed", ref=other.reference, start=start)

    @property
    def is_blocking(self) -> bool:
        return self.kind in self.BLOCKING
