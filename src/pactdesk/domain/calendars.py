"""The public path of business calendars before the domain became packages (issue 10).

Code outside the project imports :class:`BusinessCalendar` and its companions from
here; they now live in :mod:`pactdesk.domain.calendar`, and this module re-exports
every name of ours it offered then (``tests/domain/test_public_paths.py`` lists them).
New code imports :mod:`pactdesk.domain.calendar`.
"""

from __future__ import annotations

from pactdesk.domain._time import ZERO, duration_us, require_aware, require_duration
from pactdesk.domain.calendar._open_time import Int64Array, OpenTimeTable, ScalarIndex, Table
from pactdesk.domain.calendar.business import BusinessCalendar, DatetimeArray, TimedeltaArray
from pactdesk.domain.calendar.spec import CalendarSpec, parse_spec
from pactdesk.domain.errors import CalendarError

__all__ = [
    "ZERO",
    "BusinessCalendar",
    "CalendarError",
    "CalendarSpec",
    "DatetimeArray",
    "Int64Array",
    "OpenTimeTable",
    "ScalarIndex",
    "Table",
    "TimedeltaArray",
    "duration_us",
    "parse_spec",
    "require_aware",
    "require_duration",
]
