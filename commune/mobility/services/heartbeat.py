"""The heartbeat of a running job: the process that runs it and when it last said it was alive
(services/recovery.py finds the jobs whose process died)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from contextlib import contextmanager

from django.db import DatabaseError, connection
from django.utils import timezone

from ..models import DataImport

HEARTBEAT_SECONDS = 30
logger = logging.getLogger(__name__)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def heartbeat(data_import: DataImport, *, every: float = HEARTBEAT_SECONDS):
    """Record this process on the running import and refresh its heartbeat until the block
    ends (a thread with its own database connection)."""
    rows = DataImport.objects.filter(pk=data_import.pk)
    rows.update(worker=this_worker(), heartbeat_at=timezone.now())
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    rows.update(heartbeat_at=timezone.now())
                except DatabaseError:  # a busy database: the next beat tries again
                    logger.warning("heartbeat of import %s not written", data_import.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, daemon=True, name=f"heartbeat-{data_import.pk}")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(every + 5)
