"""The public side of the permits: the works map and list, GeoJSON, the closures calendar and
the verification page; and the permit and invoice PDFs for the applicant and the staff."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from commune.permits import pdf
from commune.permits.models import PermitRequest
from commune.permits.selectors import permit_get_for_reader
from commune.permits.workflow import ISSUED, VALID
from commune.tenants import links

from .features import work_features
from .ical import closures_calendar
from .ogcapi import GEOJSON, permits_module
from .params import LOCAL
from .selectors import works_public
from .verification import permit_id_from_token, validity, verify_url

PAGE_SIZE = 50
LAYER_CACHE_SECONDS = 300


def _territory_geojson(town) -> dict:
    return json.loads(town.territory.transform(4326, clone=True).json)


@permits_module
@require_GET
def works_map(request):
    """Map and accessible table of current and planned works (the table is paginated)."""
    town = request.municipality
    queryset = works_public(municipality=town)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "permits/public/works.html",
        {
            "page": page,
            "territory": _territory_geojson(town),
            "today": timezone.localdate(),
        },
    )


@permits_module
@require_GET
def works_geojson(request):
    """Every current and planned work as one GeoJSON FeatureCollection (RFC 7946, WGS84).

    The document is cached under a fingerprint of the layer (count and last change of the
    public works, the day and the language), so a change shows at once; the TTL bounds what
    the fingerprint cannot see (an organisation renamed)."""
    town = request.municipality
    queryset = works_public(municipality=town)
    stamp = queryset.order_by().aggregate(n=Count("id"), last=Max("updated_at"))
    last = stamp["last"].timestamp() if stamp["last"] else 0
    key = (
        f"permits:works-geojson:{town.pk}:{get_language()}:{timezone.localdate()}:"
        f"{stamp['n']}:{last}"
    )
    body = cache.get(key)
    if body is None:
        features = work_features(municipality=town, works=queryset)
        collection = {"type": "FeatureCollection", "features": features}
        body = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
        cache.set(key, body, LAYER_CACHE_SECONDS)
    response = HttpResponse(body, content_type=GEOJSON)
    response["Content-Disposition"] = f'inline; filename="{town.slug}-works.geojson"'
    return response


@permits_module
@require_GET
def closures_ics(request):
    town = request.municipality

    def url_for(permit):
        path = reverse("ogcapi:item", kwargs={"town": town.slug, "permit_id": permit.pk})
        return links.absolute_url(path, municipality=town) + "?f=html"

    # Subscribed feeds outlive the request: links and event UIDs use the configured address
    host = urlsplit(links.base_url(town)).hostname or ""
    body = closures_calendar(municipality=town, host=host, url_for=url_for)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{town.slug}-closures.ics"'
    return response


@permits_module
@require_GET
def verify(request, token: str):
    """What the QR code on a permit opens: is it genuine, is it valid, its dates. Nothing
    personal is shown."""
    town = request.municipality
    permit_id = permit_id_from_token(token, municipality=town)
    permit = None
    if permit_id is not None:
        permit = (
            PermitRequest.objects.filter(municipality=town, pk=permit_id)
            .select_related("organisation")
            .first()
        )
    if permit is None:
        return render(request, "permits/public/verify_unknown.html", status=404)
    state, sentence = validity(permit, today=timezone.localdate(timezone=LOCAL))
    return render(
        request,
        "permits/public/verify.html",
        {
            "permit": permit,
            "state": state,
            "is_valid": state == VALID,
            "sentence": sentence,
            "issued": permit.status in ISSUED,
            "end": permit.valid_until or permit.planned_end,
        },
    )


def _permit_for_download(request, permit_id: int) -> PermitRequest:
    """The issued permit whose PDFs the user may download: the same rule as every permit
    document (selectors.permit_get_for_reader); 404 while no permit is issued."""
    permit = permit_get_for_reader(
        municipality=request.municipality, user=request.user, permit_id=permit_id
    )
    if permit.status not in ISSUED:
        raise Http404
    return permit


def _pdf_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _login_first(view):
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@permits_module
@require_GET
@_login_first
def permit_pdf(request, permit_id: int):
    permit = _permit_for_download(request, permit_id)
    url = links.absolute_url(verify_url(permit), municipality=permit.municipality)
    body = pdf.permit_pdf(permit=permit, verify_url=url, language=get_language())
    return _pdf_response(body, f"permit-{permit.reference or permit.pk}.pdf")


@permits_module
@require_GET
@_login_first
def invoice_pdf(request, permit_id: int):
    permit = _permit_for_download(request, permit_id)
    if permit.fee_total is None:
        raise Http404
    body = pdf.invoice_pdf(permit=permit, language=get_language())
    return _pdf_response(body, f"invoice-{permit.reference or permit.pk}.pdf")
