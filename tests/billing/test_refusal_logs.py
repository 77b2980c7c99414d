"""A refusal is an expected outcome, not a fault: a client member or an agent opening a
billing page (403) and a client admin opening another client's invoice (404) each log
one line on `django.request`, without a traceback, and the page answers."""

from __future__ import annotations

import logging
from datetime import date

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.billing.models import Invoice
from tests.billing.conftest import seat_hire
from tests.factories import ClientFactory, UserFactory

pytestmark = pytest.mark.django_db


def _browser(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


def _pages(hire) -> list[tuple[str, str]]:
    invoice = Invoice.objects.get(hire=hire)
    return [
        ("get", "/billing/"),
        ("get", f"/billing/invoices/{invoice.pk}/"),
        ("post", f"/billing/invoices/{invoice.pk}/"),
        ("get", f"/billing/invoices/{invoice.pk}/pdf/"),
        ("post", f"/billing/invoices/{invoice.pk}/pay/"),
        ("get", f"/billing/invoices/{invoice.pk}/paid/?token=X"),
        ("get", f"/billing/hires/{hire.pk}/cancel/"),
        ("post", f"/billing/hires/{hire.pk}/cancel/"),
    ]


@pytest.mark.parametrize("role", [Role.CLIENT_MEMBER, Role.AGENT])
def test_a_forbidden_billing_page_logs_one_line_without_a_traceback(
    role, agreement, admin, caplog
) -> None:
    hire = seat_hire(agreement, admin, start=date(2026, 3, 1))
    user = UserFactory(role=role, client=agreement.client if role == Role.CLIENT_MEMBER else None)
    browser = _browser(user)

    for method, path in _pages(hire):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="django.request"):
            status = getattr(browser, method)(path).status_code
        records = [r for r in caplog.records if r.name == "django.request"]

        assert status == 403, path
        assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
            ("WARNING", f"Forbidden (Permission denied): {path.split('?')[0]}", None)
        ], path


def test_another_clients_invoice_logs_one_line_without_a_traceback(
    agreement, admin, caplog
) -> None:
    hire = seat_hire(agreement, admin, start=date(2026, 3, 1))
    stranger = _browser(UserFactory(role=Role.CLIENT_ADMIN, client=ClientFactory()))

    for method, path in _pages(hire)[1:]:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="django.request"):
            status = getattr(stranger, method)(path).status_code
        records = [r for r in caplog.records if r.name == "django.request"]

        assert status == 404, path
        assert [(r.levelname, r.getMessage(), r.exc_info) for r in records] == [
            ("WARNING", f"Not Found: {path.split('?')[0]}", None)
        ], path
