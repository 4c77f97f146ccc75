from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilityConfig(AppConfig):
    name = "commune.mobility"
    label = "mobility"
    verbose_name = _("Mobility observatory")

    def ready(self):
        from commune.core.audit import actions_register

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
