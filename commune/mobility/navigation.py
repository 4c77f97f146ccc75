"""The observatory's card on the town's home page (registered with tenants from
MobilityConfig.ready)."""

from __future__ import annotations

from django.urls import reverse


def observatory_home_card(town) -> dict:
    return {"url": reverse("mobility:observatory", kwargs={"town": town.slug}), "links": []}
