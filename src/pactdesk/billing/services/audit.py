"""The audit trail of provider staff's changes to a client's billing (``BillingChange``)."""

from __future__ import annotations

from datetime import date, datetime

from pactdesk.accounts.models import User
from pactdesk.billing.models import BillingChange, BillingChangeKind
from pactdesk.billing.services.access import actor_row


def billing_change_record(
    *,
    client_id: int,
    kind: BillingChangeKind,
    subject_id: int,
    actor: User,
    now: datetime,
    on: date,
    detail: dict[str, object],
) -> BillingChange:
    """One audit row, written in the transaction of the change it records.

    ``detail`` is JSON: amounts as strings at the currency's decimals, dates ISO."""
    return BillingChange.objects.create(
        client_id=client_id,
        kind=kind,
        subject_id=subject_id,
        at=now,
        on=on,
        actor=actor_row(actor),
        detail=detail,
    )
