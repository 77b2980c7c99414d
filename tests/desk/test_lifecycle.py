from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from pactdesk.accounts.models import Role
from pactdesk.agreements.services import seat_assign
from pactdesk.desk.models import Status, Ticket
from pactdesk.desk.services import (
    ticket_assign,
    ticket_auto_close,
    ticket_customer_reply,
    ticket_mark_invalid,
    ticket_mark_valid,
    ticket_merge,
    ticket_note,
    ticket_priority_change,
    ticket_reply,
    ticket_sla_sweep,
    ticket_status_change,
    ticket_unmerge,
)
from pactdesk.platform.errors import Conflict, PermissionDenied, ValidationFailed
from tests.desk.conftest import MONDAY_10AM
from tests.factories import ClientFactory, UserFactory, dedicated_agreement

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def kinds(ticket: Ticket) -> list[str]:
    return list(ticket.events.values_list("kind", flat=True))


def test_a_staff_reply_meets_the_first_response_and_opens_the_ticket(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(actor=agent, ticket=ticket, body="On it.", now=MONDAY_10AM + 12 * MIN)
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.sla_first_response_state == "met"
    assert ticket.sla_detail["first_response"]["met_at"] == "2026-03-02T15:12:00+00:00"
    assert kinds(ticket) == ["lodged", "auto_reply", "staff_reply", "status"]


def test_a_note_is_no_response_and_is_never_mailed(
    lodge, agent, django_capture_on_commit_callbacks
):
    ticket = lodge()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_note(actor=agent, ticket=ticket, body="Customer is VIP", now=MONDAY_10AM + MIN)
    ticket.refresh_from_db()
    assert ticket.sla_first_response_state == "running"
    assert mail.outbox == []


def test_a_reply_is_mailed_threaded_to_the_acknowledgement(
    lodge, agent, django_capture_on_commit_callbacks
) -> None:
    ticket = lodge(mail_message_id="<q1@shop.test>")
    acknowledgement = mail.outbox[0]
    with django_capture_on_commit_callbacks(execute=True):
        ticket_reply(actor=agent, ticket=ticket, body="Fixed.", now=MONDAY_10AM + MIN)
    reply = mail.outbox[1]
    assert reply.subject == f"Re: [PD-{ticket.pk}] Printer on fire"
    assert reply.body == "Fixed."
    assert reply.extra_headers["In-Reply-To"] == acknowledgement.extra_headers["Message-ID"]
    assert reply.extra_headers["References"].split() == [
        "<q1@shop.test>",
        acknowledgement.extra_headers["Message-ID"],
    ]


def test_solved_then_customer_reply_inside_the_window_reopens(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(
        actor=agent,
        ticket=ticket,
        body="Try this",
        now=MONDAY_10AM + 10 * MIN,
        status=Status.SOLVED,
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.sla_effective_answer_state) == ("solved", "paused")
    ticket_customer_reply(
        ticket=ticket,
        customer=ticket.customer,
        body="Still broken",
        now=MONDAY_10AM + 60 * MIN,
        channel="email",
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.solved_at) == ("open", None)
    assert ticket.sla_effective_answer_state == "running"
    assert kinds(ticket)[-2:] == ["reopened", "customer_reply"]


def test_a_waiting_ticket_is_open_again_when_the_customer_answers(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(
        actor=agent,
        ticket=ticket,
        body="Which model?",
        now=MONDAY_10AM + MIN,
        status=Status.WAITING,
    )
    ticket_customer_reply(
        ticket=ticket,
        customer=ticket.customer,
        body="X1",
        now=MONDAY_10AM + 5 * MIN,
        channel="portal",
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_a_reply_to_a_closed_ticket_lodges_a_follow_up(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(
        actor=agent, ticket=ticket, body="Done", now=MONDAY_10AM + MIN, status=Status.SOLVED
    )
    ticket_status_change(
        actor=agent, ticket=ticket, status=Status.CLOSED, now=MONDAY_10AM + 2 * MIN
    )
    follow_up = ticket_customer_reply(
        ticket=ticket,
        customer=ticket.customer,
        body="Again",
        now=MONDAY_10AM + 3 * MIN,
        channel="email",
    )
    assert follow_up.pk != ticket.pk
    assert follow_up.subject == "Printer on fire"
    assert follow_up.messages.get().body == f"(follow-up to PD-{ticket.pk})\n\nAgain"
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


@pytest.mark.parametrize(
    ("path", "target"),
    [
        (["solved", "closed"], "open"),
        (["solved", "closed"], "waiting"),
        (["open"], "new"),
        (["open"], "closed"),
    ],
)
def test_invalid_status_changes_are_conflicts_and_change_nothing(lodge, agent, path, target):
    ticket = lodge()
    for step, status in enumerate(path, start=1):
        ticket_status_change(
            actor=agent, ticket=ticket, status=status, now=MONDAY_10AM + step * MIN
        )
    before = kinds(ticket)
    with pytest.raises(Conflict) as caught:
        ticket_status_change(actor=agent, ticket=ticket, status=target, now=MONDAY_10AM + 9 * MIN)
    assert (caught.value.code, caught.value.field) == ("invalid_transition", "status")
    assert kinds(ticket) == before
    assert Ticket.objects.get(pk=ticket.pk).status == (path[-1] if path else "new")


def test_unknown_status_and_priority_are_refused(lodge, agent) -> None:
    ticket = lodge()
    with pytest.raises(ValidationFailed) as caught:
        ticket_status_change(actor=agent, ticket=ticket, status="pending", now=MONDAY_10AM)
    assert caught.value.field == "status"
    with pytest.raises(ValidationFailed) as caught:
        ticket_priority_change(actor=agent, ticket=ticket, priority="p1", now=MONDAY_10AM)
    assert caught.value.field == "priority"


def test_the_same_status_again_is_a_no_op(lodge, agent) -> None:
    ticket = lodge()
    ticket_status_change(actor=agent, ticket=ticket, status="open", now=MONDAY_10AM + MIN)
    ticket_status_change(actor=agent, ticket=ticket, status="open", now=MONDAY_10AM + 2 * MIN)
    assert kinds(ticket).count("status") == 1


def test_client_users_cannot_act_as_staff(lodge) -> None:
    ticket = lodge()
    client_admin = UserFactory(role=Role.CLIENT_ADMIN, client=ticket.client)
    with pytest.raises(PermissionDenied):
        ticket_reply(actor=client_admin, ticket=ticket, body="hi", now=MONDAY_10AM)
    assert ticket.messages.count() == 1


def test_invalid_needs_a_reason_and_leaves_every_sla_figure(lodge, agent) -> None:
    ticket = lodge()
    with pytest.raises(ValidationFailed) as caught:
        ticket_mark_invalid(actor=agent, ticket=ticket, reason="  ", now=MONDAY_10AM + MIN)
    assert (caught.value.code, caught.value.field) == ("required", "reason")
    ticket_mark_invalid(actor=agent, ticket=ticket, reason="spam", now=MONDAY_10AM + MIN)
    ticket.refresh_from_db()
    assert (ticket.is_valid, ticket.invalid_reason) == (False, "spam")
    assert ticket.sla_first_response_state == "not_applicable"
    assert ticket.sla_next_due_at is None
    ticket_mark_valid(actor=agent, ticket=ticket, now=MONDAY_10AM + 2 * MIN)
    ticket.refresh_from_db()
    assert (ticket.is_valid, ticket.sla_first_response_state) == (True, "running")
    assert kinds(ticket)[-2:] == ["invalid", "valid"]


def test_merge_closes_the_duplicate_and_unmerge_brings_it_back(lodge, agent) -> None:
    original, duplicate = lodge(), lodge(body="Same printer, still on fire")
    ticket_merge(actor=agent, ticket=duplicate, into=original, now=MONDAY_10AM + MIN)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("closed", original.pk)
    assert duplicate.sla_first_response_state == "not_applicable"
    assert original.events.filter(kind="merged_in", value=f"PD-{duplicate.pk}").exists()
    ticket_unmerge(actor=agent, ticket=duplicate, now=MONDAY_10AM + 2 * MIN)
    duplicate.refresh_from_db()
    assert (duplicate.status, duplicate.merged_into_id) == ("open", None)
    assert duplicate.sla_first_response_state == "running"


def test_merge_refuses_itself_other_clients_and_closed_targets(lodge, agent) -> None:
    first, second = lodge(), lodge()
    with pytest.raises(ValidationFailed):
        ticket_merge(actor=agent, ticket=first, into=first, now=MONDAY_10AM)
    other_agreement = dedicated_agreement(ClientFactory())
    from pactdesk.desk.services import ticket_lodge

    foreign = ticket_lodge(
        client=other_agreement.client,
        customer_email="x@y.test",
        subject="s",
        body="b",
        channel="api",
        now=MONDAY_10AM,
    )
    with pytest.raises(ValidationFailed) as caught:
        ticket_merge(actor=agent, ticket=first, into=foreign, now=MONDAY_10AM)
    assert caught.value.code == "other_client"
    ticket_merge(actor=agent, ticket=second, into=first, now=MONDAY_10AM + MIN)
    with pytest.raises(Conflict):
        ticket_merge(actor=agent, ticket=first, into=second, now=MONDAY_10AM + 2 * MIN)


def test_priority_change_applies_that_prioritys_targets(lodge, agent, agreement) -> None:
    from pactdesk.agreements.models import SlaTarget

    SlaTarget.objects.create(
        client=agreement.client,
        policy=agreement.sla_policy,
        metric="first_response",
        duration=timedelta(minutes=10),
        priority="urgent",
    )
    ticket = lodge()
    ticket_priority_change(actor=agent, ticket=ticket, priority="urgent", now=MONDAY_10AM + MIN)
    ticket.refresh_from_db()
    assert ticket.sla_first_response_due_at == MONDAY_10AM + 10 * MIN
    assert ticket.sla_detail["first_response"]["target"]["priority"] == "urgent"


def test_assignment_respects_dedicated_seats(agent) -> None:
    from pactdesk.desk.services import ticket_lodge

    thames = dedicated_agreement(ClientFactory())
    ticket = ticket_lodge(
        client=thames.client,
        customer_email="c@t.test",
        subject="s",
        body="b",
        channel="api",
        now=MONDAY_10AM,
    )
    manager = UserFactory(role=Role.MANAGER)
    with pytest.raises(Conflict) as caught:
        ticket_assign(actor=manager, ticket=ticket, assignee=agent, now=MONDAY_10AM)
    assert caught.value.code == "not_seated"
    seat_assign(seat=thames.seats.first(), agent=agent)
    ticket_assign(actor=manager, ticket=ticket, assignee=agent, now=MONDAY_10AM)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == agent.pk
    ticket_assign(actor=manager, ticket=ticket, assignee=manager, now=MONDAY_10AM)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id == manager.pk


def test_a_seated_technician_takes_no_other_clients_tickets(lodge, agent) -> None:
    seat_assign(seat=dedicated_agreement(ClientFactory()).seats.first(), agent=agent)
    ticket = lodge()
    with pytest.raises(Conflict) as caught:
        ticket_assign(actor=agent, ticket=ticket, assignee=agent, now=MONDAY_10AM)
    assert caught.value.code == "seated_elsewhere"
    client_user = UserFactory(role=Role.CLIENT_MEMBER, client=ticket.client)
    with pytest.raises(ValidationFailed):
        ticket_assign(actor=agent, ticket=ticket, assignee=client_user, now=MONDAY_10AM)
    assert Ticket.objects.get(pk=ticket.pk).assignee_id is None


def test_the_sweep_marks_overdue_clocks_breached(lodge) -> None:
    ticket = lodge()
    assert ticket_sla_sweep(now=MONDAY_10AM + 29 * MIN) == 0
    assert ticket_sla_sweep(now=MONDAY_10AM + 31 * MIN) == 1
    ticket.refresh_from_db()
    assert ticket.sla_first_response_state == "breached"
    assert ticket.sla_next_due_at == MONDAY_10AM + timedelta(hours=4)
    assert ticket_sla_sweep(now=MONDAY_10AM + 32 * MIN) == 0


def test_the_sweep_confirms_a_solve_after_the_window(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(
        actor=agent, ticket=ticket, body="Fixed", now=MONDAY_10AM + 20 * MIN, status=Status.SOLVED
    )
    assert ticket_sla_sweep(now=MONDAY_10AM + timedelta(hours=71)) == 0
    assert ticket_sla_sweep(now=MONDAY_10AM + timedelta(hours=73)) == 1
    ticket.refresh_from_db()
    assert ticket.sla_effective_answer_state == "met"
    assert ticket.sla_recheck_at is None


def test_auto_close_closes_tickets_solved_long_enough_ago(lodge, agent) -> None:
    ticket = lodge()
    ticket_reply(
        actor=agent, ticket=ticket, body="Fixed", now=MONDAY_10AM + MIN, status=Status.SOLVED
    )
    assert ticket_auto_close(now=MONDAY_10AM + timedelta(days=6), days=7) == 0
    assert ticket_auto_close(now=MONDAY_10AM + timedelta(days=7, minutes=1), days=7) == 1
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    assert ticket_auto_close(now=MONDAY_10AM + timedelta(days=8), days=7) == 0


def test_solving_without_a_reply_mails_a_status_notice(
    lodge, agent, django_capture_on_commit_callbacks
) -> None:
    ticket = lodge()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ticket_status_change(actor=agent, ticket=ticket, status="solved", now=MONDAY_10AM + MIN)
        ticket_status_change(actor=agent, ticket=ticket, status="open", now=MONDAY_10AM + 2 * MIN)
    assert [m.subject for m in mail.outbox] == [f"Re: [PD-{ticket.pk}] Printer on fire"]
    assert "was marked solved" in mail.outbox[0].body


def test_a_reply_cannot_carry_a_status_the_table_refuses(lodge, agent) -> None:
    ticket = lodge()
    for status, error in (("closed", Conflict), ("pending", ValidationFailed)):
        with pytest.raises(error):
            ticket_reply(actor=agent, ticket=ticket, body="x", now=MONDAY_10AM, status=status)
    assert ticket.messages.count() == 1
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_the_sweep_reads_the_policy_targets_once_not_per_ticket(lodge) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(4):
        lodge(subject=f"t{n}", customer_email=f"c{n}@shop.test")
    with CaptureQueriesContext(connection) as queries:
        assert ticket_sla_sweep(now=MONDAY_10AM + 31 * MIN) == 4
    target_reads = [q for q in queries.captured_queries if "agreements_slatarget" in q["sql"]]
    assert len(target_reads) == 1
