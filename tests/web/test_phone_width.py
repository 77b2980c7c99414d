"""At a phone's width (390 px) no page is wider than the screen: wide tables scroll
inside their card. Before, the workload page was 400 px wide (a visually hidden label in
the pools table's last column escaped its scroller), the client's `table.hires` 598 px,
the provider's `table.overdue` and receivables 508 px, the ticket lists ~500, the outbox
715, the home page 668 and the ticket page 568 (a long "To" address in the reply form).
Screenshots at 390 and 1280 are kept in $PACTDESK_TEST_ARTEFACTS (default
var/test-artefacts/) under phone-width/."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from pactdesk.accounts.models import Role
from pactdesk.billing.services.terms import TermsSpec, billing_terms_set
from pactdesk.desk.services import ticket_lodge
from pactdesk.platform.clock import clock_now
from pactdesk.routing.models import Pool
from tests.billing.conftest import seat_hire
from tests.factories import ClientFactory, UserFactory, client_user, dedicated_agreement
from tests.web.test_browser import CHROMIUM, CspWatch, log_in
from tests.web.test_browser import browser as browser  # the Chromium fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]

ARTEFACTS = Path(os.environ.get("PACTDESK_TEST_ARTEFACTS", "var/test-artefacts")) / "phone-width"
STAFF_PAGES = {
    "home": "/",
    "workload": "/desk/workload/",
    "all-tickets": "/desk/list/all/",
    "provider-billing": "/billing/",
    "outbox": "/ops/outbox/",
    "api-keys": "/ops/api-keys/",
}
CLIENT_PAGES = {"client-billing": "/billing/", "client-desk": "/desk/", "client-reports": None}


def the_desk():
    """Thames, dedicated (GBP) with one hire 40 days old (its invoice overdue) and one
    started today (inside its guarantee window); a ticket from a long address; a pool."""
    now = clock_now()
    admin = UserFactory(role=Role.ADMIN, email="admin@pactdesk.test")
    UserFactory(role=Role.AGENT, name="Ana Agent-Longname", email="ana@pactdesk.test")
    Pool.objects.create(name="Shared pool for the Americas and Europe")
    thames = ClientFactory(name="Thames Analytics", slug="thames")
    agreement = dedicated_agreement(thames, seats=2)
    billing_terms_set(
        actor=admin,
        agreement=agreement,
        spec=TermsSpec(
            currency="GBP",
            fee="4200.00",
            tax_rate="20",
            tax_label="VAT",
            contacts=("accounts@thames.test",),
        ),
    )
    today = now.date()
    seat_hire(agreement, admin, start=today - timedelta(days=40), number=1)
    seat_hire(agreement, admin, start=today, number=2)
    ticket = ticket_lodge(
        client=thames,
        customer_email="procurement.department.escalations@thames-analytics.example",
        subject="The quarterly export to the data warehouse stopped at 02:00 again",
        body="Help.",
        channel="email",
        now=now - timedelta(minutes=20),
    )
    return admin, client_user(thames, Role.CLIENT_ADMIN), ticket


# The page's width and, when it is too wide, the outermost elements past the screen's
# right edge (those not inside a scroller), to name the culprit in a failure.
MEASURE = """() => {
  const right = (e) => e.getBoundingClientRect().right;
  const scrolls = (e) => getComputedStyle(e).overflowX !== "visible";
  const past = Array.from(document.querySelectorAll("main *")).filter((e) => {
    if (right(e) <= window.innerWidth) return false;
    for (let p = e.parentElement; p; p = p.parentElement) if (scrolls(p)) return false;
    return right(e.parentElement) <= window.innerWidth;
  });
  const name = (e) => e.tagName.toLowerCase() + (e.className ? "." + e.className : "");
  return [document.scrollingElement.scrollWidth, past.slice(0, 3).map(name)];
}"""


def test_no_page_is_wider_than_a_phone(live_server, browser) -> None:
    admin, client_admin, ticket = the_desk()
    watch = CspWatch(browser)
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    staff_pages = {**STAFF_PAGES, "ticket": f"/desk/tickets/{ticket.pk}/"}
    client_pages = {**CLIENT_PAGES, "client-reports": "/reports/thames/"}
    wide: dict[str, tuple[int, list[str]]] = {}
    for user, pages in ((admin, staff_pages), (client_admin, client_pages)):
        page = watch.new_page()
        log_in(page, live_server.url, user.email)
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in pages.items():
                answer = page.goto(f"{live_server.url}{path}")
                assert answer is not None, path
                assert answer.status == 200, path
                page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"), full_page=True)
                scroll_width, culprits = page.evaluate(MEASURE)
                if scroll_width > width:
                    wide[f"{name}@{width}"] = (scroll_width, culprits)
    assert wide == {}
    assert watch.violations == []
