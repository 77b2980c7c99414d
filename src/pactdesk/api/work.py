"""A dedicated client's work order: parse, call one work selector or service, answer.

`GET /api/clients/{client_id}/work-order` answers the ranked list of the client's open
tickets and tasks with its version; `PUT` replaces the order with
`{"version": N, "items": [{"kind": "ticket"|"task", "id": ...}, ...]}` — every item of
the list, each once — when N is still the list's version. A stale version is a 409
`stale_order`; an item given twice, not in the list (another client's, closed, none)
or left out is a 422 (`duplicate_item`, `unknown_item`, `missing_item`); nothing moves.
A client key sees only its own client (another client is a 404 `client_not_found`
whatever it exists) and acts as a client member: it may reorder when the client's
admin lets members reorder. Staff tokens of provider admins and managers may reorder
any dedicated client's list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import BaseModel, ConfigDict, Field

from pactdesk.accounts.models import User
from pactdesk.api.auth import principal_of
from pactdesk.api.tickets.outputs import ErrorOut
from pactdesk.domain.work import ItemRef, WorkKind
from pactdesk.platform.clock import clock_now
from pactdesk.platform.ids import Id
from pactdesk.work.access import work_client_get
from pactdesk.work.order import WorkOrderView, work_order_reorder, work_order_settle

router = Router(tags=["work order"])
REFUSALS: dict[int, Any] = dict.fromkeys((400, 401, 403, 404, 409, 422), ErrorOut)
MAX_ITEMS = 5000


class WorkItemRefIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["ticket", "task"]
    id: Id


class WorkOrderIn(Schema):
    model_config = ConfigDict(extra="forbid", strict=True)

    version: int = Field(ge=0, le=2**31 - 1, description="The version you last read.")
    items: list[WorkItemRefIn] = Field(
        max_length=MAX_ITEMS, description="Every item of the list, each once, best first."
    )


class WorkItemOut(BaseModel):
    kind: Literal["ticket", "task"]
    id: int
    reference: str
    title: str
    status: str
    priority: str | None
    assignee_id: int | None
    sla_due_at: datetime | None
    due_on: str
    near_due: bool = Field(description="A ticket whose SLA clock falls due within 2 hours.")


class WorkOrderOut(BaseModel):
    client_id: int
    version: int
    entry_rule: str
    items: list[WorkItemOut]


@router.get(
    "/clients/{client_id}/work-order",
    response={200: WorkOrderOut, **REFUSALS},
    summary="A dedicated client's ranked list of open tickets and tasks, with its version",
)
def get_work_order(request: HttpRequest, client_id: Id) -> object:
    now = clock_now()
    client = work_client_get(actor=_actor(request), client_id=client_id, now=now)
    return Status(200, _out(work_order_settle(client=client), now))


@router.put(
    "/clients/{client_id}/work-order",
    response={200: WorkOrderOut, **REFUSALS},
    summary="Reorder a dedicated client's list (409 stale_order if it changed since read)",
)
def put_work_order(request: HttpRequest, client_id: Id, payload: WorkOrderIn) -> object:
    now = clock_now()
    actor = _actor(request)
    client = work_client_get(actor=actor, client_id=client_id, now=now)
    items = [ItemRef(WorkKind(item.kind), item.id) for item in payload.items]
    view = work_order_reorder(actor=actor, client=client, version=payload.version, items=items)
    return Status(200, _out(view, now))


def _actor(request: HttpRequest) -> User:
    return principal_of(request).actor


def _out(view: WorkOrderView, now: datetime) -> dict[str, Any]:
    return {
        "client_id": view.client.pk,
        "version": view.version,
        "entry_rule": view.settings.entry_rule,
        "items": [
            {
                "kind": entry.kind.value,
                "id": entry.ref.id,
                "reference": entry.reference,
                "title": entry.title,
                "status": entry.status,
                "priority": entry.priority.value if entry.priority else None,
                "assignee_id": entry.assignee_id,
                "sla_due_at": entry.due_at,
                "due_on": entry.due_on,
                "near_due": entry.near_due(now),
            }
            for entry in view.entries
        ],
    }
