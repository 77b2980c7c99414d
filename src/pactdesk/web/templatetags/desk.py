"""Words a ticket row shows: `{{ ticket|status_label }}` says what a ticket is, so an
invalid or merged ticket does not read as "New"."""

from __future__ import annotations

from django import template

from pactdesk.desk.models import Ticket

register = template.Library()


@register.filter
def status_label(ticket: Ticket) -> str:
    """ "Merged into PD-12", "Invalid · spam", or the status ("New", "Solved", ...)."""
    if ticket.merged_into_id is not None:
        return f"Merged into PD-{ticket.merged_into_id}"
    if not ticket.is_valid:
        return f"Invalid · {ticket.invalid_reason}"
    return str(ticket.get_status_display())


@register.filter
def status_class(ticket: Ticket) -> str:
    """The pill's CSS class: `merged`, `invalid` or the status."""
    if ticket.merged_into_id is not None:
        return "merged"
    return "invalid" if not ticket.is_valid else str(ticket.status)
