import datetime as dt

from django_tasks import task

from .health import worker_beat
from .schedule import every


@every(dt.timedelta(minutes=1))
@task()
def heartbeat() -> str:
    """Proves to /healthz/worker that jobs are enqueued and run."""
    return worker_beat().seen_at.isoformat()
