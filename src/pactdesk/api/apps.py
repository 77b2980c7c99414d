from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pactdesk.api"
    label = "api"
    verbose_name = "REST API"
