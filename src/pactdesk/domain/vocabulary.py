"""The words of the desk, each spelled once: SLA metrics, ticket statuses, priorities,
SLA states and ticket event kinds.

Every other spelling derives from these enums: the model fields' choices
(:func:`choices`), the labels pages show (``member.label``),
the API's schemas (the enum itself, or a ``Literal`` of its members) and the domain's
checks. They are ``StrEnum`` s, so a member *is* its string: it compares equal to it,
is stored and serialised as it, and ``str(member)`` is the value.

``tests/test_vocabulary.py`` fails when a spelling elsewhere drifts from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class Word(StrEnum):
    """A member of the vocabulary, with the label people read (``LABELS``)."""

    @property
    def label(self) -> str:
        """The member's label, e.g. ``Status.WAITING.label == "Waiting on customer"``."""
        return LABELS[type(self)][self]


class Metric(Word):
    """What an SLA target measures."""

    # Declared in the order metrics are listed everywhere.

    FIRST_RESPONSE = "first_response"
    EFFECTIVE_ANSWER = "effective_answer"
    NEXT_REPLY = "next_reply"


class Status(Word):
    """A ticket's status; a ticket is lodged `new`."""

    # No `status` event sets `new` (EVENT_STATUSES are the ones an event may set).

    NEW = "new"
    OPEN = "open"
    WAITING = "waiting"
    SOLVED = "solved"
    CLOSED = "closed"


class Priority(Word):
    """A ticket's priority, which also selects an SLA target's priority override."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class SlaState(Word):
    """Where one SLA metric's clock stands."""

    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    NOT_APPLICABLE = "not_applicable"


class EventKind(Word):
    """A kind of entry in a ticket's history."""

    # The kinds the SLA replay reads come first (REPLAYED_KINDS), then the audit-only
    # kinds kept beside them (AUDIT_KINDS).

    LODGED = "lodged"
    STAFF_REPLY = "staff_reply"
    AUTO_REPLY = "auto_reply"
    NOTE = "note"
    CUSTOMER_REPLY = "customer_reply"
    STATUS = "status"
    REOPENED = "reopened"
    INVALID = "invalid"
    VALID = "valid"
    MERGED = "merged"
    PRIORITY = "priority"
    # Audit only: the SLA replay never reads these.
    ASSIGNED = "assigned"
    MERGED_IN = "merged_in"
    UNMERGED = "unmerged"
    COPIED = "copied"
    UNCOPIED = "uncopied"
    ACKNOWLEDGEMENT_WITHHELD = "acknowledgement_withheld"
    # A running clock near its due instant warned staff; a breached one escalated to
    # the managers (`pactdesk.alerts`). Also the kinds of the staff notifications.
    SLA_WARNING = "sla_warning"
    SLA_ESCALATED = "sla_escalated"
    # Routing (`pactdesk.routing`): the job gave the ticket to an agent of its pool or
    # seats; an assignee away past the limit left it untouched, so it went back.
    ROUTED = "routed"
    RETURNED = "returned"


DEFAULT_PRIORITY = Priority.NORMAL
# The statuses a `status` event may set (a ticket is `new` only until its first one).
EVENT_STATUSES: tuple[Status, ...] = tuple(status for status in Status if status != Status.NEW)
AUDIT_KINDS: frozenset[EventKind] = frozenset(
    {
        EventKind.ASSIGNED,
        EventKind.MERGED_IN,
        EventKind.UNMERGED,
        EventKind.COPIED,
        EventKind.UNCOPIED,
        EventKind.ACKNOWLEDGEMENT_WITHHELD,
        EventKind.SLA_WARNING,
        EventKind.SLA_ESCALATED,
        EventKind.ROUTED,
        EventKind.RETURNED,
    }
)
REPLAYED_KINDS: tuple[EventKind, ...] = tuple(kind for kind in EventKind if kind not in AUDIT_KINDS)

LABELS: Mapping[type[Word], Mapping[Word, str]] = {
    Metric: {
        Metric.FIRST_RESPONSE: "First response",
        Metric.EFFECTIVE_ANSWER: "Effective answer",
        Metric.NEXT_REPLY: "Next reply",
    },
    Status: {
        Status.NEW: "New",
        Status.OPEN: "Open",
        Status.WAITING: "Waiting on customer",
        Status.SOLVED: "Solved",
        Status.CLOSED: "Closed",
    },
    Priority: {
        Priority.LOW: "Low",
        Priority.NORMAL: "Normal",
        Priority.HIGH: "High",
        Priority.URGENT: "Urgent",
    },
    SlaState: {
        SlaState.RUNNING: "Running",
        SlaState.PAUSED: "Paused",
        SlaState.MET: "Met",
        SlaState.BREACHED: "Breached",
        SlaState.NOT_APPLICABLE: "Not applicable",
    },
    # How a ticket's history reads ("Status set to" solved, "Merged into" PD-7).
    EventKind: {
        EventKind.LODGED: "Lodged",
        EventKind.STAFF_REPLY: "Replied",
        EventKind.AUTO_REPLY: "Acknowledgement sent",
        EventKind.NOTE: "Note added",
        EventKind.CUSTOMER_REPLY: "Customer replied",
        EventKind.STATUS: "Status set to",
        EventKind.REOPENED: "Reopened",
        EventKind.INVALID: "Marked invalid:",
        EventKind.VALID: "Marked valid",
        EventKind.MERGED: "Merged into",
        EventKind.PRIORITY: "Priority set to",
        EventKind.ASSIGNED: "Assigned to",
        EventKind.MERGED_IN: "Merged in",
        EventKind.UNMERGED: "Unmerged from",
        EventKind.COPIED: "Copied on replies:",
        EventKind.UNCOPIED: "No longer copied:",
        EventKind.ACKNOWLEDGEMENT_WITHHELD: "Acknowledgement not sent:",
        EventKind.SLA_WARNING: "Breach warning sent:",
        EventKind.SLA_ESCALATED: "Breach escalated to managers:",
        EventKind.ROUTED: "Routed to",
        EventKind.RETURNED: "Returned to the queue from",
    },
}


def values(words: type[Word]) -> tuple[str, ...]:
    """The members' strings in declaration order, e.g. ``("low", "normal", ...)``."""
    return tuple(word.value for word in words)


def choices(words: type[Word]) -> list[tuple[str, str]]:
    """``(value, label)`` pairs in declaration order: a model field's ``choices``."""
    return [(word.value, word.label) for word in words]
