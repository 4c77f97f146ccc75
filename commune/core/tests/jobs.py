"""Tasks used by the worker tests. They live in an importable module so that a worker running
in another process (db_worker, rqworker) finds them by their dotted path."""

import os

from django_tasks import task


@task()
def record_run(*, path: str, token: str) -> str:
    """Append `token` to the file at `path`: one line per execution, so tests count them."""
    with open(path, "a", encoding="utf-8") as out:
        out.write(f"{token} {os.getpid()}\n")
        out.flush()
        os.fsync(out.fileno())
    return token
