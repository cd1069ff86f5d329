"""The write workload, twice: through our commands, and through a bare eventsourcing app.

Both sides do the same shape of work, one event per save, as a user would: a create-only phase
(award N/5 contracts; create N/5 records), then four rounds of load + change + save over every
aggregate (extend, novate, vary, extend; or the bare `repository.get`, `change`, `save`). The
two sides run in alternating small blocks, and every command is also timed alone, so latency
percentiles come with the throughput.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from statistics import fmean
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import Notification

from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Actor, Provenance

CHANGES_PER_AGGREGATE = 4
EVENTS_PER_AGGREGATE = 1 + CHANGES_PER_AGGREGATE

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
ACTOR = Actor("Benchmark Officer", "Lancashire County Council", "benchmark:officer")
AUTHORITIES = (
    "Lancashire County Council",
    "Blackpool Council",
    "Blackburn with Darwen Borough Council",
)


@dataclass
class WriteRun:
    """One pass of the workload on one side."""

    create_seconds: float = 0.0
    create_events: int = 0
    change_seconds: float = 0.0
    change_events: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.create_seconds + self.change_seconds

    @property
    def events(self) -> int:
        return self.create_events + self.change_events


Step = Callable[[int], object]


@dataclass(frozen=True)
class Workload:
    """`create(i)` for each of `count` aggregates, then each of `changes` over them all."""

    count: int
    create: Step
    changes: Sequence[Step]


def _timed(steps: range, step: Step, latencies: list[float]) -> float:
    clock = time.perf_counter
    started = clock()
    for i in steps:
        before = clock()
        step(i)
        latencies.append(clock() - before)
    return clock() - started


def run_interleaved(ours: Workload, bare: Workload, block: int = 50) -> tuple[WriteRun, WriteRun]:
    """Run both workloads phase by phase, alternating blocks of `block` commands.

    The disk's fsync time dominates both sides and drifts by tens of percent within seconds;
    alternating small blocks makes both sides see the same disk, so the ratio is stable.
    """
    if ours.count != bare.count or len(ours.changes) != len(bare.changes):
        raise ValueError("the two workloads must have the same shape")
    runs = (WriteRun(), WriteRun())
    phases = [(True, ours.create, bare.create)]
    phases += [(False, a, b) for a, b in zip(ours.changes, bare.changes, strict=True)]
    for creating, *steps in phases:
        for number, start in enumerate(range(0, ours.count, block)):
            indices = range(start, min(start + block, ours.count))
            # Whoever goes first meets a cold page cache or a pending checkpoint: take turns.
            sides = list(zip(runs, steps, strict=True))
            for run, step in sides if number % 2 == 0 else sides[::-1]:
                seconds = _timed(indices, step, run.latencies)
                if creating:
                    run.create_seconds += seconds
                    run.create_events += len(indices)
                else:
                    run.change_seconds += seconds
                    run.change_events += len(indices)
    return runs


def run_alone(workload: Workload) -> WriteRun:
    run = WriteRun()
    everything = range(workload.count)
    run.create_seconds = _timed(everything, workload.create, run.latencies)
    run.create_events = workload.count
    for change in workload.changes:
        run.change_seconds += _timed(everything, change, run.latencies)
        run.change_events += workload.count
    return run


# Our command path


def _provenance(step: int, i: int) -> Provenance:
    effective = date(2024, 3, 1 + i % 28) if step == 0 else date(2025, step, 1 + i % 28)
    return Provenance(effective, f"Cabinet report CR-{step}-{i:06d}, item {1 + i % 12}")


def _terms(references: Sequence[str], i: int) -> ContractTerms:
    # Every tenth contract is back-to-back with the one before, as sub-contracts are.
    head = references[i - 1] if i % 10 == 9 else None
    return ContractTerms(
        reference=references[i],
        title=f"Highways maintenance and street lighting, lot {i % 40 + 1}",
        supplier=f"Supplier {i % 97} Civil Engineering Ltd",
        authority=AUTHORITIES[i % len(AUTHORITIES)],
        start_date=date(2024, 4, 1),
        end_date=date(2027, 3, 31),
        notice_period_days=90,
        value=Decimal("1250000.00") + i,
        extension_options_months=(12, 12),
        head_contract_reference=head,
    )


def our_workload(
    app: PartnershipApplication,
    tag: str,
    contracts: int,
    then: Callable[[CommandResult], object] | None = None,
) -> Workload:
    """Award `contracts` contracts, then extend, novate, vary and extend each one.

    `then`, if given, runs after each command (e.g. waiting for the read models).
    """
    refs = [f"BENCH-{tag}-{i:06d}" for i in range(contracts)]
    after = then or (lambda result: result)

    def envelope(step: int, i: int) -> Envelope:
        return Envelope(_provenance(step, i), ACTOR, NOW)

    def award(i: int) -> object:
        return after(app.award_contract(terms=_terms(refs, i), envelope=envelope(0, i)))

    def extend(step: int) -> Step:
        return lambda i: after(app.extend_contract(reference=refs[i], envelope=envelope(step, i)))

    def novate(i: int) -> object:
        new_supplier = f"Successor {i % 89} Infrastructure Services plc"
        return after(
            app.novate_contract(
                reference=refs[i], new_supplier=new_supplier, envelope=envelope(2, i)
            )
        )

    def vary(i: int) -> object:
        result = app.vary_contract(
            reference=refs[i],
            description="Scope widened to include the winter gritting routes",
            new_value=Decimal("1400000.00") + i,
            envelope=envelope(3, i),
        )
        return after(result)

    return Workload(contracts, award, [extend(1), novate, vary, extend(4)])


# The bare baseline


class Record(Aggregate):
    """The least an aggregate can be: one created event, then one kind of change."""

    @event("Created")
    def __init__(self, note: str) -> None:
        self.note = note
        self.changes = 0

    @event("Changed")
    def change(self, note: str) -> None:
        self.note = note
        self.changes += 1


class BareApplication(Application[UUID]):
    # Its own name: on PostgreSQL that is its own table in the same database.
    name = "bench_bare"


@dataclass(frozen=True)
class PayloadSizes:
    """Mean length in bytes of a stored event's state, for created and for changed events."""

    created: float
    changed: float


def _sizes(notifications: Sequence[Notification], created_suffix: str) -> PayloadSizes:
    created = [len(n.state) for n in notifications if n.topic.endswith(created_suffix)]
    changed = [len(n.state) for n in notifications if not n.topic.endswith(created_suffix)]
    return PayloadSizes(fmean(created or [0]), fmean(changed or [0]))


def our_payload_sizes(app: PartnershipApplication) -> PayloadSizes:
    return _sizes(app.recorder.select_notifications(start=None, limit=10_000), ".Awarded")


def bare_payload_sizes(app: BareApplication) -> PayloadSizes:
    return _sizes(app.recorder.select_notifications(start=None, limit=10_000), ".Created")


@dataclass(frozen=True)
class BareNotes:
    created: str
    changed: str


def notes_matching(app: BareApplication, sizes: PayloadSizes) -> BareNotes:
    """Notes long enough that the bare events are stored at the same size as ours."""
    probe = Record(note="")
    probe.change(note="")
    created, changed = (len(app.mapper.to_stored_event(e).state) for e in probe.collect_events())
    return BareNotes(
        created="x" * max(0, round(sizes.created) - created),
        changed="y" * max(0, round(sizes.changed) - changed),
    )


def bare_workload(app: BareApplication, records: int, notes: BareNotes) -> Workload:
    """Create `records` records, then four rounds of repository.get + change + save."""
    ids: list[UUID] = []

    def create(_: int) -> object:
        record = Record(note=notes.created)
        ids.append(record.id)
        return app.save(record)

    def change(i: int) -> object:
        record: Record = app.repository.get(ids[i])
        record.change(note=notes.changed)
        return app.save(record)

    return Workload(records, create, [change] * CHANGES_PER_AGGREGATE)
