from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "pactdesk.platform"
    label = "platform"
    verbose_name = "Platform"
