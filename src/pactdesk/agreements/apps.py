from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "pactdesk.agreements"
    label = "agreements"
    verbose_name = "Agreements"
