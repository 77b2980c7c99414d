"""`pactdesk billing run` and `pactdesk billing refund-preview --hire ID [--json]`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from pactdesk.accounts.models import User
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.formats import preview_as_dict, preview_table
from pactdesk.billing.gateway import gateway_configured
from pactdesk.billing.services.cancel import hire_cancel_preview, hire_get
from pactdesk.billing.services.run import billing_run
from pactdesk.cli.billing_admin import ADMIN_KINDS, admin_handle, admin_parsers_add
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import NotFound
from pactdesk.platform.ids import id_parse


class Command(BaseCommand):
    help = (
        "Billing. `billing run` issues the invoices due, ends hires whose period ran out, "
        "decides last month's service credits, mails reminders and retries refunds (safe "
        "to run twice). `billing refund-preview --hire ID` shows what cancelling the hire "
        "today would refund, per line, without changing anything. `billing terms`, "
        "`billing hire start|list|cancel`, `billing invoice void` and `billing refund paid` "
        "administer a client's billing (see each one's --help). Errors exit with "
        "status 2 and a stable code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        run = kinds.add_parser("run", help="issue what is due (idempotent)")
        run.add_argument("--json", action="store_true", help="JSON for programs")
        preview = kinds.add_parser("refund-preview", help="what cancelling a hire refunds")
        preview.add_argument("--hire", required=True, help="the hire's id")
        preview.add_argument("--json", action="store_true", help="JSON for programs")
        admin_parsers_add(kinds)

    def handle(self, *args: Any, kind: str, **options: Any) -> None:
        now = clock_now()
        if kind in ADMIN_KINDS:
            admin_handle(kind=kind, options=options, out=self.stdout, actor=_operator())
            return
        if kind == "run":
            summary = billing_run(now=now, gateway=gateway_configured())
            data = {
                "issued": summary.issued,
                "ended": summary.ended,
                "credits": summary.credits,
                "reminders": summary.reminders,
                "refunds": summary.refunds,
            }
            if options["json"]:
                self.stdout.write(json.dumps(data, indent=2))
            else:
                issued = ", ".join(summary.issued) or "none"
                self.stdout.write(
                    f"Invoices issued: {len(summary.issued)} ({issued})\n"
                    f"Hires ended: {summary.ended}\nService credits: {summary.credits}\n"
                    f"Reminders: {summary.reminders}\nRefunds completed: {summary.refunds}\n",
                    ending="",
                )
            return
        hire_id = id_parse(options["hire"])
        if hire_id is None:
            raise NotFound(
                f"No hire {options['hire']!r}.", code=BillingErrorCode.HIRE_NOT_FOUND, field="hire"
            )
        hire = hire_get(actor=_operator(), hire_id=hire_id)
        preview = hire_cancel_preview(hire=hire, now=now)
        if options["json"]:
            self.stdout.write(json.dumps(preview_as_dict(preview), indent=2))
        else:
            self.stdout.write(preview_table(preview), ending="")


def _operator() -> User:
    """The command line acts as the provider: every client is visible (never saved)."""
    return User(email="cli@pactdesk.invalid", role="admin", is_active=True)
