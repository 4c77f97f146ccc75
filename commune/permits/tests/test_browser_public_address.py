"""In Chromium, in French, with axe: a public work's page in the OGC API (f=html) names its
street, JavaScript on and off; so does its pop-up on the public works map."""

from __future__ import annotations

import pytest

from commune.permits.models import PermitRequest
from commune.permits.tests.public_helpers import work
from commune.tenants import scoping

from .browser import open_page, start_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.clock]


def test_a_public_works_page_names_its_street(browser, live_server, axe, pully):
    with scoping.scope(pully):
        granted = work(pully, start=start_in(20))
        PermitRequest.objects.filter(pk=granted.pk).update(location_label="Avenue de Lavaux 12")
    url = f"/pully/ogcapi/collections/works/items/{granted.pk}?f=html"
    for javascript in (True, False):
        page = open_page(browser, live_server, java_script_enabled=javascript)
        page.goto(url)
        facts = page.locator("dl.facts")
        assert "Avenue de Lavaux 12" in facts.inner_text()
        if javascript:
            axe(page)
        page.context.close()
    # and: the works map's pop-up for it names the street too
    page = open_page(browser, live_server)
    page.goto("/pully/works/")
    page.wait_for_function("() => document.getElementById('works-map').dataset.worksLoaded")
    text = page.evaluate(
        "(ref) => { const l = Object.values(document.getElementById('works-map').leafletMap"
        "._layers).find(l => l.feature && l.feature.properties.reference === ref);"
        " l.openPopup(); return l.getPopup().getElement().innerText; }",
        granted.reference,
    )
    assert "Avenue de Lavaux 12" in text
