from __future__ import annotations

from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "pactdesk.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        # PayPal's capture notifications pay, deny, reverse and refund our payments.
        from pactdesk.billing.services.paypal_events import capture_event_apply
        from pactdesk.payments.services import on_capture_event

        on_capture_event(capture_event_apply)
