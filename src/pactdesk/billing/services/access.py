"""Who may bill, the client's local day, an agreement's terms, and amounts from input."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pactdesk.accounts.models import Role, User
from pactdesk.agreements.models import Agreement
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import BillingTerms
from pactdesk.domain.billing_money import money
from pactdesk.domain.errors import BillingCode, BillingError
from pactdesk.platform.errors import NotFound, PermissionDenied, ValidationFailed

BILLING_ROLES = frozenset({Role.CLIENT_ADMIN, Role.ADMIN, Role.MANAGER})
STAFF_BILLING_ROLES = frozenset({Role.ADMIN, Role.MANAGER})

PLAIN_AMOUNT = re.compile(r"[0-9]+(?:\.[0-9]+)?", re.ASCII)
# Every amount typed or received is below this, in any currency: a month's fee with
# its tax and options, and an invoice's total, then stay inside the columns' 12 whole
# digits (``MONEY``); beyond them SQLite stores a value it cannot read back and
# PostgreSQL refuses the row (a 500 either way).
AMOUNT_MAX = Decimal(10) ** 10


def amount_bound_check(amount: Decimal, *, field: str) -> None:
    """Raises ValidationFailed ``invalid_amount`` for an amount of ``AMOUNT_MAX`` or more."""
    if amount >= AMOUNT_MAX:
        raise ValidationFailed(
            f"{field} must be under {AMOUNT_MAX:,} (whole units of the currency), not {amount}.",
            code=BillingErrorCode.INVALID_AMOUNT,
            field=field,
        )


def billing_actor_check(actor: User) -> None:
    """Client admins (their own client's billing), provider admins and managers.

    Raises:
        PermissionDenied: ``not_allowed`` for anyone else (agents, client members).
    """
    if not actor.is_active or actor.role not in BILLING_ROLES:
        raise PermissionDenied(
            "Only client admins and provider admins or managers see billing.",
            code=BillingErrorCode.NOT_ALLOWED,
        )


def billing_staff_check(actor: User) -> None:
    """Provider admins and managers only (recording payments, refunds by hand).

    Raises:
        PermissionDenied: ``not_allowed``.
    """
    if not actor.is_active or actor.role not in STAFF_BILLING_ROLES:
        raise PermissionDenied(
            "Only provider admins and managers do this.", code=BillingErrorCode.NOT_ALLOWED
        )


def actor_row(actor: User) -> User | None:
    """The actor to store on an audit row: None for an API key's unsaved stand-in."""
    return actor if actor.pk else None


def local_today(*, agreement: Agreement, now: datetime) -> date:
    """The client's calendar day at ``now`` (the agreement's time zone)."""
    return now.astimezone(ZoneInfo(agreement.timezone)).date()


def terms_of(agreement: Agreement) -> BillingTerms:
    """The agreement's billing terms.

    Raises:
        NotFound: ``no_billing_terms``.
    """
    terms = BillingTerms.objects.filter(agreement=agreement).first()
    if terms is None:
        raise NotFound(
            f"Agreement {agreement.pk} has no billing terms.",
            code=BillingErrorCode.NO_BILLING_TERMS,
            field="agreement",
        )
    return terms


def amount_parse(value: Decimal | str | int, *, currency: str, field: str = "amount") -> Decimal:
    """An amount from input at the currency's minor unit.

    Raises:
        ValidationFailed: ``too_many_decimals``, ``unknown_currency``,
            ``invalid_amount`` (not a number, not above zero, or ``AMOUNT_MAX`` or more).
    """
    if isinstance(value, str) and not PLAIN_AMOUNT.fullmatch(value.strip()):
        # Decimal() also reads "1e3", Arabic-Indic digits, "+5" and "5_0":
        # an amount typed from a statement is plain ASCII digits with one point.
        raise ValidationFailed(
            f"{field}: {value!r} is not an amount (digits with an optional decimal point,"
            " e.g. 5760.00).",
            code=BillingErrorCode.INVALID_AMOUNT,
            field=field,
        )
    try:
        amount = money(value, currency, field=field)
    except BillingError as error:
        code = {
            BillingCode.TOO_MANY_DECIMALS: BillingErrorCode.TOO_MANY_DECIMALS,
            BillingCode.UNKNOWN_CURRENCY: BillingErrorCode.UNKNOWN_CURRENCY,
        }.get(error.code, BillingErrorCode.INVALID_AMOUNT)  # type: ignore[call-overload]
        raise ValidationFailed(str(error), code=code, field=field) from None
    if amount <= 0:
        raise ValidationFailed(
            f"{field} must be above zero, not {amount}.",
            code=BillingErrorCode.INVALID_AMOUNT,
            field=field,
        )
    amount_bound_check(amount, field=field)
    return amount


def currency_check(*, given: str, expected: str, field: str = "currency") -> None:
    """Raises ValidationFailed ``currency_mismatch`` unless the codes are the same."""
    if given.upper() != expected.upper():
        raise ValidationFailed(
            f"The amount is in {given.upper()}, but this is billed in {expected}.",
            code=BillingErrorCode.CURRENCY_MISMATCH,
            field=field,
        )
