"""A PATCH of a ticket: `ticket_patch` applies its changes in one transaction, so a
refused change leaves the earlier ones unwritten. It belongs in desk (as `ticket_update`) once
another entry point needs it; until then it lives here and only calls desk services.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.api.tickets.inputs import TicketPatchIn
from pactdesk.api.tickets.lookups import staff_resolve
from pactdesk.desk.models import Ticket
from pactdesk.desk.services import (
    ticket_assign,
    ticket_mark_invalid,
    ticket_mark_valid,
    ticket_priority_change,
    ticket_status_change,
)


def ticket_patch(*, actor: User, ticket: Ticket, changes: TicketPatchIn, now: datetime) -> Ticket:
    """Validity, priority, assignee, then status: all or nothing."""
    given = changes.model_fields_set
    with transaction.atomic():
        if changes.valid is False:
            ticket_mark_invalid(
                actor=actor, ticket=ticket, reason=changes.invalid_reason or "", now=now
            )
        elif changes.valid is True:
            ticket_mark_valid(actor=actor, ticket=ticket, now=now)
        if changes.priority is not None:
            ticket_priority_change(actor=actor, ticket=ticket, priority=changes.priority, now=now)
        if "assignee_id" in given:
            assignee = staff_resolve(actor=actor, user_id=changes.assignee_id)
            ticket_assign(actor=actor, ticket=ticket, assignee=assignee, now=now)
        if changes.status is not None:
            ticket_status_change(actor=actor, ticket=ticket, status=changes.status, now=now)
    return ticket
