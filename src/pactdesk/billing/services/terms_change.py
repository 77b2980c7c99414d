"""Provider staff read and change a client's billing terms, field by field, audited.

Every value comes in as text (a form, ``--set field=value``, a JSON string) and is
checked whole before anything is written: one refusal, and nothing changes. The
fields and their rules:

* ``currency``: an ISO 4217 code known to CLDR; changed only while the agreement has
  no invoice (``currency_locked`` after), and every amount must fit the new one.
* ``monthly_fee`` (a shared plan's), ``seat_fee`` (a dedicated plan's, per seat),
  ``round_the_clock_fee`` (per hire; 0 when not billed apart): plain digits with at
  most the currency's decimals, 0 or more and under ``AMOUNT_MAX`` (10 000 000 000);
  the fee the plan does not bill stays 0.
* ``tax_rate``, ``credit_percent_per_point``, ``credit_cap_percent``: 0 to 100, at
  most 2 decimals.
* ``tax_label``: 1 to 40 characters. ``payment_days``: 0 to 365.
* ``billing_contacts``: e-mail addresses separated by commas or spaces (at most 10).

Invoices already issued keep the terms they were issued with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import BillingChangeKind, BillingTerms, Invoice
from pactdesk.billing.services.access import (
    PLAIN_AMOUNT,
    amount_bound_check,
    billing_staff_check,
    local_today,
)
from pactdesk.billing.services.audit import billing_change_record
from pactdesk.domain.billing import currency_minor_unit
from pactdesk.domain.billing_money import money
from pactdesk.domain.errors import BillingError
from pactdesk.platform.errors import Conflict, ValidationFailed

FEES = ("monthly_fee", "seat_fee", "round_the_clock_fee")
PERCENTS = ("tax_rate", "credit_percent_per_point", "credit_cap_percent")
TERMS_FIELDS = (
    "currency",
    *FEES,
    "tax_rate",
    "tax_label",
    "payment_days",
    "billing_contacts",
    "credit_percent_per_point",
    "credit_cap_percent",
)
MAX_CONTACTS = 10
MAX_PAYMENT_DAYS = 365
PERCENT = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?", re.ASCII)
DAYS = re.compile(r"[0-9]{1,4}", re.ASCII)
SEPARATORS = re.compile(r"[\s,;]+")
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class TermsChange:
    """What :func:`billing_terms_update` did: ``changed`` maps each field that changed
    to its text before and after (empty when nothing did: nothing was written)."""

    terms: BillingTerms
    changed: dict[str, tuple[str, str]]


def terms_values(*, agreement: Agreement, terms: BillingTerms | None) -> dict[str, str]:
    """The terms as text, one entry per field of ``TERMS_FIELDS`` (amounts with the
    currency's decimals, percentages with 2, contacts joined by ", "); an agreement
    without terms reads as its plan's currency and zeros."""
    if terms is None:
        terms = BillingTerms(agreement=agreement, currency=agreement.plan.currency)
    currency = terms.currency
    places = Decimal(1).scaleb(-currency_minor_unit(currency))
    values = {name: str(Decimal(getattr(terms, name)).quantize(places)) for name in FEES}
    values |= {name: str(Decimal(getattr(terms, name)).quantize(TWO_PLACES)) for name in PERCENTS}
    return {
        "currency": currency,
        **values,
        "tax_label": terms.tax_label,
        "payment_days": str(terms.payment_days),
        "billing_contacts": ", ".join(terms.billing_contacts),
    }


def billing_terms_update(
    *, actor: User, agreement: Agreement, values: Mapping[str, str], now: datetime
) -> TermsChange:
    """Change the fields named in ``values`` (text, as typed) of the agreement's billing
    terms, creating them when it has none; one ``BillingChange`` (``terms_set``) records
    the fields before and after. Setting what is already there writes nothing.

    Raises:
        PermissionDenied: ``not_allowed`` (provider admins and managers only).
        ValidationFailed: ``unknown_terms_field``, ``unknown_currency``,
            ``invalid_amount`` (not plain digits, negative, or a fee the plan does not
            bill), ``too_many_decimals``, ``invalid_tax_rate``, ``invalid_percent``,
            ``invalid_tax_label``, ``invalid_payment_days``, ``invalid_contact``.
        Conflict: ``currency_locked`` (a new currency once the agreement is invoiced).
    """
    billing_staff_check(actor)
    unknown = sorted(set(values) - set(TERMS_FIELDS))
    if unknown:
        raise ValidationFailed(
            f"Unknown billing terms field {unknown[0]!r}: use {', '.join(TERMS_FIELDS)}.",
            code=BillingErrorCode.UNKNOWN_TERMS_FIELD,
            field=unknown[0],
        )
    with transaction.atomic():
        terms = BillingTerms.objects.select_for_update().filter(agreement=agreement).first()
        before = terms_values(agreement=agreement, terms=terms)
        wanted = before | {name: value.strip() for name, value in values.items()}
        parsed = _parse(agreement=agreement, wanted=wanted)
        if terms is None:
            terms = BillingTerms(agreement=agreement, client_id=agreement.client_id)
        for name, value in parsed.items():
            setattr(terms, name, value)
        after = terms_values(agreement=agreement, terms=terms)
        changed = {
            name: (before[name], after[name])
            for name in TERMS_FIELDS
            if before[name] != after[name]
        }
        if not changed:
            return TermsChange(terms=terms, changed={})
        if "currency" in changed and Invoice.objects.filter(agreement=agreement).exists():
            raise Conflict(
                f"The agreement is invoiced in {before['currency']} already: its currency stays.",
                code=BillingErrorCode.CURRENCY_LOCKED,
                field="currency",
            )
        terms.save()
        billing_change_record(
            client_id=agreement.client_id,
            kind=BillingChangeKind.TERMS_SET,
            subject_id=terms.pk,
            actor=actor,
            now=now,
            on=local_today(agreement=agreement, now=now),
            detail={"changed": {name: list(pair) for name, pair in changed.items()}},
        )
    return TermsChange(terms=terms, changed=changed)


def _parse(*, agreement: Agreement, wanted: dict[str, str]) -> dict[str, object]:
    currency = wanted["currency"].upper()
    try:
        currency_minor_unit(currency)
    except BillingError as error:
        raise ValidationFailed(
            str(error), code=BillingErrorCode.UNKNOWN_CURRENCY, field="currency"
        ) from None
    parsed: dict[str, object] = {"currency": currency}
    unbilled = "monthly_fee" if agreement.plan.kind == PlanKind.DEDICATED else "seat_fee"
    for name in FEES:
        parsed[name] = _fee(wanted[name], currency=currency, field=name)
        if name == unbilled and parsed[name] != 0:
            raise ValidationFailed(
                f"A {agreement.plan.get_kind_display().lower()} plan does not bill {name}:"
                " it stays 0.",
                code=BillingErrorCode.INVALID_AMOUNT,
                field=name,
            )
    for name in PERCENTS:
        code = (
            BillingErrorCode.INVALID_TAX_RATE
            if name == "tax_rate"
            else (BillingErrorCode.INVALID_PERCENT)
        )
        parsed[name] = _percent(wanted[name], field=name, code=code)
    parsed["tax_label"] = _label(wanted["tax_label"])
    parsed["payment_days"] = _days(wanted["payment_days"])
    parsed["billing_contacts"] = _contacts(wanted["billing_contacts"])
    return parsed


def _fee(text: str, *, currency: str, field: str) -> Decimal:
    if not PLAIN_AMOUNT.fullmatch(text):
        raise ValidationFailed(
            f"{field}: {text!r} is not an amount of 0 or more (digits with an optional"
            " decimal point, e.g. 4200.00).",
            code=BillingErrorCode.INVALID_AMOUNT,
            field=field,
        )
    try:
        fee = money(text, currency, field=field)
    except BillingError as error:
        raise ValidationFailed(
            str(error), code=BillingErrorCode.TOO_MANY_DECIMALS, field=field
        ) from None
    amount_bound_check(fee, field=field)
    return fee


def _percent(text: str, *, field: str, code: BillingErrorCode) -> Decimal:
    rate = Decimal(text) if PERCENT.fullmatch(text) else None
    if rate is None or not 0 <= rate <= 100 or rate != rate.quantize(TWO_PLACES):
        raise ValidationFailed(
            f"{field} must be a percentage from 0 to 100 with at most 2 decimals, not {text!r}.",
            code=code,
            field=field,
        )
    return rate.quantize(TWO_PLACES)


def _label(text: str) -> str:
    if not 1 <= len(text) <= 40 or not text.isprintable():
        raise ValidationFailed(
            "tax_label must be 1 to 40 printable characters (e.g. VAT, GST, Sales tax).",
            code=BillingErrorCode.INVALID_TAX_LABEL,
            field="tax_label",
        )
    return text


def _days(text: str) -> int:
    if not DAYS.fullmatch(text) or int(text) > MAX_PAYMENT_DAYS:
        raise ValidationFailed(
            f"payment_days must be a whole number of days from 0 to {MAX_PAYMENT_DAYS},"
            f" not {text!r}.",
            code=BillingErrorCode.INVALID_PAYMENT_DAYS,
            field="payment_days",
        )
    return int(text)


def _contacts(text: str) -> list[str]:
    addresses: list[str] = []
    for address in SEPARATORS.split(text):
        if not address:
            continue
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(
                f"{address[:80]!r} is not an e-mail address.",
                code=BillingErrorCode.INVALID_CONTACT,
                field="billing_contacts",
            ) from None
        if address.lower() not in addresses:
            addresses.append(address.lower())
    if len(addresses) > MAX_CONTACTS:
        raise ValidationFailed(
            f"At most {MAX_CONTACTS} billing contacts.",
            code=BillingErrorCode.INVALID_CONTACT,
            field="billing_contacts",
        )
    return addresses
