"""Counts importer: good, bad and tricky files (DST days, duplicates, gaps, wide layout)."""

import zipfile

import pyarrow.parquet as pq
import pytest

from analytics.engines import dataset_dir
from analytics.ingest import ImportFormatError
from analytics.ingest.counts import import_counts


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def stored(root):
    return pq.read_table(dataset_dir(root, 7, "counts")).to_pandas().sort_values("ts_utc")


def local_day(date, hours, site="A"):
    return "".join(f"{site},{date} {h:02d}:00,{10 + h}\n" for h in hours)


def test_spring_forward_day_has_23_hours_and_the_missing_hour_is_quarantined(tmp_path):
    # given a full local day on 31 March 2024, including a 02:00 that does not exist
    path = write(
        tmp_path, "spring.csv", "site_id,timestamp,count\n" + local_day("2024-03-31", range(24))
    )
    # when imported in Europe/Zurich
    report = import_counts(path, root=tmp_path, municipality_id=7)
    # then 23 hours are stored and the 02:00 row is in quarantine with its line
    rows = stored(tmp_path)
    assert len(rows) == 23 and report.rows_imported == 23
    assert [(q.line, "does not exist" in q.reason) for q in report.quarantine] == [(4, True)]
    assert rows.local_hour.tolist() == [h for h in range(24) if h != 2]


def test_autumn_day_has_25_hours_with_the_repeated_hour_by_order_of_appearance(tmp_path):
    # given the 27 October 2024 local day where 02:00 appears twice (summer time, then winter)
    hours = [0, 1, 2, 2, *range(3, 24)]
    text = "site_id,timestamp,count\n" + "".join(
        f"A,2024-10-27 {h:02d}:00,{100 + i}\n" for i, h in enumerate(hours)
    )
    path = write(tmp_path, "autumn.csv", text)
    # when imported
    report = import_counts(path, root=tmp_path, municipality_id=7)
    # then 25 distinct UTC hours; the first 02:00 is 00:00 UTC (+02:00), the second 01:00 UTC
    rows = stored(tmp_path)
    assert report.rows_imported == 25 and not report.quarantine
    assert rows.ts_utc.dt.strftime("%H:%M").tolist()[:5] == [
        "22:00",
        "23:00",
        "00:00",
        "01:00",
        "02:00",
    ]
    assert rows[rows.local_hour == 2]["count"].tolist() == [102, 103]


def test_iso_offsets_duplicates_and_bad_rows(tmp_path):
    # given offsets, a duplicate, a negative count, text, an unknown site and a bad time
    text = (
        "site_id;timestamp;count;direction\n"
        "A;2024-05-01T08:00:00+02:00;12;N\n"
        "A;2024-05-01T06:00:00Z;13;N\n"
        "A;2024-05-01T06:00:00Z;14;S\n"
        "A;2024-05-01T06:00:00Z;15;S\n"
        "A;2024-05-01T09:00:00+02:00;-3;N\n"
        "A;2024-05-01T10:00:00+02:00;douze;N\n"
        "Z;2024-05-01T10:00:00+02:00;4;N\n"
        "A;31.05.2024 25:00;4;N\n"
    )
    path = write(tmp_path, "mixed.csv", text)
    # when imported with a site list
    report = import_counts(path, root=tmp_path, municipality_id=7, known_sites={"A"})
    # then good rows are stored and every bad one is reported with its line and reason
    reasons = {q.line: q.reason for q in report.quarantine}
    assert report.rows_imported == 2
    assert reasons[2] == "duplicate of line 3 (the later line is kept)"
    assert reasons[4] == "duplicate of line 5 (the later line is kept)"
    assert reasons[6] == "count is negative"
    assert reasons[7] == "count is not a number"
    assert reasons[8] == "unknown site Z"
    assert reasons[9].startswith("unreadable timestamp")
    assert sorted(stored(tmp_path)["count"]) == [13, 15]


def test_reimport_is_idempotent_and_a_corrected_value_replaces_the_old(tmp_path):
    # given an imported file with a gap (no 03:00)
    text = "site_id,timestamp,count\n" + local_day("2024-06-03", [0, 1, 2, 4, 5])
    path = write(tmp_path, "day.csv", text)
    first = import_counts(path, root=tmp_path, municipality_id=7)
    files_before = {
        p.name: p.stat().st_mtime_ns for p in dataset_dir(tmp_path, 7, "counts").glob("*.parquet")
    }
    # when the same file is imported again
    again = import_counts(path, root=tmp_path, municipality_id=7)
    # then nothing changes, not even the files
    assert (first.rows_imported, again.rows_imported, again.rows_replaced) == (5, 0, 0)
    assert again.rows_unchanged == 5
    assert {
        p.name: p.stat().st_mtime_ns for p in dataset_dir(tmp_path, 7, "counts").glob("*.parquet")
    } == files_before
    # when a corrected file changes one value and fills the gap
    fixed = write(
        tmp_path,
        "fixed.csv",
        "site_id,timestamp,count\nA,2024-06-03 01:00,99\nA,2024-06-03 03:00,7\n",
    )
    third = import_counts(fixed, root=tmp_path, municipality_id=7)
    # then the value is replaced, the gap filled, the rest kept
    rows = stored(tmp_path)
    assert (third.rows_imported, third.rows_replaced) == (1, 1)
    assert rows["count"].tolist() == [10, 99, 12, 7, 14, 15]


def test_wide_layout_with_hour_ranges_and_swiss_dates(tmp_path):
    # given a wide file: one column per site, hours as ranges, a decimal comma, an empty cell
    text = (
        "date;hour;North;South\n"
        "31.03.2024;1:00-1:59;10,0;20\n"
        "31.03.2024;2:00-2:59;11;21\n"
        "31.03.2024;3:00-3:59;;22\n"
    )
    path = write(tmp_path, "wide.csv", text)
    # when imported with the wide options
    report = import_counts(
        path, root=tmp_path, municipality_id=7, options={"layout": "wide", "decimal": ","}
    )
    # then each site's hours are stored, the non-existent 02:00 is quarantined for both sites
    rows = stored(tmp_path)
    assert sorted(rows.site_id.unique()) == ["North", "South"]
    assert report.rows_imported == 3 and report.empty_cells == 1
    assert [q.line for q in report.quarantine] == [3, 3]
    assert rows[rows.site_id == "North"]["count"].tolist() == [10]


def test_column_mapping_for_other_layouts(tmp_path):
    text = "Zaehlstelle\tZeit\tAnzahl\tModus\nK1\t2024-06-03T07:00+02:00\t5\tbicycle\n"
    path = write(tmp_path, "de.tsv", text)
    options = {"site": "Zaehlstelle", "timestamp": "Zeit", "count": "Anzahl", "mode": "Modus"}
    report = import_counts(path, root=tmp_path, municipality_id=7, options=options)
    assert report.rows_imported == 1
    assert stored(tmp_path)["mode"].tolist() == ["bicycle"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("zip", "is a ZIP archive, not a CSV file of counts"),
        ('{"site_id": "A"}', "looks like JSON"),
        ("site,when,n\nA,2024-01-01T00:00Z,1\n", "missing column(s) site_id, timestamp, count"),
        ("", "is empty"),
    ],
)
def test_a_file_in_the_wrong_format_says_what_was_expected(tmp_path, content, message):
    # given a file that is not a counts CSV, and data already imported
    good = write(tmp_path, "good.csv", "site_id,timestamp,count\nA,2024-01-01T00:00Z,1\n")
    import_counts(good, root=tmp_path, municipality_id=7)
    path = tmp_path / "bad.csv"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("x.csv", "site_id,timestamp,count\n")
    else:
        path.write_text(content)
    # when imported / then a clear error, and nothing already imported is lost
    with pytest.raises(ImportFormatError, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_counts(path, root=tmp_path, municipality_id=7)
    assert len(stored(tmp_path)) == 1


def test_a_count_beyond_what_the_column_stores_is_quarantined_never_wrapped(tmp_path):
    # given: counts past 64 bits (as text, as a float, as infinity), 2**63 (one too many), the
    # largest count the column stores, a negative one and a plain one
    path = write(
        tmp_path,
        "huge.csv",
        "site_id,timestamp,count\n"
        "A,2024-05-01 00:00,99999999999999999999\n"
        "A,2024-05-01 01:00,9223372036854775808\n"
        "A,2024-05-01 02:00,9223372036854775807\n"
        "A,2024-05-01 03:00,1e20\n"
        "A,2024-05-01 04:00,inf\n"
        "A,2024-05-01 05:00,-3\n"
        "A,2024-05-01 06:00,12\n",
    )
    # when
    report = import_counts(path, root=tmp_path, municipality_id=7)
    # then: the two that fit are stored exactly, the others are in the quarantine with why
    rows = stored(tmp_path)
    assert rows["count"].tolist() == [9223372036854775807, 12]
    limit = {"column": "count", "limit": 9223372036854775807}
    assert [(q.line, q.code, q.params) for q in report.quarantine] == [
        (2, "value_too_large", {**limit, "value": "99999999999999999999"}),
        (3, "value_too_large", {**limit, "value": "9223372036854775808"}),
        (5, "value_too_large", {**limit, "value": "1e20"}),
        (6, "value_too_large", {**limit, "value": "inf"}),
        (7, "value_negative", {"column": "count", "value": "-3"}),
    ]
    assert report.quarantine[0].reason == "count is larger than 9223372036854775807"


def test_a_count_too_large_in_the_wide_layout_is_quarantined(tmp_path):
    # given
    path = write(
        tmp_path,
        "wide.csv",
        "date,hour,A,B\n2024-05-01,6:00-6:59,99999999999999999999,5\n",
    )
    # when
    report = import_counts(path, root=tmp_path, municipality_id=7, options={"layout": "wide"})
    # then
    assert stored(tmp_path)[["site_id", "count"]].values.tolist() == [["B", 5]]
    assert [(q.line, q.code) for q in report.quarantine] == [(2, "value_too_large")]
