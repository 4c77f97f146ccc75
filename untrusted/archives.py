"""Zip archives from outside: checked from their directory alone, before a byte is unpacked.

    limits = ZipLimits(max_members=5, max_member_bytes=64 * MiB, max_total_bytes=128 * MiB,
                       suffixes={".shp", ".shx", ".dbf", ".prj", ".cpg"})
    with zip_open(path, limits) as (archive, members):   # ArchiveRefused, or checked members
        data = zip_read(archive, members[0])

What is refused, and why:
* more members than allowed — counted in the end-of-directory record, before Python's zipfile
  builds one object per entry (a 20 MB upload can list hundreds of thousands);
* a member, or all of them, larger once unpacked than allowed, or compressed more than
  `max_ratio` to 1 (a zip bomb: 0.6 MB that unpacks to 300 MB). Python's zipfile never returns
  more bytes than a member's declared size, so checking the declared sizes is enough;
* paths out of the archive (`../b`, `/b`, `C:b`); folders and `a/b` too, unless the archive
  need not be flat (`flat=False`: its members are read, never unpacked); links and other
  special files, encrypted members, names that differ only by case, compressions other than
  stored and deflate (bzip2 and lzma decompress a whole chunk at once, without an output
  bound), and names outside `suffixes`.

ArchiveRefused carries a `code` and its `params`, so that a caller can say it in the user's
language; str() is an English sentence for logs and command-line tools.
"""

from __future__ import annotations

import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

MiB = 1024 * 1024
#: Members smaller than this are not held to the ratio (a short, repetitive file compresses
#: well and cannot do harm).
RATIO_FLOOR_BYTES = MiB
#: Bytes of the central directory allowed per member: the fixed 46 bytes and a generous name,
#: extra field and comment.
_DIRECTORY_BYTES_PER_MEMBER = 46 + 1024
_COMPRESSIONS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
#: What reading a damaged member raises: a bad checksum, a truncated or garbled deflate stream.
_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError)

_EOCD = struct.Struct("<4s4H2LH")
_EOCD64_LOCATOR = struct.Struct("<4sLQL")
_EOCD64 = struct.Struct("<4sQ2H2L4Q")


@dataclass(frozen=True)
class ZipLimits:
    """What one kind of archive may hold. `suffixes`: allowed name endings, lower case (empty:
    any name). `flat`: members must sit at the top level (no folder in their name)."""

    max_members: int
    max_member_bytes: int
    max_total_bytes: int
    max_ratio: int = 100
    suffixes: frozenset[str] = field(default_factory=frozenset)
    flat: bool = True


class ArchiveRefused(ValueError):
    """The archive is refused before anything is unpacked. `code` names the rule (damaged,
    members, member_size, total_size, ratio, folder, path, link, encrypted, compression,
    duplicate, name) and `params` its figures (name, size, limit, ratio, count)."""

    def __init__(self, code: str, message: str, **params) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@contextmanager
def zip_open(
    source: str | Path | BinaryIO, limits: ZipLimits
) -> Iterator[tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]]:
    """Open `source` (a path or a binary file) as a zip and check it against `limits`; yields
    the open archive and its members, in their order. Raises ArchiveRefused."""
    with ExitStack() as stack:
        handle = source
        if isinstance(source, str | Path):
            handle = stack.enter_context(open(source, "rb"))
        _check_directory_size(handle, limits)
        try:
            archive = stack.enter_context(zipfile.ZipFile(handle))
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
            raise _damaged(exc) from exc
        yield archive, zip_check(archive, limits)


def zip_check(archive: zipfile.ZipFile, limits: ZipLimits) -> list[zipfile.ZipInfo]:
    """The members of an open archive, each checked against `limits`; ArchiveRefused."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _too_many(len(members), limits)
    total, seen = 0, set()
    for info in members:
        _check_name(info, limits)
        if info.is_dir():  # allowed only in archives that need not be flat: nothing to read
            continue
        key = info.filename.casefold()
        if key in seen:
            raise ArchiveRefused(
                "duplicate", f"{info.filename} is in the archive twice", name=info.filename
            )
        seen.add(key)
        _check_kind(info)
        _check_size(info, limits)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(
                "total_size",
                f"the archive would unpack to more than {limits.max_total_bytes} bytes",
                size=total,
                limit=limits.max_total_bytes,
            )
    return members


def zip_read(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A checked member's content (never more than its declared, checked size)."""
    try:
        return archive.read(info)
    except _READ_ERRORS as exc:
        raise _damaged(exc, name=info.filename) from exc


def zip_extract(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, *, chunk: int = MiB
) -> Path:
    """Copy a checked member to `target` (a path the caller chose, never the member's name),
    by chunks; returns `target`."""
    try:
        with archive.open(info) as member, open(target, "xb") as out:
            while block := member.read(chunk):
                out.write(block)
    except _READ_ERRORS as exc:
        target.unlink(missing_ok=True)
        raise _damaged(exc, name=info.filename) from exc
    return target


def _check_directory_size(handle: BinaryIO, limits: ZipLimits) -> None:
    """Count the members from the end-of-directory record, before zipfile reads the directory:
    both its entry count and its byte size are bounded, since zipfile trusts the latter."""
    try:
        entries, directory_bytes = _end_record(handle)
    except (OSError, ValueError, struct.error) as exc:
        raise _damaged(exc) from exc
    if (
        entries > limits.max_members
        or directory_bytes > limits.max_members * _DIRECTORY_BYTES_PER_MEMBER
    ):
        raise _too_many(entries, limits)
    handle.seek(0)


def _end_record(handle: BinaryIO) -> tuple[int, int]:
    """(entries, central directory size) from the end-of-central-directory record, Zip64 too."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, _EOCD.size + 0xFFFF)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise ValueError("no end-of-central-directory record")
    *_, entries, directory_bytes, _offset, _comment = _EOCD.unpack_from(tail, at)
    if entries == 0xFFFF or directory_bytes == 0xFFFFFFFF:
        locator = at - _EOCD64_LOCATOR.size
        if locator < 0 or tail[locator : locator + 4] != b"PK\x06\x07":
            raise ValueError("Zip64 archive without its locator")
        _sig, _disk, offset, _disks = _EOCD64_LOCATOR.unpack_from(tail, locator)
        handle.seek(offset)
        record = handle.read(_EOCD64.size)
        if len(record) != _EOCD64.size or record[:4] != b"PK\x06\x06":
            raise ValueError("Zip64 end record missing")
        fields = _EOCD64.unpack(record)
        entries, directory_bytes = fields[7], fields[8]
    return entries, directory_bytes


def _check_name(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or ":" in name or ".." in path.parts or "\x00" in name:
        raise ArchiveRefused("path", f"{name} has a path", name=name)
    if info.is_dir():
        if limits.flat:
            raise ArchiveRefused("folder", f"{name} is a folder", name=name)
        return
    if limits.flat and len(path.parts) != 1:
        raise ArchiveRefused("path", f"{name} has a path", name=name)
    if limits.suffixes and path.suffix.lower() not in limits.suffixes:
        raise ArchiveRefused("name", f"{name} is not allowed in this archive", name=name)


def _check_kind(info: zipfile.ZipInfo) -> None:
    name = info.filename
    kind = stat.S_IFMT(info.external_attr >> 16)  # 0 when the maker wrote no Unix mode
    if kind and kind != stat.S_IFREG:
        raise ArchiveRefused("link", f"{name} is a link or a special file", name=name)
    if info.flag_bits & 0x1:
        raise ArchiveRefused("encrypted", f"{name} is encrypted", name=name)
    if info.compress_type not in _COMPRESSIONS:
        raise ArchiveRefused("compression", f"{name} uses an unsupported compression", name=name)


def _check_size(info: zipfile.ZipInfo, limits: ZipLimits) -> None:
    name = info.filename
    if info.file_size > limits.max_member_bytes:
        raise ArchiveRefused(
            "member_size",
            f"{name} would unpack to {info.file_size} bytes (limit {limits.max_member_bytes})",
            name=name,
            size=info.file_size,
            limit=limits.max_member_bytes,
        )
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
        raise ArchiveRefused(
            "ratio",
            f"{name} is compressed {ratio:.0f} to 1 (limit {limits.max_ratio})",
            name=name,
            ratio=int(ratio),
            limit=limits.max_ratio,
        )


def _too_many(count: int, limits: ZipLimits) -> ArchiveRefused:
    return ArchiveRefused(
        "members",
        f"the archive lists {count} members or more than its directory allows "
        f"(limit {limits.max_members})",
        count=count,
        limit=limits.max_members,
    )


def _damaged(exc: Exception, name: str = "") -> ArchiveRefused:
    return ArchiveRefused("damaged", f"not a readable zip archive ({exc})", name=name)
