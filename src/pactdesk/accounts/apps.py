from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pactdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"
