"""Group commit and the courier: batches form under concurrency, one bad item fails only
its own caller, and nothing posted is lost or sent twice."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from pactdesk.platform.batching import Courier, GroupWriter
from pactdesk.platform.models import WorkerHeartbeat
from tests.conftest import NOW

pytestmark = pytest.mark.django_db(transaction=True)


def rows(names: Sequence[str]) -> list[str]:
    """Write one heartbeat row per name (a duplicate name breaks the primary key)."""
    for offset, name in enumerate(names):
        WorkerHeartbeat.objects.create(name=name, beat_at=NOW + timedelta(seconds=offset))
    return [f"wrote {name}" for name in names]


def until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


class Recorder:
    """A write_many that records its batches; the first call waits to be released, so
    that the test can queue followers behind a write in progress."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()

    def __call__(self, names: Sequence[str]) -> list[str]:
        if not self.batches:
            self.release.wait(5)
        self.batches.append(list(names))
        return rows(names)


def in_threads(writer: GroupWriter, names: list[str], results: dict, errors: dict):
    def submit(name: str) -> None:
        try:
            results[name] = writer.submit(name)
        except Exception as error:
            errors[name] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    return threads


def test_a_lone_item_is_written_at_once_in_its_own_transaction() -> None:
    writer = GroupWriter(rows)
    assert writer.submit("a") == "wrote a"
    assert (writer.batches, writer.items) == (1, 1)
    assert list(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["a"]


def test_items_queued_behind_a_write_form_the_next_batch() -> None:
    record = Recorder()
    writer = GroupWriter(record)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}
    first = in_threads(writer, ["first"], results, errors)
    until(lambda: writer.batches == 1)  # the first thread is writing, held
    rest = in_threads(writer, ["b", "c", "d"], results, errors)
    until(lambda: len(writer._queue) == 3)
    record.release.set()
    for thread in first + rest:
        thread.join(5)
    assert errors == {}
    assert results == {name: f"wrote {name}" for name in ("first", "b", "c", "d")}
    assert record.batches[0] == ["first"]
    assert sorted(record.batches[1]) == ["b", "c", "d"]
    assert (writer.batches, writer.items) == (2, 4)
    assert WorkerHeartbeat.objects.count() == 4


def test_a_bad_item_fails_only_its_own_caller() -> None:
    WorkerHeartbeat.objects.create(name="taken", beat_at=NOW)
    record = Recorder()
    writer = GroupWriter(record)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}
    first = in_threads(writer, ["first"], results, errors)
    until(lambda: writer.batches == 1)
    rest = in_threads(writer, ["x", "taken", "y"], results, errors)
    until(lambda: len(writer._queue) == 3)
    record.release.set()
    for thread in first + rest:
        thread.join(5)
    assert results == {"first": "wrote first", "x": "wrote x", "y": "wrote y"}
    assert list(errors) == ["taken"]
    assert isinstance(errors["taken"], IntegrityError)
    names = sorted(WorkerHeartbeat.objects.values_list("name", flat=True))
    assert names == ["first", "taken", "x", "y"]  # the failed batch left nothing twice


def test_a_caller_inside_a_transaction_writes_inline_and_survives_a_failure() -> None:
    writer = GroupWriter(rows)
    with transaction.atomic():
        WorkerHeartbeat.objects.create(name="mine", beat_at=NOW)
        with pytest.raises(IntegrityError):
            writer.submit("mine")
        assert writer.submit("other") == "wrote other"  # the transaction is still usable
    assert writer.batches == 0  # not a group write: the caller's transaction decided
    assert sorted(WorkerHeartbeat.objects.values_list("name", flat=True)) == ["mine", "other"]


def test_the_courier_sends_everything_once_in_batches() -> None:
    sent: list[list[int]] = []
    gate = threading.Event()

    def send(items: list[int]) -> None:
        gate.wait(5)
        sent.append(items)

    courier: Courier[int] = Courier(send, name="test-courier")
    courier.post([1])
    until(lambda: not courier._items)  # the thread took [1] and waits at the gate
    courier.post([2, 3])
    courier.post([4])
    gate.set()
    until(lambda: sum(len(batch) for batch in sent) == 4)
    assert sent == [[1], [2, 3, 4]]


def test_the_courier_goes_on_after_a_failed_send(caplog) -> None:
    sent: list[list[str]] = []

    def send(items: list[str]) -> None:
        if items == ["boom"]:
            raise RuntimeError("worker queue down")
        sent.append(items)

    courier: Courier[str] = Courier(send, name="test-courier")
    courier.post(["boom"])
    until(lambda: "could not hand over 1 items" in caplog.text)
    courier.post(["fine"])
    until(lambda: sent == [["fine"]])
