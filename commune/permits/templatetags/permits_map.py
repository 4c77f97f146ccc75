"""`{% basemap_attrs %}`: the data attributes that tell a map which background tiles to load
(the town's WMTS), and a mark on the request so that its security policy admits their host."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from commune.permits.basemap import REQUEST_ATTRIBUTE, basemap_for

register = template.Library()


@register.simple_tag(takes_context=True)
def basemap_attrs(context) -> str:
    request = context.get("request")
    municipality = getattr(request, "municipality", None)
    if municipality is None:
        return ""
    basemap = basemap_for(municipality)
    setattr(request, REQUEST_ATTRIBUTE, basemap["origin"])
    return format_html(
        'data-tiles="{}" data-tiles-attribution="{}"', basemap["url"], basemap["attribution"]
    )
