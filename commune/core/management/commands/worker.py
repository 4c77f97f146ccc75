"""The background worker: runs queued jobs and, in a thread beside it, the scheduler that
enqueues periodic jobs when they are due. `./run` starts one. It beats as it starts, so that
/healthz/worker sees it alive at once rather than after the first heartbeat job.

Database backend (default): django-tasks-db's `db_worker`. TASKS_BACKEND=rq: an RQ worker on
Redis, using django-tasks-rq's job class so results and signals follow the Tasks API.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from commune.core.health import worker_beat
from commune.core.schedule import enqueue_due, run_start_hooks

logger = logging.getLogger("commune.worker")


class Command(BaseCommand):
    help = "Run background jobs and the periodic-job scheduler."

    def add_arguments(self, parser):
        parser.add_argument("--no-scheduler", action="store_true")
        parser.add_argument(
            "--tick", type=float, default=15.0, help="seconds between two looks at the schedule"
        )
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            help="a queue to work on (repeatable; default: every queue of the backend)",
        )
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued, then exit (for tests)"
        )

    def handle(self, *args, no_scheduler=False, tick=15.0, queues=None, batch=False, **options):
        worker_beat()
        run_start_hooks()
        if not no_scheduler:
            threading.Thread(target=self._schedule_loop, args=(tick,), daemon=True).start()
        backend = settings.TASKS["default"]["BACKEND"]
        if backend.startswith("django_tasks_rq"):
            call_command(
                "rqworker",
                *(queues or settings.TASKS["default"].get("QUEUES") or ["default"]),
                job_class="django_tasks_rq.backend.Job",
                with_scheduler=False,
                burst=batch,
            )
        else:
            call_command(
                "db_worker",
                queue_name=",".join(queues) if queues else "*",
                interval=1.0,
                startup_delay=False,
                reload=False,
                batch=batch,
            )

    def _schedule_loop(self, tick: float) -> None:
        while True:
            try:
                close_old_connections()
                enqueue_due()
            except Exception:
                logger.exception("scheduler tick failed")
            time.sleep(tick)
