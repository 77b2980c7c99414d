"""Parsing and thorough validation of business calendar specs.

A spec is plain JSON-like data, as stored by the agreements layer::

    {"timezone": "America/New_York",
     "hours": {"mon": [["09:00", "17:00"]], ..., "sun": []},
     "closed": ["2026-12-25"]}

or ``{"timezone": "UTC", "always_open": true}``.

Rules: weekday keys are ``mon`` .. ``sun`` (a missing key is a closed day); each day
holds ``[start, end]`` pairs of ``"HH:MM"`` local wall-clock times with ``start < end``;
``"24:00"`` is allowed as an end, never as a start; spans of one day may touch but not
overlap; ``closed`` holds local ``YYYY-MM-DD`` dates (or ``date`` objects). A calendar
must have some open time unless ``always_open`` is true; an always-open calendar needs
no ``timezone`` (it defaults to ``"UTC"``) and must not carry ``hours`` or ``closed``.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise
from typing import Any, TypeGuard

from pactdesk.domain.error_codes import DomainErrorCode
from pactdesk.domain.errors import CalendarError

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MINUTES_PER_DAY = 24 * 60
_SPEC_KEYS = frozenset({"timezone", "hours", "closed", "always_open"})
_HHMM = re.compile(r"\A(\d\d):(\d\d)\Z")
_ISO_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")

Span = tuple[int, int]
"""A local opening span as minutes after local midnight, ``start < end <= 1440``."""


@dataclass(frozen=True)
class CalendarSpec:
    """A validated, normalised calendar spec (spans sorted, closed dates a set)."""

    timezone: str
    always_open: bool
    hours: tuple[tuple[Span, ...], ...]
    closed: frozenset[date]

    def to_spec(self) -> dict[str, Any]:
        """Render back to the plain-data spec form (normalised)."""
        if self.always_open:
            return {"timezone": self.timezone, "always_open": True}
        return {
            "timezone": self.timezone,
            "hours": {
                key: [[_format_minutes(a), _format_minutes(b)] for a, b in spans]
                for key, spans in zip(DAY_KEYS, self.hours, strict=True)
            },
            "closed": [day.isoformat() for day in sorted(self.closed)],
        }


def parse_spec(spec: object) -> CalendarSpec:
    """Validate ``spec`` and return its normalised form, or raise CalendarError."""
    if not isinstance(spec, Mapping):
        raise CalendarError(DomainErrorCode.MALFORMED_SPEC, "calendar spec must be a mapping")
    for key in spec:
        if key not in _SPEC_KEYS:
            raise CalendarError(
                DomainErrorCode.UNKNOWN_FIELD, f"unknown calendar field {key!r}", field=str(key)
            )
    always_open = spec.get("always_open", False)
    if not isinstance(always_open, bool):
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPEC, "always_open must be true or false", field="always_open"
        )
    timezone = _parse_timezone(spec.get("timezone", "UTC" if always_open else None))
    if always_open:
        for key in ("hours", "closed"):
            if spec.get(key):
                raise CalendarError(
                    DomainErrorCode.CONFLICTING_FIELDS,
                    f"an always-open calendar takes no {key}",
                    field=key,
                )
        return CalendarSpec(timezone, True, ((),) * 7, frozenset())
    hours = _parse_hours(spec.get("hours", {}))
    closed = _parse_closed(spec.get("closed", []))
    if not any(hours):
        raise CalendarError(
            DomainErrorCode.NO_OPEN_TIME,
            "calendar has no opening hours and is not always_open",
            field="hours",
        )
    return CalendarSpec(timezone, False, hours, closed)


def _parse_timezone(name: object) -> str:
    if name is None:
        raise CalendarError(
            DomainErrorCode.MISSING_FIELD, "calendar needs a timezone", field="timezone"
        )
    if not isinstance(name, str):
        raise CalendarError(
            DomainErrorCode.UNKNOWN_TIMEZONE, "timezone must be an IANA name", field="timezone"
        )
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise CalendarError(
            DomainErrorCode.UNKNOWN_TIMEZONE, f"unknown time zone {name!r}", field="timezone"
        ) from exc
    return name


def _parse_hours(hours: object) -> tuple[tuple[Span, ...], ...]:
    if not isinstance(hours, Mapping):
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPEC, "hours must map weekdays to spans", field="hours"
        )
    for key in hours:
        if key not in DAY_KEYS:
            raise CalendarError(
                DomainErrorCode.UNKNOWN_WEEKDAY,
                f"unknown weekday {key!r}; use one of {', '.join(DAY_KEYS)}",
                field=f"hours.{key}",
            )
    return tuple(_parse_day(key, hours.get(key, [])) for key in DAY_KEYS)


def _parse_day(key: str, raw: object) -> tuple[Span, ...]:
    if not _is_sequence(raw):
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPAN,
            f"hours.{key} must be a list of spans",
            field=f"hours.{key}",
        )
    spans = [_parse_span(raw_span, f"hours.{key}[{index}]") for index, raw_span in enumerate(raw)]
    order = sorted(range(len(spans)), key=lambda index: spans[index])
    for previous, current in pairwise(order):
        if spans[current][0] < spans[previous][1]:
            raise CalendarError(
                DomainErrorCode.OVERLAPPING_SPANS,
                f"span hours.{key}[{current}] overlaps hours.{key}[{previous}]",
                field=f"hours.{key}[{current}]",
            )
    return tuple(spans[index] for index in order)


def _parse_span(raw: object, field: str) -> Span:
    if not _is_sequence(raw) or len(raw) != 2:
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPAN, f"{field} must be a [start, end] pair", field=field
        )
    start = _parse_hhmm(raw[0], field, allow_24=False)
    end = _parse_hhmm(raw[1], field, allow_24=True)
    if end <= start:
        raise CalendarError(
            DomainErrorCode.REVERSED_SPAN,
            f"{field} must end after it starts: {raw[0]}-{raw[1]}",
            field=field,
        )
    return (start, end)


def _parse_hhmm(raw: object, field: str, *, allow_24: bool) -> int:
    match = _HHMM.match(raw) if isinstance(raw, str) else None
    if match is None:
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPAN, f"{field}: {raw!r} is not HH:MM", field=field
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24 and minute == 0 and allow_24:
        return MINUTES_PER_DAY
    if hour > 23 or minute > 59:
        allowed = "an end of 24:00 or 00:00-23:59" if allow_24 else "00:00-23:59"
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPAN,
            f"{field}: {raw!r} is out of range ({allowed})",
            field=field,
        )
    return hour * 60 + minute


def _parse_closed(raw: object) -> frozenset[date]:
    if not _is_sequence(raw):
        raise CalendarError(
            DomainErrorCode.MALFORMED_SPEC, "closed must be a list of dates", field="closed"
        )
    return frozenset(_parse_date(item, f"closed[{index}]") for index, item in enumerate(raw))


def _parse_date(raw: object, field: str) -> date:
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    if isinstance(raw, str) and _ISO_DATE.match(raw):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise CalendarError(
        DomainErrorCode.MALFORMED_DATE, f"{field}: {raw!r} is not a YYYY-MM-DD date", field=field
    )


def _is_sequence(value: object) -> TypeGuard[Sequence[object]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def _format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
