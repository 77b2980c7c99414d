"""Codes of refusals about hires, invoices, payments, refunds and the payment gateway."""

from __future__ import annotations

from pactdesk.domain.error_codes import ErrorCode


class BillingErrorCode(ErrorCode):
    """Refusals of the billing services and selectors, and the payment gateway's."""

    AGREEMENT_NOT_FOUND = "agreement_not_found"
    AMOUNT_EXCEEDS_BALANCE = "amount_exceeds_balance"
    CLIENT_NOT_FOUND = "client_not_found"
    CREDIT_NOTE_NOT_FOUND = "credit_note_not_found"
    CURRENCY_LOCKED = "currency_locked"
    CURRENCY_MISMATCH = "currency_mismatch"
    HIRE_NOT_FOUND = "hire_not_found"
    INVALID_AMOUNT = "invalid_amount"
    INVALID_CONTACT = "invalid_contact"
    INVALID_DATE = "invalid_date"
    INVALID_PAYMENT_DAYS = "invalid_payment_days"
    INVALID_PERCENT = "invalid_percent"
    INVALID_REASON = "invalid_reason"
    INVALID_REFERENCE = "invalid_reference"
    INVALID_START_DATE = "invalid_start_date"
    INVALID_TAX_LABEL = "invalid_tax_label"
    INVALID_TAX_RATE = "invalid_tax_rate"
    INVOICE_CREDITED = "invoice_credited"
    INVOICE_NOT_FOUND = "invoice_not_found"
    INVOICE_NOT_PAYABLE = "invoice_not_payable"
    INVOICE_NOT_VOIDABLE = "invoice_not_voidable"
    INVOICE_PAID = "invoice_paid"
    NOT_ALLOWED = "not_allowed"
    NO_BILLING_TERMS = "no_billing_terms"
    PAYMENT_NOT_CONFIGURED = "payment_not_configured"
    REFUND_EXCEEDS_CAPTURE = "refund_exceeds_capture"
    REFUND_NOT_BY_HAND = "refund_not_by_hand"
    REFUND_NOT_FOUND = "refund_not_found"
    SEAT_ALREADY_HIRED = "seat_already_hired"
    SEAT_NOT_IN_AGREEMENT = "seat_not_in_agreement"
    TOO_MANY_DECIMALS = "too_many_decimals"
    UNKNOWN_CURRENCY = "unknown_currency"
    UNKNOWN_TERMS_FIELD = "unknown_terms_field"
