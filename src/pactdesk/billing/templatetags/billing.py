"""Money in pages and documents: ``{{ amount|money:currency }}`` → "£4,200.00"."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.numbers import format_currency
from django import template

from pactdesk.domain.billing_money import rounded

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """The amount at its currency's minor unit with the currency's sign (English)."""
    if amount is None:
        return ""
    return format_currency(rounded(Decimal(amount), currency), currency, locale="en")


@register.filter
def add_days(day: date | None, days: int) -> date | None:
    """``{{ end|add_days:-1 }}``: the last day of a period whose end is excluded."""
    return None if day is None else day + timedelta(days=int(days))
