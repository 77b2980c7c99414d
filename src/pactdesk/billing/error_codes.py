"""Codes of refusals about hires, invoices, payments, refunds and the payment gateway."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class BillingErrorCode(ErrorCode):
    """Refusals of the billing services and selectors, and the payment gateway's."""

    AMOUNT_EXCEEDS_BALANCE = "amount_exceeds_balance"
    CURRENCY_MISMATCH = "currency_mismatch"
    DATE_IN_FUTURE = "date_in_future"
    DATE_TOO_EARLY = "date_too_early"
    DATE_TOO_LATE = "date_too_late"
    HIRE_NOT_FOUND = "hire_not_found"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CONTACT = "invalid_contact"
    INVALID_DATE = "invalid_date"
    INVALID_TAX_RATE = "invalid_tax_rate"
    INVOICE_NOT_FOUND = "invoice_not_found"
    INVOICE_NOT_PAYABLE = "invoice_not_payable"
    NO_BILLING_TERMS = "no_billing_terms"
    NOT_ALLOWED = "not_allowed"
    PAYMENT_NOT_CONFIGURED = "payment_not_configured"
    REFUND_EXCEEDS_CAPTURE = "refund_exceeds_capture"
    SEAT_ALREADY_HIRED = "seat_already_hired"
    SEAT_NOT_IN_AGREEMENT = "seat_not_in_agreement"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_CURRENCY = "unknown_currency"
