"""Gap-free document numbers per series and year: ``2026-000123``, ``CN-2026-000004``.

The counter row is incremented by one UPDATE inside the transaction that issues the
document. On PostgreSQL the UPDATE locks the row until commit, so a second issuer waits
and then reads the incremented value; on SQLite every write transaction holds the
database's write lock from BEGIN (IMMEDIATE, and our engine's fair lock), so issuers
run one after the other. A rolled-back issue rolls its number back with it: no gaps.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from pactdesk.billing.models import DocumentCounter

INVOICE_SERIES = ""
CREDIT_NOTE_SERIES = "CN"


def document_number_next(*, series: str, year: int) -> str:
    """The next number of ``series`` in ``year``; call inside the issuing transaction.

    Shape: ``<year>-<6 digits>``, prefixed by ``<series>-`` when the series is named.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_number_next must run inside the issuing transaction")
    for _ in range(2):
        if DocumentCounter.objects.filter(series=series, year=year).update(last=F("last") + 1):
            break
        try:
            with transaction.atomic():  # a savepoint: a racing insert loses cleanly
                DocumentCounter.objects.create(series=series, year=year, last=1)
            break
        except IntegrityError:
            continue
    last = DocumentCounter.objects.get(series=series, year=year).last
    number = f"{year}-{last:06d}"
    return f"{series}-{number}" if series else number
