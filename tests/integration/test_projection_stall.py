"""A read model that cannot project an event stops alone, says so, and resumes once it can.

The fault is real: a database trigger on one read model's table refuses one row, as a column
too narrow or a value out of range would.
"""

import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Table, select

from partnership.application import CommandResult
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.contracts import ContractsRegisterProjection, contracts_register
from projections.database import ReadModelStore
from projections.kit import Batch, Projection
from projections.runner import ProjectionRunner, ProjectionStatus
from projections.runtime import ReadModelsBehind, Runtime
from projections.timeline import TimelineProjection, timeline_entries
from projections.tracking import Stall
from service.cli import main
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock, settings_env

pytestmark = pytest.mark.processes

FAULTY = "FAULT/1"
FAULT_MESSAGE = "injected fault: this row is refused"
DEADLINE_SECONDS = 120


def inject_fault(runtime: Runtime, reference: str = FAULTY) -> None:
    """Make the contracts register's table refuse the row for one contract."""
    break_store(runtime.store, reference)


def break_store(store: ReadModelStore, reference: str = FAULTY) -> None:
    with store.writer.begin() as conn:
        if store.is_sqlite:
            # A rebuild's tables are in a database of their own, attached under its name.
            trigger = f'"{store.schema}".injected_fault' if store.schema else "injected_fault"
            conn.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {trigger} BEFORE INSERT ON contracts_register "
                f"WHEN NEW.reference = '{reference}' "
                f"BEGIN SELECT RAISE(ABORT, '{FAULT_MESSAGE}'); END"
            )
        else:
            schema = f'"{store.schema}"'
            conn.exec_driver_sql(
                f"CREATE OR REPLACE FUNCTION {schema}.injected_fault() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN IF NEW.reference = '{reference}' THEN "
                f"RAISE EXCEPTION '{FAULT_MESSAGE}'; END IF; RETURN NEW; END $$"
            )
            conn.exec_driver_sql(
                "CREATE OR REPLACE TRIGGER injected_fault BEFORE INSERT ON "
                f"{schema}.contracts_register "
                f"FOR EACH ROW EXECUTE FUNCTION {schema}.injected_fault()"
            )


def remove_fault(runtime: Runtime) -> None:
    # After a rebuild the live table is a new one, its fault put there by `create_then_break`
    # while it was being built (SQLite copies its rows into a table without the trigger).
    store = runtime.store
    with store.writer.begin() as conn:
        if store.is_sqlite:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS injected_fault")
        else:
            schema = f'"{store.schema}"'
            conn.exec_driver_sql(
                f"DROP TRIGGER IF EXISTS injected_fault ON {schema}.contracts_register"
            )
            conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {schema}.injected_fault()")


def award(runtime: Runtime, clock: MovableClock, reference: str) -> CommandResult:
    register_authorities(runtime.app, clock(), "Lancashire County Council")
    return runtime.app.award_contract(
        terms=ContractTerms(
            reference,
            "Stall test",
            "SX3",
            "Lancashire County Council",
            date(2005, 1, 1),
            date(2012, 1, 1),
            30,
        ),
        envelope=Envelope(Provenance(date(2005, 1, 1), "paper"), OFFICER, clock()),
    )


def vary(runtime: Runtime, clock: MovableClock, reference: str) -> CommandResult:
    return runtime.app.vary_contract(
        reference=reference,
        description="Review",
        envelope=Envelope(Provenance(date(2006, 1, 1), "paper"), OFFICER, clock()),
    )


def statuses(runtime: Runtime) -> dict[str, ProjectionStatus]:
    return {status.name: status for status in runtime.runner.status()}


def wait_for(what: str, condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def others_at_head(runtime: Runtime) -> bool:
    head = runtime.app.head_position()
    found = statuses(runtime).values()
    return all(s.position == head for s in found if s.name != "contracts_register")


def assert_stalled_on(runtime: Runtime, faulty: CommandResult) -> Stall:
    found = statuses(runtime)
    stall = found["contracts_register"].stall
    assert stall is not None
    assert stall.projection == "contracts_register"
    assert stall.position == faulty.position
    assert stall.event_name == "Contract.Awarded"
    assert stall.event_type.endswith(":Contract.Awarded")
    assert FAULT_MESSAGE in stall.error
    assert found["contracts_register"].position < faulty.position
    assert found["contracts_register"].lag_events > 0  # never claims to be current
    head = runtime.app.head_position()
    assert {name: s.position for name, s in found.items() if name != "contracts_register"} == {
        name: head for name in found if name != "contracts_register"
    }
    assert [s.name for s in found.values() if s.stall is not None] == ["contracts_register"]
    return stall


def registered(runtime: Runtime) -> list[str]:
    with runtime.store.reader.connect() as conn:
        return sorted(conn.scalars(select(contracts_register.c.reference)))


def assert_each_event_once(runtime: Runtime) -> None:
    logged = [n.id for n in runtime.app.recorder.select_notifications(start=1, limit=10**6)]
    with runtime.store.reader.connect() as conn:
        positions = list(conn.scalars(select(timeline_entries.c.position).order_by("position")))
    assert positions == logged


@pytest.fixture
def projector(runtime: Runtime) -> Iterator[Callable[[], subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []

    def start() -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", "from service.cli import main; main()", "project"],
            env=settings_env(runtime.settings),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        return process

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)


def stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr
    return stderr


@pytest.mark.slow
def test_the_follower_keeps_the_others_going_and_a_restart_resumes_after_the_fix(
    runtime: Runtime,
    clock: MovableClock,
    projector: Callable[[], subprocess.Popen[str]],
) -> None:
    runtime.seen(award(runtime, clock, "OK/1"))
    inject_fault(runtime)
    follower = projector()
    faulty = award(runtime, clock, FAULTY)
    award(runtime, clock, "OK/2")
    vary(runtime, clock, "OK/1")

    wait_for("the stall", lambda: statuses(runtime)["contracts_register"].stall is not None)
    wait_for("the others to reach the head", lambda: others_at_head(runtime))
    assert_stalled_on(runtime, faulty)
    # Tried again, with a pause between, by a follower that is still running.
    wait_for(
        "a second attempt",
        lambda: (
            (stall := statuses(runtime)["contracts_register"].stall) is not None
            and stall.attempts >= 2
        ),
    )
    assert follower.poll() is None
    # Later events still reach every other read model.
    award(runtime, clock, "OK/3")
    wait_for("the others to reach the new head", lambda: others_at_head(runtime))
    stall = assert_stalled_on(runtime, faulty)
    assert stall.since < stall.last_attempt
    assert registered(runtime) == ["OK/1"]
    stderr = stop(follower)  # a stop, and only a stop, ends it
    assert "contracts_register read model is stalled at log position" in stderr

    remove_fault(runtime)
    resumed = projector()
    wait_for("the stall to clear", lambda: runtime.runner.stalls() == [])
    head = runtime.app.head_position()
    wait_for(
        "every read model to reach the head",
        lambda: set(runtime.runner.positions().values()) == {head},
    )
    stop(resumed)
    assert registered(runtime) == ["FAULT/1", "OK/1", "OK/2", "OK/3"]
    assert_each_event_once(runtime)


def test_a_recorded_change_whose_read_models_stall_says_so(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(award(runtime, clock, "OK/1"))
    inject_fault(runtime)
    faulty = award(runtime, clock, FAULTY)
    with pytest.raises(ReadModelsBehind) as raised:
        runtime.seen(faulty)
    assert (raised.value.position, raised.value.version) == (faulty.position, faulty.version)
    assert "contracts_register" in raised.value.reason
    assert "Contract.Awarded" in raised.value.reason
    assert FAULT_MESSAGE in raised.value.reason
    assert_stalled_on(runtime, faulty)

    # A later change cannot be read back from the stalled register either; the others keep it.
    later = award(runtime, clock, "OK/2")
    with pytest.raises(ReadModelsBehind):
        runtime.seen(later)
    assert_stalled_on(runtime, faulty)
    # Not tried again before its pause is over.
    runtime.runner.catch_up()
    assert statuses(runtime)["contracts_register"].stall == assert_stalled_on(runtime, faulty)

    remove_fault(runtime)
    runtime.runner = ProjectionRunner(runtime.app, runtime.store)  # a restart tries at once
    assert runtime.seen(vary(runtime, clock, "OK/1"))
    assert runtime.runner.stalls() == []
    assert registered(runtime) == ["FAULT/1", "OK/1", "OK/2"]
    assert_each_event_once(runtime)


def partnership(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        env=settings_env(runtime.settings),
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
        check=False,
    )


def test_project_once_and_rebuild_fail_loudly_and_name_the_stalled_read_model(
    runtime: Runtime, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime.seen(award(runtime, clock, "OK/1"))
    inject_fault(runtime)
    faulty = award(runtime, clock, FAULTY)
    award(runtime, clock, "OK/2")

    once = partnership(runtime, "project", "--once")
    assert once.returncode == 1, once.stderr
    expected = f"contracts_register read model is stalled at log position {faulty.position}"
    assert expected in once.stderr
    assert "(Contract.Awarded)" in once.stderr
    assert FAULT_MESSAGE in once.stderr
    assert_stalled_on(runtime, faulty)

    # A rebuild builds new tables beside the live ones: the fault is put on the new one too.
    create_tables = ReadModelStore.create_tables

    def create_then_break(store: ReadModelStore, tables: Iterable[Table]) -> None:
        tables = list(tables)
        create_tables(store, tables)
        if contracts_register in tables:
            break_store(store)

    monkeypatch.setattr(ReadModelStore, "create_tables", create_then_break)
    rebuilt = CliRunner().invoke(main, ["rebuild"], env=settings_env(runtime.settings))
    monkeypatch.undo()
    assert rebuilt.exit_code == 1, rebuilt.output
    assert expected in rebuilt.output
    assert "every other read model was rebuilt in full" in rebuilt.output
    stall = assert_stalled_on(runtime, faulty)
    assert stall.attempts == 1  # a rebuild starts its stall afresh
    assert registered(runtime) == ["OK/1"]  # the events before the fault, and it says so

    remove_fault(runtime)
    again = partnership(runtime, "project", "--once")
    assert again.returncode == 0, again.stderr
    assert runtime.runner.stalls() == []
    assert registered(runtime) == ["FAULT/1", "OK/1", "OK/2"]
    assert_each_event_once(runtime)


class FailingOn:
    """A projection that raises a plain Python error on one event until it is healed."""

    def __init__(self, inner: Projection, position: int) -> None:
        self.inner = inner
        self.name = inner.name
        self.tables = inner.tables
        self.schema_version = inner.schema_version
        self.position = position
        self.healed = threading.Event()

    def process(self, conn: object, batch: Batch) -> None:
        if not self.healed.is_set() and any(at == self.position for at, _ in batch):
            raise ValueError(f"cannot handle the event at {self.position}")
        self.inner.process(conn, batch)  # type: ignore[arg-type]

    def forget(self) -> None:
        self.inner.forget()


def test_a_python_error_stalls_one_projection_and_the_follower_retries_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    results = [award(runtime, clock, f"OK/{n}") for n in range(5)]
    failing = FailingOn(TimelineProjection(), results[2].position)
    runner = ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[failing, ContractsRegisterProjection()],
        batch_size=3,
        retry_after=0.05,
        retry_at_most=0.2,
    )
    stopping = threading.Event()
    follower = threading.Thread(target=runner.follow, args=(stopping, 0.05))
    follower.start()
    try:
        head = runtime.app.head_position()
        wait_for(
            "the register to reach the head",
            lambda: runner.positions()["contracts_register"] == head,
        )
        wait_for("retries", lambda: (s := runner.stalls()) != [] and s[0].attempts >= 3)
        (stall,) = runner.stalls()
        assert (stall.projection, stall.position) == ("timeline", results[2].position)
        assert stall.error == f"ValueError: cannot handle the event at {results[2].position}"
        assert runner.positions()["timeline"] == results[1].position  # the events before it
        assert follower.is_alive()
        failing.healed.set()
        wait_for("the stall to clear", lambda: runner.stalls() == [])
        wait_for("the timeline to reach the head", lambda: runner.positions()["timeline"] == head)
    finally:
        stopping.set()
        follower.join(timeout=30)
    assert not follower.is_alive()
    assert_each_event_once(runtime)


def test_an_event_that_cannot_be_read_stalls_every_projection_at_it(
    runtime: Runtime, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = award(runtime, clock, "OK/1")
    unreadable = award(runtime, clock, "OK/2")
    award(runtime, clock, "OK/3")
    mapper = runtime.app.mapper
    decode = mapper.to_domain_event

    def refuse(notification: object) -> object:
        if getattr(notification, "id", None) == unreadable.position:
            raise LookupError("no such event class")
        return decode(notification)  # type: ignore[arg-type]

    monkeypatch.setattr(mapper, "to_domain_event", refuse)
    runtime.runner.catch_up()
    found = statuses(runtime)
    assert {s.position for s in found.values()} == {first.position}
    assert {(s.stall.position, s.stall.error) for s in found.values() if s.stall} == {
        (unreadable.position, "LookupError: no such event class")
    }
    assert len([s for s in found.values() if s.stall]) == len(found)
    monkeypatch.undo()
    runtime.runner = ProjectionRunner(runtime.app, runtime.store)
    runtime.runner.catch_up()
    assert runtime.runner.stalls() == []
    assert_each_event_once(runtime)
