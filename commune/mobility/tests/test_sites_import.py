"""Site metadata through the CLI, and counts checked against the town's sites."""

import io

from django.core.management import call_command

from commune.mobility import warehouse
from commune.mobility.models import DataImport
from commune.tenants.scoping import scope

SITES = "id,name,kind,e,n\nA1,Avenue du Prieuré,loop,2541050,1151300\n"
COUNTS = (
    "site_id,timestamp,count\nA1,2026-03-17T08:00:00+01:00,12\nZZ,2026-03-17T08:00:00+01:00,7\n"
)


def run_import(town, path, kind):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "mobility_import",
        str(path),
        "--municipality",
        town.slug,
        "--kind",
        kind,
        stdout=out,
        stderr=err,
    )
    return out.getvalue()


def test_counts_for_a_site_the_town_does_not_have_are_quarantined(
    town_a, town_b, warehouse_dir, tmp_path
):
    # given town A imported its site metadata
    sites, counts = tmp_path / "sites.csv", tmp_path / "counts.csv"
    sites.write_text(SITES)
    counts.write_text(COUNTS)
    run_import(town_a, sites, "sites")
    # when the same counts file is imported into A (with sites) and B (without)
    run_import(town_a, counts, "counts")
    run_import(town_b, counts, "counts")
    # then in A the unknown site's line is in quarantine; B, without sites, takes both rows
    with scope(town_a):
        done_a = DataImport.objects.get(kind="counts")
    with scope(town_b):
        done_b = DataImport.objects.get(kind="counts")
    assert done_a.rows_imported == 1
    assert [(q["line"], q["reason"]) for q in done_a.quarantine_shown] == [(3, "site inconnu ZZ")]
    assert (done_b.rows_imported, done_b.quarantine) == (2, [])
    catalogue = warehouse.observatory_catalogue(municipality=town_a)
    [site] = catalogue["sites"].to_dict("records")
    assert site["name"] == "Avenue du Prieuré" and 46.4 < site["lat"] < 46.6


def test_the_same_sites_file_twice_changes_nothing(town_a, warehouse_dir, tmp_path):
    # given
    sites = tmp_path / "sites.csv"
    sites.write_text(SITES)
    run_import(town_a, sites, "sites")
    # when
    run_import(town_a, sites, "sites")
    # then
    with scope(town_a):
        first, second = DataImport.objects.filter(kind="sites").order_by("id")
    assert (first.rows_imported, second.rows_imported, second.rows_replaced) == (1, 0, 0)
    assert warehouse.town_site_ids(municipality=town_a) == ["A1"]
