"""Writes on tickets. One module per kind of change; import from here."""

from pactdesk.desk.services.changes import ticket_sla_refresh, ticket_sla_sweep
from pactdesk.desk.services.conversation import (
    ticket_customer_reply,
    ticket_note,
    ticket_reply,
)
from pactdesk.desk.services.lifecycle import (
    ticket_assign,
    ticket_auto_close,
    ticket_mark_invalid,
    ticket_mark_valid,
    ticket_merge,
    ticket_priority_change,
    ticket_status_change,
    ticket_unmerge,
)
from pactdesk.desk.services.lodging import ticket_lodge, ticket_lodge_once
from pactdesk.desk.services.lodging_request import Lodged, LodgingRequest
from pactdesk.desk.services.records import AttachmentIn

__all__ = [
    "AttachmentIn",
    "Lodged",
    "LodgingRequest",
    "ticket_assign",
    "ticket_auto_close",
    "ticket_customer_reply",
    "ticket_lodge",
    "ticket_lodge_once",
    "ticket_mark_invalid",
    "ticket_mark_valid",
    "ticket_merge",
    "ticket_note",
    "ticket_priority_change",
    "ticket_reply",
    "ticket_sla_refresh",
    "ticket_sla_sweep",
    "ticket_status_change",
    "ticket_unmerge",
]
