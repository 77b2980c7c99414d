"""Seat advice is announced when it changes, at most once a week per client, to the
client's admins and the managers, in-app and by mail; the refresh job is safe twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pactdesk.accounts.models import Role
from pactdesk.notify.models import OutboundMail
from pactdesk.staffing.models import SeatAdvice, StaffingNotice
from pactdesk.staffing.services import seat_advice_announce, seat_advice_refresh_all
from tests.factories import ClientFactory, UserFactory, client_user, dedicated_agreement

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


@pytest.fixture
def thames(db):
    client = ClientFactory(slug="thames", name="Thames")
    agreement = dedicated_agreement(client, seats=2)
    admin = client_user(client, Role.CLIENT_ADMIN)
    client_user(client, Role.CLIENT_MEMBER)
    manager = UserFactory(role=Role.MANAGER, email="manager@pactdesk.test")
    UserFactory(role=Role.AGENT, email="agent@pactdesk.test")
    other = ClientFactory(slug="other")
    client_user(other, Role.CLIENT_ADMIN)
    return agreement, admin, manager


def advice(agreement, kind: str, recommended: int, at: datetime) -> SeatAdvice:
    return SeatAdvice.objects.create(
        client=agreement.client,
        agreement=agreement,
        computed_at=at,
        kind=kind,
        seats=2,
        recommended_seats=recommended,
        text=f"{kind} to {recommended}",
    )


def test_a_changed_advice_tells_the_clients_admins_and_the_managers(
    thames, django_capture_on_commit_callbacks
) -> None:
    agreement, admin, manager = thames
    row = advice(agreement, "add", 3, NOW)
    with django_capture_on_commit_callbacks():
        assert seat_advice_announce(advice=row, now=NOW) == 2
    notices = StaffingNotice.objects.order_by("recipient__email")
    assert sorted((n.recipient.email, n.text) for n in notices) == sorted(
        [(admin.email, "add to 3"), (manager.email, "add to 3")]
    )
    mails = OutboundMail.objects.order_by("to_address")
    assert sorted(m.to_address for m in mails) == sorted([admin.email, manager.email])
    assert {m.kind for m in mails} == {"seat_advice"}
    assert mails[0].subject == "[Pactdesk] Seat advice for Thames: Add a seat"
    row.refresh_from_db()
    assert row.notice_week == NOW.date()


def test_keeping_the_seats_is_no_news(thames) -> None:
    agreement, _, _ = thames
    assert seat_advice_announce(advice=advice(agreement, "keep", 2, NOW), now=NOW) == 0
    assert not StaffingNotice.objects.exists()
    assert not OutboundMail.objects.exists()


def test_never_more_than_once_a_week(thames, django_capture_on_commit_callbacks) -> None:
    agreement, _, _ = thames
    with django_capture_on_commit_callbacks():
        seat_advice_announce(advice=advice(agreement, "add", 3, NOW), now=NOW)
        later = NOW + timedelta(days=6, hours=23)
        assert seat_advice_announce(advice=advice(agreement, "remove", 1, later), now=later) == 0
        # the same advice a week on is no news either; a different one is
        week = NOW + timedelta(days=7, hours=1)
        assert seat_advice_announce(advice=advice(agreement, "add", 3, week), now=week) == 0
        assert seat_advice_announce(advice=advice(agreement, "remove", 1, week), now=week) == 2
    assert StaffingNotice.objects.count() == 4
    assert OutboundMail.objects.count() == 4


def test_two_announcements_in_one_week_keep_one(thames, django_capture_on_commit_callbacks) -> None:
    agreement, _, _ = thames
    first, second = advice(agreement, "add", 3, NOW), advice(agreement, "add", 3, NOW)
    with django_capture_on_commit_callbacks():
        assert seat_advice_announce(advice=first, now=NOW) == 2
        # a second run that read the state before the first one's commit
        second.notice_week = None
        SeatAdvice.objects.filter(pk=first.pk).update(computed_at=NOW - timedelta(days=8))
        SeatAdvice.objects.filter(pk=first.pk).update(computed_at=NOW)
        assert seat_advice_announce(advice=second, now=NOW) == 0
    assert StaffingNotice.objects.count() == 2


def test_refresh_refuses_a_client_without_history_and_keeps_nothing(thames) -> None:
    result = seat_advice_refresh_all(now=NOW)
    assert (result.computed, result.told, result.refused) == (0, 0, (("thames", "no_history"),))
    assert not SeatAdvice.objects.exists()


def test_refresh_refuses_a_client_with_no_seats(db) -> None:
    agreement = dedicated_agreement(ClientFactory(slug="seatless"), seats=1)
    type(agreement).objects.filter(pk=agreement.pk).update(seat_count=0)  # seats withdrawn
    result = seat_advice_refresh_all(now=NOW)
    assert result.refused == (("seatless", "no_seats"),)
