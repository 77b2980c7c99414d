"""Django's SQLite backend, with writers queued instead of polling.

SQLite lets one writer in at a time; the others spin in its busy handler, sleeping in
growing steps of up to 100 ms, so under a burst of concurrent writes some requests wait
seconds for a lock that was free most of the time. Here a transaction first takes a
lock that blocks without polling — a thread lock within the process, then an
exclusive `flock` on a file beside the database across processes (gunicorn workers,
the Huey worker) — and releases it at commit, rollback or close. SQLite's own locking
still guards everything; this only turns its sleeping into a queue.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

from django.db.backends.sqlite3 import base

_locks: dict[tuple[int, str], tuple[threading.Lock, int]] = {}
_guard = threading.Lock()


def _lock_for(path: str) -> tuple[threading.Lock, int]:
    """The process's lock pair for a database. Keyed by pid too: an flock held through
    a descriptor inherited across fork() would not exclude the other process."""
    key = (os.getpid(), path)
    with _guard:
        if key not in _locks:
            _locks[key] = (threading.Lock(), os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        return _locks[key]


class DatabaseWrapper(base.DatabaseWrapper):
    _write_lock: tuple[threading.Lock, int] | None = None

    def _start_transaction_under_autocommit(self) -> None:
        lock = self._lock()
        if lock is not None:
            thread_lock, handle = lock
            thread_lock.acquire()
            fcntl.flock(handle, fcntl.LOCK_EX)
            self._write_lock = lock
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self._release()

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self._release()

    def _close(self) -> None:
        try:
            super()._close()
        finally:
            self._release()

    def _release(self) -> None:
        lock, self._write_lock = self._write_lock, None
        if lock is not None:
            thread_lock, handle = lock
            fcntl.flock(handle, fcntl.LOCK_UN)
            thread_lock.release()

    def _lock(self) -> tuple[threading.Lock, int] | None:
        if self._write_lock is not None or self.is_in_memory_db():
            return None
        name: Any = self.settings_dict["NAME"]
        return _lock_for(f"{os.fspath(name)}.writelock")
