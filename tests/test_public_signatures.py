"""No new `Any` in a public signature of the type-checked code (issue 10 §4).

The scope is what mypy checks (`[tool.mypy] files` in pyproject.toml): the domain,
services, selectors and the API. A public function or method (no leading underscore,
defined in that module) may not name `Any` in a parameter or its return unless it is
listed below; those are the ones that did when mypy's scope grew, to be narrowed, not
added to. Unannotated parameters are mypy's to refuse (`disallow_untyped_defs`)."""

from __future__ import annotations

import importlib
import inspect
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
ANY = re.compile(r"\bAny\b")

EXISTING = {
    "pactdesk.agreements.selectors.agreement_calendar_spec",
    "pactdesk.agreements.selectors.calendar_spec_of",
    "pactdesk.agreements.services.calendar_create",
    "pactdesk.api.errors.error_body",
    "pactdesk.api.errors.field_path",
    "pactdesk.api.errors.request_error",
    "pactdesk.api.management.commands.api_key.Command.handle",
    "pactdesk.api.rendering.FastJSONRenderer.render",
    "pactdesk.api.tickets.outputs.client_ref",
    "pactdesk.api.tickets.outputs.customer_ref",
    "pactdesk.api.tickets.outputs.message_out",
    "pactdesk.api.tickets.outputs.ticket_detail_out",
    "pactdesk.api.tickets.outputs.ticket_out",
    "pactdesk.api.tickets.outputs.user_ref",
    "pactdesk.desk.services.sla_state.sla_columns",
    "pactdesk.desk.services.sla_state.ticket_sla_fields",
    "pactdesk.domain.calendars.business.BusinessCalendar.from_spec",
    "pactdesk.domain.calendars.business.BusinessCalendar.to_spec",
    "pactdesk.domain.calendars.spec.CalendarSpec.to_spec",
}


def scope_modules() -> Iterator[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    for entry in config["files"]:
        path = ROOT / entry
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            parts = file.relative_to(ROOT / "src").with_suffix("").parts
            if "migrations" in parts:
                continue
            yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def public_callables(module: ModuleType) -> Iterator[tuple[str, object]]:
    for name, value in vars(module).items():
        if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value):
            for member, attribute in vars(value).items():
                function = getattr(attribute, "__func__", attribute)
                if not member.startswith("_") and inspect.isfunction(function):
                    yield f"{name}.{member}", function


def names_any(function: object) -> bool:
    annotations = getattr(function, "__annotations__", {})
    return any(ANY.search(str(annotation)) for annotation in annotations.values())


def test_the_scope_is_the_domain_services_selectors_and_api() -> None:
    modules = set(scope_modules())
    assert {
        "pactdesk.domain.sla",
        "pactdesk.desk.services.lodging",
        "pactdesk.api.errors",
    } <= modules
    assert {"pactdesk.accounts.selectors", "pactdesk.notify.services"} <= modules


def test_no_new_any_in_a_public_signature() -> None:
    found = {
        f"{module_name}.{name}"
        for module_name in scope_modules()
        for name, function in public_callables(importlib.import_module(module_name))
        if names_any(function)
    }
    assert sorted(found - EXISTING) == []
