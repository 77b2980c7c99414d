"""Billing's reads: balances from the ledger, lists scoped by the actor."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from pactdesk.billing.models import LedgerEntry
from pactdesk.domain.billing_money import from_minor


def client_balances(*, client_id: int) -> dict[str, Decimal]:
    """What the client owes per currency (negative: in credit), summed from the ledger.

    Shape: ``{"GBP": Decimal("185.80")}``; one query."""
    rows = (
        LedgerEntry.objects.filter(client_id=client_id)
        .values("currency")
        .annotate(units=Sum("amount_minor"))
        .order_by("currency")
    )
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row["currency"]] += row["units"] or 0
    return {currency: from_minor(units, currency) for currency, units in totals.items()}
