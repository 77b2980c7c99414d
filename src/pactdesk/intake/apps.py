from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pactdesk.intake"
    label = "intake"
    verbose_name = "Inbound mail"
