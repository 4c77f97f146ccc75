"""In Chromium (Swiss French), an analyst asks for control sites, runs an evaluation on
demo-like data (the demo's -15 % at two centre sites) and reads the summary, the warnings and
the week-by-week chart; both pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings

from commune.accounts.models import Role

from .test_observatory import START, member, write_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAYS = 112
INTERVENTION = START + dt.timedelta(days=DAYS // 2)


def _logged_in(page, staff_client, user, live_server):
    """Give the browser the session of a user who passed the second factor."""
    client = staff_client(user)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def test_an_analyst_runs_an_evaluation_and_reads_its_chart_and_warnings(
    page, axe, live_server, staff_client, town_a
):
    # given: 16 weeks of demo-like counts, -15 % at P01 and P02 from the middle on
    write_data(town_a, days=DAYS, effect=True)
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    page.goto("/pully/mobility/evaluations/")
    # when: the treated sites, the mode and the date chosen, control sites suggested
    page.select_option("#id_treated", ["P01", "P02"])
    page.select_option("#id_mode", "car")
    page.fill("#id_intervention_date", INTERVENTION.isoformat())
    page.fill("#id_before_days", "49")
    page.fill("#id_after_days", "49")
    page.get_by_role("button", name="Suggérer des sites témoins").click()
    page.wait_for_selector("#suggestions")
    # then: the two other car sites are ranked and selected as controls; the page passes axe
    ranked = page.locator("#suggestions tbody th").all_inner_texts()
    assert sorted(ranked) == ["Avenue des Désertes (P08)", "Chemin de Rennier (P07)"]
    selected = page.eval_on_selector("#id_control", "s => [...s.selectedOptions].map(o => o.value)")
    assert sorted(selected) == ["P07", "P08"]
    axe(page)
    # when: titled and evaluated
    page.fill("#id_title", "Centre à 30 km/h")
    page.get_by_role("button", name="Évaluer").click()
    page.wait_for_selector("#result-title")
    # then: the summary in French names the sites and the change per day
    summary = page.locator("p.lead[lang=fr]").inner_text()
    assert summary.startswith("Aux sites Avenue du Prieuré (centre) et Rue de la Poste (centre)")
    assert "véhicules par jour" in summary and "changement net" in summary
    # and the warnings say, in words, that two control sites make a wide interval
    warnings = page.locator("[aria-labelledby=warnings-title]").inner_text()
    assert "Moins de trois sites témoins" in warnings
    # and the week-by-week chart is drawn with its axis titles, and its figures in a table:
    # the weeks before hover around 0, those after around -15 %
    chart = page.get_by_role("img", name="Semaine par semaine : sites traités moins sites témoins")
    assert chart.is_visible()
    assert "Semaines depuis l'intervention" in chart.inner_html()
    rows = page.locator("#event-title ~ .table-scroll tbody tr")
    assert rows.count() == 14
    figures = {
        int(r.locator("th").inner_text()): r.locator("td").nth(2).inner_text() for r in rows.all()
    }
    assert all(abs(_pct(figures[w])) < 5 for w in range(-7, 0))
    assert all(-20 < _pct(figures[w]) < -10 for w in range(0, 7))
    axe(page)


def _pct(text: str) -> float:
    return float(text.replace("\u2212", "-").replace("\u00a0%", "").replace(",", "."))
