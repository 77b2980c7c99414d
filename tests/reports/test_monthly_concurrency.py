"""Two workers building the same month at once store one report and mail it once
(these tests commit for real: transaction=True)."""

from __future__ import annotations

import pytest

from pactdesk.accounts.models import Role
from pactdesk.desk.services import ticket_lodge
from pactdesk.notify.models import OutboundMail
from pactdesk.reports.models import MonthlyReport
from pactdesk.reports.monthly import MAIL_KIND, monthly_report_build, monthly_spec
from tests.alerts.test_concurrency import run_at_once, threads_on_a_file
from tests.factories import client_user
from tests.reports.conftest import local

pytestmark = pytest.mark.django_db(transaction=True)
NOW = local(2026, 4, 1, 12, 0)


def test_two_builds_at_once_store_one_report_and_send_one_mail(agreement, tmp_path) -> None:
    client = agreement.client
    ticket_lodge(
        client=client,
        customer_email="jo@shop.test",
        subject="Help",
        body="Help.",
        channel="email",
        now=local(2026, 3, 2, 10, 0),
    )
    admin = client_user(client, Role.CLIENT_ADMIN)
    march = monthly_spec(month="2026-03")
    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        results = run_at_once(2, lambda: monthly_report_build(client=client, spec=march, now=NOW))
    assert sorted(result.created for result in results) == [False, True]
    assert len({result.report.pk for result in results}) == 1
    assert MonthlyReport.objects.count() == 1
    assert list(
        OutboundMail.objects.filter(kind=MAIL_KIND).values_list("to_address", flat=True)
    ) == [admin.email]
