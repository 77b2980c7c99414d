"""Invoice numbers per year have no gaps and no repeats when many workers issue at once
(these tests commit for real; on PostgreSQL when PACTDESK_DATABASE_URL names one)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from pactdesk.billing.models import Hire, HireKind, HireStatus, Invoice
from pactdesk.billing.services.invoices import invoice_issue
from pactdesk.billing.services.numbering import document_number_next
from tests.alerts.test_concurrency import run_at_once, threads_on_a_file
from tests.billing.conftest import at

pytestmark = pytest.mark.django_db(transaction=True)
WORKERS = 8


def _hires(agreement, count: int) -> list[Hire]:
    # A shared plan has one open hire at a time: the others are rows of ended hires,
    # which is all numbering needs (invoice_issue numbers whatever it is given).
    return [
        Hire.objects.create(
            client_id=agreement.client_id,
            agreement=agreement,
            kind=HireKind.PLAN,
            start_date=date(2026, 3, 1),
            status=HireStatus.ACTIVE if n == 0 else HireStatus.ENDED,
            created_at=at(date(2026, 3, 1)),
        )
        for n in range(count)
    ]


def test_workers_issuing_at_once_number_without_gaps(shared, tmp_path) -> None:
    hires = _hires(shared, WORKERS)
    queue = list(hires)

    def issue() -> Invoice:
        hire = queue.pop()
        return invoice_issue(hire=hire, period_index=0, now=at(date(2026, 3, 1)))

    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        run_at_once(WORKERS, issue)  # type: ignore[arg-type]

    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"2026-{n:06d}" for n in range(1, WORKERS + 1)]


def test_workers_issuing_the_same_period_issue_it_once(shared, tmp_path) -> None:
    (hire,) = _hires(shared, 1)

    with threads_on_a_file(tmp_path / "shared.sqlite3"):
        results = run_at_once(
            4,
            lambda: invoice_issue(hire=hire, period_index=0, now=at(date(2026, 3, 1))),  # type: ignore[arg-type,return-value]
        )

    assert {invoice.number for invoice in results} == {"2026-000001"}  # type: ignore[attr-defined]
    assert Invoice.objects.count() == 1


def test_a_rolled_back_issue_gives_its_number_back(db) -> None:
    with transaction.atomic():
        assert document_number_next(series="", year=2027) == "2027-000001"
    try:
        with transaction.atomic():
            document_number_next(series="", year=2027)
            raise RuntimeError("the issue failed")
    except RuntimeError:
        pass
    with transaction.atomic():
        assert document_number_next(series="", year=2027) == "2027-000002"
        assert document_number_next(series="CN", year=2027) == "CN-2027-000001"
