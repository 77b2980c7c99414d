"""Checks on who may change a ticket."""

from __future__ import annotations

from pactdesk.accounts.models import User
from pactdesk.desk.error_codes import DeskErrorCode
from pactdesk.desk.models import Status, Ticket
from pactdesk.platform.errors import Conflict, PermissionDenied


def check_staff(actor: User) -> None:
    if not (actor.is_active and actor.is_provider_staff):
        raise PermissionDenied("Only provider staff may do this to a ticket.")


def check_open(ticket: Ticket) -> None:
    if ticket.status == Status.CLOSED:
        raise Conflict(
            f"{ticket.reference} is closed; a customer reply opens a follow-up ticket",
            code=DeskErrorCode.TICKET_CLOSED,
            field="status",
        )
