from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "pactdesk.work"
    label = "work"
    verbose_name = "Client work"
