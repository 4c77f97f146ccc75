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
folder, and the key is a hash of the town's id with the filter.
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

KEEP = 48
MANIFEST = "manifest.json"
FORMAT = 2  # raised when what an entry holds changes: entries kept before are not read

Frame = pd.DataFrame | pa.Table


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
) -> dict[str, pd.DataFrame | None]:
    """The frames `compute()` returns for the filter `what` (JSON-able), from the cache when
    the town's data has not changed since they were kept. `compute` may return Arrow tables (a
    year of a canton's days, 4 M rows, is not turned into Python objects by the engine's
    reader); what comes back is pandas, read the same way whether it was kept or just computed."""
    key = _key(municipality_id, data_version(root, municipality_id), what)
    entry = _folder(municipality_id) / key
    found = _read(entry)
    if found is not None:
        return found
    frames = compute()
    _write(entry, frames)
    return _read(entry) or _in_memory(frames)


def _read(entry: Path) -> dict[str, pd.DataFrame | None] | None:
    try:
        manifest = json.loads((entry / MANIFEST).read_text())
        frames = {
            name: None if stored is None else pd.read_parquet(entry / stored)
            for name, stored in manifest.items()
        }
        os.utime(entry)  # recently used
    except (OSError, ValueError):  # not kept, or removed meanwhile: computed again
        return None
    return frames


def _in_memory(frames: dict[str, Frame | None]) -> dict[str, pd.DataFrame | None]:
    """What `_read` gives, from frames just computed (when they could not be kept)."""
    return {
        name: None if frame is None else _arrow(frame).to_pandas() for name, frame in frames.items()
    }


def _arrow(frame: Frame) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame
    return pa.Table.from_pandas(frame, preserve_index=False)


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
        pq.write_table(_arrow(frame), staging / stored)
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
