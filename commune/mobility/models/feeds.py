"""A town's feed from a counter vendor: an HTTP export the worker pulls on a schedule and
imports through the same path as an upload (services/feeds.py)."""

from __future__ import annotations

from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from commune.tenants.models import TenantModel

from .jobs import DataImport

#: Why a pull failed (VendorFeed.last_error_key), written out when read. A key is data in the
#: database: never rename or reuse one. No sentence quotes the URL or the credentials.
FAILURES = {
    "feed.scheme": _("The address must start with https://."),
    "feed.address": _("The address %(host)s leads to an internal network: it is refused."),
    "feed.dns": _("The server %(host)s could not be found."),
    "feed.unreachable": _("The server %(host)s did not accept the connection."),
    "feed.tls": _("The certificate of %(host)s could not be verified."),
    "feed.timeout": _("The server %(host)s did not answer within %(seconds)s seconds."),
    "feed.auth": _("The server refused the credentials (HTTP %(status)s)."),
    "feed.http": _("The server answered with an error (HTTP %(status)s)."),
    "feed.redirect": _("The server redirected the pull to another address: it is not followed."),
    "feed.too_large": _("The file is larger than the limit of %(limit)s."),
    "feed.empty": _("The server sent an empty file."),
    "feed.broken": _("The connection broke off during the download."),
}


class VendorFeed(TenantModel):
    """A counter vendor's HTTP export the town pulls on a schedule: where (URL and
    credentials), how often, how to read the file (the options an upload's preview stores on
    its DataImport) and how the last pull went. The password or token is write-only for the
    forms and never logged (docs/decisions/0024-vendor-feed-credentials.md)."""

    class Auth(models.TextChoices):
        NONE = "none", _("None")
        BASIC = "basic", _("HTTP Basic (user name and password)")
        BEARER = "bearer", _("Bearer token")

    class Outcome(models.TextChoices):
        OK = "ok", _("Imported")
        UNCHANGED = "unchanged", _("Not changed")
        FAILED = "failed", _("Failed")

    EVERY_HOURS = [(1, _("Every hour")), (6, _("Every 6 hours")), (24, _("Every day"))]

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("address (URL)"), max_length=500)
    auth = models.CharField(
        _("authentication"), max_length=16, choices=Auth.choices, default=Auth.NONE
    )
    username = models.CharField(_("user name"), max_length=200, blank=True)
    secret = models.CharField(_("password or token"), max_length=1000, blank=True)
    every_hours = models.PositiveSmallIntegerField(_("pull"), choices=EVERY_HOURS, default=24)
    next_pull_at = models.DateTimeField(_("next pull"), null=True, blank=True)
    kind = models.CharField(
        _("kind of data"), max_length=32, choices=DataImport.Kind.choices, default="counts"
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Zurich")
    # the reading options, as DataImport.options (delimiter, decimal, column mapping)
    options = models.JSONField(_("reading options"), default=dict, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=16, choices=Outcome.choices, blank=True
    )
    last_error_key = models.CharField(max_length=40, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    consecutive_failures = models.PositiveSmallIntegerField(_("failures in a row"), default=0)
    last_sha256 = models.CharField(max_length=64, blank=True)
    last_import = models.ForeignKey(
        DataImport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # set while a "pull now" waits for the worker: a second click adds no second job
    pull_requested_at = models.DateTimeField(null=True, blank=True, editable=False)
    submission_key = models.UUIDField(
        null=True, blank=True, editable=False, help_text="Makes the form sent twice one feed."
    )

    url_kwarg = "feed_id"

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("vendor feed")
        verbose_name_plural = _("vendor feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "submission_key"], name="vendor_feed_submission_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def last_error_message(self) -> str:
        """Why the last pull failed, in the reader's language."""
        sentence = FAILURES.get(self.last_error_key)
        if sentence is None:
            return ""
        params = dict(self.last_error_params)
        if isinstance(params.get("limit"), int):
            params["limit"] = filesizeformat(params["limit"])
        if isinstance(params.get("seconds"), int | float):
            params["seconds"] = number_format(params["seconds"])
        try:
            return str(sentence) % params
        except (KeyError, TypeError, ValueError):
            return str(sentence)
