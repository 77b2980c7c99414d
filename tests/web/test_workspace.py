from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from pactdesk.desk.services import ticket_assign
from pactdesk.platform.clock import clock_now
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db


def refs(response) -> list[str]:
    """The ticket references listed, in order."""
    return re.findall(
        r'<td><a href="/desk/tickets/\d+/">(PD-\d+)</a></td>', response.content.decode()
    )


def test_desk_sends_staff_to_their_tickets_and_client_users_to_all(
    staff_browser, client_browser
) -> None:
    assert staff_browser.get("/desk/")["Location"] == "/desk/list/mine/"
    assert client_browser.get("/desk/")["Location"] == "/desk/list/all/"


def test_anonymous_users_are_sent_to_log_in() -> None:
    response = Browser().get("/desk/list/unassigned/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/desk/list/unassigned/",
    )


def test_my_tickets_lists_open_tickets_assigned_to_me(staff_browser, agent, lodge) -> None:
    mine, theirs, unassigned = lodge(subject="Mine"), lodge(subject="Theirs"), lodge()
    ticket_assign(actor=agent, ticket=mine, assignee=agent, now=clock_now())
    ticket_assign(
        actor=agent, ticket=theirs, assignee=UserFactory(role=Role.AGENT), now=clock_now()
    )
    response = staff_browser.get("/desk/list/mine/")
    assert response.status_code == 200
    assert refs(response) == [mine.reference]
    assert unassigned.reference in refs(staff_browser.get("/desk/list/unassigned/"))


def test_the_unassigned_list_shows_exact_row_values_newest_first_on_request(
    staff_browser, lodge
) -> None:
    older = lodge(subject="Older", now=clock_now() - timedelta(minutes=5))
    newer = lodge(subject="Newer <b>", customer_email="amy@shop.test")
    response = staff_browser.get("/desk/list/unassigned/?order=newest")
    page = response.content.decode()
    assert refs(response) == [newer.reference, older.reference]
    assert '<td class="subject">Newer &lt;b&gt;</td>' in page
    assert "<td>amy@shop.test</td>" in page
    assert "<td>Northwind</td>" in page
    due = newer.sla_next_due_at.isoformat()
    assert f'data-due="{due}"' in page


def test_breaching_soon_lists_running_clocks_soonest_first(staff_browser, lodge) -> None:
    now = clock_now()
    later = lodge(subject="Later", now=now - timedelta(minutes=1))
    sooner = lodge(subject="Sooner", now=now - timedelta(minutes=20))
    response = staff_browser.get("/desk/list/breaching/")
    assert response.status_code == 200
    expected = sorted([later, sooner], key=lambda t: (t.sla_next_due_at, t.pk))
    assert refs(response) == [t.reference for t in expected]


def test_lists_page_by_cursor_with_a_next_page_link(staff_browser, lodge, monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.web.workspace.PAGE_SIZE", 2)
    now = clock_now()
    tickets = [lodge(subject=f"T{i}", now=now - timedelta(minutes=i)) for i in range(3)]
    first = staff_browser.get("/desk/list/all/")
    assert refs(first) == [tickets[0].reference, tickets[1].reference]
    next_url = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    second = staff_browser.get(next_url.replace("&amp;", "&"))
    assert refs(second) == [tickets[2].reference]
    assert 'rel="next"' not in second.content.decode()


def test_a_forged_cursor_is_a_400_with_a_message(staff_browser) -> None:
    response = staff_browser.get("/desk/list/all/?cursor=bm9wZQ")
    assert response.status_code == 422
    assert "not a cursor this list gave out" in response.content.decode()


def test_search_by_subject_email_and_reference(staff_browser, lodge) -> None:
    printer = lodge(subject="Printer on fire")
    modem = lodge(subject="Modem blinking", customer_email="amy@shop.test")
    assert refs(staff_browser.get("/desk/search/?q=printer")) == [printer.reference]
    assert refs(staff_browser.get("/desk/search/?q=amy@shop")) == [modem.reference]
    assert refs(staff_browser.get(f"/desk/search/?q=pd-{modem.pk}")) == [modem.reference]
    empty = staff_browser.get("/desk/search/")
    assert (empty.status_code, refs(empty)) == (200, [])


def test_by_client_lists_only_that_clients_tickets(staff_browser, lodge, other_agreement) -> None:
    ours = lodge()
    theirs = lodge(client=other_agreement.client)
    index = staff_browser.get("/desk/clients/").content.decode()
    assert "Lotus" in index
    assert "Northwind" in index
    response = staff_browser.get(f"/desk/clients/{other_agreement.client.pk}/")
    assert refs(response) == [theirs.reference]
    assert ours.reference not in refs(response)


def test_client_users_see_only_their_clients_tickets(agreement, other_agreement, lodge) -> None:
    ours = lodge()
    lodge(client=other_agreement.client)
    browser = Browser()
    browser.force_login(client_user(agreement.client))
    assert refs(browser.get("/desk/list/all/")) == [ours.reference]
    assert browser.get("/desk/list/unassigned/").status_code == 404
    assert browser.get(f"/desk/clients/{other_agreement.client.pk}/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/desk/list/unassigned/", "/desk/list/all/", "/desk/list/breaching/", "/desk/search/?q=shop"],
)
def test_list_pages_take_the_same_few_queries_for_3_or_30_tickets(
    url, staff_browser, agent, lodge, other_agreement, django_assert_max_num_queries
) -> None:
    for i in range(3):
        ticket = lodge(customer_email=f"c{i}@shop.test")
        if i == 1:  # an assignee's name is shown too
            ticket_assign(actor=agent, ticket=ticket, assignee=agent, now=clock_now())
    assigned = 1 if "unassigned" in url else 0
    # 7: the page, its counts, the filter choices, the session, the user, the header's
    # unread-notification badge — the same for 3 tickets as for 30.
    with django_assert_max_num_queries(7):
        assert len(refs(staff_browser.get(url))) == 3 - assigned
    for i in range(27):
        lodge(customer_email=f"d{i}@shop.test", client=other_agreement.client)
    with django_assert_max_num_queries(7):
        assert len(refs(staff_browser.get(url))) == 30 - assigned
