from __future__ import annotations

from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "pactdesk.payments"
    label = "payments"
    verbose_name = "Payments"
