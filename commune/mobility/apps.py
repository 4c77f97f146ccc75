from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from commune.tenants.extensions import home_card_register, nav_register


class MobilityConfig(AppConfig):
    name = "commune.mobility"
    label = "mobility"
    verbose_name = _("Mobility observatory")

    def ready(self):
        # Imported here, not above: Django reads apps.py before any model is loaded.
        from commune.core.audit import actions_register  # noqa: PLC0415
        from commune.tenants.models import Module  # noqa: PLC0415

        # The pipeline (and with it pyproj's own copy of PROJ) is loaded now, before the first
        # database connection: SpatiaLite loads the system's PROJ for the whole process, and a
        # pyproj loaded after it mixes the two copies (wrong results, a crash at exit). Proven
        # by tests/test_proj_libraries.py.
        from . import warehouse  # noqa: F401, PLC0415
        from .navigation import observatory_home_card, observatory_nav_links  # noqa: PLC0415

        home_card_register(Module.MOBILITY, observatory_home_card)
        nav_register(observatory_nav_links)
        actions_register(
            {
                "import_queued": _("import queued"),
                "import_done": _("import finished"),
                "import_failed": _("import failed"),
                "evaluation_queued": _("evaluation queued"),
                "evaluation_done": _("evaluation finished"),
                "evaluation_failed": _("evaluation failed"),
                "opendata_published": _("open data published"),
            }
        )
