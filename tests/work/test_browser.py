"""End to end in Debian Chromium: Thames's client admin reorders the work order from
the keyboard (and by dragging), the seated technician's page follows, and a client
member of another client cannot open Thames's task by URL. Every page is watched for
Content-Security-Policy violations. Screenshots are kept as test artefacts in
$PACTDESK_TEST_ARTEFACTS (default var/test-artefacts/) under work/."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from pactdesk.accounts.models import Role
from pactdesk.agreements.services import seat_assign
from pactdesk.platform.clock import clock_now
from pactdesk.work.models import Task
from pactdesk.work.order import work_order_read
from pactdesk.work.services import TaskFields, task_create
from tests.factories import (
    PASSWORD,
    ClientFactory,
    UserFactory,
    client_user,
    dedicated_agreement,
    ticket_lodged,
)
from tests.web.test_browser import CHROMIUM, CspWatch
from tests.web.test_browser import browser as browser  # the Chromium fixture

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian Chromium is not installed"),
]

ARTEFACTS = Path(os.environ.get("PACTDESK_TEST_ARTEFACTS", "var/test-artefacts")) / "work"


def _shot(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.get_by_role("button", name="Log out").wait_for()


def _titles(page) -> list[str]:
    return page.locator("ol.work-order > li .title").all_inner_texts()


def test_admin_reorders_the_technician_follows_an_outsider_is_kept_out(
    live_server, browser, django_capture_on_commit_callbacks
) -> None:
    watch = CspWatch(browser)
    thames = ClientFactory(name="Thames", slug="thames", support_email="help@thames.test")
    agreement = dedicated_agreement(thames, seats=1)
    tech = UserFactory(role=Role.AGENT, name="Tia Tech", email="tia@pactdesk.test")
    seat_assign(seat=agreement.seats.get(), agent=tech)
    admin = UserFactory(
        role=Role.CLIENT_ADMIN, client=thames, name="Ada Admin", email="ada@thames.test"
    )
    now = clock_now()
    for subject in ("Dashboard down", "Export broken"):
        ticket_lodged(
            client=thames, capture=django_capture_on_commit_callbacks, subject=subject, now=now
        )
    task = task_create(
        actor=admin,
        client=thames,
        fields=TaskFields("Rotate the keys", assignee_id=tech.pk),
        now=now,
    )
    other = ClientFactory(name="Other", slug="other", support_email="help@other.test")
    dedicated_agreement(other, seats=1)
    outsider = client_user(other, Role.CLIENT_MEMBER)
    base = live_server.url

    # The client admin moves the task to the top from the keyboard: Tab to its ↑
    # button, Enter, twice (htmx swaps the list and keeps the focus on the button).
    page = watch.new_page()
    _log_in(page, base, admin.email)
    page.goto(f"{base}/desk/clients/{thames.pk}/work/")
    assert _titles(page) == ["Dashboard down", "Export broken", "Rotate the keys"]
    up = page.get_by_role("button", name=f"Move T-{task.pk} up")
    up.focus()
    page.keyboard.press("Enter")
    titles = page.locator("ol.work-order > li .title")
    expect(titles).to_have_text(["Dashboard down", "Rotate the keys", "Export broken"])
    # htmx swapped the list; the script puts the focus back on the same ↑ button (wait
    # for it: under load the second Enter could otherwise land before the focus does).
    expect(page.get_by_role("button", name=f"Move T-{task.pk} up")).to_be_focused()
    page.keyboard.press("Enter")
    expect(titles).to_have_text(["Rotate the keys", "Dashboard down", "Export broken"])
    assert _titles(page) == ["Rotate the keys", "Dashboard down", "Export broken"]
    _shot(page, "admin-after-keyboard")

    # Then drags "Export broken" above "Dashboard down" (native drag and drop).
    page.locator("ol.work-order > li", has_text="Export broken").drag_to(
        page.locator("ol.work-order > li", has_text="Dashboard down"),
        target_position={"x": 40, "y": 4},
    )
    expect(page.locator("#work-order p.muted")).to_contain_text("Version 4")
    assert _titles(page) == ["Rotate the keys", "Export broken", "Dashboard down"]
    assert [e.title for e in work_order_read(client=thames).entries] == _titles(page)
    _shot(page, "admin-after-drag")

    # The technician's list follows the client's order.
    tech_page = watch.new_page()
    _log_in(tech_page, base, tech.email)
    tech_page.goto(f"{base}/desk/my-work/")
    assert _titles(tech_page) == ["Rotate the keys", "Export broken", "Dashboard down"]
    _shot(tech_page, "technician-my-work")

    # A client member of another client: Thames's task and list are not found.
    stranger = watch.new_page()
    _log_in(stranger, base, outsider.email)
    task_answer = stranger.goto(f"{base}/desk/tasks/{task.pk}/")
    list_answer = stranger.goto(f"{base}/desk/clients/{thames.pk}/work/")
    _shot(stranger, "outsider-refused")

    assert (task_answer.status, list_answer.status) == (404, 404)
    assert "Rotate the keys" not in stranger.content()
    assert Task.objects.get(pk=task.pk).title == "Rotate the keys"
    assert watch.violations == []
