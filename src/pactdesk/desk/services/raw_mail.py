"""Inbound mail kept as it was received: its bytes are stored before anything is
made of them, in the same transaction, so the ticket page can offer the original."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet

from pactdesk.desk.models import RawMail


def raw_mail_store(
    *, raw: bytes, source: str, envelope_sender: str, recipients: Sequence[str], now: datetime
) -> RawMail:
    """Keep `raw` exactly; `source` is smtp or imap. The file is written first, the
    row with the caller's transaction: a rollback leaves at most an unreferenced file."""
    digest = hashlib.sha256(raw).hexdigest()
    row = RawMail(
        received_at=now,
        source=source,
        envelope_sender=envelope_sender,
        recipients="\n".join(recipients),
        size=len(raw),
        sha256=digest,
    )
    row.content.save(f"{digest[:32]}.eml", ContentFile(raw), save=False)
    row.save()
    return row


def raw_mail_prune(*, now: datetime, keep_days: int, held: QuerySet[RawMail] | None = None) -> int:
    """Delete the raw mail received more than `keep_days` ago (0 keeps it forever),
    except the rows in `held` (mail still waiting in quarantine). Messages keep their
    text and files; they only lose the link to the original. Returns how many went."""
    if keep_days <= 0:
        return 0
    old = RawMail.objects.filter(received_at__lt=now - timedelta(days=keep_days))
    if held is not None:
        old = old.exclude(pk__in=held.values("pk"))
    pruned = 0
    for row in old.iterator():
        with transaction.atomic():
            name, storage = row.content.name, row.content.storage
            assert name is not None  # a stored row's file has a name ("" at worst)
            row.delete()
            transaction.on_commit(partial(storage.delete, name))
        pruned += 1
    return pruned
