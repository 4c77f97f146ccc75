"""Functions that commune/core/tests/test_isolation.py runs in a child process."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

MiB = 1024 * 1024


def allocate(*, megabytes: int) -> None:
    """Hold `megabytes` of memory, touched page by page."""
    block = bytearray(megabytes * MiB)
    block[::4096] = b"\x01" * len(block[::4096])


def fail() -> None:
    raise RuntimeError("a bug in the job")


def killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def describe(*, path: str) -> None:
    """Write down what the child sees: its settings, its database and its memory cap."""
    import resource

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection

    Path(path).write_text(
        json.dumps(
            {
                "database": str(connection.settings_dict["NAME"]),
                "media_root": str(settings.MEDIA_ROOT),
                "warehouse_dir": str(settings.WAREHOUSE_DIR),
                "users": sorted(get_user_model().objects.values_list("email", flat=True)),
                "limit": resource.getrlimit(resource.RLIMIT_AS)[0],
                "pid": os.getpid(),
            }
        )
    )
