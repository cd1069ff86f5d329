"""Runs projections over the event log: batched catch-up, live following, and rebuilds."""

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic
from sqlalchemy import Connection

from partnership.application import PartnershipApplication
from partnership.idempotency import IdempotencyKey
from projections.alerts import AlertsProjection
from projections.bodies import GoverningBodiesProjection
from projections.contracts import ContractsRegisterProjection
from projections.database import ReadModelStore
from projections.decisions import DecisionsRegisterProjection
from projections.delivery import DeliveryRegistersProjection
from projections.election import DEFAULT_RETRY_SECONDS, Election, lead
from projections.inline import (
    GiveWay,
    HeldConnection,
    RecentlyRecorded,
    lock_positions,
    move_positions,
    writes_in_flight,
)
from projections.kit import Batch, Projection
from projections.partnerships import PartnershipsRegisterProjection
from projections.people import PeopleProjection
from projections.practices import PracticesRegisterProjection
from projections.rebuilds import Rebuild, StepHook, upgrade_in_background
from projections.status import ProjectionStatus, read_status
from projections.supplier_meetings import SupplierMeetingsRegisterProjection
from projections.timeline import TimelineProjection
from projections.tracking import (
    Held,
    Stall,
    Tracked,
    TrackingConflict,
    advance_position,
    clear_stall,
    ensure_tracking_row,
    lock_tracked,
    read_tracking,
    record_stall,
)
from projections.waiting import Waiter, close_waiter, notification_waiter

log = logging.getLogger(__name__)

Progress = Callable[[int], None]
Event = DomainEventProtocol[UUID]

# A stalled read model is tried again after this long, doubling each time up to the ceiling:
# soon enough to recover from a passing fault, rarely enough not to flood the log.
RETRY_AFTER_SECONDS = 1.0
RETRY_AT_MOST_SECONDS = 60.0


@dataclass(frozen=True)
class CatchUp:
    batches: int
    # Read models held short of the target by an event they cannot project.
    stalled: list[Stall]
    # Read models built by another version of the code, left as they are until a rebuild of
    # this version is swapped in: their tables may not be what this code writes.
    outdated: list[str] = field(default_factory=list)


def all_projections() -> list[Projection]:
    return [
        TimelineProjection(),
        ContractsRegisterProjection(),
        DecisionsRegisterProjection(),
        GoverningBodiesProjection(),
        DeliveryRegistersProjection(),
        AlertsProjection(),
        PeopleProjection(),
        PartnershipsRegisterProjection(),
        SupplierMeetingsRegisterProjection(),
        PracticesRegisterProjection(),
    ]


class ProjectionRunner:
    """Brings read models up to the log, one transaction per batch of events.

    Rows and the tracking position commit together, and the position only moves from where the
    batch started, so a killed or duplicated runner can neither lose nor repeat an event.

    A batch that fails is tried again one projection at a time, so the others go on; the one
    that fails stops just before the event it cannot project, records a stall every process can
    read, and is tried again with a growing pause. Each new runner tries at once, so a restart
    after a fix resumes without waiting.

    What a runner remembers of rows holds for one generation of the tables: a rebuild swapping
    in the next one raises the generation on the tracking row, and the runner forgets.
    """

    def __init__(
        self,
        app: PartnershipApplication,
        store: ReadModelStore,
        projections: Sequence[Projection] | None = None,
        batch_size: int = 500,
        retry_after: float = RETRY_AFTER_SECONDS,
        retry_at_most: float = RETRY_AT_MOST_SECONDS,
        fresh: Callable[[], Sequence[Projection]] | None = None,
    ) -> None:
        self.app = app
        self.store = store
        self.projections = list(projections) if projections is not None else all_projections()
        # A rebuild writes with instances of its own: these remember the live generation's rows.
        self.fresh = fresh or (
            all_projections
            if projections is None
            else lambda: [type(p)() for p in self.projections]
        )
        self.batch_size = batch_size
        self.retry_after = retry_after
        self.retry_at_most = retry_at_most
        self._lock = threading.Lock()
        # (generation, position) each projection was left at by this runner's last write.
        self._written_up_to: dict[str, tuple[int, int]] = {}
        # When each stalled projection may next be tried (time.monotonic()), in this process.
        self._retry_at: dict[str, float] = {}
        self.setup()

    def setup(self) -> None:
        for projection in self.projections:
            self.store.create_tables(projection.tables)
            ensure_tracking_row(self.store, projection.name, projection.schema_version)

    def status(self) -> list[ProjectionStatus]:
        """How far behind the log each read model is, in events and in recorded time."""
        tracked = self._tracked()
        return read_status(self.app, [(p.name, tracked[p.name]) for p in self.projections])

    def positions(self) -> dict[str, int]:
        tracked = self._tracked()
        return {p.name: tracked[p.name].position for p in self.projections}

    def stalls(self) -> list[Stall]:
        """The read models stopped by an event they cannot project, as every process sees them."""
        tracked = self._tracked()
        return [s for p in self.projections if (s := tracked[p.name].stall) is not None]

    def _tracked(self) -> dict[str, Tracked]:
        with self.store.reader.connect() as conn:
            found = read_tracking(conn)
        return {p.name: found.get(p.name, Tracked(0, None)) for p in self.projections}

    def catch_up(self, until: int | None = None, progress: Progress | None = None) -> int:
        """Process events up to `until` (or the head); returns how many batches ran."""
        return self.advance(until, progress).batches

    def advance(self, until: int | None = None, progress: Progress | None = None) -> CatchUp:
        """Process events up to `until` (or the head); says which read models could not."""
        target = until if until is not None else self.app.head_position()
        tracked = self._tracked()
        stalls = {name: t.stall for name, t in tracked.items() if t.stall is not None}
        for name in list(self._retry_at):
            if name not in stalls:
                self._retry_at.pop(name, None)  # another process got it past its stall
        now = time.monotonic()
        foreign = [
            p.name for p in self.projections if tracked[p.name].schema_version != p.schema_version
        ]
        behind = [
            p
            for p in self.projections
            if tracked[p.name].position < target
            and p.name not in foreign
            and (p.name not in stalls or self._retry_at.get(p.name, now) <= now)
        ]
        # Nothing to do takes no lock and no write transaction.
        with self._lock if behind else nullcontext():
            batches = 0
            while behind:
                try:
                    processed, failed = self._next_batch(behind, until, stalls)
                except TrackingConflict:
                    log.info("another runner advanced first; re-reading positions")
                    self._forget_all()
                    continue
                except BaseException:
                    self._forget_all()
                    raise
                for stall in failed:
                    self._stalled(stall)
                    stalls[stall.projection] = stall
                behind = [p for p in behind if p.name not in {s.projection for s in failed}]
                if processed == 0:
                    break
                batches += 1
                if progress is not None:
                    progress(processed)
                # A short batch reached the head: no need for one more transaction to see it.
                if processed < self.batch_size:
                    break
        return CatchUp(
            batches,
            [s for s in stalls.values() if s.position <= target],
            [name for name in foreign if tracked[name].position < target],
        )

    def _stalled(self, stall: Stall) -> None:
        delay = self._delay(stall.attempts)
        self._retry_at[stall.projection] = time.monotonic() + delay
        log.error("%s; trying it again in %.0f s", stall.describe(), delay)

    def _delay(self, attempts: int) -> float:
        return min(self.retry_at_most, self.retry_after * 2.0 ** min(attempts - 1, 32))

    def _next_batch(
        self, projections: Sequence[Projection], until: int | None, stalls: dict[str, Stall]
    ) -> tuple[int, list[Stall]]:
        """One transaction for every projection: the log is read and decoded once per batch.

        If it fails, each projection is tried alone, and those that fail are stalled.
        """
        batch: Batch = []
        undecodable: tuple[int, str, Exception] | None = None
        try:
            with self.store.writer.begin() as conn:
                held = [lock_tracked(conn, p.name) for p in projections]
                positions = [h.position for h in held]
                for projection, row in zip(projections, held, strict=True):
                    if self._written_up_to.get(projection.name) != (row.generation, row.position):
                        # Someone else wrote since our last batch, or swapped in a rebuilt
                        # generation: what we remember may be stale.
                        projection.forget()
                start = min(positions)
                if until is not None and start >= until:
                    return 0, []
                batch, undecodable = self._read_batch(start)
                for projection, position in zip(projections, positions, strict=True):
                    self._project(conn, projection, position, batch, stalls)
        except TrackingConflict:
            raise
        except Exception:
            if not batch:
                raise  # the log or the database, not any one projection
            self._forget_all()
            return len(batch), self._one_by_one(projections, start, batch, stalls)
        # Only now is the batch committed, so only now is what the projections remember true.
        for projection, row in zip(projections, held, strict=True):
            if batch:
                self._moved(
                    projection, Held(max(row.position, batch[-1][0]), row.generation), stalls
                )
        if undecodable is None:
            return len(batch), []
        # Nothing can be projected past an event that cannot be read.
        at, topic, error = undecodable
        return len(batch), [
            self._record(p.name, at, topic, error)
            for p, position in zip(projections, positions, strict=True)
            if position < at
        ]

    def _read_batch(self, start: int) -> tuple[Batch, tuple[int, str, Exception] | None]:
        """The next events after `start`, decoded up to (not including) any that cannot be."""
        notifications = self.app.recorder.select_notifications(
            start=start, limit=self.batch_size, inclusive_of_start=False
        )
        batch: list[tuple[int, Event]] = []
        for notification in notifications:
            try:
                batch.append((notification.id, self.app.mapper.to_domain_event(notification)))
            except Exception as error:
                return batch, (notification.id, notification.topic, error)
        return batch, None

    def _project(
        self,
        conn: Connection,
        projection: Projection,
        position: int,
        batch: Batch,
        stalls: dict[str, Stall],
    ) -> None:
        unseen = [(at, event) for at, event in batch if at > position]
        if unseen:
            _process(projection, conn, unseen)
            end = unseen[-1][0]
            advance_position(conn, projection.name, position, end)
            if projection.name in stalls:
                # Cleared in the transaction that gets past it. A row of another process's that
                # this runner did not know of is left, but is ignored once it is behind.
                clear_stall(conn, projection.name, end)

    def _moved(self, projection: Projection, at: Held, stalls: dict[str, Stall]) -> None:
        """What this runner remembers once a transaction has put `projection` at `at`."""
        self._written_up_to[projection.name] = (at.generation, at.position)
        stall = stalls.get(projection.name)
        if stall is not None and stall.position <= at.position:
            del stalls[projection.name]
            self._retry_at.pop(projection.name, None)
            log.info("the %s read model is moving again", projection.name)

    def _one_by_one(
        self,
        projections: Sequence[Projection],
        start: int,
        batch: Batch,
        stalls: dict[str, Stall],
    ) -> list[Stall]:
        failed = []
        for projection in projections:
            try:
                with self.store.writer.begin() as conn:
                    at = lock_tracked(conn, projection.name)
                    if at.position < start:
                        raise TrackingConflict(projection.name)  # swapped under us: re-read
                    self._project(conn, projection, at.position, batch, stalls)
                self._moved(projection, Held(max(at.position, batch[-1][0]), at.generation), stalls)
            except TrackingConflict:
                projection.forget()
            except Exception:
                projection.forget()
                stall = self._narrow(projection, start, batch, stalls)
                if stall is not None:
                    failed.append(stall)
        return failed

    def _narrow(
        self, projection: Projection, start: int, batch: Batch, stalls: dict[str, Stall]
    ) -> Stall | None:
        """Find the event this projection fails on, commit the events before it, stall on it."""
        position, generation = start, 0
        unseen: list[tuple[int, Event]] = []
        failing = 0
        try:
            with self.store.writer.begin() as conn:
                position, generation = astuple(lock_tracked(conn, projection.name))
                if position < start:
                    raise TrackingConflict(projection.name)
                unseen = [(at, event) for at, event in batch if at > position]
                for pair in unseen:
                    _process(projection, conn, [pair])
                    failing += 1
                if unseen:
                    advance_position(conn, projection.name, position, unseen[-1][0])
                    clear_stall(conn, projection.name, unseen[-1][0])
            # Event by event it went through: the fault has passed.
            self._moved(projection, Held(max(position, batch[-1][0]), generation), stalls)
            return None
        except TrackingConflict:
            projection.forget()
            return None
        except Exception as found:
            projection.forget()
            error = found
        if not unseen:
            raise error  # not any one event's fault (the database itself, say)
        if failing == len(unseen):
            failing = 0  # every event went through but the commit did not: stop at the first
        if failing > 0:
            before = unseen[:failing]
            try:
                with self.store.writer.begin() as conn:
                    self._project(conn, projection, position, before, stalls)
                self._moved(projection, Held(before[-1][0], generation), stalls)
            except TrackingConflict:
                projection.forget()
                return None
            except Exception as again:
                projection.forget()
                failing, error = 0, again
        at, event = unseen[failing]
        return self._record(projection.name, at, get_topic(type(event)), error)

    def _record(self, projection: str, at: int, topic: str, error: Exception) -> Stall:
        text, now = describe_error(error), datetime.now(UTC)
        with self.store.writer.begin() as conn:
            return record_stall(conn, projection, at, topic, text, now)

    def _forget_all(self) -> None:
        self._written_up_to = {}
        for projection in self.projections:
            projection.forget()

    def forget_everything(self) -> None:
        self._forget_all()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """No batch of this runner's runs meanwhile."""
        with self._lock:
            yield

    def rebuild(
        self,
        progress: Progress | None = None,
        on_step: StepHook | None = None,
        only: Collection[str] | None = None,
    ) -> list[Stall]:
        """Replay the whole log into a new generation of the read models (all, or `only` these)
        while the live one keeps answering, and swap it in once it has caught up; says which
        read models stall in the new generation.

        Raises RebuildInProgress if another rebuild runs, GenerationBehind (the live generation
        kept) if the new one stalls before where the live one is.
        """
        names = self._sharing_tables(
            {p.name for p in self.projections if only is None or p.name in only}
        )
        chosen = [p for p in self.projections if p.name in names]

        def builder_over(store: ReadModelStore) -> ProjectionRunner:
            fresh = [p for p in self.fresh() if p.name in names]
            return ProjectionRunner(self.app, store, fresh, batch_size=self.batch_size)

        Rebuild(self, [p.name for p in chosen], builder_over, progress, on_step).run()
        for name in names:
            self._retry_at.pop(name, None)  # the new generation's stalls are tried at once
        return [stall for stall in self.stalls() if stall.projection in names]

    def _sharing_tables(self, names: set[str]) -> set[str]:
        """These read models and every one sharing a table with them: a table is swapped in
        whole, so all that write it are rebuilt together."""
        while True:
            tables = {t.name for p in self.projections if p.name in names for t in p.tables}
            sharing = {p.name for p in self.projections if tables & {t.name for t in p.tables}}
            if sharing <= names:
                return names
            names |= sharing

    def advance_within(self, conn: Connection, targets: dict[str, int]) -> None:
        """Bring these projections up to their target positions inside the caller's
        transaction; any failure is raised for the caller to roll back."""
        chosen = [p for p in self.projections if p.name in targets]
        at = {p.name: lock_tracked(conn, p.name).position for p in chosen}
        start, until = min(at.values(), default=0), max(targets.values(), default=0)
        while start < until:
            batch, undecodable = self._read_batch(start)
            batch = [(position, event) for position, event in batch if position <= until]
            for projection in chosen:
                unseen = [
                    pair
                    for pair in batch
                    if at[projection.name] < pair[0] <= targets[projection.name]
                ]
                if unseen:
                    _process(projection, conn, unseen)
                    advance_position(conn, projection.name, at[projection.name], unseen[-1][0])
                    at[projection.name] = unseen[-1][0]
            if undecodable is not None and undecodable[0] <= until:
                raise undecodable[2]
            if not batch:
                return
            start = batch[-1][0]

    def follow(self, stop: threading.Event, poll_interval: float = 1.0) -> None:
        """Keep the read models current until `stop` is set; nothing else ends it.

        PostgreSQL wakes us with the event store's own NOTIFY; SQLite has none, so it is polled.
        """
        waiter: Waiter | None = None
        failures = 0
        try:
            while not stop.is_set():
                try:
                    if waiter is None:
                        waiter = notification_waiter(self.app, poll_interval)
                    self.catch_up()
                    failures = 0
                    waiter(stop)
                except Exception:
                    failures += 1
                    delay = self._delay(failures)
                    log.exception(
                        "catching up the read models failed; trying again in %.0f s", delay
                    )
                    close_waiter(waiter)  # a broken listening connection is opened afresh
                    waiter = None
                    stop.wait(delay)
        finally:
            close_waiter(waiter)

    # Read-your-writes: the inline catch-up after a mutation (see projections/inline.py)

    def project_recorded(
        self, recorded: RecentlyRecorded, until: int, held: HeldConnection | None = None
    ) -> bool:
        """Bring every read model up to `until` from events this process recorded, in one
        transaction (on the `held` connection, if given); False, having written nothing,
        whenever `advance` must do it instead.

        It must whenever a read model is stalled, an event in the range was not recorded here,
        or anything fails: `advance` then meets the fault and reports it as it always does.
        """
        if self._retry_at:
            return False  # a stalled read model is tried again only once its pause is over
        names = [projection.name for projection in self.projections]
        moved: list[Projection] = []
        writer = self.store.writer
        with self._lock:
            try:
                with held.begin(writer) if held else writer.begin() as conn:
                    locked = lock_positions(conn, names, until)
                    if len(locked) < len(names) or any(
                        t.stalled or t.schema_version != p.schema_version
                        for p in self.projections
                        if (t := locked.get(p.name)) is not None
                    ):
                        raise GiveWay()
                    moved = [p for p in self.projections if locked[p.name].position < until]
                    if not moved:
                        return True
                    batch = recorded.between(min(locked[p.name].position for p in moved), until)
                    if batch is None:
                        raise GiveWay()
                    with writes_in_flight(conn):
                        for projection in moved:
                            at = locked[projection.name]
                            if self._written_up_to.get(projection.name) != (
                                at.generation,
                                at.position,
                            ):
                                # Another writer, or a rebuilt generation swapped in, since ours.
                                projection.forget()
                            unseen = [pair for pair in batch if pair[0] > at.position]
                            _process(projection, conn, unseen)
                    move_positions(conn, locked, [p.name for p in moved], until)
            except GiveWay:
                return False
            except Exception as error:
                self._forget_all()
                log.info("catching up inline gave way to a batch: %s", describe_error(error))
                return False
            for projection in moved:
                self._moved(projection, Held(until, locked[projection.name].generation), {})
        return True


def project_while_leading(
    runner: ProjectionRunner,
    election: Election,
    stop: threading.Event,
    poll_interval: float = 1.0,
    check_every: float = DEFAULT_RETRY_SECONDS,
    *,
    upgrade: bool = True,
) -> None:
    """The projector's life: stand by until elected, then (with `upgrade`) bring outdated read
    models up to date beside the live ones, and follow the log, until `stop` or until no longer
    elected."""

    def while_leading(term: threading.Event) -> None:
        # A standby's memory of rows may be stale by the time it leads.
        runner.forget_everything()
        rebuilding = upgrade_in_background(runner, term) if upgrade else None
        runner.follow(term, poll_interval)
        if rebuilding is not None:
            rebuilding.join(timeout=30)  # it stops at its next step; the next leader begins again

    lead(election, stop, while_leading, check_every)


def describe_error(error: BaseException) -> str:
    # The driver's own words, without the SQL statement and parameters SQLAlchemy adds.
    cause = getattr(error, "orig", None) or error
    words = " ".join(str(cause).split())
    return f"{type(cause).__name__}: {words}" if words else type(cause).__name__


def _process(projection: Projection, conn: Connection, batch: Batch) -> None:
    """Hand a projection the facts of the record; idempotency keys are the write side's own
    bookkeeping, so every read model passes over them (its position still moves past them)."""
    facts = [(at, event) for at, event in batch if not isinstance(event, IdempotencyKey.Event)]
    if facts:
        projection.process(conn, facts)
