"""`pactdesk report attainment --client SLUG [--month YYYY-MM | --from DATE --to DATE]
[--by agent|seat|pool]`,
`pactdesk report summary`, `pactdesk report monthly --client SLUG --month YYYY-MM`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pactdesk.accounts.models import User
from pactdesk.platform.clock import clock_now
from pactdesk.reports.formats import (
    report_as_dict,
    report_csv,
    report_table,
    summary_as_dict,
    summary_table,
    tickets_csv,
)
from pactdesk.reports.monthly import monthly_report_build, monthly_spec
from pactdesk.reports.periods import period_spec_parse
from pactdesk.reports.selectors import (
    attainment_report,
    provider_summary,
    report_client_get,
    report_ticket_rows,
)


class Command(BaseCommand):
    help = (
        "SLA attainment reports. `report attainment --client SLUG` prints one client's "
        "figures per target for a month (the current one by default, in the agreement's "
        "time zone) or a range of dates; `report summary` every client's. A ticket "
        "belongs to the period in which it was lodged; invalid and merged tickets are "
        "listed apart and counted nowhere. `report monthly` builds, stores and mails a "
        "client's monthly report once (as the worker does on the 1st) and can write its "
        "PDF. Errors exit with status 2 and a stable code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        one = kinds.add_parser("attainment", help="one client's report")
        one.add_argument("--client", required=True, help="the client's slug")
        _period_arguments(one)
        one.add_argument("--by-agent", action="store_true", help="the same as --by agent")
        one.add_argument(
            "--by",
            help="add the figures per agent, per seat (dedicated) or per pool (shared)",
        )
        form = one.add_mutually_exclusive_group()
        form.add_argument("--json", action="store_true", help="JSON for programs")
        form.add_argument("--csv", action="store_true", help="CSV, one line per target")
        form.add_argument("--tickets-csv", action="store_true", help="CSV of the tickets")
        every = kinds.add_parser("summary", help="every client's figures, provider-wide")
        _period_arguments(every)
        every.add_argument("--json", action="store_true", help="JSON for programs")
        monthly = kinds.add_parser("monthly", help="build (once) a client's monthly report")
        monthly.add_argument("--client", required=True, help="the client's slug")
        monthly.add_argument("--month", required=True, help="YYYY-MM, a month that has ended")
        monthly.add_argument("--pdf", type=Path, help="write the report's PDF to this file")

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        now = clock_now()
        if kind == "monthly":
            self._monthly(now=now, **options)
            return
        spec = period_spec_parse(
            month=options["month"], first=options["from"], last=options["to"], today=now.date()
        )
        if kind == "summary":
            summary = provider_summary(spec=spec, now=now)
            if options["json"]:
                self.stdout.write(json.dumps(summary_as_dict(summary), indent=2))
            else:
                self.stdout.write(summary_table(summary), ending="")
            return
        client = report_client_get(actor=_operator(), slug=options["client"])
        report = attainment_report(
            client=client, spec=spec, now=now, by=options["by"], by_agent=options["by_agent"]
        )
        if options["json"]:
            self.stdout.write(json.dumps(report_as_dict(report), indent=2))
        elif options["csv"]:
            self.stdout.write(report_csv(report), ending="")
        elif options["tickets_csv"]:
            self.stdout.write(tickets_csv(report_ticket_rows(report=report)), ending="")
        else:
            self.stdout.write(report_table(report), ending="")

    def _monthly(self, *, now: Any, client: str, month: str, pdf: Path | None, **_: Any) -> None:
        spec = monthly_spec(month=month)
        found = report_client_get(actor=_operator(), slug=client)
        build = monthly_report_build(client=found, spec=spec, now=now)
        row = build.report
        if build.created:
            mailed = ", ".join(row.mailed_to) or "no client admin"
            self.stdout.write(f"Built {found.slug} {spec.label}; mailed to {mailed}.")
        else:
            self.stdout.write(
                f"{found.slug} {spec.label} was built at {row.built_at.isoformat()}; "
                "kept as it was, nothing sent."
            )
        if pdf is not None:
            pdf.write_bytes(bytes(row.pdf))
            self.stdout.write(f"PDF written to {pdf} ({len(row.pdf)} bytes).")


def _period_arguments(parser: CommandParser) -> None:
    parser.add_argument("--month", help="YYYY-MM (default: the current month)")
    parser.add_argument("--from", dest="from", help="first day YYYY-MM-DD (with --to)")
    parser.add_argument("--to", help="last day YYYY-MM-DD, included (with --from)")


def _operator() -> User:
    """The command line acts as the provider: every client is visible (never saved)."""
    return User(email="cli@pactdesk.invalid", role="admin", is_active=True)
