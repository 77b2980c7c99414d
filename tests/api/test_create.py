"""POST /api/tickets: lodging through the API, idempotent retries, and every refusal
leaving nothing written."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from django.core import mail

from pactdesk.accounts.models import Customer
from pactdesk.desk.models import Attachment, IdempotencyKey, Message, Ticket, TicketEvent
from pactdesk.notify.models import AcknowledgementTemplate, OutboundMail
from tests.api.conftest import NEW_TICKET

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def counts() -> list[int]:
    return [
        m.objects.count()
        for m in (Ticket, Message, TicketEvent, Customer, OutboundMail, IdempotencyKey, Attachment)
    ]


NOTHING = [0, 0, 0, 0, 0, 0, 0]


def test_a_client_key_lodges_for_its_client(client_api, northwind) -> None:
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "priority": "high"})
    assert answer.status == 201
    ticket = Ticket.objects.get()
    assert answer.body["id"] == ticket.pk
    assert answer.body["reference"] == f"PD-{ticket.pk}"
    assert (answer.body["status"], answer.body["priority"], answer.body["channel"]) == (
        "new",
        "high",
        "api",
    )
    assert answer.body["client"] == {"id": northwind.pk, "slug": "northwind", "name": "Northwind"}
    assert answer.body["customer"]["email"] == "jo@shop.test"
    assert answer.body["assignee"] is None
    assert answer.body["lodged_at"] == "2026-03-02T15:00:00Z"
    assert answer.body["sla"]["next_due_at"] == "2026-03-02T15:30:00Z"
    assert answer.body["sla"]["metrics"]["first_response"] == {
        "state": "running",
        "due_at": "2026-03-02T15:30:00Z",
        "met_at": None,
        "breached_at": None,
        "used_seconds": 0.0,
        "remaining_seconds": 1800.0,
        "target": {"duration_seconds": 1800.0, "goal": "90.00", "priority": None},
    }
    assert ticket.client == northwind
    assert ticket.messages.get().body == "It is on fire."
    assert [m.to for m in mail.outbox] == [["jo@shop.test"]]  # the acknowledgement


def test_a_client_key_may_name_its_own_client(client_api, northwind) -> None:
    assert client_api.post("/api/tickets", {**NEW_TICKET, "client": "northwind"}).status == 201
    assert client_api.post("/api/tickets", {**NEW_TICKET, "client": northwind.pk}).status == 201


def test_a_client_key_cannot_lodge_for_another_client(client_api, contoso) -> None:
    for ref in ("contoso", contoso.pk):
        answer = client_api.post("/api/tickets", {**NEW_TICKET, "client": ref})
        assert answer.status == 422
        assert (answer.body["code"], answer.body["field"]) == ("unknown_client", "client")
    assert counts() == NOTHING


def test_a_staff_token_names_the_client_by_slug_or_id(staff_api, northwind, contoso) -> None:
    first = staff_api.post("/api/tickets", {**NEW_TICKET, "client": "contoso"})
    second = staff_api.post("/api/tickets", {**NEW_TICKET, "client": northwind.pk})
    assert (first.status, second.status) == (201, 201)
    assert (first.body["client"]["slug"], second.body["client"]["slug"]) == ("contoso", "northwind")


@pytest.mark.parametrize(
    ("client", "code"), [(None, "required"), ("nowhere", "unknown_client"), (999, "unknown_client")]
)
def test_a_staff_token_must_name_a_known_client(staff_api, northwind, client, code) -> None:
    answer = staff_api.post("/api/tickets", {**NEW_TICKET, "client": client})
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"]) == (code, "client")
    assert counts() == NOTHING


def test_attachments_are_sent_as_base64(client_api) -> None:
    file = {"filename": "shot.png", "content_base64": base64.b64encode(PNG).decode()}
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "attachments": [file]})
    assert answer.status == 201
    stored = Attachment.objects.get()
    assert (stored.filename, stored.content_type, stored.size) == ("shot.png", "image/png", 72)


def test_an_attachment_of_the_largest_allowed_size_fits_in_one_request(client_api) -> None:
    from django.conf import settings

    content = PNG + b"\x00" * (settings.PACTDESK_ATTACHMENT_MAX_BYTES - len(PNG))
    file = {"filename": "big.png", "content_base64": base64.b64encode(content).decode()}
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "attachments": [file]})
    assert answer.status == 201
    assert Attachment.objects.get().size == settings.PACTDESK_ATTACHMENT_MAX_BYTES


def test_a_retry_with_the_same_idempotency_key_answers_200_with_the_same_ticket(client_api):
    key = {"Idempotency-Key": "order-1042-attempt"}
    first = client_api.post("/api/tickets", NEW_TICKET, headers=key)
    again = client_api.post("/api/tickets", NEW_TICKET, headers=key)
    assert (first.status, again.status) == (201, 200)
    assert again.body == first.body
    assert (Ticket.objects.count(), Message.objects.count(), len(mail.outbox)) == (1, 1, 1)


def test_the_same_key_with_another_request_is_a_conflict(client_api) -> None:
    key = {"Idempotency-Key": "k-1"}
    client_api.post("/api/tickets", NEW_TICKET, headers=key)
    before = counts()
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "body": "Different"}, headers=key)
    assert answer.status == 409
    assert answer.body == {
        "code": "idempotency_key_reused",
        "field": "Idempotency-Key",
        "message": "Idempotency-Key was already used for a different request",
    }
    assert counts() == before


def test_keys_are_per_client(client_api, contoso_api) -> None:
    key = {"Idempotency-Key": "shared-name"}
    ours = client_api.post("/api/tickets", NEW_TICKET, headers=key)
    theirs = contoso_api.post("/api/tickets", NEW_TICKET, headers=key)
    assert (ours.status, theirs.status) == (201, 201)
    assert ours.body["id"] != theirs.body["id"]


def test_a_retry_later_from_a_new_customer_address_leaves_nothing_behind(client_api, clock):
    """The key is claimed by the insert: a retry runs the lodging, finds the key taken,
    and rolls all of it back (even the customer it would have made) before answering."""
    key = {"Idempotency-Key": "order-7"}
    first = client_api.post(
        "/api/tickets", {**NEW_TICKET, "customer_email": "new@shop.test"}, headers=key
    )
    after_first = counts()
    clock.now += timedelta(seconds=1)
    again = client_api.post(
        "/api/tickets", {**NEW_TICKET, "customer_email": "new@shop.test"}, headers=key
    )
    assert (first.status, again.status) == (201, 200)
    assert again.body["id"] == first.body["id"]
    assert again.body["lodged_at"] == first.body["lodged_at"]
    assert counts() == after_first == [1, 1, 2, 1, 1, 1, 0]


def test_a_retry_after_the_agreement_ended_still_gets_its_ticket(client_api, northwind, clock):
    from pactdesk.agreements.models import Agreement

    key = {"Idempotency-Key": "late-retry"}
    first = client_api.post("/api/tickets", NEW_TICKET, headers=key)
    agreement = Agreement.objects.get(client=northwind)
    agreement.end_date = clock.now.date()
    agreement.save()
    clock.now += timedelta(days=2)
    again = client_api.post("/api/tickets", NEW_TICKET, headers=key)
    fresh = client_api.post("/api/tickets", NEW_TICKET, headers={"Idempotency-Key": "new"})
    assert (first.status, again.status) == (201, 200)
    assert again.body["id"] == first.body["id"]
    assert (fresh.status, fresh.body["code"]) == (422, "no_agreement")
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("key", ["", "x" * 201])
def test_a_bad_idempotency_key_is_refused(client_api, key) -> None:
    answer = client_api.post("/api/tickets", NEW_TICKET, headers={"Idempotency-Key": key})
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"]) == ("invalid_request", "Idempotency-Key")
    assert counts() == NOTHING


def test_unparsable_json_is_a_400(client_api) -> None:
    answer = client_api.post("/api/tickets", raw='{"subject": "x",')
    assert answer.status == 400
    assert answer.body["code"] == "invalid_json"
    assert answer.body["message"].startswith("The request body is not valid JSON: ")
    assert counts() == NOTHING


def test_an_empty_body_is_refused(client_api) -> None:
    answer = client_api.post("/api/tickets", raw="")
    assert answer.status == 422
    assert answer.body == {
        "code": "invalid_request",
        "message": "The request body is required: send a JSON object.",
    }


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"colour": "red"}, "colour", "colour: unknown field; it is not part of this request"),
        ({"subject": 42}, "subject", "subject: Input should be a valid string"),
        ({"subject": None}, "subject", "subject: Input should be a valid string"),
        ({"body": ["a"]}, "body", "body: Input should be a valid string"),
        (
            {"priority": "critical"},
            "priority",
            "priority: Input should be 'low', 'normal', 'high' or 'urgent'",
        ),
        (
            {"priority": 1},
            "priority",
            "priority: Input should be 'low', 'normal', 'high' or 'urgent'",
        ),
        (
            {"customer_email": "not-an-address"},
            "customer_email",
            "customer_email: not an e-mail address",
        ),
        ({"client": True}, "client", None),
        ({"attachments": "file"}, "attachments", "attachments: Input should be a valid list"),
        (
            {"attachments": [{"filename": "a.txt", "content_base64": "%%%"}]},
            "attachments[0].content_base64",
            "attachments[0].content_base64: not standard base64",
        ),
        (
            {"attachments": [{"filename": "a.txt", "content_base64": "", "mode": 1}]},
            "attachments[0].mode",
            None,
        ),
    ],
)
def test_wrong_fields_and_types_are_refused_naming_the_field(client_api, change, field, says):
    answer = client_api.post("/api/tickets", {**NEW_TICKET, **change})
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"]) == ("invalid_request", field)
    if says is not None:
        assert answer.body["message"] == says
    assert counts() == NOTHING


@pytest.mark.parametrize("missing", ["customer_email", "subject", "body"])
def test_missing_fields_are_refused(client_api, missing) -> None:
    body = {k: v for k, v in NEW_TICKET.items() if k != missing}
    answer = client_api.post("/api/tickets", body)
    assert answer.status == 422
    assert answer.body == {
        "code": "invalid_request",
        "field": missing,
        "message": f"{missing}: required",
    }


@pytest.mark.parametrize("raw", ["[]", '"text"', "42", "null"])
def test_a_body_that_is_not_an_object_is_refused(client_api, raw) -> None:
    answer = client_api.post("/api/tickets", raw=raw)
    assert answer.status in (422,)
    assert answer.body["code"] == "invalid_request"
    assert counts() == NOTHING


def test_desk_rules_come_back_as_422_with_their_code(client_api, settings) -> None:
    settings.PACTDESK_ATTACHMENT_MAX_BYTES = 10
    blank = client_api.post("/api/tickets", {**NEW_TICKET, "body": "   "})
    big = client_api.post(
        "/api/tickets",
        {
            **NEW_TICKET,
            "attachments": [
                {"filename": "a.bin", "content_base64": base64.b64encode(b"x" * 11).decode()}
            ],
        },
    )
    assert (blank.status, blank.body["code"], blank.body["field"]) == (422, "required", "body")
    assert (big.status, big.body["code"], big.body["field"]) == (
        422,
        "attachment_too_large",
        "attachments[0]",
    )
    assert counts() == NOTHING


def test_a_client_without_an_agreement_cannot_lodge(django_capture_on_commit_callbacks) -> None:
    from pactdesk.api.services import api_key_create
    from tests.api.conftest import Api
    from tests.conftest import NOW
    from tests.factories import ClientFactory

    bare = ClientFactory(slug="bare")
    api = Api(
        api_key_create(now=NOW, client_slug="bare").secret, django_capture_on_commit_callbacks
    )
    answer = api.post("/api/tickets", NEW_TICKET)
    assert (answer.status, answer.body["code"]) == (422, "no_agreement")
    assert bare.pk is not None
    assert counts() == NOTHING


def test_the_customers_language_picks_the_acknowledgements_wording(client_api, northwind) -> None:
    AcknowledgementTemplate.objects.create(client=northwind, language="de", body="Hallo.")
    assert client_api.post("/api/tickets", {**NEW_TICKET, "language": "de-AT"}).status == 201
    assert OutboundMail.objects.get().body.startswith("Hallo.")


@pytest.mark.parametrize("language", ["", "de_AT", "de;q=1", "x" * 36, "deutsch-österreich"])
def test_a_bad_language_tag_is_refused(client_api, northwind, language) -> None:
    answer = client_api.post("/api/tickets", {**NEW_TICKET, "language": language})
    assert answer.status == 422
    assert (answer.body["code"], answer.body["field"]) == ("invalid_request", "language")
    assert counts() == NOTHING
