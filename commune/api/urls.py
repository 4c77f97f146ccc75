"""The public, versioned HTTP contract. Two Ninja APIs share the /api/v1/ prefix: the platform
one (towns) and the per-town one under /api/v1/<town>/, one router per domain."""

from functools import partial

from django.urls import path
from ninja import NinjaAPI
from ninja.errors import Throttled

from . import errors, permit_requests, town, towns
from .throttling import TokenThrottle, throttled

platform_api = NinjaAPI(
    title="commune API",
    version="1",
    urls_namespace="api-v1",
    docs_url=None,
    description="Public API of the commune platform (platform-wide endpoints).",
    throttle=TokenThrottle(),
)
platform_api.add_router("", towns.router)

town_api = NinjaAPI(
    title="commune API — one municipality",
    version="1",
    urls_namespace="town-api-v1",
    docs_url=None,
    description="Endpoints of one municipality; the town's slug is the first path segment.",
    throttle=TokenThrottle(),
)
town_api.add_router("", town.router)
# One router module per domain, mounted here explicitly (Ninja fixes its routes once the URL
# patterns are built, so routers cannot be added later from an app's ready()).
town_api.add_router("/permits", permit_requests.router)
for api in (platform_api, town_api):
    errors.install(api)  # one error format, bounded JSON bodies (errors.py)
    api.add_exception_handler(Throttled, partial(throttled, api=api))


urlpatterns = [
    path("", platform_api.urls),
    path("<slug:town>/", town_api.urls),
]
