from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "commune.api"
    label = "api"
    verbose_name = "API"
