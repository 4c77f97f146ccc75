"""untrusted.archives: every rule refuses before anything is unpacked, with its code."""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile

import pytest

from untrusted.archives import (
    ArchiveRefused,
    MiB,
    ZipLimits,
    zip_extract,
    zip_open,
    zip_read,
)

SHAPEFILE = ZipLimits(
    max_members=5,
    max_member_bytes=4 * MiB,
    max_total_bytes=6 * MiB,
    max_ratio=50,
    suffixes=frozenset({".shp", ".shx", ".dbf", ".prj", ".cpg"}),
)
ANY = ZipLimits(max_members=10, max_member_bytes=4 * MiB, max_total_bytes=6 * MiB)


def make_zip(members: dict[str, bytes], **kwargs) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, **kwargs) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_info(info: zipfile.ZipInfo, content: bytes = b"x") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(info, content)
    return buffer.getvalue()


def refusal(data: bytes, limits: ZipLimits = SHAPEFILE) -> ArchiveRefused:
    with pytest.raises(ArchiveRefused) as caught, zip_open(io.BytesIO(data), limits):
        pass
    return caught.value


def test_a_plain_shapefile_archive_is_opened_and_read():
    data = make_zip({"zone.shp": b"s" * 100, "zone.dbf": b"d" * 10})
    with zip_open(io.BytesIO(data), SHAPEFILE) as (archive, members):
        assert [m.filename for m in members] == ["zone.shp", "zone.dbf"]
        assert zip_read(archive, members[1]) == b"d" * 10


def test_a_path_on_disk_is_opened_too_and_a_member_copied_where_the_caller_says(tmp_path):
    content = os.urandom(3 * MiB)
    (tmp_path / "a.zip").write_bytes(make_zip({"zone.shp": content}))
    with zip_open(tmp_path / "a.zip", SHAPEFILE) as (archive, [member]):
        target = zip_extract(archive, member, tmp_path / "layer.shp", chunk=1024)
    assert target.read_bytes() == content


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../zone.shp", "path"),
        ("sub/zone.shp", "path"),
        ("/etc/zone.shp", "path"),
        ("..\\zone.shp", "path"),
        ("C:zone.shp", "path"),
        ("zone.vrt", "name"),
        ("zone.csv", "name"),
        ("inner.zip", "name"),
        ("zone.shp.xml", "name"),
        ("folder/", "folder"),
    ],
)
def test_names_outside_the_rules_are_refused(name, code):
    error = refusal(make_zip({name: b"x"}))
    assert (error.code, error.params["name"]) == (code, name)


def test_folders_are_allowed_only_when_the_archive_need_not_be_flat():
    # given a timetable zipped on a Mac: a folder entry, and a file in a folder
    data = make_zip({"__MACOSX/": b"", "__MACOSX/._stops.txt": b"x", "stops.txt": b"id\n"})
    not_flat = ZipLimits(**{**ANY.__dict__, "flat": False})
    # then a flat archive refuses the folder, the other lists the files (not the folder)
    assert refusal(data, ANY).code == "folder"
    with zip_open(io.BytesIO(data), not_flat) as (_, members):
        assert [i.filename for i in members if not i.is_dir()] == [
            "__MACOSX/._stops.txt",
            "stops.txt",
        ]
    # and a path out of the archive is refused by both
    assert refusal(make_zip({"gtfs/../../x.txt": b"x"}), not_flat).code == "path"


@pytest.mark.parametrize("kind", [stat.S_IFLNK, stat.S_IFIFO, stat.S_IFCHR, stat.S_IFDIR])
def test_links_and_special_files_are_refused(kind):
    info = zipfile.ZipInfo("zone.dbf")
    info.create_system = 3
    info.external_attr = (kind | 0o777) << 16
    error = refusal(with_info(info, b"/var/lib/commune/commune.sqlite3"))
    assert error.code in {"link", "folder"}


def test_a_member_written_without_a_unix_mode_counts_as_a_plain_file():
    info = zipfile.ZipInfo("zone.shp")
    info.create_system = 0  # MS-DOS: the high bits hold no mode
    info.external_attr = 0x20  # the archive bit
    with zip_open(io.BytesIO(with_info(info)), SHAPEFILE) as (_, [member]):
        assert member.filename == "zone.shp"


def test_an_encrypted_member_is_refused():
    # given a member whose directory entry says it is encrypted (zipfile cannot write one)
    data = bytearray(make_zip({"zone.shp": b"x"}))
    directory = data.rfind(b"PK\x01\x02")
    flags = struct.unpack_from("<H", data, directory + 8)[0]
    struct.pack_into("<H", data, directory + 8, flags | 0x1)
    assert refusal(bytes(data)).code == "encrypted"


def test_bzip2_and_lzma_are_refused():
    for method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", method) as archive:
            archive.writestr("zone.shp", b"x")
        assert refusal(buffer.getvalue()).code == "compression"


def test_names_that_differ_only_by_case_are_refused():
    assert refusal(make_zip({"zone.shp": b"a", "ZONE.SHP": b"b"})).code == "duplicate"


def test_a_member_too_large_once_unpacked_is_refused_with_its_size():
    error = refusal(make_zip({"zone.dbf": b" " * (5 * MiB)}))
    assert error.code == "member_size"
    assert error.params == {"name": "zone.dbf", "size": 5 * MiB, "limit": 4 * MiB}


def test_members_that_together_unpack_past_the_total_are_refused():
    members = {f"zone.{ext}": os.urandom(2 * MiB) for ext in ("shp", "shx", "dbf", "prj")}
    error = refusal(make_zip(members))
    assert error.code == "total_size" and error.params["limit"] == 6 * MiB


def test_a_member_compressed_like_a_bomb_is_refused_even_under_the_size_limits():
    # given 3 MiB of zeros: far under the 4 MiB limit, but compressed about 1000 to 1
    error = refusal(make_zip({"zone.dbf": b"\x00" * (3 * MiB)}))
    assert error.code == "ratio" and error.params["ratio"] > 500


def test_a_small_repetitive_member_is_not_held_to_the_ratio():
    with zip_open(io.BytesIO(make_zip({"zone.prj": b"\x00" * 100_000})), SHAPEFILE) as (_, m):
        assert len(m) == 1


def test_too_many_members_are_refused_from_the_end_record_before_the_directory_is_read():
    # given an archive whose end record announces 70,000 members over a directory of garbage:
    # zipfile would fail on the garbage ("damaged"); the count is refused first
    data = bytearray(make_zip({f"m{i}.shp": b"x" for i in range(6)}))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 0xFFFF - 1, 0xFFFF - 1)
    start = struct.unpack_from("<L", data, end + 16)[0]
    data[start : start + 4] = b"JUNK"
    assert refusal(bytes(data)).code == "members"


def test_a_huge_directory_behind_a_small_count_is_refused_too():
    data = bytearray(make_zip({"zone.shp": b"x"}))
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<L", data, end + 12, 10 * MiB)
    assert refusal(bytes(data)).code == "members"


def test_more_members_than_allowed_are_refused():
    error = refusal(make_zip({f"m{i}.shp": b"x" for i in range(6)}))
    assert error.code == "members" and error.params["limit"] == 5


@pytest.mark.parametrize(
    "data",
    [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 100],
    ids=["empty", "text", "local-header-only"],
)
def test_what_is_not_a_zip_is_refused_as_damaged(data):
    assert refusal(data).code == "damaged"


def test_a_truncated_zip_is_refused_as_damaged():
    data = make_zip({"zone.shp": os.urandom(100_000)})
    assert refusal(data[: len(data) // 2]).code == "damaged"


def test_a_directory_that_understates_a_size_never_yields_more_than_it_declared():
    # given a member of 2 MiB whose directory entry says 10 bytes
    data = bytearray(make_zip({"zone.shp": b"\x01" * (2 * MiB)}))
    directory = data.rfind(b"PK\x01\x02")
    struct.pack_into("<L", data, directory + 24, 10)
    # when it is read, zipfile stops at the declared size and the checksum fails
    with zip_open(io.BytesIO(bytes(data)), SHAPEFILE) as (archive, [member]):
        assert member.file_size == 10
        with pytest.raises(ArchiveRefused) as caught:
            zip_read(archive, member)
    assert caught.value.code == "damaged"


def test_the_package_imports_neither_django_nor_commune_nor_analytics():
    """Both sides may use it only because it depends on neither (docs/architecture.md)."""
    import subprocess
    import sys

    script = (
        "import sys, untrusted.archives; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'commune', 'analytics'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_a_corrupted_member_is_refused_as_damaged_when_read_or_copied(tmp_path):
    # given a member whose compressed bytes were garbled in transit
    data = bytearray(make_zip({"zone.shp": os.urandom(1000).hex().encode() * 10}))
    start = data.find(b"zone.shp") + len("zone.shp")
    data[start + 10 : start + 60] = bytes(b ^ 0xFF for b in data[start + 10 : start + 60])
    with zip_open(io.BytesIO(bytes(data)), SHAPEFILE) as (archive, [member]):
        for action in (
            lambda: zip_read(archive, member),
            lambda: zip_extract(archive, member, tmp_path / "layer.shp"),
        ):
            with pytest.raises(ArchiveRefused) as caught:
                action()
            assert caught.value.code == "damaged" and caught.value.params["name"] == "zone.shp"
