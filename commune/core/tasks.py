import datetime as dt

from django.utils import timezone
from django_tasks import task

from .models import WorkerHeartbeat
from .schedule import every


@every(dt.timedelta(minutes=1))
@task()
def heartbeat() -> str:
    """Proves to /healthz that jobs are enqueued and run."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name="worker", defaults={"seen_at": now})
    return now.isoformat()
