"""A return time (`back_at`) far from now is refused with a code and changes nothing —
near year 1 or 9999 it does not even convert to UTC, which was a 500 — and the
header's one click never trips over a return time that has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pactdesk.routing.models import Presence
from pactdesk.routing.services import PresenceIn, presence_set, presence_status_set
from tests.routing.conftest import MONDAY_10AM


@pytest.mark.parametrize(
    "back_at",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC: OverflowError
        "9999-12-31T23:59:59-05:00",  # after 9999 in UTC: OverflowError
        "9999-12-31T23:59:59+14:00",
        "2027-03-04T09:00:00Z",  # more than 366 days ahead of Monday 2 March 2026
        "2026-02-28T09:00:00Z",  # more than a day before now
    ],
)
def test_a_return_time_far_from_now_is_refused_and_nothing_changes(people, api, back_at) -> None:
    presence_set(actor=people["sam"], given=PresenceIn(status="available"), now=MONDAY_10AM)

    status, answer = api({"status": "away", "back_at": back_at})

    assert (status, answer["code"], answer["field"]) == (422, "back_at_out_of_range", "back_at")
    stored = Presence.objects.get(user=people["sam"])
    assert (stored.status, stored.back_at) == ("available", None)


@pytest.mark.parametrize(
    ("back_at", "stored"),
    [
        ("2027-03-03T15:00:00Z", MONDAY_10AM + timedelta(days=366)),
        ("2026-03-01T15:00:00Z", MONDAY_10AM - timedelta(days=1)),
    ],
)
def test_the_edges_of_the_range_are_kept(people, api, back_at, stored) -> None:
    status, answer = api({"status": "away", "back_at": back_at})

    assert (status, answer["back_at"]) == (200, back_at)
    assert Presence.objects.get(user=people["sam"]).back_at == stored


def test_one_click_drops_a_return_time_that_has_passed(people) -> None:
    back = MONDAY_10AM + timedelta(hours=2)
    presence_set(
        actor=people["sam"], given=PresenceIn(status="away", back_at=back), now=MONDAY_10AM
    )
    three_days_later = MONDAY_10AM + timedelta(days=3)

    offline = presence_status_set(actor=people["sam"], status="offline", now=three_days_later)

    assert (offline.status, offline.back_at) == ("offline", None)


def test_one_click_keeps_a_return_time_still_ahead(people) -> None:
    back = MONDAY_10AM + timedelta(hours=20)
    presence_set(
        actor=people["sam"], given=PresenceIn(status="away", back_at=back), now=MONDAY_10AM
    )

    offline = presence_status_set(
        actor=people["sam"], status="offline", now=MONDAY_10AM + timedelta(hours=1)
    )

    assert (offline.status, offline.back_at) == ("offline", back)
