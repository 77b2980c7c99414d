"""Business calendars: which instants are open, and open-time arithmetic on them.

* :mod:`~pactdesk.domain.calendars.spec` — a calendar spec (weekly hours, closed
  dates, timezone, or always open) as plain data, parsed and validated into a
  :class:`CalendarSpec`.
* :mod:`~pactdesk.domain.calendars.business` — :class:`BusinessCalendar`: ``add``,
  ``elapsed``, ``is_open``, ``next_open`` and their NumPy bulk forms.
* ``_open_time`` — the table of open UTC intervals with prefix sums behind them, and
  the one rule that maps local wall-clock spans across DST changes.

Nothing here knows SLAs; :mod:`pactdesk.domain.sla` builds on it.
``pactdesk.domain.calendars`` was a module before the domain became packages, and is
imported from outside the project: every name of ours it offered is still offered here
(``tests/domain/test_public_paths.py``), the NumPy array aliases read from their
modules when first asked for, so importing the package need not load NumPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from pactdesk.domain._time import ZERO, duration_us, require_aware, require_duration
from pactdesk.domain.calendars._open_time import OpenTimeTable, ScalarIndex, Table
from pactdesk.domain.calendars.business import BusinessCalendar
from pactdesk.domain.calendars.spec import CalendarSpec, parse_spec
from pactdesk.domain.errors import CalendarError

if TYPE_CHECKING:
    from pactdesk.domain.calendars._open_time import Int64Array
    from pactdesk.domain.calendars.business import DatetimeArray, TimedeltaArray

_ARRAY_ALIASES = {
    "DatetimeArray": "business",
    "TimedeltaArray": "business",
    "Int64Array": "_open_time",
}

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


def __getattr__(name: str) -> object:
    if name in _ARRAY_ALIASES:
        module = importlib.import_module(f"{__name__}.{_ARRAY_ALIASES[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
