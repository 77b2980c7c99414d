"""A per-process memo of reference data, dropped as soon as that data changes anywhere.

The hot paths (every API call, every lodging) read the same few rows again and again:
the API key, its client, the agreement in force, its calendar and SLA targets. Those
rows change rarely. The reference models derive from `Reference` (or
`ClientOwnedReference`): a save or delete of one, and every bulk write through its
manager, rewrites `ReferenceStamp.token` with a fresh random number in the same
transaction (no signals: `QuerySet.update()` and `bulk_create()` send none, and billing
will update agreements in bulk). A
process keeps memoised values under the token it read *before* computing them and
throws them all away when it reads a different token, so a change committed by any
process (admin, CLI, another worker) is seen by the next request: one indexed
single-row read instead of several ORM queries.

The token is random rather than a counter so that a rolled-back change (a test's
transaction, a failed admin save) can never bring an old token, and the values
memoised under it, back. Raw SQL is the one write that goes unseen: code that changes
reference rows that way calls `stamp_bump()` itself. `tests/platform/test_refcache.py`
walks every write path of every reference model.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Hashable
from typing import Any, ClassVar, TypeVar

from django.db import connection, transaction
from django.db.models import Model, QuerySet

from pactdesk.platform.models import ClientOwned, ReferenceStamp, TenantQuerySet

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


class ReferenceWrites:
    """QuerySet mixin of the reference models: every bulk write (`update`, `delete`,
    `bulk_create`, `bulk_update`) bumps the stamp in the same transaction."""

    model: type[Model]

    def update(self, **kwargs: Any) -> int:
        count: int = super().update(**kwargs)  # type: ignore[misc]
        if count:
            stamp_bump()
        return count

    def update_unmemoised(self, **kwargs: Any) -> int:
        """`update` of columns no memoised value depends on (a key's last use): the
        memo is kept. The caller names the exception; `update` is the rule."""
        count: int = super().update(**kwargs)  # type: ignore[misc]
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted: tuple[int, dict[str, int]] = super().delete()  # type: ignore[misc]
        if deleted[0]:
            stamp_bump()
        return deleted

    def _raw_delete(self, using: str) -> int:  # a cascade's fast delete
        count: int = super()._raw_delete(using)  # type: ignore[misc]
        if count:
            stamp_bump()
        return count

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Any]:
        made: list[Any] = super().bulk_create(objs, *args, **kwargs)  # type: ignore[misc]
        if made and getattr(self.model, "reference_creations", True):
            stamp_bump()
        return made

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        count: int = super().bulk_update(objs, fields, batch_size)  # type: ignore[misc]
        if count:
            stamp_bump()
        return count


class ReferenceQuerySet(ReferenceWrites, QuerySet):  # type: ignore[type-arg]
    pass


class ReferenceTenantQuerySet(ReferenceWrites, TenantQuerySet):
    pass


class Reference(Model):
    """A model whose rows are memoised: saving or deleting one bumps the stamp, and so
    does every bulk write through its manager (`ReferenceWrites`). Only raw SQL can
    change a row unseen; code that does calls `stamp_bump()` itself.
    `reference_creations = False` for a model whose new rows invalidate nothing
    memoised (a new customer: nothing was memoised under its address)."""

    reference_creations: ClassVar[bool] = True

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        super().save(*args, **kwargs)
        if self.reference_creations or not adding:
            stamp_bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        stamp_bump()
        return deleted


class ClientOwnedReference(Reference, ClientOwned):
    """A client-owned reference model (see `Reference` and `ClientOwned`)."""

    objects = ReferenceTenantQuerySet.as_manager()

    class Meta:
        abstract = True
