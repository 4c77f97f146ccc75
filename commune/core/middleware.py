import logging
import time
import uuid

from .client_address import client_address
from .logging import request_context
from .views import method_not_allowed

logger = logging.getLogger("commune.request")


class RequestLogMiddleware:
    """Gives each request an id and logs one structured line when it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
        token = request_context.set({"request_id": request_id})
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            town = getattr(request, "municipality", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "town": town.slug if town else "",
                    "client": client_address(request),
                },
            )
            return response
        finally:
            request_context.reset(token)


class ErrorPageMiddleware:
    """Gives bare error responses (a 405 from `require_POST` has no body) our error page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and not response.get("Content-Type", "").startswith("application/")
            and not getattr(response, "streaming", False)
            and not response.content
        ):
            page = method_not_allowed(request)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
