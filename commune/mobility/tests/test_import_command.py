"""`manage.py mobility_import`: the CLI around the pipeline's importers."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import translation

from commune.mobility.models import DataImport
from commune.tenants.scoping import scope

GOOD = """site_id,timestamp,count
A1,2026-03-17T08:00:00+01:00,12
A1,2026-03-17T09:00:00+01:00,15
A2,2026-03-17T08:00:00+01:00,7
"""

WITH_BAD_ROWS = """site_id,timestamp,count
A1,2026-03-18T08:00:00+01:00,12
A1,2026-03-18T09:00:00+01:00,-3
A1,not a time,5
A2,2026-03-18T08:00:00+01:00,7
"""


def run_import(town, path, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "mobility_import",
        str(path),
        "--municipality",
        town.slug,
        "--kind",
        "counts",
        "--language",
        "en",
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def imports_of(town):
    with scope(town):
        return list(DataImport.objects.order_by("id"))


def test_counts_file_is_imported_into_the_towns_folder(town_a, tmp_path):
    # given
    path = tmp_path / "counts.csv"
    path.write_text(GOOD)
    # when
    out, err = run_import(town_a, path)
    # then
    [done] = imports_of(town_a)
    assert done.status == DataImport.Status.DONE
    assert done.progress == 100
    assert (done.rows_imported, done.rows_replaced, done.quarantine) == (3, 0, [])
    assert "Rows imported: 3, replaced: 0, in quarantine: 0" in out
    assert "100 %" in err
    assert list((settings.WAREHOUSE_DIR / str(town_a.pk) / "counts").rglob("*.parquet"))


def test_importing_the_same_file_again_changes_nothing(town_a, tmp_path):
    # given
    path = tmp_path / "counts.csv"
    path.write_text(GOOD)
    run_import(town_a, path)
    # when
    out, _ = run_import(town_a, path)
    # then
    first, second = imports_of(town_a)
    assert first.rows_imported == 3
    assert (second.status, second.rows_imported, second.rows_replaced) == ("done", 0, 0)


def test_unreadable_rows_are_listed_and_the_rest_imported(town_a, tmp_path):
    # given
    path = tmp_path / "mixed.csv"
    path.write_text(WITH_BAD_ROWS)
    # when
    out, _ = run_import(town_a, path)
    # then
    [done] = imports_of(town_a)
    assert done.rows_imported == 2
    assert [(q["file"], q["line"]) for q in done.quarantine] == [("mixed.csv", 3), ("mixed.csv", 4)]
    assert "in quarantine: 2" in out
    assert "mixed.csv:3: " in out and "mixed.csv:4: " in out


def test_wide_layout_with_hour_ranges_is_read_with_options(town_a, tmp_path):
    # given: one column per site, hours written as ranges, semicolons
    path = tmp_path / "wide.csv"
    path.write_text("Datum;Stunde;Nord;Sud\n17.03.2026;6:00-6:59;4;5\n17.03.2026;7:00-7:59;8;9\n")
    # when
    run_import(town_a, path, "--layout", "wide", "--date-col", "Datum", "--hour-col", "Stunde")
    # then
    [done] = imports_of(town_a)
    assert (done.status, done.rows_imported) == ("done", 4), done.error_message


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sensors.json", b'{"type": "FeatureCollection", "features": []}'),
        ("counts.csv", b"when,how many\n2026-03-17,3\n"),
        ("counts.zip", None),
    ],
)
def test_wrong_format_is_a_clear_error_with_exit_code_2(town_a, tmp_path, name, content):
    # given
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("counts.csv", GOOD)
    else:
        path.write_bytes(content)
    # when
    with pytest.raises(CommandError) as caught:
        run_import(town_a, path)
    # then
    assert caught.value.returncode == 2
    assert str(caught.value).startswith("The file could not be imported: ")
    [failed] = imports_of(town_a)
    assert failed.status == DataImport.Status.FAILED
    with translation.override("en"):  # the command speaks English; the page, its reader's
        assert failed.error_message == str(caught.value)
    assert not (settings.WAREHOUSE_DIR / str(town_a.pk) / "counts").exists()


def test_unknown_town_or_time_zone_is_exit_code_2(town_a, tmp_path):
    path = tmp_path / "counts.csv"
    path.write_text(GOOD)
    with pytest.raises(CommandError) as unknown_town:
        call_command("mobility_import", str(path), "--municipality", "nowhere", "--kind", "counts")
    with pytest.raises(CommandError) as unknown_zone:
        run_import(town_a, path, "--tz", "Europe/Nowhere")
    assert unknown_town.value.returncode == unknown_zone.value.returncode == 2
    assert "nowhere" in str(unknown_town.value)
    assert "Europe/Nowhere" in str(unknown_zone.value)
    assert imports_of(town_a) == []


def test_a_large_file_moves_the_progress_bar_while_it_is_read(town_a, warehouse_dir, tmp_path):
    # given a counts file of 450,000 rows (three blocks of 200,000 rows for the reader)
    import datetime as dt

    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    stamps = [(start + dt.timedelta(hours=h)).isoformat() for h in range(9000)]
    path = tmp_path / "large.csv"
    with path.open("w") as fh:
        fh.write("site_id,timestamp,count\n")
        for s in range(50):
            fh.writelines(f"S{s},{t},{(s + h) % 40}\n" for h, t in enumerate(stamps))
    # when imported from the command line (a log, not a terminal: a line per quarter reached)
    out, err = run_import(town_a, path)
    # then the bar passed through the reading (25 %) before the end, and the import is complete
    shown = [int(line.split()[0]) for line in err.splitlines() if line.endswith("%")]
    assert shown[0] == 0 and shown[-1] == 100
    assert any(0 < p < 50 for p in shown), shown
    [done] = imports_of(town_a)
    assert (done.status, done.rows_imported, done.progress) == ("done", 450_000, 100)


def test_an_import_keeps_the_rollups_fresh_and_the_hourly_job_catches_up(town_a, tmp_path):
    from analytics import rollups
    from commune.mobility.tasks import rollups_refresh_all

    # given an imported file: its month's rollups are written with it
    path = tmp_path / "counts.csv"
    path.write_text(GOOD)
    run_import(town_a, path)
    root = settings.WAREHOUSE_DIR
    assert rollups.is_fresh(root, town_a.pk, "counts_profile")
    assert rollups_refresh_all.call() == 0
    # when a correction arrives: the new import brings its rollups up to date too
    path.write_text(GOOD.replace(",15\n", ",16\n"))
    run_import(town_a, path)
    assert rollups.is_fresh(root, town_a.pk, "counts_profile")
    # and a rollup lost outside an import is rebuilt by the periodic job
    [hourly] = (root / str(town_a.pk) / "counts_hourly").glob("*.parquet")
    hourly.unlink()
    assert not rollups.is_fresh(root, town_a.pk, "counts_hourly")
    assert rollups_refresh_all.call() >= 1
    assert hourly.exists()
    assert rollups.is_fresh(root, town_a.pk, "counts_profile")


def test_a_rollup_that_cannot_be_written_does_not_fail_the_import(town_a, tmp_path, caplog):
    from analytics import rollups

    # given a town whose rollup folder cannot be created (a file stands in its way)
    folder = settings.WAREHOUSE_DIR / str(town_a.pk)
    folder.mkdir(parents=True)
    (folder / "counts_hourly").write_text("in the way")
    path = tmp_path / "counts.csv"
    path.write_text(GOOD)
    # when the file is imported
    out, _ = run_import(town_a, path)
    # then the rows are imported, the failure is logged, and queries read the raw rows
    [done] = imports_of(town_a)
    assert (done.status, done.rows_imported) == (DataImport.Status.DONE, 3)
    assert "rollups of town" in caplog.text
    assert not rollups.is_fresh(settings.WAREHOUSE_DIR, town_a.pk, "counts_hourly")
