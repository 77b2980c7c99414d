"""Work lists that keep the promise (issue 11 §0): queues hold valid open work, sorted
by urgency; breached and invalid lists; filters; counts; the viewer's time zone; the
assignee picker's choices."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.agreements.services import seat_assign
from pactdesk.desk.selectors import ticket_assignable
from pactdesk.desk.services import (
    ticket_assign,
    ticket_mark_invalid,
    ticket_merge,
    ticket_priority_change,
    ticket_status_change,
)
from pactdesk.platform.clock import clock_now
from tests.factories import ClientFactory, UserFactory, client_user, dedicated_agreement

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    return re.findall(
        r'<td><a href="/desk/tickets/\d+/">(PD-\d+)</a></td>', response.content.decode()
    )


def counts(response) -> dict[str, int]:
    page = response.content.decode()
    found = re.findall(r'data-list="(\w+)">[^<]*<span class="count">(\d+)</span>', page)
    return {name: int(n) for name, n in found}


@pytest.fixture
def desk(agent, lodge):
    """Six tickets: two breached (lodged 3 h and 2 h ago: the 30-minute first response
    has run out), three due in turn, one spam, one merged duplicate."""
    now = clock_now()
    t = {
        "old_breach": lodge(subject="Old breach", now=now - timedelta(hours=3)),
        "new_breach": lodge(subject="New breach", now=now - timedelta(hours=2)),
        "due_soon": lodge(subject="Due soon", now=now - timedelta(minutes=20)),
        "due_later": lodge(subject="Due later", now=now - timedelta(minutes=5), channel="web"),
        "spam": lodge(subject="You won a prize", now=now - timedelta(minutes=25)),
        "dup": lodge(subject="Duplicate", now=now - timedelta(minutes=1)),
        "mine": lodge(subject="Mine", now=now - timedelta(minutes=10)),
    }
    ticket_mark_invalid(actor=agent, ticket=t["spam"], reason="spam", now=now)
    ticket_merge(actor=agent, ticket=t["dup"], into=t["due_soon"], now=now)
    ticket_assign(actor=agent, ticket=t["mine"], assignee=agent, now=now)
    ticket_priority_change(actor=agent, ticket=t["due_later"], priority="high", now=now)
    return t


def test_invalid_and_merged_tickets_leave_the_queues_and_have_their_own_list(
    staff_browser, desk
) -> None:
    spam, dup = desk["spam"], desk["dup"]
    for name in ("unassigned", "mine", "breaching", "breached"):
        listed = refs(staff_browser.get(f"/desk/list/{name}/"))
        assert spam.reference not in listed, name
        assert dup.reference not in listed, name
    response = staff_browser.get("/desk/list/invalid/")
    assert refs(response) == [dup.reference, spam.reference]  # newest first
    page = response.content.decode()
    assert '<span class="pill status-invalid">Invalid · spam</span>' in page
    merged = f'<span class="pill status-merged">Merged into {desk["due_soon"].reference}</span>'
    assert merged in page
    assert '<span class="pill status-new">New</span>' not in page


def test_queues_sort_by_urgency_breached_first_then_soonest_due(staff_browser, desk) -> None:
    order = ["old_breach", "new_breach", "due_soon", "due_later"]
    assert refs(staff_browser.get("/desk/list/unassigned/")) == [desk[k].reference for k in order]
    assert refs(staff_browser.get("/desk/list/breached/")) == [
        desk["old_breach"].reference,
        desk["new_breach"].reference,
    ]


def test_other_orders_are_selectable(staff_browser, desk) -> None:
    newest = ["due_later", "due_soon", "new_breach", "old_breach"]
    get = staff_browser.get
    assert refs(get("/desk/list/unassigned/?order=newest")) == [desk[k].reference for k in newest]
    oldest = [desk[k].reference for k in reversed(newest)]
    assert refs(get("/desk/list/unassigned/?order=oldest")) == oldest
    # due_later's priority changed last: the most recently updated.
    assert refs(get("/desk/list/unassigned/?order=updated"))[0] == desk["due_later"].reference
    assert get("/desk/list/unassigned/?order=sideways").status_code == 422


def test_urgency_pages_by_cursor_across_the_breached_boundary(
    staff_browser, desk, monkeypatch
) -> None:
    monkeypatch.setattr("pactdesk.web.workspace.PAGE_SIZE", 1)
    seen, url = [], "/desk/list/all/?order=urgency"
    while url:
        response = staff_browser.get(url)
        seen += refs(response)
        found = re.search(r'href="([^"]+)" rel="next"', response.content.decode())
        url = found.group(1).replace("&amp;", "&") if found else None
    # Breached first; then by next due; then the tickets with no running clock by id.
    expected = ["old_breach", "new_breach", "due_soon", "mine", "due_later", "spam", "dup"]
    assert seen == [desk[k].reference for k in expected]


def test_filters_combine_with_the_list(staff_browser, desk, agent) -> None:
    get = staff_browser.get
    assert refs(get("/desk/list/unassigned/?priority=high")) == [desk["due_later"].reference]
    assert refs(get("/desk/list/unassigned/?channel=web&priority=high")) == [
        desk["due_later"].reference
    ]
    assert refs(get("/desk/list/unassigned/?channel=web&priority=low")) == []
    assert refs(get(f"/desk/list/all/?assignee={agent.pk}")) == [desk["mine"].reference]
    assert len(refs(get("/desk/list/all/?assignee=none&status=new"))) == 5  # spam too
    assert refs(get("/desk/list/all/?status=closed")) == [desk["dup"].reference]
    assert get("/desk/list/all/?status=lost").status_code == 422


def test_every_list_shows_its_count_with_the_filters_applied(staff_browser, desk) -> None:
    expected = {
        "mine": 1,
        "unassigned": 4,
        "breaching": 5,
        "breached": 2,
        "invalid": 2,
        "all": 7,
    }
    assert counts(staff_browser.get("/desk/list/mine/")) == expected
    high = counts(staff_browser.get("/desk/list/breached/?priority=high"))
    assert high == {
        "mine": 0,
        "unassigned": 1,
        "breaching": 1,
        "breached": 0,
        "invalid": 0,
        "all": 1,
    }


def test_a_solved_ticket_leaves_the_queues(staff_browser, desk, agent) -> None:
    ticket_status_change(actor=agent, ticket=desk["old_breach"], status="solved", now=clock_now())
    assert desk["old_breach"].reference not in refs(staff_browser.get("/desk/list/breached/"))


@pytest.mark.parametrize(
    ("zone", "cookie", "shown"),
    [
        ("Europe/Berlin", "", "Europe/Berlin"),
        ("", "Europe/London", "Europe/London"),
        ("Europe/Berlin", "Europe/London", "Europe/Berlin"),  # the user's choice wins
        ("", "America%2FNew_York", "America/New_York"),  # as desk.js writes it
        ("", "../../etc/passwd", "UTC"),
    ],
)
def test_times_are_shown_in_the_viewers_zone_and_say_which(
    zone, cookie, shown, agent, lodge
) -> None:
    agent.time_zone = zone
    agent.save()
    lodge()
    browser = Browser()
    browser.force_login(agent)
    if cookie:
        browser.cookies["tz"] = cookie
    page = browser.get("/desk/list/all/").content.decode()
    assert f"<th>Lodged ({shown})</th>" in page
    assert f'title="Times are shown in this zone">{shown}</a>' in page


def test_a_time_carries_its_zones_abbreviation(agent, lodge) -> None:
    ticket = lodge(now=clock_now().replace(month=1, day=15, hour=13, minute=5))
    agent.time_zone = "Europe/Berlin"
    agent.save()
    browser = Browser()
    browser.force_login(agent)
    page = browser.get("/desk/list/all/?order=newest").content.decode()
    stamp = f"{ticket.lodged_at.year}-01-15 14:05 CET"
    assert stamp in page


def test_the_time_zone_preference_is_saved_and_checked(staff_browser, agent) -> None:
    assert staff_browser.post("/preferences/", {"time_zone": "Asia/Tokyo"}).status_code == 302
    agent.refresh_from_db()
    assert agent.time_zone == "Asia/Tokyo"
    refused = staff_browser.post("/preferences/", {"time_zone": "Mars/Olympus"})
    assert refused.status_code == 400
    assert "is not a known time zone" in refused.content.decode()
    staff_browser.post("/preferences/", {"time_zone": ""})
    agent.refresh_from_db()
    assert agent.time_zone == ""


def test_the_picker_offers_the_pool_for_shared_clients_and_seats_for_dedicated(
    agent, lodge
) -> None:
    manager = UserFactory(role=Role.MANAGER, name="Mo Manager")
    UserFactory(role=Role.ADMIN, name="Ada Admin")
    inactive = UserFactory(role=Role.AGENT, name="Ivy Inactive")
    inactive.is_active = False
    inactive.save()
    seated = UserFactory(role=Role.AGENT, name="Sam Seated")
    dedicated = dedicated_agreement(ClientFactory(name="Thames", slug="thames"), seats=2)
    seat_assign(seat=dedicated.seats.get(number=1), agent=seated)
    shared_ticket = lodge()
    dedicated_ticket = lodge(client=dedicated.client)
    assert [u.name for u in ticket_assignable(ticket=shared_ticket)] == ["Ana Agent", "Mo Manager"]
    assert [u.name for u in ticket_assignable(ticket=dedicated_ticket)] == ["Sam Seated"]
    browser = Browser()
    browser.force_login(manager)
    page = browser.get(f"/desk/tickets/{dedicated_ticket.pk}/").content.decode()
    picker = re.search(r'<select name="assignee" id="assignee">(.*?)</select>', page, re.S)
    assert re.findall(r">([^<]+)</option>", picker.group(1)) == ["— nobody —", "Sam Seated"]


def home(user) -> str:
    browser = Browser()
    browser.force_login(user)
    response = browser.get("/")
    assert response.status_code == 200
    return response.content.decode()


def figure(page: str, name: str) -> int:
    return int(re.search(rf'<strong id="{name}">(\d+)</strong>', page).group(1))


def test_an_agents_home_shows_their_work_and_unassigned_work_due_soon(agent, desk) -> None:
    page = home(agent)
    mine = re.search(r'id="my-work">(.*?)</section>', page, re.S).group(1)
    due = re.search(r'id="unassigned-due">(.*?)</section>', page, re.S).group(1)
    assert re.findall(r">(PD-\d+)</a>", mine) == [desk["mine"].reference]
    order = ["old_breach", "new_breach", "due_soon", "due_later"]
    assert re.findall(r">(PD-\d+)</a>", due) == [desk[k].reference for k in order]
    assert 'id="queue-depths"' not in page


def test_a_managers_home_shows_queue_depth_per_client(desk, other_agreement, lodge) -> None:
    lodge(client=other_agreement.client)
    page = home(UserFactory(role=Role.MANAGER))
    rows = re.findall(
        r'<tr><td><a href="/desk/clients/\d+/">(\w+)</a></td><td>(\d+)</td><td>(\d+)</td>'
        r"<td>(\d+)</td></tr>",
        page,
    )
    # Northwind: 5 valid open (spam and the merged duplicate left out), 2 breached,
    # 3 due within 2 h; Lotus: 1 open, due within 2 h.
    assert rows == [("Lotus", "1", "0", "1"), ("Northwind", "5", "2", "3")]
    assert (figure(page, "open-count"), figure(page, "breached-count")) == (6, 2)
    assert figure(page, "at-risk-count") == 4
    assert 'id="my-work"' not in page


def test_a_client_users_home_shows_only_their_clients_figures(
    agreement, desk, other_agreement, lodge
) -> None:
    lodge(client=other_agreement.client)
    page = home(client_user(agreement.client))
    assert "Northwind now" in page
    assert (figure(page, "open-count"), figure(page, "breached-count")) == (5, 2)
    assert "Lotus" not in page
    assert 'id="queue-depths"' not in page
    assert 'id="my-work"' not in page


def test_home_pages_take_the_same_queries_for_few_or_many_tickets(
    staff_browser, lodge, other_agreement, django_assert_max_num_queries
) -> None:
    manager = Browser()
    manager.force_login(UserFactory(role=Role.MANAGER))
    for i in range(2):
        lodge(customer_email=f"c{i}@shop.test")
    for many in (False, True):
        if many:
            for i in range(12):
                lodge(customer_email=f"d{i}@shop.test", client=other_agreement.client)
        with django_assert_max_num_queries(7):
            assert staff_browser.get("/").status_code == 200
        with django_assert_max_num_queries(7):
            assert manager.get("/").status_code == 200


def test_the_ticket_page_shows_the_clients_local_time(staff_browser, agent, lodge) -> None:
    agent.time_zone = "Asia/Tokyo"
    agent.save()
    ticket = lodge()
    page = staff_browser.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    local = clock_now().astimezone(ZoneInfo("America/New_York"))
    shown = re.search(r"client's local time (\d\d:\d\d) (E[SD]T) \(America/New_York\)", page)
    assert shown.group(2) == local.strftime("%Z")
    assert shown.group(1) in {
        local.strftime("%H:%M"),
        (local - timedelta(minutes=1)).strftime("%H:%M"),
    }
    assert " JST</time>" in page  # the lodging time, in the viewer's zone


def test_the_picker_keeps_showing_a_manager_who_took_a_dedicated_ticket(lodge) -> None:
    manager = UserFactory(role=Role.MANAGER, name="Mo Manager")
    seated = UserFactory(role=Role.AGENT, name="Sam Seated")
    dedicated = dedicated_agreement(ClientFactory(name="Thames", slug="thames"), seats=1)
    seat_assign(seat=dedicated.seats.get(), agent=seated)
    ticket = lodge(client=dedicated.client)
    ticket_assign(actor=manager, ticket=ticket, assignee=manager, now=clock_now())
    browser = Browser()
    browser.force_login(manager)
    page = browser.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    picker = re.search(r'<select name="assignee" id="assignee">(.*?)</select>', page, re.S)
    options = re.findall(r'<option value="(\d*)"( selected)?>([^<]+)</option>', picker.group(1))
    assert options == [
        ("", "", "— nobody —"),
        (str(seated.pk), "", "Sam Seated"),
        (str(manager.pk), " selected", "Mo Manager"),
    ]
