"""OGC API Features (Part 1, Core; Part 2, CRS) at /<town>/ogcapi/: one collection, `works`.

Conformance: core, GeoJSON, HTML, OpenAPI 3.0 and CRS by reference (CRS84 or LV95, see
ogc_crs; HEAD, OPTIONS and CORS in ogc_http). JSON by default (GIS clients), HTML for
browsers (`f=html` or an Accept header preferring text/html). Bad parameters answer 400 with
an OGC exception document {"code", "description"}.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from commune.core.bounds import IdConverter

from . import openapi
from .features import feature_bbox, work_feature, work_features
from .ogc_crs import (
    CONFORMANCE_CRS,
    CRS84,
    EPSG_2056,
    SUPPORTED,
    Crs,
    content_crs,
    legacy_crs_member,
    parse_bbox_crs,
    parse_crs,
)
from .ogc_http import error as _error
from .ogc_http import ogc_view, permits_module
from .params import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, BadParameter, parse_count, parse_datetime
from .selectors import areas_in, work_public_get, works_extent, works_public

__all__ = ["GEOJSON", "permits_module"]  # views.py takes them from here

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
COLLECTION = "works"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    CONFORMANCE_CRS,
]
ITEMS_PARAMS = {"f", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset"}


def _wants_html(request: HttpRequest, allowed: set[str]) -> bool:
    """`f=html|json`, else the first of HTML or JSON in the Accept header; JSON by default."""
    fmt = request.GET.get("f")
    if fmt is not None:
        if fmt not in allowed:
            raise BadParameter(
                "f", _("f must be one of: %(v)s.") % {"v": ", ".join(sorted(allowed))}
            )
        return fmt == "html"
    for part in request.headers.get("Accept", "").split(","):
        media = part.split(";")[0].strip()
        if media in ("text/html", "application/xhtml+xml"):
            return "html" in allowed
        if "json" in media:
            return False
    return False


def _url(request: HttpRequest, name: str, *, query: dict | None = None, **kwargs) -> str:
    path = reverse(f"ogcapi:{name}", kwargs={"town": request.municipality.slug, **kwargs})
    url = request.build_absolute_uri(path)
    return f"{url}?{urlencode(query)}" if query else url


def _link(href: str, rel: str, media: str, title: str) -> dict:
    return {"href": href, "rel": rel, "type": media, "title": title}


def _self_and_alternate(request, name: str, media: str, html: bool, **kwargs) -> list[dict]:
    json_link = _link(_url(request, name, query={"f": "json"}, **kwargs), "", media, "JSON")
    html_link = _link(_url(request, name, query={"f": "html"}, **kwargs), "", HTML, "HTML")
    current, other = (html_link, json_link) if html else (json_link, html_link)
    return [{**current, "rel": "self"}, {**other, "rel": "alternate"}]


def _respond(
    request,
    document: dict,
    *,
    html: bool,
    media: str,
    template: str,
    crs: Crs | None = None,
    **context,
):
    """The document as JSON or as an HTML page; with `crs`, its features are in that CRS."""
    if html:
        response = render(
            request, f"permits/public/ogc_{template}.html", {"doc": document, **context}
        )
    else:
        response = JsonResponse(
            document, content_type=media, json_dumps_params={"ensure_ascii": False}
        )
    if crs is not None:
        response["Content-Crs"] = content_crs(crs)
    return response


@ogc_view()
def landing(request):
    """The landing page: what this API is and where its parts are."""
    html = _wants_html(request, {"json", "html"})
    town = request.municipality
    document = {
        "title": _("Works in the public domain — %(town)s") % {"town": town.name},
        "description": _("Current and planned excavation works (granted permits), as open data."),
        "links": _self_and_alternate(request, "landing", JSON, html)
        + [
            _link(_url(request, "openapi"), "service-desc", OPENAPI, _("API definition")),
            _link(_url(request, "conformance"), "conformance", JSON, _("Conformance")),
            _link(_url(request, "collections"), "data", JSON, _("Collections")),
        ],
    }
    return _respond(request, document, html=html, media=JSON, template="landing")


@ogc_view()
def conformance(request):
    html = _wants_html(request, {"json", "html"})
    document = {"conformsTo": CONFORMANCE}
    return _respond(request, document, html=html, media=JSON, template="conformance")


@ogc_view()
def api_definition(request):
    """The OpenAPI 3.0 document of this town's OGC API."""
    if request.GET.get("f", "json") != "json":
        raise BadParameter("f", _("The API definition is available as JSON only."))
    base = request.build_absolute_uri(
        reverse("ogcapi:landing", kwargs={"town": request.municipality.slug})
    )
    document = openapi.document(
        base_url=base, town=request.municipality, max_limit=MAX_LIMIT, max_offset=MAX_OFFSET
    )
    return JsonResponse(document, content_type=OPENAPI, json_dumps_params={"ensure_ascii": False})


def _collection(request, html: bool, *, with_self: bool) -> dict:
    extent = works_extent(municipality=request.municipality)
    start, end = extent["interval"]
    links = [
        _link(_url(request, "items", query={"f": "json"}), "items", GEOJSON, _("Works (GeoJSON)")),
        _link(_url(request, "items", query={"f": "html"}), "items", HTML, _("Works (HTML)")),
    ]
    if with_self:
        links = _self_and_alternate(request, "collection", JSON, html) + links
    return {
        "id": COLLECTION,
        "title": _("Works in the public domain"),
        "description": _(
            "Granted excavation works not yet closed: kind, organisation, dates and impact on "
            "traffic. One feature per permit; its geometry is the union of its work areas."
        ),
        "itemType": "feature",
        "crs": [c.uri for c in SUPPORTED],
        "storageCrs": EPSG_2056.uri,
        "extent": {
            "spatial": {"bbox": [extent["bbox"]], "crs": CRS84.uri},
            "temporal": {
                "interval": [
                    [f"{start}T00:00:00Z" if start else None, f"{end}T23:59:59Z" if end else None]
                ],
                "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
            },
        },
        "links": links,
    }


@ogc_view()
def collections(request):
    html = _wants_html(request, {"json", "html"})
    document = {
        "links": _self_and_alternate(request, "collections", JSON, html),
        "collections": [_collection(request, html, with_self=False)],
    }
    document["collections"][0]["links"].insert(
        0, _link(_url(request, "collection"), "self", JSON, _("This collection"))
    )
    return _respond(request, document, html=html, media=JSON, template="collections")


@ogc_view()
def collection(request):
    html = _wants_html(request, {"json", "html"})
    document = _collection(request, html, with_self=True)
    return _respond(request, document, html=html, media=JSON, template="collection")


@ogc_view(ITEMS_PARAMS)
def items(request):
    """The works, filtered by bbox and datetime, paged by limit and offset."""
    html = _wants_html(request, {"json", "html"})
    params = request.GET
    limit = parse_count(
        "limit", params.get("limit", str(DEFAULT_LIMIT)), minimum=1, maximum=MAX_LIMIT, clamp=True
    )
    offset = parse_count("offset", params.get("offset", "0"), minimum=0, maximum=MAX_OFFSET)
    crs = parse_crs(params.get("crs"))
    bbox, bbox_crs = (
        parse_bbox_crs(params["bbox"], params.get("bbox-crs"))
        if "bbox" in params
        else (None, CRS84)
    )
    if "bbox-crs" in params and "bbox" not in params:
        raise BadParameter("bbox-crs", _("bbox-crs is only meaningful with a bbox."))
    period = parse_datetime(params["datetime"]) if "datetime" in params else None
    town = request.municipality
    queryset = works_public(municipality=town, bbox=bbox, period=period, bbox_srid=bbox_crs.srid)
    matched = queryset.count()
    page = queryset[offset : offset + limit] if offset < matched else queryset.none()
    features = work_features(municipality=town, works=page, srid=crs.srid, precision=crs.precision)

    query = {k: v for k, v in params.items() if k not in {"f", "offset", "limit"}}
    media, fmt = (HTML, "html") if html else (GEOJSON, "json")

    def page_link(rel: str, at: int) -> dict:
        href = _url(request, "items", query={**query, "limit": limit, "offset": at, "f": fmt})
        return _link(href, rel, media, _("Next page") if rel == "next" else _("Previous page"))

    links = _self_and_alternate(request, "items", GEOJSON, html)
    links[0]["href"] = _url(
        request, "items", query={**query, "limit": limit, "offset": offset, "f": fmt}
    )
    if offset + limit < matched:
        links.append(page_link("next", offset + limit))
    if offset > 0:
        links.append(page_link("prev", max(offset - limit, 0)))
    links.append(_link(_url(request, "collection"), "collection", JSON, _("The collection")))
    document = {
        "type": "FeatureCollection",
        "features": features,
        "numberMatched": matched,
        "numberReturned": len(features),
        "timeStamp": timezone.now().replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "links": links,
    }
    if features and (box := feature_bbox(features)):
        document["bbox"] = box
    if member := legacy_crs_member(crs):
        document["crs"] = member
    return _respond(
        request,
        document,
        html=html,
        media=GEOJSON,
        template="items",
        crs=crs,
        next=next((x["href"] for x in links if x["rel"] == "next"), None),
        prev=next((x["href"] for x in links if x["rel"] == "prev"), None),
    )


@ogc_view({"f", "crs"})
def item(request, permit_id: str):
    """One work. Its id is a string in the URL (OGC's featureId), so that any id that is not
    one of ours, however long, answers the same JSON 404."""
    html = _wants_html(request, {"json", "html"})
    crs = parse_crs(request.GET.get("crs"))
    town = request.municipality
    is_id = re.fullmatch(IdConverter.regex, permit_id)
    work = work_public_get(municipality=town, permit_id=int(permit_id)) if is_id else None
    if work is None:
        if html:
            raise Http404
        return _error(404, "NotFound", _("No public work with this id."))
    areas = areas_in(
        municipality=town, permit_ids=[work["id"]], srid=crs.srid, precision=crs.precision
    )
    document = work_feature(work, areas.get(work["id"], []))
    if member := legacy_crs_member(crs):
        document["crs"] = member
    links = _self_and_alternate(request, "item", GEOJSON, html, permit_id=work["id"])
    document["links"] = links + [
        _link(_url(request, "collection"), "collection", JSON, _("The collection"))
    ]
    return _respond(request, document, html=html, media=GEOJSON, template="item", crs=crs)
