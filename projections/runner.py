"""Runs projections over the event log: batched catch-up, live following, and rebuilds."""

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import IntegrityError, OperationalError

from partnership.application import PartnershipApplication
from projections.alerts import AlertsProjection
from projections.base import Projection
from projections.contracts import ContractsRegisterProjection
from projections.database import ReadModelStore
from projections.decisions import DecisionsRegisterProjection
from projections.delivery import DeliveryRegistersProjection
from projections.timeline import TimelineProjection
from projections.tracking import (
    TrackingConflict,
    advance_position,
    ensure_tracking_row,
    lock_position,
    read_position,
    reset_position,
)

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    lag_events: int
    lag_seconds: float


def all_projections() -> list[Projection]:
    return [
        TimelineProjection(),
        ContractsRegisterProjection(),
        DecisionsRegisterProjection(),
        DeliveryRegistersProjection(),
        AlertsProjection(),
    ]


class ProjectionRunner:
    """Brings read models up to the log, one transaction per batch of events.

    Rows and the tracking position commit together, and the position only moves from where the
    batch started, so a killed or duplicated runner can neither lose nor repeat an event.
    """

    def __init__(
        self,
        app: PartnershipApplication,
        store: ReadModelStore,
        projections: Sequence[Projection] | None = None,
        batch_size: int = 500,
    ) -> None:
        self.app = app
        self.store = store
        self.projections = list(projections) if projections is not None else all_projections()
        self.batch_size = batch_size
        self._lock = threading.Lock()
        self._written_up_to: dict[str, int] = {}
        self.setup()

    def setup(self) -> None:
        for projection in self.projections:
            self.store.create_tables(projection.tables)
            ensure_tracking_row(self.store, projection.name)

    def status(self) -> list["ProjectionStatus"]:
        """How far behind the log each read model is, in events and in recorded time."""
        head = self.app.head_position()
        head_time = self._recorded_at(head)
        found = []
        for projection, position in zip(self.projections, self._positions(), strict=True):
            behind = head_time - self._recorded_at(position) if position < head else None
            found.append(
                ProjectionStatus(
                    name=projection.name,
                    position=position,
                    head=head,
                    lag_events=self._count_after(position, head),
                    lag_seconds=0.0 if behind is None else max(0.0, behind.total_seconds()),
                )
            )
        return found

    def _recorded_at(self, position: int) -> datetime:
        """When the event at `position` was recorded (before any: the first event's time)."""
        notifications = self.app.recorder.select_notifications(start=position, limit=1)
        if not notifications:
            return datetime.now(UTC)
        event: Any = self.app.mapper.to_domain_event(notifications[0])
        timestamp: datetime = event.timestamp
        return timestamp

    def _count_after(self, position: int, head: int) -> int:
        # PostgreSQL positions can have gaps, so count events rather than subtract positions.
        if position >= head:
            return 0
        return len(
            self.app.recorder.select_notifications(
                start=position, limit=head - position, inclusive_of_start=False
            )
        )

    def positions(self) -> dict[str, int]:
        return {p.name: at for p, at in zip(self.projections, self._positions(), strict=True)}

    def _positions(self) -> list[int]:
        with self.store.reader.connect() as conn:
            return [read_position(conn, p.name) for p in self.projections]

    def catch_up(self, until: int | None = None, progress: Progress | None = None) -> int:
        """Process events up to `until` (or the head); returns how many batches ran."""
        target = until if until is not None else self.app.head_position()
        behind = [
            p for p, at in zip(self.projections, self._positions(), strict=True) if at < target
        ]
        if not behind:
            return 0  # nothing to do: no write transaction, so no write lock taken
        with self._lock:
            batches = 0
            while True:
                try:
                    processed = self._process_next_batch(behind, until)
                except (TrackingConflict, IntegrityError):
                    log.info("another runner advanced first; re-reading positions")
                    self._forget_all()
                    continue
                except BaseException:
                    self._forget_all()
                    raise
                if processed == 0:
                    return batches
                batches += 1
                if progress is not None:
                    progress(processed)
                # A short batch reached the head: no need for one more transaction to see it.
                if processed < self.batch_size:
                    return batches

    def _process_next_batch(self, projections: Sequence[Projection], until: int | None) -> int:
        """One transaction for every projection: the log is read and decoded once per batch."""
        with self.store.writer.begin() as conn:
            positions = [lock_position(conn, p.name) for p in projections]
            for projection, position in zip(projections, positions, strict=True):
                if self._written_up_to.get(projection.name) != position:
                    # Someone else wrote since our last batch: what we remember may be stale.
                    projection.forget()
            start = min(positions)
            if until is not None and start >= until:
                return 0
            notifications = self.app.recorder.select_notifications(
                start=start, limit=self.batch_size, inclusive_of_start=False
            )
            if not notifications:
                return 0
            batch = [(n.id, self.app.mapper.to_domain_event(n)) for n in notifications]
            end = notifications[-1].id
            for projection, position in zip(projections, positions, strict=True):
                unseen = [(at, event) for at, event in batch if at > position]
                if unseen:
                    projection.process(conn, unseen)
                    advance_position(conn, projection.name, position, end)
        # Only now is the batch committed, so only now is what the projections remember true.
        self._written_up_to.update((p.name, end) for p in projections)
        return len(notifications)

    def _forget_all(self) -> None:
        self._written_up_to = {}
        for projection in self.projections:
            projection.forget()

    def rebuild(self, progress: Progress | None = None) -> None:
        """Drop every read model and replay the whole log into it."""
        with self._lock:
            self._forget_all()
            for projection in self.projections:
                self.store.drop_tables(projection.tables)
                self.store.create_tables(projection.tables)
                with self.store.writer.begin() as conn:
                    reset_position(conn, projection.name)
        self.catch_up(progress=progress)
        self.store.analyze(table for projection in self.projections for table in projection.tables)

    def follow(self, stop: threading.Event, poll_interval: float = 1.0) -> None:
        """Keep the read models current until `stop` is set.

        PostgreSQL wakes us with the event store's own NOTIFY; SQLite has none, so it is polled.
        """
        waiter = _notification_waiter(self.app, poll_interval)
        try:
            while not stop.is_set():
                try:
                    self.catch_up()
                except OperationalError:
                    log.exception("projection batch failed; retrying after a pause")
                    stop.wait(poll_interval)
                waiter(stop)
        finally:
            close = getattr(waiter, "close", None)
            if close is not None:
                close()


def _notification_waiter(
    app: PartnershipApplication, poll_interval: float
) -> Callable[[threading.Event], Any]:
    channel = getattr(app.recorder, "channel_name", None)
    datastore = getattr(app.recorder, "datastore", None)
    if channel is None or datastore is None or not hasattr(datastore, "get_connection"):
        return lambda stop: stop.wait(poll_interval)
    return _PostgresWaiter(app, channel, poll_interval)


class _PostgresWaiter:
    def __init__(self, app: PartnershipApplication, channel: str, poll_interval: float) -> None:
        import psycopg
        from psycopg.sql import SQL, Identifier

        env = app.env
        self.poll_interval = poll_interval
        self.conn = psycopg.connect(
            dbname=env.get("POSTGRES_DBNAME"),
            host=env.get("POSTGRES_HOST"),
            port=env.get("POSTGRES_PORT"),
            user=env.get("POSTGRES_USER"),
            password=env.get("POSTGRES_PASSWORD") or None,
            autocommit=True,
        )
        self.conn.execute(SQL("LISTEN {0}").format(Identifier(channel)))

    def __call__(self, stop: threading.Event) -> None:
        # A timeout, not a blocking wait, so that `stop` is seen promptly.
        for _ in self.conn.notifies(timeout=self.poll_interval, stop_after=1):
            pass

    def close(self) -> None:
        self.conn.close()
