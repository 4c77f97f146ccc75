from django.http import Http404

from .models import Domain, Municipality


def municipality_get(*, slug: str) -> Municipality:
    try:
        return Municipality.objects.get(slug=slug, is_active=True)
    except Municipality.DoesNotExist as exc:
        raise Http404 from exc


def municipality_for_host(*, host: str) -> Municipality | None:
    host = host.split(":", 1)[0].lower().rstrip(".")
    domain = (
        Domain.objects.select_related("municipality")
        .filter(domain=host, municipality__is_active=True)
        .first()
    )
    return domain.municipality if domain else None


def municipality_list():
    return Municipality.objects.filter(is_active=True).order_by("name")
