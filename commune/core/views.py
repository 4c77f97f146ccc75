"""Error pages and the health check."""

import shutil

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .models import WorkerHeartbeat


def _error(request, status: int, template: str):
    return render(request, template, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, "errors/400.html")


def permission_denied(request, exception=None):
    return _error(request, 403, "errors/403.html")


def page_not_found(request, exception=None):
    return _error(request, 404, "errors/404.html")


def method_not_allowed(request):
    return _error(request, 405, "errors/405.html")


def csrf_failure(request, reason=""):
    """A form sent without a valid security token: usually an old tab or blocked cookies."""
    return _error(request, 403, "errors/csrf.html")


def server_error(request):
    return _error(request, 500, "errors/500.html")


@never_cache
def healthz(request):
    """Database, worker and disk space; 200 when all are fine, 503 otherwise."""
    checks: dict[str, dict] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = {"ok": True}
    except Exception as exc:
        checks["database"] = {"ok": False, "error": exc.__class__.__name__}

    beat = None
    if checks["database"]["ok"]:
        beat = WorkerHeartbeat.objects.filter(name="worker").first()
    if beat is None:
        checks["worker"] = {"ok": False, "error": "no job has run yet"}
    else:
        age = (timezone.now() - beat.seen_at).total_seconds()
        checks["worker"] = {
            "ok": age <= settings.HEALTH_WORKER_MAX_AGE_SECONDS,
            "last_job_seconds_ago": round(age),
        }

    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(settings.MEDIA_ROOT).free
    checks["disk"] = {"ok": free >= settings.HEALTH_MIN_FREE_DISK_BYTES, "free_bytes": free}

    healthy = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503
    )
