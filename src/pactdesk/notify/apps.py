from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "pactdesk.notify"
    label = "notify"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from pactdesk.notify.models import AcknowledgementTemplate
        from pactdesk.platform.refcache import watch

        watch(AcknowledgementTemplate)
