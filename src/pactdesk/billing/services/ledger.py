"""The ledger: one entry per money document, in minor units, per client and currency.

Signs: an invoice's charges (+), a payment (-), a credit note (-), a refund paid back
to the client (+), a service credit carried on an invoice (- with its tax). A client's
balance in a currency is the sum of its entries: what it owes (negative: in credit).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pactdesk.billing.models import LedgerEntry, LedgerKind
from pactdesk.domain.billing_money import to_minor


def ledger_record(
    *,
    client_id: int,
    kind: LedgerKind,
    document_id: int,
    currency: str,
    amount: Decimal,
    on: date,
    now: datetime,
) -> LedgerEntry:
    """The entry of one document, written once: recording it again changes nothing."""
    entry, _ = LedgerEntry.objects.get_or_create(
        kind=kind,
        document_id=document_id,
        defaults={
            "client_id": client_id,
            "currency": currency,
            "amount_minor": to_minor(amount, currency),
            "on": on,
            "created_at": now,
        },
    )
    return entry
