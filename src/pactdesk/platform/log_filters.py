"""Logging filters the settings install.

`ExpectedRefusals` sits on Django's ``django.request`` logger. Django logs a 403
(``PermissionDenied``) or a 400 (``BadRequest``, ``SuspiciousOperation``) raised by a
view with the exception's whole traceback; a refusal is an expected outcome (a client
member opening the billing page, another client's invoice), not a fault, so its record
keeps its one line — method-less ``Forbidden (Permission denied): /billing/`` — and
loses the traceback. 5xx records keep theirs.
"""

from __future__ import annotations

import logging

CLIENT_ERRORS = range(400, 500)


class ExpectedRefusals(logging.Filter):
    """Drop the traceback of a request record whose response is a 4xx; keep the record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) in CLIENT_ERRORS:
            record.exc_info = None
            record.exc_text = None
        return True
