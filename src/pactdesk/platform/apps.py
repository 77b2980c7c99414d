from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "pactdesk.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core import signals

        from pactdesk.platform import refcache

        signals.request_started.connect(refcache.request_started, dispatch_uid="refcache.start")
        signals.request_finished.connect(refcache.request_finished, dispatch_uid="refcache.end")
