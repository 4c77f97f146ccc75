"""The OpenAPI 3.0 definition of a town's OGC API Features (the `service-desc` link)."""

from __future__ import annotations

OGC_SCHEMAS = "https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi"


def _param(name: str, description: str, schema: dict, *, where: str = "query", **extra) -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(description: str, schema: str, media: str = "application/json") -> dict:
    """A JSON answer with its schema, or the same document as an HTML page (`f=html`)."""
    return {
        "description": description,
        "content": {media: {"schema": _ref(schema)}, "text/html": {"schema": {"type": "string"}}},
    }


ERROR = {
    "description": "A parameter the client must fix (OGC exception), in the client's language",
    "content": {"application/json": {"schema": _ref("Exception")}},
}
NOT_FOUND = {
    "description": "No public work with this id",
    "content": {
        "application/json": {"schema": _ref("Exception")},
        "text/html": {"schema": {"type": "string"}},
    },
}
FORMAT = _param("f", "Output format", {"type": "string", "enum": ["json", "html"]})
LINK = {
    "type": "object",
    "required": ["href", "rel"],
    "properties": {
        "href": {"type": "string"},
        "rel": {"type": "string"},
        "type": {"type": "string"},
        "title": {"type": "string"},
    },
}
LINKS = {"type": "array", "items": _ref("Link")}
POSITION = {"type": "array", "minItems": 2, "maxItems": 3, "items": {"type": "number"}}
WORK = {
    "type": "object",
    "required": ["type", "id", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": {
            "type": "object",
            "nullable": True,
            "required": ["type", "coordinates"],
            "properties": {
                "type": {"type": "string", "enum": ["MultiPolygon"]},
                "coordinates": {
                    "type": "array",
                    "items": {"type": "array", "items": {"type": "array", "items": POSITION}},
                },
            },
        },
        "properties": {
            "type": "object",
            "required": ["reference", "kind", "status", "start", "end"],
            "properties": {
                "reference": {"type": "string"},
                "kind": {"type": "string"},
                "kind_label": {"type": "string"},
                "organisation": {"type": "string", "nullable": True},
                "address": {
                    "type": "string",
                    "nullable": True,
                    "description": "The street address nearest to the works (none near: null)",
                },
                "status": {"type": "string"},
                "status_label": {"type": "string"},
                "under_way": {"type": "boolean"},
                "emergency": {"type": "boolean"},
                "start": {"type": "string", "format": "date"},
                "end": {"type": "string", "format": "date"},
                "road_closure": {"type": "string", "enum": ["none", "one_lane", "full"]},
                "road_closure_label": {"type": "string"},
                "pavement_closure": {"type": "boolean"},
                "parking_places_removed": {"type": "integer", "minimum": 0},
            },
        },
        "links": LINKS,
    },
}
SCHEMAS = {
    "Exception": {
        "type": "object",
        "required": ["code"],
        "properties": {
            "code": {"type": "string"},
            "description": {"type": "string"},
            "parameter": {"type": "string", "description": "The query parameter to fix"},
        },
    },
    "Link": LINK,
    "LandingPage": {
        "type": "object",
        "required": ["links"],
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "links": LINKS,
        },
    },
    "Conformance": {
        "type": "object",
        "required": ["conformsTo"],
        "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
    },
    "Collection": {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "extent": {"type": "object"},
            "links": LINKS,
        },
    },
    "Collections": {
        "type": "object",
        "required": ["links", "collections"],
        "properties": {
            "links": LINKS,
            "collections": {"type": "array", "items": _ref("Collection")},
        },
    },
    "Work": WORK,
    "Works": {
        "type": "object",
        "required": ["type", "features", "numberMatched", "numberReturned", "links"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {"type": "array", "items": _ref("Work")},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
            "timeStamp": {"type": "string", "format": "date-time"},
            "bbox": {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}},
            "links": LINKS,
        },
    },
}


def _get(summary: str, operation: str, parameters: list, responses: dict) -> dict:
    """A GET operation: every one answers 400 for an unknown parameter or a bad `f`."""
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": parameters,
            "responses": {**responses, "400": ERROR},
        }
    }


CRS_URIS = [
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "http://www.opengis.net/def/crs/EPSG/0/2056",
]
CRS = _param(
    "crs",
    "CRS of the answer (OGC API Features Part 2): CRS84 (longitude, latitude; the default) "
    "or LV95 (east, north in metres); the answer's Content-Crs header names it. Refused: "
    "any other CRS.",
    {"type": "string", "format": "uri", "enum": CRS_URIS},
)


def document(*, base_url: str, town, max_limit: int, max_offset: int) -> dict:
    items_params = [
        FORMAT,
        CRS,
        _param(
            "bbox-crs",
            "CRS of bbox: CRS84 (the default) or LV95 (min east, min north, max east, "
            "max north, in metres). Refused without a bbox.",
            {"type": "string", "format": "uri", "enum": CRS_URIS},
        ),
        _param(
            "limit",
            f"Number of features per page; more than {max_limit} gives {max_limit}",
            {"type": "integer", "minimum": 1, "maximum": max_limit, "default": 10},
            style="form",
            explode=False,
        ),
        _param(
            "offset",
            "Features to skip",
            {"type": "integer", "minimum": 0, "maximum": max_offset, "default": 0},
        ),
        _param(
            "bbox",
            "minLon,minLat,maxLon,maxLat (WGS84, degrees; 6 numbers carry heights, ignored), "
            "or minEast,minNorth,maxEast,maxNorth in metres with bbox-crs LV95. Refused: a "
            "latitude outside -90..90, LV95 numbers outside Switzerland, a minimum above its "
            "maximum.",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            style="form",
            explode=False,
        ),
        _param(
            "datetime",
            "A day (2026-05-01), an instant (RFC 3339, with a time zone) or an interval "
            "start/end where either end may be open (`..`). Refused: what is not a date or "
            "an instant, an instant past the calendar in Swiss time, a start after its end.",
            {"type": "string", "maxLength": 100},
            style="form",
            explode=False,
        ),
    ]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": f"Works in the public domain — {town.name}",
            "version": "1.0.0",
            "description": "OGC API Features: current and planned excavation works.",
            "contact": {"email": town.contact_email},
            "license": {"name": "Open data"},
        },
        "servers": [{"url": base_url.rstrip("/")}],
        "paths": {
            "/": _get(
                "Landing page",
                "getLandingPage",
                [FORMAT],
                {"200": _json("Landing page", "LandingPage")},
            ),
            "/conformance": _get(
                "Conformance classes",
                "getConformanceDeclaration",
                [FORMAT],
                {"200": _json("Conformance", "Conformance")},
            ),
            "/collections": _get(
                "Collections",
                "getCollections",
                [FORMAT],
                {"200": _json("Collections", "Collections")},
            ),
            "/collections/works": _get(
                "The works collection",
                "describeCollection",
                [FORMAT],
                {"200": _json("Collection", "Collection")},
            ),
            "/collections/works/items": _get(
                "Works",
                "getFeatures",
                items_params,
                {"200": _json("Features", "Works", "application/geo+json")},
            ),
            "/collections/works/items/{featureId}": _get(
                "One work",
                "getFeature",
                [
                    _param(
                        "featureId",
                        "Id of the work; any other text is simply not found",
                        {"type": "string", "minLength": 1, "maxLength": 100, "pattern": "^[^/]+$"},
                        where="path",
                        required=True,
                    ),
                    FORMAT,
                    CRS,
                ],
                {"200": _json("Feature", "Work", "application/geo+json"), "404": NOT_FOUND},
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
