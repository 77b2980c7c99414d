"""Group commit: writes of concurrent threads made together, in one transaction; and
the courier that hands work to another process without making a thread wait.

One lodging through both (desk.services.lodging draws the whole path):

    request thread A        request thread B         (same web process)
    submit(plan A)          submit(plan B)
        |  queue empty,         |  a writer is busy:
        |  A leads              |  B waits (threading.Event)
        v                       |
    _write_as_leader: takes the queue (A, and B if it queued meanwhile)
        |  _commit_batch: one transaction, write_many([A, B]), COMMIT
        |  (failed? each item again on its own: only the bad one fails)
        v                       v
    A returns its result    B wakes with its result (or leads the next batch)
        |
        |  on_commit: Courier.post(outbox ids) -- returns at once
        v
    courier thread: send(everything posted since its last send) -> one Huey task

Under a burst, every request thread of a web process would take the database's write
lock, insert a few rows and commit on its own; the statements and commits, not the
data, are what cost. `GroupWriter.submit(item)` queues the item. If no write is in
progress in this process, the caller becomes the writer: it takes everything queued
(its own item included, up to `max_batch`), writes it with `write_many` in one
transaction, hands each waiting thread its result, and passes the writer's role to the
first thread still queued, if any, before it returns. Nobody waits for a batch to
fill: alone, a thread writes its own item at once, so a lone request pays nothing;
under load, items arrive while a batch is being written and form the next one.

If a batch fails, it is rolled back and each item is written again on its own, so one
bad item (an idempotency key taken, a constraint) fails only its own caller, with its
own exception. A caller already inside a transaction writes inline: its transaction
decides, not the group's.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.db import connection, transaction

T = TypeVar("T")
R = TypeVar("R")
logger = logging.getLogger(__name__)


@dataclass
class _Waiter(Generic[T, R]):
    """A submitted item and its thread: woken with its outcome, or to lead."""

    item: T
    ready: threading.Event = field(default_factory=threading.Event)
    leads: bool = False
    done: bool = False
    result: R | None = None
    error: BaseException | None = None

    def outcome(self) -> R:
        if self.error is not None:
            raise self.error
        return self.result  # type: ignore[return-value]


class GroupWriter(Generic[T, R]):
    """Group commit for `write_many(items) -> results` (see the module's docstring)."""

    def __init__(self, write_many: Callable[[Sequence[T]], list[R]], max_batch: int = 64):
        self._write_many = write_many
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: list[_Waiter[T, R]] = []
        self._busy = False
        self.batches = 0  # group transactions written, and the items in them (for tests)
        self.items = 0

    def submit(self, item: T) -> R:
        if connection.in_atomic_block:
            with transaction.atomic():  # a savepoint: a failure leaves the caller usable
                return self._write_many([item])[0]
        waiter: _Waiter[T, R] = _Waiter(item)
        with self._lock:
            self._queue.append(waiter)
            waiter.leads = not self._busy
            self._busy = True
        if not waiter.leads:
            waiter.ready.wait()
            if waiter.done:
                return waiter.outcome()
        self._write_as_leader()
        return waiter.outcome()

    def _write_as_leader(self) -> None:
        batch: list[_Waiter[T, R]] = []
        try:
            with self._lock:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
            self._commit_batch(batch)
        finally:
            for waiter in batch:
                if waiter.result is None and waiter.error is None:
                    waiter.error = RuntimeError("the group writer stopped before this item")
                waiter.done = True
                waiter.ready.set()
            with self._lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.leads = True
                    successor.ready.set()
                else:
                    self._busy = False

    def _commit_batch(self, batch: list[_Waiter[T, R]]) -> None:
        self.batches += 1
        self.items += len(batch)
        try:
            with transaction.atomic():
                results = self._write_many([waiter.item for waiter in batch])
        except Exception as error:
            if len(batch) == 1:
                batch[0].error = error
                return
            for waiter in batch:  # find the bad one(s): each on its own
                try:
                    with transaction.atomic():
                        waiter.result = self._write_many([waiter.item])[0]
                except Exception as single_error:
                    waiter.error = single_error
            return
        for waiter, result in zip(batch, results, strict=True):
            waiter.result = result


class Courier(Generic[T]):
    """Hands items to `send` from a background thread, everything that arrived since
    the last call at once: a thread that calls `post` never waits for `send`.

    Under load `send` runs back to back, each call taking what queued while the last
    one ran; when idle, an item is sent as soon as the thread wakes. `send` is called
    in a daemon thread of the process that posted (started again after a fork), so it
    must be safe to lose on a crash: keep the durable record elsewhere (the outbox
    rows are, and a periodic sweep delivers what a lost call left).
    """

    def __init__(self, send: Callable[[list[T]], None], name: str) -> None:
        self._send = send
        self._name = name
        self._lock = threading.Lock()
        self._items: list[T] = []
        self._wake = threading.Event()
        self._pid = 0

    def post(self, items: Sequence[T]) -> None:
        with self._lock:
            self._items.extend(items)
            self._ensure_thread()
        self._wake.set()

    def _ensure_thread(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            threading.Thread(target=self._run, name=self._name, daemon=True).start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                items, self._items = self._items, []
            if items:
                try:
                    self._send(items)
                except Exception:  # the durable record stays; the sweep takes it
                    logger.exception("%s could not hand over %d items", self._name, len(items))
