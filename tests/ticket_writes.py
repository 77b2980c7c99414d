"""The guard that a stored ticket is saved only through `desk.services.changes`.

`tests/conftest.py` runs every Django test inside `stray_ticket_saves()`: a save of an
existing ticket from anywhere in pactdesk's code but the helper is recorded, and the
test fails. The tests' own set-up (a `ticket.save()` written in a test) is not
pactdesk's code and is left alone.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pactdesk

PACKAGE = Path(pactdesk.__file__).resolve().parent
HELPER = PACKAGE / "desk" / "services" / "changes.py"


_watching: list[list[str]] = []  # the lists of the guards open now, innermost last


@contextmanager
def stray_ticket_saves() -> Iterator[list[str]]:
    """Yields the list the saves of tickets outside the helper are appended to, as
    "path:line" of the pactdesk code that made them (by the innermost guard only)."""
    from django.db.models.signals import pre_save

    from pactdesk.desk.models import Ticket

    strays: list[str] = []
    pre_save.connect(_check, sender=Ticket, weak=False, dispatch_uid="tests.ticket_writes")
    _watching.append(strays)
    try:
        yield strays
    finally:
        _watching.remove(strays)
        if not _watching:
            pre_save.disconnect(sender=Ticket, dispatch_uid="tests.ticket_writes")


def _check(instance: Any, raw: bool = False, **_: Any) -> None:
    from pactdesk.desk.services.changes import ticket_saving

    if raw or instance._state.adding or ticket_saving() or not _watching:
        return
    caller = _pactdesk_caller()
    if caller is not None:
        _watching[-1].append(caller)


def _pactdesk_caller() -> str | None:
    frame = sys._getframe(2)
    while frame is not None:
        path = Path(frame.f_code.co_filename)
        if path.is_relative_to(PACKAGE) and path != HELPER:
            return f"{path.relative_to(PACKAGE.parent)}:{frame.f_lineno}"
        frame = frame.f_back
    return None
