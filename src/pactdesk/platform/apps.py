from django.apps import AppConfig


class PlatformConfig(AppConfig):
    name = "pactdesk.platform"
    label = "platform"
    verbose_name = "Platform"

    def ready(self) -> None:
        from django.core import signals
        from django.urls import register_converter

        from pactdesk.platform import refcache
        from pactdesk.platform.ids import IdConverter

        register_converter(IdConverter, "id")  # `<id:...>` in every URL configuration

        signals.request_started.connect(refcache.request_started, dispatch_uid="refcache.start")
        signals.request_finished.connect(refcache.request_finished, dispatch_uid="refcache.end")
