"""An agreement's prices, tax and billing contacts (its billing terms)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from pactdesk.accounts.models import User
from pactdesk.agreements.models import Agreement, PlanKind
from pactdesk.billing.error_codes import BillingErrorCode
from pactdesk.billing.models import BillingTerms
from pactdesk.billing.services.access import amount_parse, billing_staff_check, currency_check
from pactdesk.domain.billing import currency_minor_unit
from pactdesk.domain.errors import BillingError
from pactdesk.platform.errors import ValidationFailed

ZERO = Decimal(0)


@dataclass(frozen=True)
class TermsSpec:
    """Prices per month in ``currency`` (the agreement's plan's): ``fee`` is the shared
    plan's fee or a dedicated plan's fee per seat; ``round_the_clock_fee`` the option
    per hire (0: not billed apart); ``tax_rate`` in percent; service credits as a
    percentage of the month's fee per point of attainment missed, capped."""

    currency: str
    fee: Decimal | str
    round_the_clock_fee: Decimal | str = ZERO
    tax_rate: Decimal | str = ZERO
    tax_label: str = "Tax"
    payment_days: int = 14
    contacts: tuple[str, ...] = field(default_factory=tuple)
    credit_percent_per_point: Decimal | str = ZERO
    credit_cap_percent: Decimal | str = ZERO


def billing_terms_set(*, actor: User, agreement: Agreement, spec: TermsSpec) -> BillingTerms:
    """Set (or replace) the agreement's billing terms; invoices already issued keep theirs.

    Raises:
        PermissionDenied ``not_allowed``; ValidationFailed ``currency_mismatch`` (not the
        plan's currency), ``unknown_currency``, ``too_many_decimals``, ``invalid_amount``,
        ``invalid_tax_rate``, ``invalid_contact``.
    """
    billing_staff_check(actor)
    currency = agreement.plan.currency
    try:
        currency_minor_unit(spec.currency)
    except BillingError as error:
        raise ValidationFailed(
            str(error), code=BillingErrorCode.UNKNOWN_CURRENCY, field="currency"
        ) from None
    currency_check(given=spec.currency, expected=currency)
    fee = amount_parse(spec.fee, currency=currency, field="fee")
    option = _optional(spec.round_the_clock_fee, currency, "round_the_clock_fee")
    rates = {}
    for name in ("tax_rate", "credit_percent_per_point", "credit_cap_percent"):
        rates[name] = _percent(getattr(spec, name), name)
    contacts = []
    for address in spec.contacts:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationFailed(
                f"{address!r} is not an e-mail address.",
                code=BillingErrorCode.INVALID_CONTACT,
                field="contacts",
            ) from None
        contacts.append(address.strip().lower())
    dedicated = agreement.plan.kind == PlanKind.DEDICATED
    terms, _ = BillingTerms.objects.update_or_create(
        agreement=agreement,
        defaults={
            "client_id": agreement.client_id,
            "currency": currency,
            "monthly_fee": ZERO if dedicated else fee,
            "seat_fee": fee if dedicated else ZERO,
            "round_the_clock_fee": option,
            "tax_label": spec.tax_label[:40] or "Tax",
            "payment_days": spec.payment_days,
            "billing_contacts": contacts,
            **rates,
        },
    )
    return terms


def _optional(value: Decimal | str, currency: str, name: str) -> Decimal:
    return ZERO if Decimal(value) == 0 else amount_parse(value, currency=currency, field=name)


def _percent(value: Decimal | str, name: str) -> Decimal:
    rate = Decimal(value)
    if not rate.is_finite() or not 0 <= rate <= 100 or rate != rate.quantize(Decimal("0.01")):
        raise ValidationFailed(
            f"{name} must be a percentage from 0 to 100 with at most 2 decimals, not {value}.",
            code=BillingErrorCode.INVALID_TAX_RATE,
            field=name,
        )
    return rate
