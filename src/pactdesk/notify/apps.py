from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "pactdesk.notify"
    label = "notify"
    verbose_name = "Notifications"
