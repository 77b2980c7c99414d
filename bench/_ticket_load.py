"""Bulk loading of tickets with stored SLA state, column-wise with NumPy, for the
volume benches (`report_bench.py`).

Rows are generated a chunk at a time as NumPy columns (instants as int64 microseconds
since the Unix epoch, UTC) and written in the form Django itself stores them:

* SQLite: `executemany` of one INSERT inside one transaction, instants as Django's
  text ("YYYY-MM-DD HH:MM:SS[.ffffff]", UTC, no offset), durations as integer
  microseconds, booleans 0/1;
* PostgreSQL: `COPY desk_ticket (...) FROM STDIN`, instants with "+00", durations as
  intervals of microseconds.

The secondary indexes of `desk_ticket` are dropped before a load and re-created from
their own saved definitions after it (one sort per index instead of 1,000,000 inserts
into each of twenty B-trees). `sla_detail` is the JSON `pactdesk.desk.sla_detail`
writes, formatted by string operations; `detail_matches_desk` checks the format
against the desk's own `sla_detail_dump`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import numpy as np

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
US = 1_000_000
METRICS = ("first_response", "effective_answer")
# State codes of a metric's clock in the generated columns.
MET, BREACHED, RUNNING, NOT_APPLICABLE = 0, 1, 2, 3
STATE_NAMES = np.array(["met", "breached", "running", "not_applicable"])


def micros(moment: datetime) -> int:
    """An aware instant as integer microseconds since the Unix epoch."""
    return (moment - EPOCH) // timedelta(microseconds=1)


@dataclass
class Clock:
    """One metric's stored clock for n tickets (arrays of length n); `met_at`, `open`,
    `wall`, `due_at` and `breached_at` hold -1 where the column is NULL."""

    target_seconds: int
    state: np.ndarray
    due_at: np.ndarray
    met_at: np.ndarray
    breached_at: np.ndarray
    open: np.ndarray
    used: np.ndarray  # open time used as of the evaluation, microseconds


@dataclass
class Chunk:
    """n tickets of one agreement: their lodging, validity, assignee and clocks."""

    client_id: int
    agreement_id: int
    customer_id: int
    lodged_at: np.ndarray
    valid: np.ndarray
    assignee_id: np.ndarray
    status: np.ndarray  # "open" / "closed"
    clocks: dict[str, Clock]
    evaluated_at: np.ndarray


# -- formatting ------------------------------------------------------------------------


def _iso(values: np.ndarray, sep: str) -> np.ndarray:
    """int64 microseconds -> "YYYY-MM-DD<sep>HH:MM:SS[.ffffff]" as datetime.isoformat /
    str(datetime) write it (no fraction when the microseconds are 0)."""
    text = np.datetime_as_string(values.astype("datetime64[us]"), unit="us")
    text = np.where(values % US == 0, text.astype("U19"), text)
    return np.strings.replace(text, "T", sep) if sep != "T" else text


def _nullable(text: np.ndarray, present: np.ndarray) -> list[object]:
    out = text.astype(object)
    out[~present] = None
    return out.tolist()


class Vendor:
    """How one database's rows spell instants, durations and booleans."""

    def __init__(self, vendor: str) -> None:
        self.vendor = vendor

    def moment(self, values: np.ndarray) -> list[object]:
        text = _iso(values, " ")
        if self.vendor == "postgresql":
            text = np.strings.add(text, "+00")
        return _nullable(text, values >= 0)

    def duration(self, values: np.ndarray) -> list[object]:
        if self.vendor == "postgresql":
            text = np.strings.add(values.astype("U20"), " microseconds")
            return _nullable(text, values >= 0)
        out = values.astype(object)
        out[values < 0] = None
        return out.tolist()

    def flag(self, values: np.ndarray) -> list[object]:
        if self.vendor == "postgresql":
            return np.where(values, "t", "f").tolist()
        return values.astype(np.int64).tolist()


def _json_moment(values: np.ndarray) -> np.ndarray:
    text = np.strings.add(np.strings.add('"', _iso(values, "T")), '+00:00"')
    return np.where(values >= 0, text, "null")


def _json_seconds(values: np.ndarray) -> np.ndarray:
    """Microseconds -> json.dumps(timedelta.total_seconds()) for whole-second values."""
    return np.strings.add((values // US).astype("U20"), ".0")


def _detail_json(clocks: dict[str, Clock]) -> list[str]:
    """`sla_detail` per ticket, as `sla_detail_dump` + json.dumps write it."""
    parts: list[np.ndarray] = []
    for index, (metric, clock) in enumerate(clocks.items()):
        duration = clock.target_seconds * US
        remaining = np.maximum(duration - clock.used, 0)
        seconds = float(clock.target_seconds)
        target = f'{{"duration_seconds": {seconds}, "goal": "90", "priority": null}}'
        na = clock.state == NOT_APPLICABLE
        pieces = [
            f'{"" if index == 0 else ", "}"{metric}": {{"state": "',
            STATE_NAMES[clock.state],
            '", "due_at": ',
            _json_moment(clock.due_at),
            ', "met_at": ',
            _json_moment(clock.met_at),
            ', "breached_at": ',
            _json_moment(clock.breached_at),
            ', "used_seconds": ',
            _json_seconds(np.where(na, 0, clock.used)),
            ', "remaining_seconds": ',
            _json_seconds(np.where(na, 0, remaining)),
            ', "target": ',
            np.where(na, "null", target),
            "}",
        ]
        parts.extend(np.broadcast_to(np.asarray(p), clock.state.shape) for p in pieces)
    text = np.asarray("{")
    for part in parts:
        text = np.strings.add(text, part)
    return np.strings.add(text, "}").tolist()


def columns_of(chunk: Chunk, vendor: Vendor) -> dict[str, list[object]]:
    """The desk_ticket columns of a chunk (id left to the database)."""
    n = len(chunk.lodged_at)
    running_due = np.full(n, np.iinfo(np.int64).max)
    columns: dict[str, list[object]] = {
        "client_id": [chunk.client_id] * n,
        "agreement_id": [chunk.agreement_id] * n,
        "customer_id": [chunk.customer_id] * n,
        "subject": ["Bench ticket"] * n,
        "channel": ["email"] * n,
        "status": chunk.status.tolist(),
        "priority": ["normal"] * n,
        "assignee_id": chunk.assignee_id.tolist(),
        "is_valid": vendor.flag(chunk.valid),
        "invalid_reason": np.where(chunk.valid, "", "spam").tolist(),
        "lodged_at": vendor.moment(chunk.lodged_at),
        "updated_at": vendor.moment(chunk.evaluated_at),
        "sla_next_reply_state": [""] * n,
        "sla_detail": _detail_json(chunk.clocks),
        "sla_evaluated_at": vendor.moment(chunk.evaluated_at),
        "sla_effective_answer_confirm_at": [None] * n,
    }
    for metric, clock in chunk.clocks.items():
        running = clock.state == RUNNING
        running_due = np.where(running, np.minimum(running_due, clock.due_at), running_due)
        wall = np.where(clock.met_at >= 0, clock.met_at - chunk.lodged_at, -1)
        columns[f"sla_{metric}_state"] = STATE_NAMES[clock.state].tolist()
        columns[f"sla_{metric}_due_at"] = vendor.moment(clock.due_at)
        columns[f"sla_{metric}_met_at"] = vendor.moment(clock.met_at)
        columns[f"sla_{metric}_open"] = vendor.duration(np.where(clock.met_at >= 0, clock.open, -1))
        columns[f"sla_{metric}_wall"] = vendor.duration(wall)
    next_due = np.where(running_due == np.iinfo(np.int64).max, -1, running_due)
    columns["sla_next_due_at"] = vendor.moment(next_due)
    columns["sla_recheck_at"] = vendor.moment(next_due)
    return columns


def detail_matches_desk(chunk: Chunk, rows: int = 50) -> None:
    """Raise AssertionError unless the first `rows` tickets' JSON equals what the
    desk's `sla_detail_dump` writes for the same results."""
    from pactdesk.desk.sla_detail import sla_detail_dump
    from pactdesk.domain.sla import Target, TargetResult, TicketSla
    from pactdesk.domain.vocabulary import Metric, SlaState

    def moment(value: int) -> datetime | None:
        return None if value < 0 else EPOCH + timedelta(microseconds=int(value))

    ours = _detail_json({m: _head(c, rows) for m, c in chunk.clocks.items()})
    for i in range(min(rows, len(chunk.lodged_at))):
        results = {}
        for metric, clock in chunk.clocks.items():
            state = SlaState(str(STATE_NAMES[clock.state[i]]))
            duration = timedelta(seconds=clock.target_seconds)
            used = timedelta(microseconds=int(clock.used[i]))
            results[Metric(metric)] = TargetResult(
                metric=Metric(metric),
                state=state,
                due_at=moment(clock.due_at[i]),
                met_at=moment(clock.met_at[i]),
                breached_at=moment(clock.breached_at[i]),
                used=timedelta(0) if state == SlaState.NOT_APPLICABLE else used,
                remaining=timedelta(0)
                if state == SlaState.NOT_APPLICABLE
                else max(duration - used, timedelta(0)),
                applied=None
                if state == SlaState.NOT_APPLICABLE
                else Target(Metric(metric), duration, Decimal(90)),
            )
        sla = TicketSla(
            targets=results,
            priority="normal",
            status=str(chunk.status[i]),
            valid=bool(chunk.valid[i]),
            evaluated_at=moment(chunk.evaluated_at[i]),
        )
        assert json.loads(ours[i]) == json.loads(json.dumps(sla_detail_dump(sla))), i


def _head(clock: Clock, rows: int) -> Clock:
    return Clock(
        clock.target_seconds,
        *(getattr(clock, f)[:rows] for f in ("state", "due_at", "met_at", "breached_at")),
        clock.open[:rows],
        clock.used[:rows],
    )


# -- writing ---------------------------------------------------------------------------


def ticket_load(chunks: Iterable[Chunk]) -> int:
    """Insert every chunk's tickets in one transaction with the secondary indexes of
    desk_ticket dropped and re-created around the load. Returns the rows written."""
    from django.db import connection, transaction

    vendor = Vendor(connection.vendor)
    written = 0
    started = time.perf_counter()
    with transaction.atomic():
        if vendor.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: checked at
                # commit, they would leave a million pending trigger events, and
                # PostgreSQL refuses CREATE INDEX on a table with pending events.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        indexes = _indexes_drop()
        with connection.cursor() as cursor:
            for chunk in chunks:
                columns = columns_of(chunk, vendor)
                names = list(columns)
                rows = list(zip(*columns.values(), strict=True))
                if vendor.vendor == "postgresql":
                    _copy(cursor, names, rows)
                else:
                    marks = ", ".join("?" * len(names))
                    cursor.connection.executemany(
                        f"INSERT INTO desk_ticket ({', '.join(names)}) VALUES ({marks})", rows
                    )
                written += len(rows)
            loaded = time.perf_counter()
            for sql in indexes:
                cursor.execute(sql)
    print(
        f"  {written:,} rows generated and loaded in {loaded - started:.0f} s, "
        f"{len(indexes)} indexes re-created in {time.perf_counter() - loaded:.0f} s"
    )
    return written


def _copy(cursor: object, names: Sequence[str], rows: list[tuple[object, ...]]) -> None:
    raw = cursor.cursor  # type: ignore[attr-defined]  # Django's wrapper -> psycopg
    with raw.copy(f"COPY desk_ticket ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _indexes_drop() -> list[str]:
    """Drop desk_ticket's secondary indexes; return the SQL that re-creates them."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'desk_ticket'"
                " AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                " AND tbl_name = 'desk_ticket' AND sql IS NOT NULL"
            )
        found = cursor.fetchall()
        for name, _ in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in found]
