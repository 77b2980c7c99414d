"""Pactdesk: the support-operations platform of an outsourcing provider."""

__version__ = "0.1.0"
