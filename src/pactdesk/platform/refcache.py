"""A per-process memo of reference data, dropped as soon as that data changes anywhere.

The hot paths (every API call, every lodging) read the same few rows again and again:
the API key, its client, the agreement in force, its calendar and SLA targets. Those
rows change rarely. Each app `watch`es its reference models; a save or delete of one
rewrites `ReferenceStamp.token` with a fresh random number in the same transaction. A
process keeps memoised values under the token it read *before* computing them and
throws them all away when it reads a different token, so a change committed by any
process (admin, CLI, another worker) is seen by the next request: one indexed
single-row read instead of several ORM queries.

The token is random rather than a counter so that a rolled-back change (a test's
transaction, a failed admin save) can never bring an old token, and the values
memoised under it, back. `QuerySet.update()`, `bulk_create()` and raw SQL send no
signals: code that changes watched rows that way calls `stamp_bump()` itself.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from pactdesk.platform.models import ReferenceStamp

T = TypeVar("T")
MAX_ENTRIES = 10_000

_lock = threading.Lock()
_token: int | None = None
_values: dict[Hashable, Any] = {}

# Within one web request the stamp is read once: the request sees reference data as
# of its first read (and its own changes). Outside requests every read goes to the DB.
_UNPINNED, _UNREAD = object(), object()
_request = threading.local()


def stamp_bump() -> None:
    """Mark reference data as changed (in the caller's transaction)."""
    token = secrets.randbits(62)
    if not ReferenceStamp.objects.filter(pk=1).update(token=token):
        ReferenceStamp.objects.update_or_create(pk=1, defaults={"token": token})
    if getattr(_request, "token", _UNPINNED) is not _UNPINNED:
        _request.token = token


def stamp_read() -> int | None:
    pinned = getattr(_request, "token", _UNPINNED)
    if pinned is _UNPINNED or pinned is _UNREAD:
        token = _stamp_in_database()
        if pinned is _UNREAD:
            _request.token = token
        return token
    return pinned  # type: ignore[no-any-return]


def request_started(**_: Any) -> None:
    _request.token = _UNREAD


def request_finished(**_: Any) -> None:
    _request.token = _UNPINNED


def _stamp_in_database() -> int | None:
    table = ReferenceStamp._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def memo(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave under the current stamp. None is never kept (an
    unknown API key must not fill the memo). Values are shared by the process's
    threads: callers must treat them as read-only."""
    global _token
    token = stamp_read()
    if token is None:  # no stamp yet (an emptied database): nothing can be trusted
        return compute()
    with _lock:
        if token != _token:
            _values.clear()
            _token = token
        elif key in _values:
            return _values[key]  # type: ignore[no-any-return]
    value = compute()
    if value is None:
        return value
    if connection.in_atomic_block:
        # Read inside a transaction, it may be that transaction's own uncommitted row:
        # kept only once it commits.
        transaction.on_commit(lambda: _keep(token, key, value))
    else:
        _keep(token, key, value)
    return value


def _keep(token: int, key: Hashable, value: object) -> None:
    with _lock:
        if token == _token:
            if len(_values) >= MAX_ENTRIES:
                _values.clear()
            _values[key] = value


def memo_clear() -> None:
    global _token
    with _lock:
        _values.clear()
        _token = None


def _changed(**_: Any) -> None:
    stamp_bump()


def _updated(*, created: bool = False, **_: Any) -> None:
    if not created:
        stamp_bump()


def watch(*models: type[Model], creations: bool = True) -> None:
    """Bump the stamp on every save and delete of these models (call from `ready()`).
    `creations=False` for a model whose new rows invalidate nothing memoised."""
    for model in models:
        uid = f"pactdesk.refcache.{model._meta.label}"
        on_save = _changed if creations else _updated
        post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
