"""Billing: hires, invoices, payments, the money-back guarantee, service credits and
the ledger of every money movement per client."""
