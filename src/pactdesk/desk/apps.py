from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "pactdesk.desk"
    label = "desk"
    verbose_name = "Desk"
