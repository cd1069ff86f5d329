"""A mutation's catch-up projects the events its save just recorded, each exactly once, and
gives way to the batch catch-up whenever it could not be exact."""

import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.contracts import contracts_register
from projections.database import ReadModelStore
from projections.inline import RecentlyRecorded
from projections.runner import ProjectionRunner
from projections.runtime import ReadModelsBehind, Runtime
from projections.timeline import TimelineProjection, timeline_entries
from service.settings import Settings
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_projection_stall import FAULT_MESSAGE, FAULTY, inject_fault


def envelope(clock: MovableClock) -> Envelope:
    return Envelope(Provenance(date(2005, 1, 1), "paper"), OFFICER, clock())


def award(app: PartnershipApplication, clock: MovableClock, reference: str) -> CommandResult:
    terms = ContractTerms(
        reference,
        "Read-your-writes",
        "SX3",
        "Lancashire County Council",
        date(2005, 1, 1),
        date(2012, 1, 1),
        30,
    )
    register_authorities(app, clock(), terms.authority)
    return app.award_contract(terms=terms, envelope=envelope(clock))


def vary(app: PartnershipApplication, clock: MovableClock, reference: str) -> CommandResult:
    return app.vary_contract(reference=reference, description="Review", envelope=envelope(clock))


def registered(runtime: Runtime) -> list[str]:
    with runtime.store.reader.connect() as conn:
        return sorted(conn.scalars(select(contracts_register.c.reference)))


def assert_each_event_once(runtime: Runtime) -> None:
    logged = [n.id for n in runtime.app.recorder.select_notifications(start=1, limit=10**6)]
    with runtime.store.reader.connect() as conn:
        positions = list(conn.scalars(select(timeline_entries.c.position).order_by("position")))
    assert positions == logged


@pytest.fixture
def log_reads(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The start of every read of the log from now on."""
    reads: list[int] = []
    select_notifications = runtime.app.recorder.select_notifications

    def counted(*args: Any, **kwargs: Any) -> Any:
        reads.append(kwargs.get("start", args[0] if args else 0))
        return select_notifications(*args, **kwargs)

    monkeypatch.setattr(runtime.app.recorder, "select_notifications", counted)
    return reads


def test_a_mutation_is_readable_once_seen_without_reading_the_log_back(
    runtime: Runtime, clock: MovableClock, log_reads: list[int]
) -> None:
    runtime.seen(award(runtime.app, clock, "RYW/1"))
    runtime.seen(award(runtime.app, clock, "RYW/2"))
    varied = runtime.seen(vary(runtime.app, clock, "RYW/1"))

    assert log_reads == []
    assert set(runtime.runner.positions().values()) == {varied.position}
    assert registered(runtime) == ["RYW/1", "RYW/2"]
    assert_each_event_once(runtime)


def test_rows_no_longer_remembered_are_read_within_the_catch_up(
    runtime: Runtime, clock: MovableClock, log_reads: list[int]
) -> None:
    runtime.seen(award(runtime.app, clock, "AGAIN/1"))
    runtime.seen(award(runtime.app, clock, "AGAIN/2"))
    for reference in ("AGAIN/1", "AGAIN/2", "AGAIN/1"):
        runtime.runner.forget_everything()  # as after another writer: rows are read back
        latest = runtime.seen(vary(runtime.app, clock, reference))

    assert log_reads == []
    assert set(runtime.runner.positions().values()) == {latest.position}
    with runtime.store.reader.connect() as conn:
        rows = conn.execute(select(contracts_register.c.reference, contracts_register.c.version))
        versions = dict(rows.tuples().all())
    assert versions == {"AGAIN/1": 3, "AGAIN/2": 2}


def test_read_models_at_different_positions_each_get_only_what_they_lack(
    runtime: Runtime, clock: MovableClock, log_reads: list[int]
) -> None:
    award(runtime.app, clock, "AHEAD/1")
    award(runtime.app, clock, "AHEAD/2")
    ProjectionRunner(runtime.app, runtime.store, [TimelineProjection()]).catch_up()
    log_reads.clear()

    latest = runtime.seen(vary(runtime.app, clock, "AHEAD/1"))

    assert log_reads == []
    assert set(runtime.runner.positions().values()) == {latest.position}
    assert registered(runtime) == ["AHEAD/1", "AHEAD/2"]
    assert_each_event_once(runtime)


def test_events_another_process_recorded_are_read_from_the_log(
    runtime: Runtime, clock: MovableClock, settings: Settings, log_reads: list[int]
) -> None:
    other = PartnershipApplication(env=settings.event_store_env())
    try:
        award(other, clock, "ELSEWHERE/1")
    finally:
        other.close()
    mine = runtime.seen(award(runtime.app, clock, "HERE/1"))

    assert log_reads != []
    assert set(runtime.runner.positions().values()) == {mine.position}
    assert registered(runtime) == ["ELSEWHERE/1", "HERE/1"]
    assert_each_event_once(runtime)
    # Once past what it did not record, the next mutation is caught up from its own save again.
    log_reads.clear()
    runtime.seen(vary(runtime.app, clock, "HERE/1"))
    assert log_reads == []


@pytest.fixture
def fresh_store(runtime: Runtime, tmp_path: Path) -> Iterator[ReadModelStore]:
    """An empty read-model store beside the live one, on the same database server."""
    if runtime.store.is_sqlite:
        store = ReadModelStore(runtime.store.url.set(database=str(tmp_path / "fresh.sqlite")))
    else:
        store = ReadModelStore(runtime.store.url, "fresh_read_models")
    try:
        yield store
    finally:
        store.dispose()


def rows(store: ReadModelStore, tables: list[Table]) -> dict[str, list[Any]]:
    with store.reader.connect() as conn:
        return {
            table.name: conn.execute(select(table).order_by(*table.primary_key.columns)).all()
            for table in tables
        }


def test_beside_a_projector_every_event_is_projected_once(
    runtime: Runtime, clock: MovableClock, fresh_store: ReadModelStore
) -> None:
    app = runtime.app
    # A second runner on the same store, taking small batches, as a projector process would.
    projector = ProjectionRunner(app, runtime.store, batch_size=2)
    stop = threading.Event()
    failures: list[BaseException] = []

    def follow() -> None:
        try:
            while not stop.is_set():
                projector.catch_up()
        except BaseException as error:
            failures.append(error)

    follower = threading.Thread(target=follow)
    follower.start()
    try:
        for number in range(30):
            result = runtime.seen(award(app, clock, f"RACE/{number}"))
            assert min(runtime.runner.positions().values()) >= result.position
            if number % 3 == 0:
                runtime.seen(vary(app, clock, f"RACE/{number}"))
    finally:
        stop.set()
        follower.join(timeout=120)
    assert failures == []
    assert set(runtime.runner.positions().values()) == {app.head_position()}
    assert_each_event_once(runtime)

    scratch = ProjectionRunner(app, fresh_store)
    scratch.catch_up()
    tables = [table for projection in runtime.runner.projections for table in projection.tables]
    assert rows(runtime.store, tables) == rows(fresh_store, tables)


def test_a_read_model_that_cannot_project_holds_back_only_itself(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(award(runtime.app, clock, "OK/1"))
    inject_fault(runtime)
    faulty = award(runtime.app, clock, FAULTY)
    with pytest.raises(ReadModelsBehind) as raised:
        runtime.seen(faulty)
    assert "contracts_register" in raised.value.reason
    assert FAULT_MESSAGE in raised.value.reason

    later = award(runtime.app, clock, "OK/2")
    with pytest.raises(ReadModelsBehind):
        runtime.seen(later)
    positions = runtime.runner.positions()
    assert positions.pop("contracts_register") < faulty.position
    assert set(positions.values()) == {later.position}
    assert registered(runtime) == ["OK/1"]
    assert_each_event_once(runtime)


def test_only_an_unbroken_run_of_recorded_events_is_handed_out(runtime: Runtime) -> None:
    recorded = RecentlyRecorded(runtime.app.mapper, keep=3)
    runtime.app._notify = recorded.note  # type: ignore[method-assign]
    clock = MovableClock()
    first = award(runtime.app, clock, "HELD/1").position
    award(runtime.app, clock, "HELD/2")
    last = award(runtime.app, clock, "HELD/3").position

    held = recorded.between(first - 1, last)
    assert held is not None
    assert [at for at, _ in held] == [first, first + 1, first + 2]
    assert recorded.between(first - 2, last) is None  # one before them was not recorded here
    assert recorded.between(first - 1, last + 1) is None  # nor one after

    award(runtime.app, clock, "HELD/4")
    assert recorded.between(first - 1, last) is None  # the oldest has made way
    assert recorded.between(first, last + 1) is not None
