from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pactdesk.web"
    label = "web"
    verbose_name = "Web pages"
