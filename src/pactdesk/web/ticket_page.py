"""The ticket page (staff work it; client users read it), its live SLA panel and
attachment downloads that check who asks."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pactdesk.accounts.models import Role, User
from pactdesk.desk.models import EventKind, Priority, Status, Ticket
from pactdesk.desk.participants import reply_choices
from pactdesk.desk.selectors import (
    attachment_get,
    message_raw_mail_get,
    ticket_assignable,
    ticket_get,
    ticket_history,
    ticket_messages,
)
from pactdesk.domain.vocabulary import LABELS, choices
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import NotFound
from pactdesk.routing.selectors import ticket_wait_reason
from pactdesk.web.htmx import is_htmx
from pactdesk.web.sla_view import ticket_clocks

REPLY_STATUSES = (
    ("", "Keep status"),
    (Status.WAITING, Status.WAITING.label),
    (Status.SOLVED, Status.SOLVED.label),
)
EVENT_LABELS = LABELS[EventKind]


def actor_ticket(actor: User, ticket_id: int) -> Ticket:
    try:
        return ticket_get(actor=actor, ticket_id=ticket_id)
    except NotFound:
        raise Http404("No such ticket") from None


def ticket_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    codes: dict[str, str] | None = None,
) -> dict[str, Any]:
    actor: User = request.user  # type: ignore[assignment]
    staff = actor.is_provider_staff
    now = clock_now()
    assignees = _assignee_choices(ticket) if staff else []
    conversation = list(ticket_messages(ticket=ticket, include_notes=staff))
    writers, answering, copied = reply_choices(ticket) if staff else ([], None, [])
    events = ticket_history(ticket=ticket)
    if not staff:
        events = events.exclude(kind=EventKind.NOTE)
    return {
        "ticket": ticket,
        "staff": staff,
        # why a dedicated client's ticket waits (issue 13 §3); staff see the assignee
        "wait_reason": None if staff else ticket_wait_reason(ticket=ticket, now=now),
        "conversation": conversation,
        "events": [(event, EVENT_LABELS.get(event.kind, event.kind)) for event in events],
        "clocks": ticket_clocks(ticket),
        "now": now,
        "errors": errors or {},
        "values": values or {},
        "codes": codes or {},
        "reply_writers": writers,
        "reply_default": answering,
        "reply_copied": copied,
        "statuses": choices(Status),
        "priorities": choices(Priority),
        "reply_statuses": REPLY_STATUSES,
        "staff_choices": assignees,
        # Managers and admins may take any ticket themselves (desk.services rules).
        "may_take": staff and (actor.role != Role.AGENT or actor in assignees),
        "client_zone": ticket.agreement.timezone,
        # Formatted here: the date filter would turn it back into the viewer's zone.
        "client_time": now.astimezone(ZoneInfo(ticket.agreement.timezone)).strftime("%H:%M %Z"),
        "merged_tickets": list(ticket.merged_tickets.values_list("pk", flat=True)) if staff else [],
    }


def _assignee_choices(ticket: Ticket) -> list[User]:
    """Who may take the ticket, and whoever holds it now (so the picker shows the truth)."""
    choices = list(ticket_assignable(ticket=ticket))
    if ticket.assignee is not None and ticket.assignee not in choices:
        choices.append(ticket.assignee)
    return choices


def render_ticket(
    request: HttpRequest, ticket: Ticket, *, status: int = 200, **extra: Any
) -> HttpResponse:
    """The whole page, or for htmx only the ticket's body (the part every form swaps)."""
    template = "web/ticket/_body.html" if is_htmx(request) else "web/ticket/page.html"
    return render(request, template, ticket_context(request, ticket, **extra), status=status)


@require_GET
@login_required
def ticket_page(request: HttpRequest, ticket_id: int) -> HttpResponse:
    return render_ticket(request, actor_ticket(request.user, ticket_id))  # type: ignore[arg-type]


@require_GET
@login_required
def ticket_sla(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The SLA panel alone: htmx polls it every 30 seconds."""
    ticket = actor_ticket(request.user, ticket_id)  # type: ignore[arg-type]
    context = {"ticket": ticket, "clocks": ticket_clocks(ticket), "now": clock_now()}
    return render(request, "web/ticket/_sla.html", context)


@require_GET
@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = attachment_get(actor=request.user, attachment_id=attachment_id)  # type: ignore[arg-type]
    return attachment_response(attachment)


@require_GET
@login_required
def raw_mail_download(request: HttpRequest, message_id: int) -> FileResponse:
    """The mail a message was made from, byte for byte, as message-<id>.eml (staff)."""
    try:
        raw = message_raw_mail_get(actor=request.user, message_id=message_id)  # type: ignore[arg-type]
    except NotFound:
        raise Http404("No original mail") from None
    try:
        handle = raw.content.open("rb")
    except FileNotFoundError:
        raise Http404("The original mail was pruned") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"message-{message_id}.eml",
        content_type="message/rfc822",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def attachment_response(attachment: Any) -> FileResponse:
    """Always a download (never rendered inline), typed by its content."""
    try:
        handle = attachment.content.open("rb")
    except FileNotFoundError:
        raise Http404("The file is missing") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response
