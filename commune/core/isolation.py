"""One function run in a child process with its memory capped, so that a job needing too much
memory (a hostile file, or just a huge one) fails alone instead of taking down the worker that
every town shares.

    outcome = child_run("commune.mobility.services.imports:import_run_child",
                        kwargs={"import_id": 3}, memory_limit=2 * 1024**3)
    outcome.ok / outcome.out_of_memory / outcome.signal

The child is a fresh Python (`python -m commune.core.isolation`), not a fork: the worker runs a
scheduler thread, and a fork would copy its locks and database connections mid-use. Before it
imports anything, the child caps its own address space (RLIMIT_AS): an allocation past the cap
fails, Python raises MemoryError, the child exits with EXIT_OUT_OF_MEMORY; a child killed
outright shows as a signal. It then loads the parent's settings module and takes the values the
parent really uses where a fresh import could differ: the database name (the test runner's own
database under tests), MEDIA_ROOT and WAREHOUSE_DIR. Its output goes where the parent's goes.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from importlib import import_module

EXIT_OUT_OF_MEMORY = 3
EXIT_FAILED = 1
#: glibc gives each thread that allocates its own 64 MiB arena of address space: the cap on the
#: address space would count those reservations instead of memory really used.
CHILD_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}


@dataclass(frozen=True)
class ChildOutcome:
    returncode: int

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def out_of_memory(self) -> bool:
        return self.returncode == EXIT_OUT_OF_MEMORY

    @property
    def signal(self) -> int | None:
        """The signal that ended the child (SIGKILL from the kernel's OOM killer, ...)."""
        return -self.returncode if self.returncode < 0 else None


def child_run(target: str, *, kwargs: dict, memory_limit: int) -> ChildOutcome:
    """Call `target` ("module:function") with `kwargs` (JSON values) in a child process whose
    address space is capped at `memory_limit` bytes; wait for it and say how it ended."""
    # Django is imported in the functions, not above: this module is also the child's entry
    # point, which caps its memory before it loads anything big.
    from django.conf import settings  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    payload = {
        "target": target,
        "kwargs": kwargs,
        "memory_limit": int(memory_limit),
        "settings_module": os.environ.get("DJANGO_SETTINGS_MODULE") or settings.SETTINGS_MODULE,
        "settings": {
            "DATABASE_NAME": str(connection.settings_dict["NAME"]),
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "WAREHOUSE_DIR": str(settings.WAREHOUSE_DIR),
        },
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and module, JSON arguments
        [sys.executable, "-m", "commune.core.isolation", json.dumps(payload)],
        cwd=settings.BASE_DIR,
        env={**os.environ, **CHILD_ENVIRONMENT},
        check=False,
    )
    return ChildOutcome(returncode=done.returncode)


def _child_main(payload: dict) -> int:
    limit = payload["memory_limit"]
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        function = _prepare(payload)
        function(**payload["kwargs"])
    except MemoryError:
        print(f"{payload['target']}: out of memory (limit {limit} bytes)", file=sys.stderr)
        return EXIT_OUT_OF_MEMORY
    return 0


def _prepare(payload: dict):
    """Django set up with the parent's settings; the target function."""
    os.environ["DJANGO_SETTINGS_MODULE"] = payload["settings_module"]
    import django  # noqa: PLC0415 - only once the memory is capped (see child_run)
    from django.conf import settings  # noqa: PLC0415

    values = payload["settings"]
    settings.DATABASES["default"]["NAME"] = values["DATABASE_NAME"]
    settings.MEDIA_ROOT = values["MEDIA_ROOT"]
    settings.WAREHOUSE_DIR = values["WAREHOUSE_DIR"]
    django.setup()
    module_name, function_name = payload["target"].split(":")
    return getattr(import_module(module_name), function_name)


if __name__ == "__main__":
    sys.exit(_child_main(json.loads(sys.argv[1])))
