"""Operations pages: who may open them, the outbox by state with retry now, API keys
with revoke, managers on every ticket, and the admin's 403 page for non-admins."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail as sent_mail
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext

from pactdesk.accounts.models import Role
from pactdesk.api.models import ApiKey
from pactdesk.api.services import api_key_create
from pactdesk.notify.models import OutboundMail, OutboxStatus
from pactdesk.notify.services import MailOut, mail_queue
from tests.conftest import NOW
from tests.factories import UserFactory, client_user

pytestmark = pytest.mark.django_db

OPS_PAGES = ["/ops/outbox/", "/ops/api-keys/"]
REFUSED = "The Operations pages are for provider admins and managers."
ADMIN_REFUSED = "The administration pages are for provider admins"
ERROR = "ConnectionRefusedError: [Errno 111] Connection refused"


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.web.operations.clock_now", lambda: NOW)
    monkeypatch.setattr("pactdesk.api.pages.clock_now", lambda: NOW)


def user_of(role: str, client=None):
    if role in (Role.CLIENT_ADMIN, Role.CLIENT_MEMBER):
        return client_user(client, role)
    return UserFactory(role=role, name=f"{role.title()} One", email=f"{role}@pactdesk.test")


def browser_for(user) -> Browser:
    browser = Browser()
    browser.force_login(user)
    return browser


@pytest.fixture
def manager_browser(db) -> Browser:
    return browser_for(user_of(Role.MANAGER))


def outbound(client, state: str = "pending", *, at=NOW, to: str = "jo@shop.test") -> OutboundMail:
    """A mail in the outbox in `state`, queued at `at` (its delivery is never run)."""
    row = mail_queue(
        mail=MailOut(
            client_id=client.pk,
            kind="reply",
            to_address=to,
            subject="Re: [PD-7] Help",
            from_address=f"{client.name} <{client.support_email}>",
            body="Fixed it.",
        ),
        now=at,
    )
    changes = {
        "pending": {},
        "retrying": {
            "attempts": 2,
            "next_attempt_at": at + timedelta(minutes=1),
            "last_error": ERROR,
        },
        "failed": {"status": OutboxStatus.FAILED, "attempts": 8, "last_error": ERROR},
        "sent": {"status": OutboxStatus.SENT, "attempts": 1, "sent_at": at},
    }[state]
    OutboundMail.objects.filter(pk=row.pk).update(**changes)
    row.refresh_from_db()
    return row


def listed(response) -> list[int]:
    """The mail ids listed, in order."""
    return [int(pk) for pk in re.findall(r'<tr id="mail-(\d+)"', response.content.decode())]


def counts(response) -> dict[str, int]:
    page = response.content.decode()
    return {s: int(n) for s, n in re.findall(r'data-count="(\w+)">(\d+)<', page)}


# --- Who may open them -------------------------------------------------------------


@pytest.mark.parametrize("url", OPS_PAGES)
@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_admins_and_managers_open_the_operations_pages(url, role) -> None:
    response = browser_for(user_of(role)).get(url)
    assert response.status_code == 200
    assert '<nav class="ops-tabs" aria-label="Operations">' in response.content.decode()


@pytest.mark.parametrize("url", [*OPS_PAGES, "/ops/"])
@pytest.mark.parametrize("role", [Role.AGENT, Role.CLIENT_ADMIN, Role.CLIENT_MEMBER])
def test_agents_and_client_users_get_a_clear_403_page(url, role, agreement) -> None:
    user = user_of(role, agreement.client)
    response = browser_for(user).get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<p>{REFUSED}</p>" in page
    assert f'<span class="who">{user.name} · ' in page  # the header, as on every page
    assert 'href="/ops/"' not in page


@pytest.mark.parametrize("url", [*OPS_PAGES, "/ops/"])
def test_anonymous_visitors_are_sent_to_log_in(url) -> None:
    response = Browser().get(url)
    assert (response.status_code, response["Location"]) == (302, f"/login/?next={url}")


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.ADMIN, True), (Role.MANAGER, True), (Role.AGENT, False), (Role.CLIENT_ADMIN, False)],
)
def test_the_header_links_operations_for_admins_and_managers(role, shown, agreement) -> None:
    page = browser_for(user_of(role, agreement.client)).get("/desk/list/all/").content.decode()
    assert ('<a href="/ops/">Operations</a>' in page) is shown


def test_operations_opens_on_the_outbox(manager_browser) -> None:
    assert manager_browser.get("/ops/")["Location"] == "/ops/outbox/"


# --- Outbox --------------------------------------------------------------------------


@pytest.fixture
def outbox(agreement, other_agreement) -> dict[str, list[OutboundMail]]:
    """Northwind: 2 pending, 1 retrying, 3 failed, 1 sent; Lotus: 1 pending, 1 failed."""
    north, lotus = agreement.client, other_agreement.client
    minute = timedelta(minutes=1)
    return {
        "pending": [outbound(north, at=NOW - 2 * minute), outbound(north, at=NOW - minute)],
        "retrying": [outbound(north, "retrying")],
        "failed": [outbound(north, "failed", at=NOW - i * minute) for i in (3, 2, 1)],
        "sent": [outbound(north, "sent")],
        "lotus": [outbound(lotus), outbound(lotus, "failed", at=NOW - 10 * minute)],
    }


def test_the_outbox_opens_on_failed_mail_newest_first_with_counts(manager_browser, outbox) -> None:
    response = manager_browser.get("/ops/outbox/")
    page = response.content.decode()
    assert counts(response) == {"pending": 3, "retrying": 1, "failed": 4}
    failed = outbox["failed"]
    assert listed(response) == [failed[2].pk, failed[1].pk, failed[0].pk, outbox["lotus"][1].pk]
    assert f'<td class="error-text">{ERROR}</td>' in page
    assert "Retry all 4 failed now" in page
    assert '<span class="badge">4</span>' in page  # the Outbox tab's badge
    assert page.count(">Retry now</button>") == 4


def test_the_outbox_filters_by_state_and_client(manager_browser, outbox, other_agreement) -> None:
    pending = manager_browser.get("/ops/outbox/?state=pending")
    assert listed(pending) == [
        outbox["pending"][0].pk,
        outbox["pending"][1].pk,
        outbox["lotus"][0].pk,
    ]
    assert ">Retry now</button>" not in pending.content.decode()
    lotus = manager_browser.get(f"/ops/outbox/?state=pending&client={other_agreement.client.pk}")
    assert listed(lotus) == [outbox["lotus"][0].pk]
    assert counts(lotus) == {"pending": 1, "retrying": 0, "failed": 1}
    sent = manager_browser.get("/ops/outbox/?state=sent")
    assert listed(sent) == [outbox["sent"][0].pk]
    assert '<td><time datetime="2026-03-02T15:00:00+00:00">2026-03-02 15:00 UTC</time></td>' in (
        sent.content.decode()
    )


def test_retrying_mail_shows_its_next_attempt_and_last_error(manager_browser, outbox) -> None:
    response = manager_browser.get("/ops/outbox/?state=retrying")
    page = response.content.decode()
    assert listed(response) == [outbox["retrying"][0].pk]
    assert '<time datetime="2026-03-02T15:01:00+00:00">2026-03-02 15:01 UTC</time>' in page
    assert f'<td class="error-text">{ERROR}</td>' in page
    assert "<td>2</td>" in page  # attempts


def test_a_client_number_out_of_range_is_no_filter(manager_browser, outbox) -> None:
    for value in (str(2**63), "99999999999999999999999", "\u00b2"):
        response = manager_browser.get("/ops/outbox/", {"state": "failed", "client": value})
        assert (response.status_code, response.context["client_id"]) == (200, None)


def test_an_unknown_state_is_a_404(manager_browser) -> None:
    assert manager_browser.get("/ops/outbox/?state=lost").status_code == 404


def test_the_outbox_pages_by_cursor(manager_browser, agreement, monkeypatch) -> None:
    monkeypatch.setattr("pactdesk.web.operations.PAGE_SIZE", 2)
    mails = [outbound(agreement.client, at=NOW + timedelta(minutes=i)) for i in range(3)]
    first = manager_browser.get("/ops/outbox/?state=pending")
    assert listed(first) == [mails[0].pk, mails[1].pk]
    next_url = re.search(r'href="([^"]+)" rel="next"', first.content.decode()).group(1)
    second = manager_browser.get(next_url.replace("&amp;", "&"))
    assert listed(second) == [mails[2].pk]
    assert 'rel="next"' not in second.content.decode()


@pytest.mark.parametrize("state", ["pending", "failed", "sent"])
def test_the_outbox_takes_the_same_queries_for_3_or_30_mails(
    state, manager_browser, agreement, other_agreement, django_assert_num_queries
) -> None:
    for i in range(3):
        outbound(agreement.client, state, at=NOW + timedelta(seconds=i))
    # session, user, counts, badge, held mail and unread notifications (header), list (with
    # its clients), clients of the filter
    with django_assert_num_queries(8):
        assert len(listed(manager_browser.get(f"/ops/outbox/?state={state}"))) == 3
    for i in range(27):
        outbound(other_agreement.client, state, at=NOW + timedelta(minutes=i))
    with django_assert_num_queries(8):
        assert len(listed(manager_browser.get(f"/ops/outbox/?state={state}"))) == 30


def test_retry_now_makes_a_retrying_mail_due_now_and_hands_it_to_delivery(
    manager_browser, agreement, django_capture_on_commit_callbacks
) -> None:
    mail = outbound(agreement.client, "retrying", at=NOW - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        response = manager_browser.post(f"/ops/outbox/{mail.pk}/retry/", {"state": "retrying"})
    assert (response.status_code, response["Location"]) == (302, "/ops/outbox/?state=retrying")
    mail.refresh_from_db()
    assert (mail.status, mail.next_attempt_at, mail.attempts) == ("pending", NOW, 2)
    assert len(delivery) == 1
    delivery[0]()  # the courier hands it to the worker (inline in tests): it goes out
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 3, "")
    assert [m.to for m in sent_mail.outbox] == [["jo@shop.test"]]
    page = manager_browser.get("/ops/outbox/?state=retrying").content.decode()
    assert f"Mail {mail.pk} to jo@shop.test is handed to delivery now." in page


def test_retry_now_gives_a_failed_mail_one_more_attempt(
    manager_browser, agreement, other_agreement, django_capture_on_commit_callbacks
) -> None:
    mail = outbound(other_agreement.client, "failed")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_browser.post(
            f"/ops/outbox/{mail.pk}/retry/",
            {"state": "failed", "client": str(other_agreement.client.pk)},
        )
    assert response["Location"] == f"/ops/outbox/?state=failed&client={other_agreement.client.pk}"
    mail.refresh_from_db()
    assert (mail.status, mail.attempts, mail.last_error) == ("sent", 9, "")


def test_retry_now_refuses_a_sent_mail_with_a_409(
    manager_browser, agreement, django_capture_on_commit_callbacks
) -> None:
    mail = outbound(agreement.client, "sent")
    with django_capture_on_commit_callbacks(execute=False) as delivery:
        response = manager_browser.post(f"/ops/outbox/{mail.pk}/retry/", {"state": "sent"})
    assert response.status_code == 409
    assert (
        f"Mail {mail.pk} was already sent on 2026-03-02 15:00 UTC; there is nothing to retry."
        in response.content.decode()
    )
    assert delivery == []
    assert OutboundMail.objects.get(pk=mail.pk).status == "sent"
    assert manager_browser.post("/ops/outbox/999999/retry/").status_code == 404


def test_retry_all_failed_sets_them_due_in_one_update(
    manager_browser, outbox, agreement, django_capture_on_commit_callbacks
) -> None:
    north = agreement.client.pk
    with (
        django_capture_on_commit_callbacks(execute=False) as delivery,
        CaptureQueriesContext(connection) as queries,
    ):
        response = manager_browser.post(
            "/ops/outbox/retry-failed/", {"state": "failed", "client": str(north)}
        )
    assert response["Location"] == f"/ops/outbox/?state=failed&client={north}"
    assert sum(q["sql"].startswith("UPDATE") for q in queries) == 1
    retried = OutboundMail.objects.filter(pk__in=[m.pk for m in outbox["failed"]])
    assert (
        sorted(retried.values_list("status", "next_attempt_at", "attempts"))
        == [("pending", NOW, 8)] * 3
    )
    assert OutboundMail.objects.get(pk=outbox["lotus"][1].pk).status == "failed"
    assert len(delivery) == 1
    delivery[0]()
    assert sorted(retried.values_list("status", flat=True)) == ["sent"] * 3
    page = manager_browser.get(response["Location"]).content.decode()
    assert "3 failed mails handed to delivery." in page


@pytest.mark.parametrize("role", [Role.AGENT, Role.CLIENT_ADMIN])
def test_agents_and_client_users_may_not_retry(role, agreement, outbox) -> None:
    browser = browser_for(user_of(role, agreement.client))
    failed = outbox["failed"][0]
    assert browser.post(f"/ops/outbox/{failed.pk}/retry/").status_code == 403
    assert browser.post("/ops/outbox/retry-failed/").status_code == 403
    assert OutboundMail.objects.filter(status="failed").count() == 4


# --- API keys ------------------------------------------------------------------------


@pytest.fixture
def keys(agreement):
    staff = UserFactory(role=Role.AGENT, name="Tom Token", email="tom@pactdesk.test")
    shop = api_key_create(now=NOW, client_slug="northwind", name="Shop sync")
    token = api_key_create(now=NOW - timedelta(days=1), staff_email=staff.email)
    return shop, token


def test_api_keys_are_listed_without_their_secrets(manager_browser, keys) -> None:
    shop, token = keys
    ApiKey.objects.filter(pk=shop.key.pk).update(last_used_at=NOW + timedelta(minutes=5))
    page = manager_browser.get("/ops/api-keys/").content.decode()
    rows = re.findall(r'<tr id="key-(pd_\w+)">', page)
    assert rows == [shop.key.prefix, token.key.prefix]  # newest first
    assert "<td>Shop sync</td>" in page
    assert "<td>Northwind (integration)</td>" in page
    assert "<td>Tom Token &lt;tom@pactdesk.test&gt; (staff token)</td>" in page
    assert '<time datetime="2026-03-02T15:05:00+00:00">2026-03-02 15:05 UTC</time>' in page
    assert "<td>never</td>" in page
    for minted in keys:
        assert minted.secret not in page
        assert minted.secret.removeprefix(minted.key.prefix) not in page
        assert minted.key.secret_sha256 not in page


def test_revoking_a_key_stops_it_at_once(manager_browser, keys) -> None:
    shop, _ = keys
    api = Browser(headers={"Authorization": f"Bearer {shop.secret}"})
    assert api.get("/api/tickets").status_code == 200
    response = manager_browser.post(f"/ops/api-keys/{shop.key.prefix}/revoke/")
    assert (response.status_code, response["Location"]) == (302, "/ops/api-keys/")
    key = ApiKey.objects.get(pk=shop.key.pk)
    assert (key.is_active, key.revoked_at) == (False, NOW)
    assert api.get("/api/tickets").status_code == 401
    page = manager_browser.get("/ops/api-keys/").content.decode()
    assert f"Revoked {key.prefix} (Shop sync): calls with it are refused." in page
    assert '<span class="pill invalid">Revoked</span> 2026-03-02 15:00 UTC' in page
    again = manager_browser.post(f"/ops/api-keys/{shop.key.prefix}/revoke/")
    assert again.status_code == 409
    assert f"{key.prefix} is already revoked." in again.content.decode()
    assert manager_browser.post("/ops/api-keys/pd_nope/revoke/").status_code == 404


def test_admins_revoke_too_and_agents_may_not(keys) -> None:
    shop, token = keys
    agent = browser_for(user_of(Role.AGENT))
    assert agent.post(f"/ops/api-keys/{shop.key.prefix}/revoke/").status_code == 403
    assert ApiKey.objects.get(pk=shop.key.pk).is_active is True
    admin = browser_for(user_of(Role.ADMIN))
    assert admin.post(f"/ops/api-keys/{token.key.prefix}/revoke/").status_code == 302
    assert ApiKey.objects.get(pk=token.key.pk).is_active is False


def test_revoking_takes_a_post(manager_browser, keys) -> None:
    shop, _ = keys
    assert manager_browser.get(f"/ops/api-keys/{shop.key.prefix}/revoke/").status_code == 405
    assert ApiKey.objects.get(pk=shop.key.pk).is_active is True


# --- Every ticket --------------------------------------------------------------------


def test_managers_see_and_open_every_clients_tickets(
    manager_browser, lodge, other_agreement
) -> None:
    ours = lodge(subject="Ours")
    theirs = lodge(subject="Theirs", client=other_agreement.client)
    page = manager_browser.get("/desk/list/all/").content.decode()
    assert re.findall(r'<td><a href="/desk/tickets/\d+/">(PD-\d+)</a></td>', page) == [
        theirs.reference,
        ours.reference,
    ]
    assert manager_browser.get(f"/desk/tickets/{theirs.pk}/").status_code == 200


# --- Django's admin ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/login/"])
def test_a_manager_opening_the_admin_gets_a_clear_403_page(manager_browser, url) -> None:
    response = manager_browser.get(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{ADMIN_REFUSED}</h1>" in page
    assert '<a href="/ops/outbox/">Outbox</a> · <a href="/ops/api-keys/">API keys</a>' in page
    assert '<span class="who">Manager One · Provider manager</span>' in page
    assert "not authorized to access this page" not in page


def test_an_agent_opening_the_admin_gets_the_403_page_without_operations(agent) -> None:
    response = browser_for(agent).get("/admin/")
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{ADMIN_REFUSED}</h1>" in page
    assert "/ops/" not in page


def test_anonymous_visitors_still_get_the_admin_login() -> None:
    response = Browser().get("/admin/")
    assert (response.status_code, response["Location"]) == (302, "/admin/login/?next=/admin/")
    assert Browser().get("/admin/login/").status_code == 200


def test_admins_still_use_the_admin() -> None:
    browser = browser_for(user_of(Role.ADMIN))
    assert browser.get("/admin/").status_code == 200
    assert browser.get("/admin/accounts/user/").status_code == 200
