"""`pactdesk.domain.calendars` and `pactdesk.domain.sla` are import paths used from
outside the project: every name of ours these modules offered before they became
packages (issue 10) is still there, and is the same object as in its new home. Names
of the standard library and NumPy that the old modules happened to import
(`datetime`, `np`, ...) and underscore names were never part of them."""

from __future__ import annotations

import importlib

import pytest

import pactdesk.domain.calendars as calendars
import pactdesk.domain.calendars._open_time as open_time
import pactdesk.domain.calendars.business as business
import pactdesk.domain.calendars.spec as spec
import pactdesk.domain.sla as sla

CALENDARS_NAMES = [
    "BusinessCalendar",
    "CalendarError",
    "CalendarSpec",
    "DatetimeArray",
    "Int64Array",
    "OpenTimeTable",
    "ScalarIndex",
    "Table",
    "TimedeltaArray",
    "ZERO",
    "duration_us",
    "parse_spec",
    "require_aware",
    "require_duration",
]
SLA_NAMES = [
    "EVENT_KINDS",
    "METRICS",
    "PRIORITIES",
    "STATUSES",
    "Attainment",
    "BusinessCalendar",
    "DomainError",
    "Event",
    "Metric",
    "Policy",
    "Replay",
    "SlaError",
    "State",
    "Target",
    "TargetResult",
    "TicketSla",
    "attainment",
    "evaluate",
    "not_applicable",
    "replay",
    "require_aware",
    "result",
]
SLA_ALL = [
    "EVENT_KINDS",
    "METRICS",
    "PRIORITIES",
    "STATUSES",
    "Attainment",
    "Event",
    "Metric",
    "Policy",
    "State",
    "Target",
    "TargetResult",
    "TicketSla",
    "attainment",
    "evaluate",
]


@pytest.mark.parametrize(
    ("path", "names"),
    [("pactdesk.domain.calendars", CALENDARS_NAMES), ("pactdesk.domain.sla", SLA_NAMES)],
)
def test_every_name_offered_before_the_split_is_importable(path: str, names: list[str]) -> None:
    module = importlib.import_module(path)
    assert [name for name in names if not hasattr(module, name)] == []


def test_the_calendars_package_offers_the_objects_of_its_modules() -> None:
    assert (calendars.BusinessCalendar, calendars.CalendarSpec, calendars.parse_spec) == (
        business.BusinessCalendar,
        spec.CalendarSpec,
        spec.parse_spec,
    )
    assert (calendars.OpenTimeTable, calendars.Int64Array) == (
        open_time.OpenTimeTable,
        open_time.Int64Array,
    )
    assert calendars.DatetimeArray == business.DatetimeArray
    assert sorted(calendars.__all__) == sorted(CALENDARS_NAMES)


def test_the_sla_package_keeps_its_star_export() -> None:
    assert sla.__all__ == SLA_ALL
    assert sla.BusinessCalendar is calendars.BusinessCalendar
