"""Business calendars: which instants are open, and open-time arithmetic on them.

* :mod:`~pactdesk.domain.calendar.spec` — a calendar spec (weekly hours, closed dates,
  timezone, or always open) as plain data, parsed and validated into a
  :class:`CalendarSpec`.
* :mod:`~pactdesk.domain.calendar.business` — :class:`BusinessCalendar`: ``add``,
  ``elapsed``, ``is_open``, ``next_open`` and their NumPy bulk forms.
* ``_open_time`` — the table of open UTC intervals with prefix sums behind them, and
  the one rule that maps local wall-clock spans across DST changes.

Nothing here knows SLAs; :mod:`pactdesk.domain.sla` builds on it. The older module
path :mod:`pactdesk.domain.calendars` re-exports the same names for outside callers.
"""

from __future__ import annotations

from pactdesk.domain.calendar.business import BusinessCalendar, DatetimeArray, TimedeltaArray
from pactdesk.domain.calendar.spec import CalendarSpec, parse_spec

__all__ = ["BusinessCalendar", "CalendarSpec", "DatetimeArray", "TimedeltaArray", "parse_spec"]
