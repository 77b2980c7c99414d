from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "pactdesk.agreements"
    label = "agreements"
    verbose_name = "Agreements"

    def ready(self) -> None:
        from pactdesk.agreements.models import Agreement, Calendar, Plan, SlaPolicy, SlaTarget
        from pactdesk.platform.refcache import watch

        watch(Plan, Calendar, SlaPolicy, SlaTarget, Agreement)
