"""What staff do on the ticket page. Each action parses the form and calls one desk
service with `now`; a refusal re-renders the page (or, for htmx, the ticket's body)
with the message beside the form and the error's 4xx status. The services are atomic,
so a refused action has written nothing; the ticket is read afresh before rendering."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from pactdesk.accounts.models import User
from pactdesk.accounts.selectors import staff_assignable
from pactdesk.desk import services
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import Status, Ticket
from pactdesk.desk.selectors import ticket_get
from pactdesk.platform.clock import clock_now
from pactdesk.platform.errors import ApplicationError, ValidationFailed
from pactdesk.platform.ids import id_parse
from pactdesk.web.htmx import is_htmx
from pactdesk.web.ticket_page import actor_ticket, render_ticket
from pactdesk.web.uploads import attachments_from_uploads

Action = Callable[[HttpRequest, User, Ticket, datetime], object]


def _reply(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    status = request.POST.get("status", "")
    if status not in ("", Status.WAITING, Status.SOLVED):
        raise ValidationFailed(
            "Choose keep, waiting or solved.", code=DeskErrorCode.INVALID_CHOICE, field="status"
        )
    to = request.POST.get("to", "").strip()
    if to and not to.isdigit():
        raise ValidationFailed(
            "Choose whom the reply answers.", code=DeskErrorCode.INVALID_CHOICE, field="to"
        )
    attachments = attachments_from_uploads(request)
    return services.ticket_reply(
        actor=actor,
        ticket=ticket,
        body=request.POST.get("body", ""),
        now=now,
        status=status or None,
        attachments=attachments,
        to_customer_id=int(to) if to else None,
    )


def _note(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_note(
        actor=actor, ticket=ticket, body=request.POST.get("body", ""), now=now
    )


def _status(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_status_change(
        actor=actor, ticket=ticket, status=request.POST.get("status", ""), now=now
    )


def _priority(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_priority_change(
        actor=actor, ticket=ticket, priority=request.POST.get("priority", ""), now=now
    )


def _assign(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    raw = request.POST.get("assignee", "")
    assignee: User | None = None
    if raw == "me":
        assignee = actor
    elif raw:
        user_id = id_parse(raw)
        found = staff_assignable(actor=actor).filter(pk=user_id).first() if user_id else None
        if found is None:
            raise ValidationFailed(
                "Choose a member of staff.", code=DeskErrorCode.NOT_STAFF, field="assignee"
            )
        assignee = found
    return services.ticket_assign(actor=actor, ticket=ticket, assignee=assignee, now=now)


def _invalid(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_mark_invalid(
        actor=actor, ticket=ticket, reason=request.POST.get("reason", ""), now=now
    )


def _valid(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_mark_valid(actor=actor, ticket=ticket, now=now)


def _merge(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    raw = request.POST.get("into", "").strip().upper().removeprefix("PD-").strip()
    into_id = id_parse(raw)
    if into_id is None:
        raise ValidationFailed(
            "Give the ticket to merge into, e.g. PD-123.", code=DeskErrorCode.REQUIRED, field="into"
        )
    into = ticket_get(actor=actor, ticket_id=into_id)
    return services.ticket_merge(
        actor=actor,
        ticket=ticket,
        into=into,
        now=now,
        confirm_other_customer=request.POST.get("confirm_other_customer") == "yes",
        copy_customers=request.POST.get("copy_customers") == "yes",
    )


def _unmerge(request: HttpRequest, actor: User, ticket: Ticket, now: datetime) -> object:
    return services.ticket_unmerge(actor=actor, ticket=ticket, now=now)


ACTIONS: dict[str, Action] = {
    "reply": _reply,
    "note": _note,
    "status": _status,
    "priority": _priority,
    "assign": _assign,
    "invalid": _invalid,
    "valid": _valid,
    "merge": _merge,
    "unmerge": _unmerge,
}


@require_POST
@login_required
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404("No such action")
    actor: User = request.user  # type: ignore[assignment]
    if not actor.is_provider_staff:
        raise Forbidden("Only provider staff work tickets.")
    ticket = actor_ticket(actor, ticket_id)
    try:
        handler(request, actor, ticket, clock_now())
    except ApplicationError as error:
        fresh = actor_ticket(actor, ticket_id)
        return render_ticket(
            request,
            fresh,
            status=error.http_status,
            errors={action: error.message},
            values=request.POST.dict(),
            codes={action: error.code},
        )
    if is_htmx(request):
        return render_ticket(request, actor_ticket(actor, ticket_id))
    return redirect("web:ticket", ticket_id=ticket_id, permanent=False)
