"""Presence and next ticket (staff tokens only): parse, call one routing service or
selector, answer.

`GET /api/presence` the caller's presence; `PUT /api/presence` replaces it (status,
cap, time zone, return time); `GET /api/presence/staff` everyone's (managers and
admins); `POST /api/queue/next` assigns the caller the most urgent ticket they may take
and answers it (`ticket` null when there is none).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Status
from pydantic import BaseModel, BeforeValidator, ConfigDict

from pactdesk.api.auth import principal_of
from pactdesk.api.tickets.outputs import ErrorOut, TicketOut, ticket_out
from pactdesk.desk.selectors import ticket_get
from pactdesk.platform.clock import clock_now
from pactdesk.routing.models import Presence
from pactdesk.routing.selectors import presence_list, presence_of
from pactdesk.routing.services import PresenceIn, presence_set, queue_next

router = Router(tags=["routing"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
Answer = Status[Any]


def _iso_instant(value: object) -> datetime | None:
    """`back_at` as given: null, or an ISO 8601 date-time string (a number is not read
    as seconds since 1970, nor is a date alone a time); its offset is checked by the
    service (`back_at_naive`)."""
    if value is None:
        return None
    if not isinstance(value, str) or "T" not in value.upper():
        raise ValueError("an ISO 8601 date and time with its offset, e.g. 2026-03-03T09:00:00Z")
    return datetime.fromisoformat(value)  # ValueError on 2026-02-30 and other garbage


class PresenceBody(BaseModel):
    """A whole presence. `cap`: at most this many open tickets (1..1000; null: no cap);
    `timezone`: IANA zone (null: the user's own, else the server's); `back_at`: when
    an away agent will be back, with its offset (null: not said). Strict, as every
    body: wrong JSON types are refused (422 `invalid_request`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    status: str
    cap: int | None = None
    timezone: str | None = None
    back_at: Annotated[datetime | None, BeforeValidator(_iso_instant)] = None


class PresenceOut(BaseModel):
    user_id: int
    name: str
    status: str
    cap: int | None
    timezone: str
    back_at: datetime | None
    changed_at: datetime


class NextOut(BaseModel):
    ticket: TicketOut | None


def presence_out(presence: Presence) -> PresenceOut:
    return PresenceOut(
        user_id=presence.user_id,
        name=presence.user.name,
        status=presence.status,
        cap=presence.cap,
        timezone=presence.timezone,
        back_at=presence.back_at,
        changed_at=presence.changed_at,
    )


@router.get("/presence", response={200: PresenceOut, **REFUSALS}, summary="Your presence")
def presence_read(request: HttpRequest) -> Answer:
    principal = principal_of(request)
    principal.require_staff()
    return Status(200, presence_out(presence_of(user=principal.actor)))


@router.put("/presence", response={200: PresenceOut, **REFUSALS}, summary="Set your presence")
def presence_write(request: HttpRequest, payload: PresenceBody) -> Answer:
    principal = principal_of(request)
    principal.require_staff()
    given = PresenceIn(
        status=payload.status, cap=payload.cap, timezone=payload.timezone, back_at=payload.back_at
    )
    presence = presence_set(actor=principal.actor, given=given, now=clock_now())
    return Status(200, presence_out(presence))


@router.get(
    "/presence/staff",
    response={200: list[PresenceOut], **REFUSALS},
    summary="Every member of staff's presence (managers and admins)",
)
def presence_staff(request: HttpRequest) -> Answer:
    principal = principal_of(request)
    principal.require_staff()
    return Status(200, [presence_out(p) for p in presence_list(actor=principal.actor)])


@router.post(
    "/queue/next",
    response={200: NextOut, **REFUSALS},
    summary="Take the most urgent ticket you may take",
)
def next_ticket(request: HttpRequest) -> Answer:
    principal = principal_of(request)
    principal.require_staff()
    taken = queue_next(actor=principal.actor, now=clock_now())
    if taken is None:
        return Status(200, {"ticket": None})
    ticket = ticket_get(actor=principal.actor, ticket_id=taken)
    return Status(200, {"ticket": ticket_out(ticket)})
