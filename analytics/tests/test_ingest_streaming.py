"""The counts import reads its file by blocks and merges month by month: the result does not
depend on the block size (duplicates and the repeated autumn hour across blocks included), the
spill is removed, a huge quarantine is counted rather than listed; the preview detects how a
file is written (issue 9)."""

import os

import pyarrow.parquet as pq
import pytest

from analytics import store
from analytics.engines import dataset_dir
from analytics.ingest import report as report_module
from analytics.ingest.counts import import_counts
from analytics.ingest.preview import guess_mapping, preview_counts


def stored(root, municipality_id=1):
    folder = dataset_dir(root, municipality_id, "counts")
    table = pq.read_table(sorted(folder.glob("*.parquet")))
    return table.to_pandas().sort_values(["site_id", "ts_utc", "direction"]).reset_index(drop=True)


def autumn_file(tmp_path):
    lines = ["site_id,timestamp,count,direction"]
    for hour in range(24):
        lines.append(f"A,2024-10-27 {hour:02d}:00,{hour},N")
        if hour == 2:  # the repeated hour, twice, far apart in the file
            lines += [f"B,2024-10-2{d} 12:00,{d},N" for d in range(1, 7)]
            lines.append("A,2024-10-27 02:00,102,N")
    lines += ["A,2024-10-27 05:00,555,N"]  # a duplicate of a line many blocks before
    lines += [f"C,2024-11-0{d} 08:00,{d}0,S" for d in range(1, 4)]
    path = tmp_path / "autumn.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("chunk_rows", [3, 7, 1000])
def test_the_result_does_not_depend_on_the_block_size(tmp_path, chunk_rows):
    # given the autumn day, the repeated hour and a duplicate in different blocks
    path = autumn_file(tmp_path)
    # when read by blocks of `chunk_rows` rows
    report = import_counts(path, root=tmp_path / "w", municipality_id=1, chunk_rows=chunk_rows)
    # then the same rows are stored: 25 hours on the autumn day, the later duplicate kept
    rows = stored(tmp_path / "w")
    a = rows[rows.site_id == "A"]
    assert len(a) == 25
    assert a.ts_utc.is_unique
    assert a["count"].sum() == sum(range(24)) + 102 - 5 + 555
    assert [(q.line, q.code, q.params) for q in report.quarantine] == [
        (14, "duplicate_of", {"kept": 33})
    ]
    assert (report.rows_read, report.rows_imported) == (35, 34)
    # and the spill is gone
    assert not list(dataset_dir(tmp_path / "w", 1, "counts").glob(".incoming-*"))


def test_a_spill_left_by_a_dead_process_is_removed_by_the_next_writer(tmp_path):
    # given a spill of a process that is gone (pid 2**22 + 1 is never a live pid here)
    folder = dataset_dir(tmp_path, 1, "counts")
    dead = folder / f"{store.INCOMING}{2**22 + 1}-x"
    dead.mkdir(parents=True)
    mine = folder / f"{store.INCOMING}{os.getpid()}-y"
    mine.mkdir()
    # when the folder is recovered
    with store.locked(folder):
        pass
    # then
    assert not dead.exists() and mine.exists()


def test_a_huge_quarantine_is_counted_not_listed(tmp_path, monkeypatch):
    # given a listing limit of 3 and 5 bad rows
    monkeypatch.setattr(report_module, "QUARANTINE_KEPT", 3)
    path = tmp_path / "bad.csv"
    path.write_text("site_id,timestamp,count\n" + "A,2024-05-01 08:00,x\n" * 5)
    # when
    report = import_counts(path, root=tmp_path, municipality_id=1)
    # then
    assert [q.line for q in report.quarantine] == [2, 3, 4]
    assert report.quarantine_more == 2
    assert [(n.code, n.params) for n in report.notes] == [
        ("quarantine_more", {"more": 2, "kept": 3})
    ]


def test_header_names_in_four_languages_are_mapped():
    assert guess_mapping(["Zählstelle", "Datum", "Anzahl", "Richtung"]) == {
        "site": "Zählstelle",
        "timestamp": "Datum",
        "count": "Anzahl",
        "direction": "Richtung",
        "mode": "",
        "lane": "",
    }
    fr = guess_mapping(["Poste de comptage", "Horodatage", "Véhicules", "Sens", "Voie"])
    assert (fr["site"], fr["timestamp"], fr["count"], fr["direction"], fr["lane"]) == (
        "Poste de comptage",
        "Horodatage",
        "Véhicules",
        "Sens",
        "Voie",
    )
    assert guess_mapping(["site_id", "timestamp", "count"])["count"] == "count"


def test_the_preview_detects_how_the_file_is_written_and_reads_its_first_rows(tmp_path):
    # given Excel's Unicode text: UTF-16, tabs, decimal commas, day-first local times
    text = (
        "Poste\tHorodatage\tVéhicules\r\n"
        "A1\t17.03.2026 08:00\t1'200,0\r\n"
        "A1\t17.03.2026 09:00\tx\r\n"
    )
    path = tmp_path / "export.txt"
    path.write_bytes(text.encode("utf-16"))
    # when
    preview = preview_counts(path, tz="Europe/Zurich")
    # then
    assert (preview.encoding, preview.delimiter, preview.decimal) == ("utf-16", "\t", ",")
    assert preview.date_format == "swiss_local"
    assert preview.mapping["count"] == "Véhicules"
    first, second = preview.rows
    assert (first.line, first.count, first.ts_utc.isoformat()) == (
        2,
        1200,
        "2026-03-17T07:00:00+00:00",
    )
    assert (second.problem.code, second.problem.params["value"]) == ("value_not_number", "x")
    # and a chosen decimal point reads 1'200,0 as no number
    assert preview_counts(path, decimal=".").rows[0].problem.code == "value_not_number"


def test_month_files_keep_the_counts_schema(tmp_path):
    # given / when
    import_counts(autumn_file(tmp_path), root=tmp_path / "w", municipality_id=1)
    # then every month file has the schema readers expect, rows sorted by key
    from analytics.ingest.counts import KEY, SCHEMA

    for path in dataset_dir(tmp_path / "w", 1, "counts").glob("*.parquet"):
        assert pq.read_schema(path).remove_metadata().equals(SCHEMA), path.name
        rows = pq.read_table(path).to_pandas()
        assert rows.equals(rows.sort_values(KEY).reset_index(drop=True))
