"""Who may call: bearer keys (only their hash stored), revocation, client keys confined
to their client on every operation, staff-only operations, and the key command."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import call_command

from pactdesk.api.models import ApiKey
from pactdesk.api.services import api_key_create, api_key_revoke
from pactdesk.desk.models import Message, Ticket, TicketEvent
from pactdesk.platform.errors import NotFound
from tests.api.conftest import NEW_TICKET, Api
from tests.conftest import NOW

pytestmark = pytest.mark.django_db

# Every operation on one ticket, with a body that would be accepted.
OPERATIONS = [
    ("GET", "/api/tickets/{id}", None),
    ("PATCH", "/api/tickets/{id}", {"priority": "high"}),
    ("POST", "/api/tickets/{id}/replies", {"body": "Hi"}),
    ("POST", "/api/tickets/{id}/notes", {"body": "Hi"}),
    ("POST", "/api/tickets/{id}/merge", {"into": 1}),
    ("POST", "/api/tickets/{id}/unmerge", None),
]


def written() -> list[int]:
    return [Ticket.objects.count(), Message.objects.count(), TicketEvent.objects.count()]


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer pd_nope_x", "Basic dXNlcjpwYXNz", "Token pd_x"]
)
def test_no_or_a_bad_key_is_401_with_a_challenge(anonymous_api, header) -> None:
    headers = {} if header is None else {"Authorization": header}
    answer = anonymous_api.get("/api/tickets", headers=headers)
    assert answer.status == 401
    assert answer.body["code"] == "unauthenticated"
    assert answer.headers["WWW-Authenticate"].startswith('Bearer realm="pactdesk"')


def test_authentication_comes_before_reading_the_body(anonymous_api) -> None:
    answer = anonymous_api.post("/api/tickets", raw="{not json")
    assert answer.status == 401


def test_only_the_hash_and_a_prefix_are_stored(northwind) -> None:
    minted = api_key_create(now=NOW, client_slug="northwind", name="Shop sync")
    key = ApiKey.objects.get()
    assert minted.secret.startswith(key.prefix + "_")
    assert key.secret_sha256 == hashlib.sha256(minted.secret.encode()).hexdigest()
    assert minted.secret not in str(ApiKey.objects.values().get())
    assert (key.name, key.client, key.user) == ("Shop sync", northwind, None)


def test_a_revoked_key_no_longer_works(northwind, django_capture_on_commit_callbacks) -> None:
    minted = api_key_create(now=NOW, client_slug="northwind")
    api = Api(minted.secret, django_capture_on_commit_callbacks)
    assert api.get("/api/tickets").status == 200
    api_key_revoke(prefix=minted.key.prefix, now=NOW)
    assert api.get("/api/tickets").status == 401


def test_a_deactivated_staff_member_s_token_no_longer_works(staff_api, agent) -> None:
    agent.is_active = False
    agent.save()
    assert staff_api.get("/api/tickets").status == 401


def test_use_is_recorded(client_api) -> None:
    assert ApiKey.objects.get().last_used_at is None
    client_api.get("/api/tickets")
    assert ApiKey.objects.get().last_used_at is not None


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS)
def test_another_client_s_ticket_is_not_found_for_every_operation(
    contoso_api, lodged, northwind, method, path, body
) -> None:
    ours = lodged(northwind)
    before = written()
    answer = contoso_api.call(method, path.format(id=ours.pk), body)
    assert answer.status == 404
    assert answer.body == {
        "code": "ticket_not_found",
        "message": f"Ticket {ours.pk} was not found.",
    }
    assert written() == before


def test_another_client_s_tickets_are_not_listed_or_lodged_into(
    contoso_api, lodged, northwind
) -> None:
    lodged(northwind)
    assert contoso_api.get("/api/tickets").body == {"items": [], "next_cursor": None}
    assert contoso_api.get("/api/tickets", query={"q": "Printer"}).body["items"] == []
    answer = contoso_api.post("/api/tickets", {**NEW_TICKET, "client": "northwind"})
    assert (answer.status, answer.body["code"]) == (422, "unknown_client")
    assert Ticket.objects.filter(client__slug="contoso").count() == 0


@pytest.mark.parametrize(("method", "path", "body"), OPERATIONS[1:])
def test_a_client_key_may_only_read_its_own_tickets(
    client_api, lodged, northwind, method, path, body
) -> None:
    ours = lodged(northwind)
    before = written()
    answer = client_api.call(method, path.format(id=ours.pk), body)
    assert answer.status == 403
    assert answer.body["code"] == "forbidden"
    assert written() == before


def test_the_command_mints_lists_and_revokes_keys(northwind, agent) -> None:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "api_key", "create", "--client", "northwind", "--name", "Shop", stdout=out, stderr=err
    )
    secret = out.getvalue().strip()
    key = ApiKey.objects.get()
    assert secret.startswith(key.prefix)
    assert key.secret_sha256 != secret
    assert "shown once" in err.getvalue()
    call_command(
        "api_key",
        "create",
        "--staff",
        agent.email.upper(),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    listing = io.StringIO()
    call_command("api_key", "list", stdout=listing)
    assert f"{key.prefix}\tactive\tnorthwind\tShop\tlast used never" in listing.getvalue()
    assert "ana@pactdesk.test" in listing.getvalue()
    call_command("api_key", "revoke", key.prefix, stdout=io.StringIO())
    key.refresh_from_db()
    assert (key.is_active, key.revoked_at is not None) == (False, True)


def test_the_command_refuses_unknown_owners(northwind) -> None:
    with pytest.raises(NotFound) as caught:
        call_command("api_key", "create", "--client", "nowhere", stderr=io.StringIO())
    assert caught.value.code == "client_not_found"
    with pytest.raises(NotFound) as caught:
        call_command("api_key", "create", "--staff", "nobody@x.test", stderr=io.StringIO())
    assert caught.value.code == "staff_not_found"
    assert ApiKey.objects.count() == 0


def test_docs_and_schema_are_served_without_a_key(anonymous_api) -> None:
    schema = anonymous_api.get("/api/openapi.json")
    assert schema.status == 200
    paths = schema.body["paths"]
    assert set(paths) == {
        "/api/tickets",
        "/api/tickets/{ticket_id}",
        "/api/tickets/{ticket_id}/replies",
        "/api/tickets/{ticket_id}/notes",
        "/api/tickets/{ticket_id}/merge",
        "/api/tickets/{ticket_id}/unmerge",
        "/api/reports/attainment",
        "/api/reports/attainment/tickets",
        "/api/reports/summary",
        "/api/presence",
        "/api/presence/staff",
        "/api/queue/next",
        "/api/clients/{client_id}/work-order",
        "/api/billing/invoices",
        "/api/billing/hires",
        "/api/billing/hires/{hire_id}/refund-preview",
        "/api/billing/hires/{hire_id}/cancel",
        "/api/billing/invoices/{invoice_id}/payments",
        "/api/billing/credit-notes",
        "/api/billing/credit-notes/{credit_note_id}",
        "/api/billing/clients/{slug}/terms",
        "/api/billing/clients/{slug}/hires",
        "/api/billing/invoices/{invoice_id}/void",
        "/api/billing/refunds/{refund_id}/paid",
        "/api/reports/monthly",
        "/api/reports/monthly/{month}",
    }
    assert set(paths["/api/tickets"]) == {"get", "post"}
    assert schema.body["components"]["securitySchemes"]["ApiKeyAuth"]["scheme"] == "bearer"
    docs = anonymous_api.http.get("/api/docs")
    assert docs.status_code == 200
    assert b"/static/ninja/swagger-ui" in docs.content  # served locally, no CDN
