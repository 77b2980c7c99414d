"""The acknowledgement's text: a Django template string a client may write per
language, rendered as plain text from a fixed, documented set of variables.

The engine is sandboxed by construction: no loaders (nothing to include or extend),
no tag libraries beyond Django's defaults, and of those only `{% if %}` and
`{% comment %}` pass the check; every variable must be one of `VARIABLES`. The values
are plain strings and a boolean, so a lookup reaches nothing but a string's own
argument-less methods (Django refuses names starting with an underscore).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Node, Template, TemplateSyntaxError, Variable
from django.template.base import FilterExpression, TextNode, VariableNode
from django.template.defaulttags import CommentNode, IfNode, TemplateLiteral

from pactdesk.notify.error_codes import NotifyErrorCode

logger = logging.getLogger(__name__)

MAX_BODY = 10_000

# An acknowledgement goes to whatever address the submitter typed, so for requests
# from the web form, the portal or the API it quotes nothing they wrote: the name and
# the subject are empty there (see `ticket_acknowledgement_facts`). Only a request by
# mail, answered to the address it came from, has them (each on one line).
VARIABLES: dict[str, str] = {
    "customer_name": (
        "the customer's name as their mail gave it, or their address (empty for requests "
        "from the web form, the portal or the API: we never quote what a form's sender typed)"
    ),
    "ticket_reference": "the ticket's reference, such as PD-123",
    "ticket_subject": (
        "the subject of the request by mail (empty for requests from the web form, the "
        "portal or the API)"
    ),
    "client_name": "your organisation's name",
    "first_response_target": (
        'the first-response target for the ticket\'s priority, such as "30 business minutes" '
        'or "2 hours" (empty when the plan has none)'
    ),
    "support_hours": (
        'the opening hours, such as "Monday–Friday 09:00–17:00 (Europe/London), except '
        'public holidays", or "around the clock, every day of the year"'
    ),
    "round_the_clock": "true when the plan answers around the clock (use with {% if %})",
    "portal_link": "the customer's sign-in link to follow the ticket (added at the end if missing)",
}

ALLOWED_TAGS = "{% if %} / {% elif %} / {% else %} / {% endif %} and {% comment %}"

BUILT_IN = (
    "Hello{% if customer_name %} {{ customer_name }}{% endif %},\n\n"
    "We have received your request and logged it as {{ ticket_reference }}."
    "{% if first_response_target %} We aim to answer within {{ first_response_target }}."
    "{% endif %} Reply to this message to add anything.\n\n"
    "{% if round_the_clock %}We answer around the clock, every day of the year."
    "{% else %}Our support hours are {{ support_hours }}.{% endif %}\n\n"
    "Follow it online: {{ portal_link }}\n\n"
    "-- {{ client_name }} support"
)


def acknowledgement_help_text() -> str:
    """The variables and tags a template may use, for the forms' help text."""
    names = "; ".join(f"{{{{ {name} }}}}: {meaning}" for name, meaning in VARIABLES.items())
    return (
        f"Plain text, as a Django template. Variables: {names}. Tags: {ALLOWED_TAGS}. "
        "The subject is the ticket's reference and, for a request by mail, its subject."
    )


_engine = Engine(loaders=[], libraries={}, autoescape=False, debug=False)
_PORTAL_LINK = re.compile(r"{{\s*portal_link\s*}}")


@dataclass(frozen=True)
class AcknowledgementFacts:
    """The values a template may use (see `VARIABLES`)."""

    customer_name: str
    ticket_reference: str
    ticket_subject: str
    client_name: str
    first_response_target: str
    support_hours: str
    round_the_clock: bool
    portal_link: str


SAMPLE = AcknowledgementFacts(
    customer_name="Jo Example",
    ticket_reference="PD-123",
    ticket_subject="The printer is on fire",
    client_name="Northwind",
    first_response_target="4 business hours",
    support_hours="Monday–Friday 09:00–17:30 (Europe/London), except public holidays",
    round_the_clock=False,
    portal_link="https://support.example/portal/northwind/link/…/",
)


def acknowledgement_body_check(body: str) -> None:
    """Refuse a template that does not parse, uses a tag other than `ALLOWED_TAGS` or
    a variable not in `VARIABLES`: a ValidationError naming the problem."""
    if len(body) > MAX_BODY:
        raise ValidationError(
            f"The text is {len(body)} characters long; the limit is {MAX_BODY}.",
            code=NotifyErrorCode.TOO_LONG,
        )
    if not body.strip():
        raise ValidationError("The text must not be empty.", code=NotifyErrorCode.REQUIRED)
    try:
        template = _engine.from_string(body)
    except TemplateSyntaxError as error:
        # Our engine has no tag libraries to list after "Must be one of:".
        problem = re.sub(r"\s*Must be one of:\s*\Z", "", str(error))
        raise ValidationError(
            f"The template does not parse: {problem}", code=NotifyErrorCode.TEMPLATE_SYNTAX
        ) from None
    for node in _nodes(template.nodelist):
        if isinstance(node, VariableNode | TextNode | IfNode | CommentNode):
            continue
        token = getattr(node, "token", None)
        tag = token.contents.split()[0] if token is not None else type(node).__name__
        raise ValidationError(
            f"The {{% {tag} %}} tag is not allowed; use {ALLOWED_TAGS}.",
            code=NotifyErrorCode.TEMPLATE_TAG,
        )
    unknown = sorted(set(_variable_names(template.nodelist)) - set(VARIABLES))
    if unknown:
        raise ValidationError(
            f"Unknown variable{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; "
            f"use {', '.join(VARIABLES)}.",
            code=NotifyErrorCode.UNKNOWN_VARIABLE,
        )


def acknowledgement_render(*, body: str | None, facts: AcknowledgementFacts) -> str:
    """The acknowledgement's text: `body` (a client's template, checked when saved) or
    the built-in English one. A template without `{{ portal_link }}` gets the link
    appended; one that fails to render falls back to the built-in text."""
    if body is None:
        return _render(BUILT_IN, facts)
    if not _PORTAL_LINK.search(body):
        body = body.rstrip() + "\n\nFollow it online: {{ portal_link }}"
    try:
        return _render(body, facts)
    except Exception:  # a stored template must never stop a lodging
        logger.exception("acknowledgement template failed; the built-in text is sent")
        return _render(BUILT_IN, facts)


def _render(body: str, facts: AcknowledgementFacts) -> str:
    return _compiled(body).render(Context(asdict(facts), autoescape=False)).strip()


@lru_cache(maxsize=256)
def _compiled(body: str) -> Template:
    return _engine.from_string(body)


def _nodes(nodelist: Any) -> Iterator[Node]:
    for node in nodelist:
        yield node
        for attr in getattr(node, "child_nodelists", ()):
            yield from _nodes(getattr(node, attr, None) or ())


def _variable_names(nodelist: Any) -> Iterator[str]:
    for node in _nodes(nodelist):
        if isinstance(node, VariableNode):
            yield from _expression_names(node.filter_expression)
        elif isinstance(node, IfNode):
            for condition, _ in node.conditions_nodelists:
                yield from _condition_names(condition)


def _condition_names(condition: Any) -> Iterator[str]:
    if condition is None:
        return
    if isinstance(condition, TemplateLiteral):
        yield from _expression_names(condition.value)
        return
    for part in (getattr(condition, "first", None), getattr(condition, "second", None)):
        yield from _condition_names(part)


def _expression_names(expression: FilterExpression) -> Iterator[str]:
    if isinstance(expression.var, Variable) and expression.var.lookups:
        yield expression.var.lookups[0]
    for _, args in expression.filters:
        for lookup, arg in args:
            if lookup and isinstance(arg, Variable) and arg.lookups:
                yield arg.lookups[0]
