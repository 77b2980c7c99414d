from __future__ import annotations

from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "pactdesk.staffing"
    label = "staffing"
    verbose_name = "Staffing"
