from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "pactdesk.cli"
    label = "cli"
    verbose_name = "Command line"
