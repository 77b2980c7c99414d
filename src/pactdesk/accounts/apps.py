from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pactdesk.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from pactdesk.accounts.models import Client, Customer, User
        from pactdesk.platform.refcache import watch

        watch(Client, User)
        # A new customer changes nothing memoised; a renamed or removed one does.
        watch(Customer, creations=False)
