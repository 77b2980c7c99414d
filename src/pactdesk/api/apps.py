from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pactdesk.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        from pactdesk.api.models import ApiKey
        from pactdesk.platform.refcache import watch

        watch(ApiKey)
