"""Which town a request belongs to, and the scope it runs in."""

from django.http import Http404
from django.utils import translation

from . import scoping
from .models import Module
from .selectors import municipality_for_host, municipality_get

# Paths that stay platform-wide even on a town's own domain name.
PLATFORM_PREFIXES = (
    "/static/",
    "/media/",
    "/admin/",
    "/healthz",
    "/accounts/",
    "/i18n/",
    "/api/",
    "/jsi18n/",
)


class TownDomainMiddleware:
    """On a town's own domain name, serve that town at the root: /x → /<slug>/x."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(PLATFORM_PREFIXES):
            # Platform paths are never rewritten: no need to ask the database whose host it
            # is (the readiness check must answer 503, not fail here, when the database is down).
            return self.get_response(request)
        try:
            host = request.get_host()
        except Exception:  # DisallowedHost: Django answers 400 further on
            host = ""
        town = municipality_for_host(host=host) if host else None
        if town is not None:
            prefix = f"/{town.slug}"
            if request.path_info != prefix and not request.path_info.startswith(prefix + "/"):
                request.path_info = prefix + request.path_info
        return self.get_response(request)


class TownMiddleware:
    """For /<town>/... URLs: loads the town (404 if unknown), enforces its enabled modules and
    runs the view inside that town's scope. Views never receive the `town` keyword."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = None
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_scope_token", None)
            if token is not None:
                scoping.deactivate(token)
                request._scope_token = None

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("town")
        if slug is None:
            return None
        # Django views never see `town`; the Ninja API's views need it to rebuild their paths.
        if "town-api-v1" not in request.resolver_match.namespaces:
            del view_kwargs["town"]
        town = municipality_get(slug=slug)
        module = getattr(view_func, "commune_module", None)
        namespaces = request.resolver_match.namespaces if request.resolver_match else []
        for ns in namespaces:
            if ns in Module.values:  # a module's URLs carry its name as their namespace
                module = ns
        if module and not town.has_module(module):
            raise Http404
        request.municipality = town
        request._scope_token = scoping.activate(town)
        if translation.get_language() not in town.offered_languages:
            # A town page in a language the town does not offer: fall back to its own.
            translation.activate(town.default_language)
            request.LANGUAGE_CODE = translation.get_language()
        return None
