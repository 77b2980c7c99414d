"""The notification centre: the header badge htmx polls, the page, marking read, the
e-mail choices; staff only, each person's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.alerts.models import Notification, NotificationMailOptOut
from pactdesk.alerts.services import sla_alerts_sweep
from tests.alerts.conftest import MONDAY_10AM
from tests.factories import client_user

pytestmark = pytest.mark.django_db
AT = MONDAY_10AM + timedelta(minutes=20)


def browser_of(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def warned(lodge, people):
    ticket = lodge()
    sla_alerts_sweep(now=AT)
    return ticket


def test_the_badge_counts_the_unread_and_polls_every_30_seconds(warned, people) -> None:
    page = browser_of(people["ana"]).get("/desk/notifications/badge/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-get="/desk/notifications/badge/" hx-trigger="every 30s"' in html
    assert 'aria-label="1 unread notifications">1</span>' in html
    # The manager has none: no count.
    assert (
        "badge alert"
        not in browser_of(people["mo"]).get("/desk/notifications/badge/").content.decode()
    )


def test_every_staff_page_carries_the_badge(warned, people) -> None:
    html = browser_of(people["bo"]).get("/desk/list/mine/").content.decode()
    assert 'id="notification-badge"' in html
    assert 'aria-label="1 unread notifications"' in html


def test_the_page_lists_the_actors_notifications_with_links(warned, people) -> None:
    html = browser_of(people["ana"]).get("/desk/notifications/").content.decode()
    assert f'<a href="/desk/tickets/{warned.pk}/">{warned.reference}</a>' in html
    assert "first response due in 10 min (2026-03-02 15:30 UTC)" in html
    assert html.count('class="unread"') == 1


def test_mark_one_read_then_the_badge_is_empty(warned, people) -> None:
    ana = people["ana"]
    mine = Notification.objects.get(recipient=ana)
    response = browser_of(ana).post(f"/desk/notifications/{mine.pk}/read/")
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.get(recipient=people["bo"]).read_at is None
    assert "badge alert" not in browser_of(ana).get("/desk/notifications/badge/").content.decode()


def test_nobody_marks_anothers_notification_read(warned, people) -> None:
    bos = Notification.objects.get(recipient=people["bo"])
    browser_of(people["ana"]).post(f"/desk/notifications/{bos.pk}/read/")
    bos.refresh_from_db()
    assert bos.read_at is None


def test_mark_all_read(warned, people) -> None:
    browser_of(people["bo"]).post("/desk/notifications/read/")
    assert list(
        Notification.objects.filter(read_at__isnull=True).values_list("recipient__name", flat=True)
    ) == ["Ana"]


def test_choosing_no_warning_mail(warned, people) -> None:
    browser_of(people["ana"]).post("/desk/notifications/mail/", {"mail": ["sla_escalated"]})
    assert list(NotificationMailOptOut.objects.values_list("user__name", "kind")) == [
        ("Ana", "sla_warning")
    ]
    html = browser_of(people["ana"]).get("/desk/notifications/").content.decode()
    assert 'value="sla_warning">' in html
    assert 'value="sla_escalated" checked>' in html


@pytest.mark.parametrize("role", [Role.CLIENT_ADMIN, Role.CLIENT_MEMBER])
def test_client_users_reach_no_notifications(warned, agreement, role) -> None:
    browser = browser_of(client_user(agreement.client, role))
    for url in ("/desk/notifications/", "/desk/notifications/badge/"):
        assert browser.get(url).status_code == 403
    for url in ("/desk/notifications/read/", "/desk/notifications/mail/"):
        assert browser.post(url).status_code == 403
    assert "notification-badge" not in browser.get("/desk/list/all/").content.decode()
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_signed_out_visitors_are_sent_to_log_in(warned) -> None:
    response = Browser().get("/desk/notifications/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_badge_of_an_ended_session_is_left_as_it_was(warned) -> None:
    response = Browser().get("/desk/notifications/badge/")
    assert (response.status_code, response.content) == (204, b"")
