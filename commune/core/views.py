"""Error pages and the health checks."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from . import health


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


def _health_response(checks: health.Checks) -> JsonResponse:
    ok = health.all_ok(checks)
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )


@never_cache
def healthz(request):
    """This web server's readiness, for the load balancer: 200, or 503 when its database or
    disk fails. The worker is not part of it (see healthz_worker)."""
    return _health_response(health.readiness())


@never_cache
def healthz_worker(request):
    """The worker's health, for monitoring: 200 while a worker was seen lately, else 503."""
    return _health_response(health.worker_health())
