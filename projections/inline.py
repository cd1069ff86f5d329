"""Read-your-writes at the cost of the writes: what a mutation's catch-up needs and no more.

A mutation answers once the read models include its change. The ordinary catch-up reads every
read model's position, locks and moves each one with a statement of its own, and reads the new
events back from the log. A mutation has just saved those events, so this process keeps what
its saves recorded; every read model's position is locked (and on PostgreSQL moved) by one
statement, in the one transaction that writes their rows, on a connection kept for it. On
PostgreSQL the rows' statements go out together (psycopg's pipeline mode), so a mutation's
catch-up is four round trips whatever the number of read models, and one more for each read of
rows no longer remembered. Read models built by another version of the code are not written
here (nor by the ordinary catch-up) until a rebuild of this version replaces them. Whatever
this path cannot do exactly (events recorded by another process, a stalled read model, a
failure) it rolls back and leaves to the ordinary catch-up, which it never gets in the way of.
"""

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast
from uuid import UUID

import psycopg
from eventsourcing.application import Application
from eventsourcing.persistence import Mapper, Notification, Recording
from sqlalchemy import (
    BigInteger,
    Connection,
    Engine,
    Select,
    bindparam,
    case,
    event,
    func,
    select,
    update,
)
from sqlalchemy.engine.interfaces import ExecutionContext

from projections.kit import Batch
from projections.tracking import TrackingConflict, stalls_table, tracking_table

# Enough for every save between two catch-ups of a busy process; an event that has fallen out
# is read back from the log instead.
KEEP_RECORDED = 1_000


class RecentlyRecorded:
    """The notifications this process's saves recorded lately, by log position.

    They are decoded only when asked for, by the same mapper that reads the log, so a read
    model is handed exactly what it would have been handed from the log.
    """

    def __init__(self, mapper: Mapper[UUID], keep: int = KEEP_RECORDED) -> None:
        self._mapper = mapper
        self._keep = keep
        self._lock = threading.Lock()
        self._notifications: OrderedDict[int, Notification] = OrderedDict()

    def note(self, recordings: Sequence[Recording[UUID]]) -> None:
        with self._lock:
            newest = next(reversed(self._notifications), 0)
            for recording in recordings:
                self._notifications[recording.notification.id] = recording.notification
            if recordings and recordings[0].notification.id < newest:
                # Saves on two threads can finish out of turn; the oldest must go first.
                self._notifications = OrderedDict(sorted(self._notifications.items()))
            while len(self._notifications) > self._keep:
                self._notifications.popitem(last=False)

    def between(self, after: int, until: int) -> Batch | None:
        """Every event after position `after` up to `until`, or None unless all are held.

        Held means every position in the range: one missing may be another process's event
        (or, on PostgreSQL, a number a failed insert used up), which only the log can tell.
        """
        if until - after > self._keep:
            return None
        with self._lock:
            found = [self._notifications.get(at) for at in range(after + 1, until + 1)]
        if any(notification is None for notification in found):
            return None
        return [
            (notification.id, self._mapper.to_domain_event(notification))
            for notification in found
            if notification is not None
        ]


class HeldConnection:
    """One writer connection kept between catch-ups: a pooled checkout would ping the database
    first, a round trip of its own. A connection that fails is dropped and the next is new; the
    failure itself sends the catch-up down the ordinary path, whose checkouts ping."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._conn: Connection | None = None

    @contextmanager
    def begin(self, engine: Engine) -> Iterator[Connection]:
        """A transaction on the held connection to `engine`, committed if the block returns."""
        with self._lock:
            if self._conn is None or self._engine is not engine or self._conn.invalidated:
                self._close()
                self._conn, self._engine = engine.connect(), engine
            try:
                with self._conn.begin():
                    yield self._conn
            except GiveWay:
                raise  # rolled back, and the connection is as good as before
            except BaseException:
                self._close()
                raise

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._conn is not None:
            conn, self._conn, self._engine = self._conn, None, None
            try:
                conn.close()
            except Exception:
                conn.invalidate()  # broken past closing: the pool must not have it back


# While set on a connection, its statements are sent without waiting for each one's answer.
_PIPELINE = "inline_writes_in_flight"


@contextmanager
def writes_in_flight(conn: Connection) -> Iterator[None]:
    """On PostgreSQL, send the read models' writes one after another without waiting for each
    answer (psycopg's pipeline mode): all of a mutation's rows cost one round trip, not one a
    statement. A statement whose answer is needed (a read of rows not remembered) is answered
    at once, with whatever was sent before it. A write that fails is reported when the block
    ends, for the whole transaction to roll back. Elsewhere it changes nothing."""
    if conn.dialect.name != "postgresql":
        yield
        return
    if not event.contains(conn.engine, "do_execute", _answer_now):
        event.listen(conn.engine, "do_execute", _answer_now)
    driver = cast(psycopg.Connection[Any], conn.connection.dbapi_connection)
    with driver.pipeline() as pipeline:
        conn.info[_PIPELINE] = pipeline
        try:
            yield
        finally:
            del conn.info[_PIPELINE]


def _answer_now(cursor: Any, statement: str, parameters: Any, context: ExecutionContext) -> bool:
    """Send a statement that returns rows and wait for its answer, so SQLAlchemy finds them."""
    pipeline = context.root_connection.info.get(_PIPELINE)
    if pipeline is None or _writes_only(context):
        return False
    cursor.execute(statement, parameters)
    pipeline.sync()
    return True


def _writes_only(context: ExecutionContext) -> bool:
    crud = context.isinsert or context.isupdate or context.isdelete  # type: ignore[attr-defined]
    compiled = context.compiled
    return bool(crud) and not getattr(compiled, "effective_returning", None)


def keep_recordings(app: Application[UUID], recorded: RecentlyRecorded) -> None:
    """Have every save of `app` hand its recordings to `recorded` once they are committed.

    eventsourcing calls `_notify` with a save's recordings after the save; wrapping it on this
    one object leaves the application's own classes as they are.
    """
    notify: Callable[[list[Recording[UUID]]], None] = app._notify

    def notify_and_keep(recordings: list[Recording[UUID]]) -> None:
        recorded.note(recordings)
        notify(recordings)

    app._notify = notify_and_keep  # type: ignore[method-assign]


class GiveWay(Exception):
    """This catch-up cannot be exact: undo what it did and leave it to the ordinary path."""


@dataclass(frozen=True)
class Locked:
    position: int
    # Raised each time a rebuilt generation is swapped in: rows remembered from before are gone.
    generation: int
    # Another process has recorded a stall ahead of the position: the ordinary path decides.
    stalled: bool
    # Already moved to the target by the statement that locked it (PostgreSQL).
    moved: bool
    # The version of the code that built it (None: before versions were recorded).
    schema_version: int | None = None


def lock_positions(conn: Connection, names: Sequence[str], until: int) -> dict[str, Locked]:
    """Every named read model's position, its row held until the transaction ends.

    On PostgreSQL the same statement moves every one behind `until` to it: one round trip
    fewer, which the caller undoes by rolling back if it cannot then project up to there.
    """
    if conn.dialect.name == "postgresql":
        rows = conn.execute(_lock_and_move_statement(tuple(names)), {"until": until}).all()
    else:
        rows = conn.execute(_lock_statement(tuple(names))).all()
    return {
        row.projection: Locked(
            int(row.position),
            int(row.generation or 0),
            row.stalled_at is not None and int(row.stalled_at) > int(row.position),
            bool(getattr(row, "moved", False)),
            row.schema_version,
        )
        for row in rows
    }


# Statements are built once per set of read models: building one costs more than running it.


@functools.cache
def _lock_statement(names: tuple[str, ...]) -> Select[Any]:
    """Rows are locked in the order the ordinary catch-up locks them one by one, so that the
    two paths in different processes cannot each hold a row the other waits for."""
    tracking, stalls = tracking_table.c, stalls_table.c
    order = case({name: index for index, name in enumerate(names)}, value=tracking.projection)
    return (
        select(
            tracking.projection,
            tracking.position,
            tracking.generation,
            tracking.schema_version,
            stalls.position.label("stalled_at"),
        )
        .join_from(
            tracking_table, stalls_table, stalls.projection == tracking.projection, isouter=True
        )
        .where(tracking.projection.in_(names))
        .order_by(order)
        .with_for_update(of=tracking_table)
    )


@functools.cache
def _lock_and_move_statement(names: tuple[str, ...]) -> Select[Any]:
    """The rows locked as by `_lock_statement`, with the positions they had, and those behind
    the target moved to it only from that position (compare-and-set).

    The transaction also commits without waiting for its WAL to reach the disk. The events it
    projects are already durable; a crash can only lose the newest read-model transactions
    whole, positions with rows, and the next catch-up projects those events again.
    """
    held = _lock_statement(names).cte("held")
    until = bindparam("until", type_=BigInteger)
    tracking = tracking_table.c
    moved = (
        update(tracking_table)
        .where(tracking.projection == held.c.projection)
        .where(tracking.position == held.c.position)
        .where(held.c.position < until)
        .values(position=until)
        .returning(tracking.projection)
        .cte("moved")
    )
    return select(
        held.c.projection,
        held.c.position,
        held.c.generation,
        held.c.schema_version,
        held.c.stalled_at,
        held.c.projection.in_(select(moved.c.projection)).label("moved"),
        func.set_config("synchronous_commit", "off", True),
    )


_MOVE = (
    update(tracking_table)
    .where(tracking_table.c.projection.in_(bindparam("names", expanding=True)))
    .where(tracking_table.c.position == bindparam("expected"))
    .values(position=bindparam("to"))
)


def move_positions(
    conn: Connection, locked: dict[str, Locked], names: Sequence[str], to: int
) -> None:
    """Move these read models to `to` from the positions they were locked at (compare-and-set),
    by one statement for all that were at the same one (after a mutation, all of them)."""
    if all(locked[name].moved for name in names):
        return
    if any(locked[name].moved for name in names):
        raise TrackingConflict(", ".join(names))  # some moved under the lock, some not
    from_each: dict[int, list[str]] = {}
    for name in names:
        from_each.setdefault(locked[name].position, []).append(name)
    moved = 0
    for expected, same in from_each.items():
        moved += conn.execute(_MOVE, {"names": same, "expected": expected, "to": to}).rowcount
    if moved != len(names):
        raise TrackingConflict(", ".join(names))
