"""Days typed by people (a payment's day, a hire's start): read strictly and checked
against the client's calendar before anything is written.

The rules, one per kind of day:

- a payment received (``received_on``): not after the client's today (the agreement's
  time zone: money cannot arrive tomorrow) and not before the invoice's issue date;
- a hire's start: not before the agreement's start (nor after its end), not more than
  :data:`START_BACKDATE_DAYS` before the client's today (older periods would be billed
  at once) and not more than :data:`START_AHEAD_DAYS` after it.

Refusals are ``ValidationFailed`` with the field and a stable code: ``invalid_date``
(not a ``YYYY-MM-DD`` day), ``date_in_future``, ``date_too_early``, ``date_too_late``.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.platform.errors import ValidationFailed

ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
START_BACKDATE_DAYS = 31
START_AHEAD_DAYS = 365


def day_parse(value: date | str, *, field: str) -> date:
    """A day from input: a ``date``, or text ``YYYY-MM-DD`` (ASCII digits only).

    Raises:
        ValidationFailed: ``invalid_date``.
    """
    if isinstance(value, date):
        return value
    text = value.strip()
    try:
        if not ISO_DAY.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            f"{field}: {value!r} is not a day (YYYY-MM-DD, e.g. 2026-03-05).",
            code=BillingErrorCode.INVALID_DATE,
            field=field,
        ) from None


def received_on_check(*, value: date, today: date, issued: date | None) -> date:
    """A payment's day: from the invoice's issue day to the client's ``today``.

    Raises:
        ValidationFailed: ``date_in_future``, ``date_too_early``.
    """
    if value > today:
        raise ValidationFailed(
            f"received_on: {value.isoformat()} is after today ({today.isoformat()}"
            " in the client's time zone): record a payment once it has arrived.",
            code=BillingErrorCode.DATE_IN_FUTURE,
            field="received_on",
        )
    if issued is not None and value < issued:
        raise ValidationFailed(
            f"received_on: {value.isoformat()} is before the invoice was issued"
            f" ({issued.isoformat()}).",
            code=BillingErrorCode.DATE_TOO_EARLY,
            field="received_on",
        )
    return value


def hire_start_check(
    *, value: date, today: date, agreement_start: date, agreement_end: date | None
) -> date:
    """A hire's first day: inside the agreement, at most a month back, a year ahead.

    Raises:
        ValidationFailed: ``date_too_early``, ``date_too_late``.
    """
    earliest = max(agreement_start, today - timedelta(days=START_BACKDATE_DAYS))
    latest = today + timedelta(days=START_AHEAD_DAYS)
    if agreement_end is not None:  # the first day the agreement is not in force
        latest = min(latest, agreement_end - timedelta(days=1))
    if value < earliest:
        raise ValidationFailed(
            f"start_date: {value.isoformat()} is before {earliest.isoformat()} (the"
            f" agreement's start, or {START_BACKDATE_DAYS} days before today).",
            code=BillingErrorCode.DATE_TOO_EARLY,
            field="start_date",
        )
    if value > latest:
        raise ValidationFailed(
            f"start_date: {value.isoformat()} is after {latest.isoformat()} (the"
            f" agreement's end, or {START_AHEAD_DAYS} days after today).",
            code=BillingErrorCode.DATE_TOO_LATE,
            field="start_date",
        )
    return value
