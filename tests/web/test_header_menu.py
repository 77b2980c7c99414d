"""The header: the daily lists (with their access keys) stay in sight, the other pages
sit under "More" (a <details> disclosure), which is marked when it holds the current
page. Before, a manager's header ran to three rows at 1280 px and seven at 390 px."""

from __future__ import annotations

import re

import pytest
from django.test import Client as Browser

from pactdesk.accounts.models import Role
from tests.factories import ClientFactory, UserFactory, client_user

pytestmark = pytest.mark.django_db


def _page(user, url="/desk/list/mine/") -> str:
    browser = Browser()
    browser.force_login(user)
    answer = browser.get(url)
    assert answer.status_code == 200
    return answer.content.decode()


def _parts(page: str) -> tuple[str, str, str]:
    """The header's sight row, its "More" menu ('' when none) and the account row."""
    nav = re.search(r'<nav class="desk-nav".*?</nav>', page, re.S)
    account = re.search(r'<nav class="account".*?</nav>', page, re.S)
    assert nav is not None
    assert account is not None
    more = re.search(r'<details class="more.*?</details>', nav.group(0), re.S)
    sight = nav.group(0).replace(more.group(0), "") if more else nav.group(0)
    return sight, more.group(0) if more else "", account.group(0)


def _links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def test_an_admins_daily_lists_and_keys_are_in_sight_the_rest_under_more() -> None:
    manager = UserFactory(role=Role.ADMIN, email="avery@pactdesk.test")

    sight, more, account = _parts(_page(manager))

    assert _links(sight) == [
        "/desk/list/mine/",
        "/desk/list/unassigned/",
        "/desk/list/breaching/",
        "/desk/my-work/",
        "/desk/workload/",
    ]
    assert sorted(re.findall(r'accesskey="(\w)"', sight)) == ["b", "m", "s", "t", "u"]
    assert 'id="next-ticket"' in sight
    assert _links(more) == [
        "/desk/list/breached/",
        "/desk/clients/",
        "/desk/list/all/",
        "/desk/staffing/",
        "/billing/",
        "/ops/",
        "/admin/",
    ]
    assert "accesskey" not in more
    assert '<details class="more">' in more  # not holding the current page
    assert "/ops/" not in account


def test_more_is_marked_when_it_holds_the_current_page() -> None:
    agent = UserFactory(role=Role.AGENT, email="ana@pactdesk.test")

    sight, more, _ = _parts(_page(agent, "/desk/list/breached/"))

    assert '<details class="more holds-current">' in more
    assert '<a href="/desk/list/breached/" aria-current="page">Breached</a>' in more
    assert "aria-current" not in sight


def test_a_client_admin_sees_tickets_and_order_and_the_rest_under_more() -> None:
    admin = client_user(ClientFactory(slug="thames"), Role.CLIENT_ADMIN)

    sight, more, _ = _parts(_page(admin, "/desk/list/all/"))

    assert _links(sight) == ["/desk/list/all/", "/desk/work/"]
    assert _links(more) == [
        "/desk/team/",
        "/desk/staffing/",
        "/billing/",
        "/desk/acknowledgements/",
    ]


def test_a_client_member_has_no_more_menu() -> None:
    member = client_user(ClientFactory(slug="thames"), Role.CLIENT_MEMBER)

    sight, more, _ = _parts(_page(member, "/desk/list/all/"))

    assert (_links(sight), more) == (["/desk/list/all/", "/desk/work/"], "")
