from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from commune.tenants import demo


class Command(BaseCommand):
    help = "Load the demo towns, accounts and each module's demo data (idempotent)."

    def handle(self, *args, **options):
        # Texts the services store (routing reasons, findings) come out in the default language.
        with translation.override(settings.LANGUAGE_CODE):
            self._load()

    def _load(self):
        towns = demo.load()
        for app in apps.get_app_configs():
            if app.name.startswith("commune.") and app.name != "commune.tenants":
                try:
                    module = import_module(f"{app.name}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app.name}.demo":
                        raise
                    continue
                module.load(towns)
        self.stdout.write(f"Demo data ready: {', '.join(t.name for t in towns)}")
