from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "pactdesk.routing"
    label = "routing"
    verbose_name = "Routing and presence"
