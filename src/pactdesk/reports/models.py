"""Monthly client reports, built once per client and month and kept as built."""

from __future__ import annotations

from django.db import models

from pactdesk.platform.models import ClientOwned


class MonthlyReport(ClientOwned):
    """A client's report for one calendar month (in its agreement's time zone): the
    figures and chart series as JSON, and the PDF mailed to the client's admins. Built
    once (`reports.monthly.monthly_report_build`); building it again changes nothing."""

    month = models.DateField(help_text="The first day of the month reported.")
    agreement = models.ForeignKey(
        "agreements.Agreement", on_delete=models.PROTECT, related_name="+"
    )
    built_at = models.DateTimeField()
    figures = models.JSONField(help_text="The report and its chart series, as JSON.")
    pdf = models.BinaryField()
    mailed_to = models.JSONField(default=list, help_text="The admins' addresses mailed.")

    class Meta:
        ordering = ["client", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["client", "month"], name="monthly_report_once")
        ]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m}"
