"""Every API operation fuzzed from its own OpenAPI description (schemathesis), with a
client key and with a staff token: no input may make a server error, and every answer
must be one the schema documents (status code, content type, body, headers). Invalid
input (negative cases: out-of-range ids, wrong types, unknown fields) must be refused
with a 4xx.

The operations are read from the schema, so a new one is fuzzed without anyone listing
it. Requests go in-process to the WSGI application, inside the test's transaction, on
whichever database the suite runs on. Generation is deterministic (the same cases on
every run) and bounded (EXAMPLES per operation and actor) to keep the suite quick; half
of the valid cases name real rows (a ticket of the caller's client, a member of staff) so
they get past the lookups into the services.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from schemathesis.generation import GenerationMode

from pactdesk.api.main import api
from pactdesk.api.services import api_key_create
from pactdesk.config.wsgi import application
from tests.conftest import NOW

EXAMPLES = 25
CONFIG = SchemathesisConfig.from_dict(
    {
        "generation": {
            "max-examples": EXAMPLES,
            "database": "none",
            "deterministic": True,
            # The key is ours to send (below); a fuzzed Authorization header would only
            # test that a bad key is a 401, which tests/api/test_auth.py does.
            "with-security-parameters": False,
        },
        "checks": {
            # Our 422 also carries the desk's own rules, which no schema can state (a
            # status change the transition table refuses, a client that is not yours,
            # merging a ticket into itself), so schema-valid input may be refused.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = application


@pytest.fixture(autouse=True)
def _one_connection() -> Iterator[None]:
    """Keep the test's connection (and its transaction) open across the requests, as
    Django's own test client does: the WSGI handler closes it around each request."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def world(northwind, contoso, agent, lodged) -> dict[str, Any]:
    """Rows for the cases to name: two Northwind tickets, one of Contoso's, a member of
    staff; the secrets of a Northwind client key and of the agent's staff token."""
    ours = [lodged(northwind), lodged(northwind, customer_email="al@shop.test")]
    lodged(contoso)
    return {
        "tickets": [t.pk for t in ours],
        "staff": agent.pk,
        "client": api_key_create(now=NOW, client_slug=northwind.slug).secret,
        "staff_token": api_key_create(now=NOW, staff_email=agent.email).secret,
    }


def name_real_rows(case: Any, world: dict[str, Any], pick: int) -> None:
    """Point the case's ids at real rows: the path's ticket, a merge's target and a new
    assignee (only where the case has them and they are of the right type)."""
    tickets = world["tickets"]
    if "ticket_id" in (case.path_parameters or {}):
        case.path_parameters["ticket_id"] = tickets[pick % 2]
    if isinstance(case.body, dict):
        if isinstance(case.body.get("into"), int):
            case.body["into"] = tickets[(pick + 1) % 2]
        if isinstance(case.body.get("assignee_id"), int):
            case.body["assignee_id"] = world["staff"]


@pytest.mark.parametrize("actor", ["client", "staff_token"])
@schema.parametrize()
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_input_makes_a_server_error_or_an_undocumented_answer(case, actor, world) -> None:
    # Which cases name real rows is read from the case itself (not drawn with
    # schema.given, which would turn off schemathesis's boundary-value phase), so a
    # replayed case is the same request.
    pick = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 3
    if pick and case.meta.generation.mode is GenerationMode.POSITIVE:
        name_real_rows(case, world, pick)
    case.call_and_validate(headers={"Authorization": f"Bearer {world[actor]}"})
