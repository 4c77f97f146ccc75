"""In Chromium: an analyst imports an Excel-like export (semicolons, decimal commas, German
column names) through the preview: the file goes up in chunks, the formats and columns are
detected, a wrong setting shows at once why rows would be refused (htmx), and the import ends
with the right totals; no WCAG 2.1 AA violation (axe-core) (issue 9)."""

from __future__ import annotations

import pytest

from commune.accounts.models import Role
from commune.core.browser import htmx_swap
from commune.mobility.models import DataImport, PendingUpload
from commune.tenants.scoping import scope

from .test_import_views import member
from .test_observatory_browser import _logged_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPORT = (
    "\ufeffZählstelle;Datum;Anzahl\r\n"
    "A1;17.03.2026 08:00;100,0\r\n"
    "A1;17.03.2026 09:00;1'250,0\r\n"
    "A1;17.03.2026 10:00;12x\r\n"
    "B2;17.03.2026 08:00;40,0\r\n"
    "B2;17.03.2026 09:00;60\r\n"
).encode()


def test_an_excel_export_is_imported_through_the_preview(
    page, axe, live_server, staff_client, town_a, settings
):
    # given small chunks, so that the file goes up in several
    settings.IMPORT_UPLOAD_CHUNK_BYTES = 64
    _logged_in(page, staff_client, member(town_a, Role.MOBILITY_ANALYST), live_server)
    page.goto(f"{live_server.url}/pully/mobility/imports/")
    axe(page)
    # when the analyst chooses the file and asks for the preview
    page.select_option("#id_kind", "counts")
    page.set_input_files(
        "#id_file", {"name": "export.csv", "mimeType": "text/csv", "buffer": EXPORT}
    )
    chunks = []
    page.on("request", lambda r: chunks.append(r.url) if r.method == "PUT" else None)
    page.get_by_role("button", name="Aperçu et choix des colonnes").click()
    page.wait_for_url("**/preview/")
    assert len(chunks) == -(-len(EXPORT) // 64)  # sent in chunks by upload.js
    # then the separator, decimal mark, date format and columns are detected
    assert page.locator("#id_delimiter").input_value() == ";"
    assert page.locator("#id_decimal").input_value() == ","
    assert page.locator("#id_map_site").input_value() == "Zählstelle"
    assert page.locator("#id_map_timestamp").input_value() == "Datum"
    assert page.locator("#id_map_count").input_value() == "Anzahl"
    assert "Heure locale, jour d’abord" in page.locator("main").inner_text()
    rows = page.locator("#import-preview tbody tr")
    assert rows.nth(1).locator("td").nth(6).inner_text() == "1250"
    assert rows.nth(2).locator("td").last.inner_text() == (
        "valeur « 12x » non numérique, ligne 4, colonne count"
    )
    axe(page)
    # when a wrong decimal mark is chosen, the rows are read again in place (htmx)
    # (each change waits for htmx to settle: a change made before it was lost once)
    page.evaluate("window.__kept = 'yes'")
    htmx_swap(page, lambda: page.select_option("#id_decimal", "."))
    first_reason = rows.first.locator("td").last
    assert "100,0" in first_reason.inner_text()
    assert page.evaluate("window.__kept") == "yes"
    # and put back
    htmx_swap(page, lambda: page.select_option("#id_decimal", ","))
    assert first_reason.inner_text().strip() == ""
    # when the import is started with these settings (the tests' task backend runs it within
    # the request, in a child process of its own: a minute allowed on a loaded machine, where
    # 15 s once ran out while the child started)
    page.get_by_role("button", name="Lancer l’import").click(timeout=60_000)
    page.wait_for_url("**/imports/*/")
    page.wait_for_selector("#import-status .badge.ok")
    # then it ends with the right totals: four rows, one in quarantine with its value
    facts = page.locator("#import-status").inner_text()
    assert "Terminé" in facts
    with scope(town_a):
        done = DataImport.objects.get()
        assert not PendingUpload.objects.exists()
    assert (done.status, done.rows_imported, len(done.quarantine)) == ("done", 4, 1)
    assert "valeur « 12x » non numérique, ligne 4, colonne count" in facts
    axe(page)
