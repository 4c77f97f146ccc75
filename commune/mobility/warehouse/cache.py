"""The observatory's figures, kept once computed for a filter until the town's data changes.

At a canton's scale (11,000 sites counted every hour) reading a quarter's rollups takes a few
seconds on two cores (bench/observatory_page.py), too long for a page opened again and again
with the same filter - each page of sites, each export, each return to it. So the figures of
a filter are kept as Parquet files under a key made of the filter and the *version* of the
town's warehouse: every data file's name, size, modification time and inode. An import, an
export of MQTT readings or a rollup refresh writes new files (they are swapped in, never
rewritten in place), which changes the version: a figure is never served from data that has
changed since. After an import the default period is computed at once (`warm` in selectors),
so the page opened next is read from here. At most KEEP filters per town are kept; the least
recently used go first. Decision 0025.

Only frames computed by this code are read back (Parquet, no pickle); each town has its own
folder, and the key is a hash of the town's id with the filter. A large frame (a year of a
canton's daily volumes, 4 M rows) is kept sorted in small row groups, so that a page reads only
the rows of its own sites (`narrow`): the rest stays on disk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings

KEEP = 24
MANIFEST = "manifest.json"
FORMAT = 2  # raised when what an entry holds changes: entries kept before are not read
#: Rows per row group of a kept frame: a page's 50 sites of a year's days (18,300 rows) are
#: read from one or two groups, not from the whole frame.
ROW_GROUP = 32_768

Frame = pd.DataFrame | pa.Table
#: {frame: (column, choose)}: only the rows whose `column` is in `choose(other frames)`.
Narrow = dict[str, tuple[str, Callable[[dict], list]]]


def data_version(root: Path, municipality_id: int | str) -> str:
    """A digest of every file of the town's warehouse (name, size, mtime, inode)."""
    town = Path(root) / str(municipality_id)
    digest = hashlib.sha256()
    for folder, dirs, files in os.walk(town):
        dirs.sort()
        for name in sorted(files):
            if name.startswith("."):
                continue  # locks
            path = Path(folder) / name
            try:
                stat = path.stat()
            except FileNotFoundError:  # swapped out while we looked: the version changes anyway
                continue
            line = f"{path.relative_to(town)}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\n"
            digest.update(line.encode())
    return digest.hexdigest()


def _folder(municipality_id: int | str) -> Path:
    return Path(settings.OBSERVATORY_CACHE_DIR) / str(int(municipality_id))


def _key(municipality_id: int | str, version: str, what: dict) -> str:
    text = json.dumps(
        {"town": str(municipality_id), "version": version, "format": FORMAT, **what},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()[:40]


def kept(
    *,
    root: Path,
    municipality_id: int | str,
    what: dict,
    compute: Callable[[], dict[str, Frame | None]],
    narrow: Narrow | None = None,
) -> dict[str, pd.DataFrame | None]:
    """The frames `compute()` returns for the filter `what` (JSON-able), from the cache when
    the town's data has not changed since they were kept. `compute` may return Arrow tables
    (a large frame is never turned into Python objects whole); what comes back is pandas,
    read the same way whether it was kept or just computed. With `narrow`, a frame comes back
    with only the rows its `choose` picks from the other frames (a page of sites)."""
    key = _key(municipality_id, data_version(root, municipality_id), what)
    entry = _folder(municipality_id) / key
    found = _read(entry, narrow or {})
    if found is not None:
        return found
    frames = compute()
    _write(entry, frames)
    return _read(entry, narrow or {}) or _in_memory(frames, narrow or {})


def _read(entry: Path, narrow: Narrow) -> dict[str, pd.DataFrame | None] | None:
    try:
        manifest = json.loads((entry / MANIFEST).read_text())
        frames = {
            name: None if stored is None else pd.read_parquet(entry / stored)
            for name, stored in manifest.items()
            if name not in narrow
        }
        for name, (column, choose) in narrow.items():
            stored = manifest[name]
            values = list(choose(frames))
            frames[name] = None if stored is None else _rows_of(entry / stored, column, values)
        os.utime(entry)  # recently used
    except (OSError, ValueError, KeyError):  # not kept, or removed meanwhile: computed again
        return None
    return {name: frames[name] for name in manifest}


def _rows_of(path: Path, column: str, values: list) -> pd.DataFrame:
    """The rows of a kept frame whose `column` is in `values`: the row groups whose statistics
    cannot hold them are not read."""
    if not values:
        return pq.read_schema(path).empty_table().to_pandas()
    return pq.read_table(path, filters=[(column, "in", values)]).to_pandas()


def _in_memory(frames: dict[str, Frame | None], narrow: Narrow) -> dict:
    """What `_read` gives, from frames just computed (when they could not be kept)."""
    out = {}
    for name, frame in frames.items():
        if isinstance(frame, pd.DataFrame):
            frame = pa.Table.from_pandas(frame, preserve_index=False)
        out[name] = None if frame is None else frame.to_pandas()
    for name, (column, choose) in narrow.items():
        rows = out[name]
        if rows is not None:
            others = {k: v for k, v in out.items() if k not in narrow}
            out[name] = rows[rows[column].isin(list(choose(others)))].reset_index(drop=True)
    return out


def _write(entry: Path, frames: dict[str, Frame | None]) -> None:
    """Written beside, then renamed into place: a reader sees the whole entry or none."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=entry.parent))
    manifest = {}
    for i, (name, frame) in enumerate(frames.items()):
        if frame is None:
            manifest[name] = None
            continue
        stored = f"{i}.parquet"
        if not isinstance(frame, pa.Table):
            frame = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(frame, staging / stored, row_group_size=ROW_GROUP)
        manifest[name] = stored
    (staging / MANIFEST).write_text(json.dumps(manifest))
    try:
        staging.rename(entry)
    except OSError:  # another request kept the same figures first
        shutil.rmtree(staging, ignore_errors=True)
    _forget_the_oldest(entry.parent)


def _forget_the_oldest(folder: Path) -> None:
    """Beyond KEEP entries, the least recently used go; so do entries a process that died left
    half-written (older than an hour)."""
    for left in folder.glob(".writing-*"):
        try:
            if time.time() - left.stat().st_mtime > 3600:
                shutil.rmtree(left, ignore_errors=True)
        except FileNotFoundError:
            pass
    entries = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")]
    entries.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in entries[KEEP:]:
        shutil.rmtree(stale, ignore_errors=True)
