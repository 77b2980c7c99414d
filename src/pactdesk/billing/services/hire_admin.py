"""Provider staff start a staff hire for a dedicated client's seat (or a shared plan).

The seat is named by its number in the client's agreement (``Seat.number``: 1, 2 ...;
its technician is ``Seat.agent``). The fee is the terms' (``seat_fee`` and
``round_the_clock_fee``), read when each invoice is issued; the first invoice is issued
at once by :func:`~pactdesk.billing.services.hires.hire_start`, which also writes the
``started`` event with the actor. Cancelling is
:func:`~pactdesk.billing.services.cancel.hire_cancel` (the same for staff and client
admins).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, Seat
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import Hire
from pactdesk.billing.services.access import billing_staff_check, local_today
from pactdesk.billing.services.hires import hire_start
from pactdesk.platform.errors import ValidationFailed

BACKDATE_DAYS = 31  # a start at most this many days before the client's today
AHEAD_DAYS = 365  # and at most this many after it


def hire_start_for_seat(
    *,
    actor: User,
    agreement: Agreement,
    seat_number: int | None,
    start_date: date,
    now: datetime,
) -> Hire:
    """Start a hire of seat ``seat_number`` of ``agreement`` (None: a shared plan's hire)
    from ``start_date``, a day from 31 days before the client's today to a year after it
    (a later billing run issues the renewals a back-dated start has come to).

    Raises:
        PermissionDenied: ``not_allowed``.
        ValidationFailed: ``invalid_start_date``; ``seat_not_in_agreement`` (no such
            seat, a seat for a shared plan, none for a dedicated one).
        NotFound: ``no_billing_terms``.
        Conflict: ``seat_already_hired``, ``plan_already_hired``.
    """
    billing_staff_check(actor)
    today = local_today(agreement=agreement, now=now)
    first, last = today - timedelta(days=BACKDATE_DAYS), today + timedelta(days=AHEAD_DAYS)
    if not first <= start_date <= last:
        raise ValidationFailed(
            f"A hire starts from {first.isoformat()} to {last.isoformat()} (the client's"
            f" today is {today.isoformat()}), not {start_date.isoformat()}.",
            code=BillingErrorCode.INVALID_START_DATE,
            field="start",
        )
    seat = None
    if seat_number is not None:
        seat = Seat.objects.filter(agreement=agreement, number=seat_number).first()
        if seat is None:
            raise ValidationFailed(
                f"The agreement has no seat {seat_number}.",
                code=BillingErrorCode.SEAT_NOT_IN_AGREEMENT,
                field="seat",
            )
    return hire_start(actor=actor, agreement=agreement, seat=seat, start_date=start_date, now=now)
