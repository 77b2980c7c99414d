"""The desk's words are spelled once, in `pactdesk.domain.vocabulary`: these tests fail
when a model's choices, a label, the SLA module's tuples, an API schema or a call site
spells one of them another way."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from pactdesk.agreements.models import SlaTarget
from pactdesk.api.main import api
from pactdesk.desk.models import Ticket, TicketEvent
from pactdesk.domain import sla, vocabulary
from pactdesk.domain.vocabulary import (
    AUDIT_KINDS,
    LABELS,
    EventKind,
    Metric,
    Priority,
    SlaState,
    Status,
    Word,
)

SRC = Path(vocabulary.__file__).resolve().parents[1]
WORDS = [Metric, Status, Priority, SlaState, EventKind]


def test_the_vocabulary_is_these_five_enums() -> None:
    assert set(Word.__subclasses__()) == set(WORDS)


@pytest.mark.parametrize("words", WORDS, ids=lambda words: words.__name__)
def test_every_word_has_exactly_one_label(words: type[Word]) -> None:
    labels = LABELS[words]

    assert set(labels) == set(words)
    assert all(isinstance(label, str) and label for label in labels.values())
    assert [word.label for word in words] == [labels[word] for word in words]


def test_labels_cover_only_the_vocabulary() -> None:
    assert set(LABELS) == set(WORDS)


@pytest.mark.parametrize(
    ("model", "field", "words"),
    [
        (Ticket, "status", Status),
        (Ticket, "priority", Priority),
        (Ticket, "sla_first_response_state", SlaState),
        (Ticket, "sla_effective_answer_state", SlaState),
        (Ticket, "sla_next_reply_state", SlaState),
        (TicketEvent, "kind", EventKind),
        (SlaTarget, "metric", Metric),
        (SlaTarget, "priority", Priority),
    ],
)
def test_model_choices_are_the_enum(model: Any, field: str, words: type[Word]) -> None:
    column = model._meta.get_field(field)

    assert column.choices == [(word.value, word.label) for word in words]
    assert column.max_length >= max(len(word) for word in words)


def test_the_sla_modules_tuples_are_the_enums() -> None:
    assert tuple(Metric) == sla.METRICS
    assert tuple(Priority) == sla.PRIORITIES
    assert tuple(status for status in Status if status != Status.NEW) == sla.STATUSES
    assert set(sla.EVENT_KINDS) | AUDIT_KINDS == set(EventKind)
    assert not set(sla.EVENT_KINDS) & AUDIT_KINDS
    assert sla.Metric is Metric
    assert sla.State is SlaState


def _enums(schema: Any) -> list[list[Any]]:
    """Every `enum` list anywhere in a JSON schema."""
    if isinstance(schema, dict):
        found = [schema["enum"]] if "enum" in schema else []
        return found + [enum for value in schema.values() for enum in _enums(value)]
    if isinstance(schema, list):
        return [enum for value in schema for enum in _enums(value)]
    return []


def _property(component: str, name: str) -> Any:
    return api.get_openapi_schema()["components"]["schemas"][component]["properties"][name]


@pytest.mark.parametrize(
    ("component", "name", "words"),
    [
        ("TicketCreateIn", "priority", Priority),
        ("TicketPatchIn", "priority", Priority),
        ("TicketPatchIn", "status", Status),
        ("ReplyIn", "status", Status),
        ("TicketOut", "status", Status),
        ("TicketOut", "priority", Priority),
        ("SlaMetricOut", "state", SlaState),
    ],
)
def test_api_schema_enums_are_the_enum_values(component: str, name: str, words: type[Word]) -> None:
    enums = _enums(_property(component, name)) or _enums(
        api.get_openapi_schema()["components"]["schemas"][words.__name__]
    )

    assert len(enums) == 1
    assert set(enums[0]) <= {word.value for word in words}
    assert enums[0] == [word.value for word in words if word in enums[0]]


def test_api_full_vocabularies_are_complete() -> None:
    assert _enums(_property("TicketCreateIn", "priority")) == [[p.value for p in Priority]]


def _literal_kinds(path: Path) -> list[str]:
    """Event kinds written as string literals: `kind="..."` given to a call, or a
    domain `Event(at, "...")`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        arguments = [kw.value for kw in node.keywords if kw.arg == "kind"]
        if name == "Event" and len(node.args) > 1:
            arguments.append(node.args[1])
        if name not in ("event_add", "TicketEvent", "Event", "filter", "exclude"):
            continue
        found += [
            f"{path.relative_to(SRC)}:{node.lineno} {value.value!r}"
            for value in arguments
            if isinstance(value, ast.Constant) and value.value in set(EventKind)
        ]
    return found


def test_no_event_kind_is_spelled_as_a_string_at_a_call_site() -> None:
    sources = [path for path in SRC.rglob("*.py") if "migrations" not in path.parts]

    assert [hit for path in sources for hit in _literal_kinds(path)] == []
