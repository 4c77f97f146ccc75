"""The OpenAPI 3.0 definition of a town's OGC API Features (the `service-desc` link)."""

from __future__ import annotations

OGC_SCHEMAS = "https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi"


def _param(name: str, description: str, schema: dict, *, where: str = "query", **extra) -> dict:
    return {"name": name, "in": where, "description": description, "schema": schema, **extra}


def _json(description: str, media: str = "application/json", html: bool = True) -> dict:
    content = {media: {"schema": {"type": "object"}}}
    if html:
        content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


ERROR = {
    "description": "Invalid parameter",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["code"],
                "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
            }
        }
    },
}
FORMAT = _param("f", "Output format", {"type": "string", "enum": ["json", "html"]})


def document(*, base_url: str, town, max_limit: int) -> dict:
    items_params = [
        FORMAT,
        _param(
            "limit",
            "Number of features per page",
            {"type": "integer", "minimum": 1, "maximum": max_limit, "default": 10},
            style="form",
            explode=False,
        ),
        _param("offset", "Features to skip", {"type": "integer", "minimum": 0, "default": 0}),
        _param(
            "bbox",
            "minLon,minLat,maxLon,maxLat (WGS84)",
            {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
            style="form",
            explode=False,
        ),
        _param(
            "datetime",
            "An instant or an interval (RFC 3339; `..` for an open end)",
            {"type": "string"},
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
            "/": {
                "get": {
                    "summary": "Landing page",
                    "operationId": "getLandingPage",
                    "parameters": [FORMAT],
                    "responses": {"200": _json("Landing page")},
                }
            },
            "/conformance": {
                "get": {
                    "summary": "Conformance classes",
                    "operationId": "getConformanceDeclaration",
                    "parameters": [FORMAT],
                    "responses": {"200": _json("Conformance")},
                }
            },
            "/collections": {
                "get": {
                    "summary": "Collections",
                    "operationId": "getCollections",
                    "parameters": [FORMAT],
                    "responses": {"200": _json("Collections")},
                }
            },
            "/collections/works": {
                "get": {
                    "summary": "The works collection",
                    "operationId": "describeCollection",
                    "parameters": [FORMAT],
                    "responses": {"200": _json("Collection")},
                }
            },
            "/collections/works/items": {
                "get": {
                    "summary": "Works",
                    "operationId": "getFeatures",
                    "parameters": items_params,
                    "responses": {"200": _json("Features", "application/geo+json"), "400": ERROR},
                }
            },
            "/collections/works/items/{featureId}": {
                "get": {
                    "summary": "One work",
                    "operationId": "getFeature",
                    "parameters": [
                        _param(
                            "featureId",
                            "Id of the work",
                            {"type": "integer"},
                            where="path",
                            required=True,
                        ),
                        FORMAT,
                    ],
                    "responses": {
                        "200": _json("Feature", "application/geo+json"),
                        "404": {"description": "Not found"},
                    },
                }
            },
        },
    }
