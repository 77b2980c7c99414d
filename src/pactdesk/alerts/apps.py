from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "pactdesk.alerts"
    label = "alerts"
    verbose_name = "Alerts"
