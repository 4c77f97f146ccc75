"""The town's background map (PermitSettings.basemap_url and its credit), set by its
administrator; validated like the model field (https, no credentials, {z}/{x}/{y})."""

from __future__ import annotations

from django.db import transaction

from commune.core import audit
from commune.permits.models import PermitSettings
from commune.permits.selectors import permit_settings_get


@transaction.atomic
def basemap_set(*, municipality, actor, url: str, attribution: str) -> PermitSettings:
    """Store the tile address and credit (ValidationError when the address is not one we
    accept), with an audit row of the change."""
    config = permit_settings_get(municipality=municipality)
    config = PermitSettings.objects.select_for_update().get(pk=config.pk)
    before = {"url": config.basemap_url, "attribution": config.basemap_attribution}
    config.basemap_url, config.basemap_attribution = url.strip(), attribution.strip()
    config.full_clean(validate_constraints=False)
    config.save(update_fields=["basemap_url", "basemap_attribution", "updated_at"])
    audit.record(
        actor=actor,
        obj=config,
        action="basemap_set",
        before=before,
        after={"url": config.basemap_url, "attribution": config.basemap_attribution},
    )
    return config
