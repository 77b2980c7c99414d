"""The change helper: every change of a stored ticket records its events, sets its
fields and `updated_at`, and stores the SLA clocks as of the change, in one place."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest

from pactdesk.desk.models import Ticket
from pactdesk.desk.services.changes import EventIn, ticket_change
from pactdesk.desk.services.sla_state import ticket_sla_fields
from tests.desk.conftest import MONDAY_10AM
from tests.ticket_writes import HELPER, PACKAGE, stray_ticket_saves

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def test_a_change_records_its_events_sets_its_fields_and_stores_the_clocks(lodge, agent) -> None:
    ticket = lodge(priority="low")
    at = MONDAY_10AM + 7 * MIN
    ticket_change(
        ticket=ticket,
        now=at,
        actor=agent,
        events=[EventIn("priority", "urgent"), EventIn("note")],
        fields={"priority": "urgent"},
    )
    stored = Ticket.objects.get(pk=ticket.pk)
    rows = stored.events.order_by("id").values_list("kind", "value", "at", "actor_id")
    assert list(rows)[-2:] == [("priority", "urgent", at, agent.pk), ("note", "", at, agent.pk)]
    assert (stored.priority, stored.updated_at) == ("urgent", at)
    expected = ticket_sla_fields(ticket=stored, now=at)
    assert {name: getattr(stored, name) for name in expected} == expected
    assert stored.sla_first_response_due_at == MONDAY_10AM + 30 * MIN  # urgent: 30 minutes


def test_a_change_without_fields_still_stamps_the_time_and_the_clocks(lodge) -> None:
    ticket = lodge()
    before = Ticket.objects.get(pk=ticket.pk).sla_evaluated_at
    ticket_change(ticket=ticket, now=MONDAY_10AM + 3 * MIN)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert (before, stored.sla_evaluated_at) == (MONDAY_10AM, MONDAY_10AM + 3 * MIN)
    assert stored.updated_at == MONDAY_10AM + 3 * MIN
    assert stored.events.count() == ticket.events.count()


def test_the_guard_reports_a_ticket_saved_by_pactdesk_code_outside_the_helper(lodge) -> None:
    ticket = lodge()
    stray = PACKAGE / "desk" / "services" / "stray.py"  # compiled, never written to disk
    code = compile(
        "def stray(ticket):\n    ticket.save(update_fields=['subject'])\n", stray, "exec"
    )
    namespace: dict[str, object] = {}
    exec(code, namespace)  # a function that claims to live in pactdesk
    with stray_ticket_saves() as strays:
        ticket.save(update_fields=["subject"])  # the test's own set-up: allowed
        ticket_change(ticket=ticket, now=MONDAY_10AM + MIN)  # the helper: allowed
        namespace["stray"](ticket)  # type: ignore[operator]
    assert strays == ["pactdesk/desk/services/stray.py:2"]


def _ticket_writes_outside_the_helper(path: Path) -> list[str]:
    """`<x>ticket<y>.save(...)` and `Ticket.objects....update/bulk_update(...)` calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        receiver = ast.unparse(node.func.value)
        if node.func.attr == "save" and "ticket" in receiver.lower():
            found.append(f"{path.name}:{node.lineno} {receiver}.save")
        if node.func.attr in ("update", "bulk_update") and receiver.startswith("Ticket.objects"):
            found.append(f"{path.name}:{node.lineno} {receiver}.{node.func.attr}")
    return found


def test_no_module_but_the_helper_writes_a_stored_ticket() -> None:
    """The runtime guard sees the paths the suite runs; this sees the rest."""
    strays = [
        write
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != HELPER and "migrations" not in path.parts
        for write in _ticket_writes_outside_the_helper(path)
    ]
    assert strays == []
