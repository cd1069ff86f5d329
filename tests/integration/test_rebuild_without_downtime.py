"""A rebuild builds the next generation of the read models beside the live one and swaps it in
within one transaction: killed at any step, the live generation answers as before, and the next
start finishes the job. A read model of an older schema version is rebuilt on start while
queries keep answering; one of a newer version is refused.

Kills and pauses are injected at the rebuild's named steps, never timed.
"""

import random
import threading
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, update

from projections.creation import creation_facts
from projections.generations import generations_of
from projections.rebuilds import (
    ReadModelTooNew,
    RebuildStep,
    bring_up_to_date,
    outdated,
    upgrade_in_background,
)
from projections.runner import ProjectionRunner
from projections.runtime import ReadModelsBehind
from projections.status import ProjectionStatus
from projections.timeline import timeline_entries
from projections.tracking import read_tracking, tracking_table
from service.cli import main
from service.settings import Settings
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime
from tests.conftest import OFFICER, MovableClock, settings_env
from tests.integration.random_commands import RandomCommands
from tests.integration.test_projection_stall import award, registered
from tests.integration.test_rebuild_equality import assert_rebuilds_equal_live, snapshot

# Each test fills a record and rebuilds it, several times over: the full suite's, not the
# inner loop's.
pytestmark = pytest.mark.slow

COMMANDS = 150
DEADLINE_SECONDS = 120
# Small, so that the rebuild fills in several batches and can be stopped between two.
REBUILD_BATCH_SIZE = 40


class Killed(Exception):
    """Stands for the process dying at a step: nothing after it runs, not even a clean-up."""


def fill(runtime: Runtime, clock: MovableClock, seed: int = 11) -> None:
    clock.set_day(date(2005, 1, 3))
    commands = RandomCommands(runtime.app, clock, random.Random(f"downtime-{seed}"), OFFICER)
    for _ in range(COMMANDS):
        commands.step()
    runtime.runner.catch_up()


# What the live generation says of the first event, and no rebuild would: answers that change
# show which generation a reader is reading.
OLD_GENERATION = "as the live generation tells it"


def mark_the_live_generation(runtime: Runtime) -> None:
    with runtime.store.writer.begin() as conn:
        first = conn.scalar(select(func.min(timeline_entries.c.position)))
        conn.execute(
            update(timeline_entries)
            .where(timeline_entries.c.position == first)
            .values(summary=OLD_GENERATION)
        )


def marked(runtime: Runtime) -> bool:
    with runtime.store.reader.connect() as conn:
        found = conn.scalar(
            select(func.count()).where(timeline_entries.c.summary == OLD_GENERATION)
        )
    return bool(found)


def statuses(runtime: Runtime) -> dict[str, ProjectionStatus]:
    return {status.name: status for status in runtime.runner.status()}


def versions(runtime: Runtime) -> dict[str, int | None]:
    with runtime.store.reader.connect() as conn:
        return {name: at.schema_version for name, at in read_tracking(conn).items()}


def current_versions(runtime: Runtime) -> dict[str, int]:
    return {p.name: p.schema_version for p in runtime.runner.projections}


# (step, the how-manieth time it is reached): every step a rebuild passes, the fill mid-way.
KILLS = (
    (RebuildStep.NEXT_CREATED, 1),
    (RebuildStep.BATCH_FILLED, 3),
    (RebuildStep.CAUGHT_UP, 1),
    (RebuildStep.SWAPPING, 1),
    (RebuildStep.SWAPPED, 1),
)


@pytest.mark.parametrize(("step", "nth"), KILLS, ids=[str(step) for step, _ in KILLS])
def test_a_rebuild_killed_at_any_step_leaves_the_live_generation_answering(
    runtime: Runtime,
    settings: Settings,
    clock: MovableClock,
    tmp_path: Path,
    step: RebuildStep,
    nth: int,
) -> None:
    fill(runtime, clock)
    rebuilt = snapshot(runtime.store)
    mark_the_live_generation(runtime)
    before = snapshot(runtime.store)
    positions = runtime.runner.positions()
    head = runtime.app.head_position()
    assert set(positions.values()) == {head}
    assert sum(len(rows) for rows in before.values()) > COMMANDS  # not a vacuous comparison

    reached = 0
    answered_meanwhile = []

    def kill(at: RebuildStep) -> None:
        nonlocal reached
        if at != step:
            return
        reached += 1
        if reached < nth:
            return
        # PostgreSQL readers wait for the swap's one transaction to end; SQLite's read the last
        # committed state throughout.
        if at != RebuildStep.SWAPPING or runtime.store.is_sqlite:
            expected = rebuilt if at == RebuildStep.SWAPPED else before
            answered_meanwhile.append(snapshot(runtime.store) == expected)
            answered_meanwhile.append(runtime.runner.positions() == positions)
        raise Killed(at)

    rebuilder = ProjectionRunner(runtime.app, runtime.store, batch_size=REBUILD_BATCH_SIZE)
    with pytest.raises(Killed):
        rebuilder.rebuild(on_step=kill)
    assert reached == nth
    waits = step == RebuildStep.SWAPPING and not runtime.store.is_sqlite
    assert answered_meanwhile == ([] if waits else [True, True])

    # Killed: the live generation answers as before (the new one, had it been swapped in),
    # its positions not reset.
    swapped = step == RebuildStep.SWAPPED
    assert snapshot(runtime.store) == (rebuilt if swapped else before)
    assert marked(runtime) != swapped
    assert runtime.runner.positions() == positions
    assert runtime.runner.stalls() == []
    found = statuses(runtime)
    assert {s.position for s in found.values()} == {head}
    assert {s.lag_events for s in found.values()} == {0}
    # Until it is swapped in, every process can see that a rebuild is owed.
    assert all((s.rebuild_requested is None) == swapped for s in found.values())
    assert generations_of(runtime.store).leftovers()

    # The live generation still follows the log.
    runtime.seen(award(runtime, clock, "AFTER/1"))
    assert "AFTER/1" in registered(runtime)

    # The next start finishes the job: rebuilt (or, once swapped, cleaned up) and equal.
    restarted = open_runtime(settings, clock)
    try:
        owed = outdated(restarted.runner)
        assert (owed == []) == swapped
        assert all(o.interrupted and o.stored == o.current for o in owed)
        bring_up_to_date(restarted.runner)
        assert outdated(restarted.runner) == []
    finally:
        restarted.close()
    assert not generations_of(runtime.store).leftovers()
    assert not marked(runtime)
    assert "AFTER/1" in registered(runtime)
    assert set(runtime.runner.positions().values()) == {runtime.app.head_position()}
    assert versions(runtime) == current_versions(runtime)
    assert_rebuilds_equal_live(runtime, tmp_path, snapshot(runtime.store))


class Pauses:
    """Holds a rebuild at each of these steps (the first time it is reached) until resumed."""

    def __init__(self, *steps: RebuildStep) -> None:
        self.reached = {step: threading.Event() for step in steps}
        self.resumed = {step: threading.Event() for step in steps}

    def __call__(self, at: RebuildStep) -> None:
        if at in self.reached and not self.reached[at].is_set():
            self.reached[at].set()
            assert self.resumed[at].wait(DEADLINE_SECONDS)

    def reach(self, at: RebuildStep) -> None:
        assert self.reached[at].wait(DEADLINE_SECONDS), f"the rebuild never reached {at}"

    def resume(self, at: RebuildStep) -> None:
        self.resumed[at].set()

    def resume_all(self) -> None:
        for resumed in self.resumed.values():
            resumed.set()


def test_a_read_model_of_an_older_schema_version_is_rebuilt_on_start_while_queries_answer(
    runtime: Runtime, settings: Settings, clock: MovableClock, tmp_path: Path
) -> None:
    fill(runtime, clock)
    current = runtime.runner.projections[1].schema_version
    assert runtime.runner.projections[1].name == "contracts_register"
    with runtime.store.writer.begin() as conn:
        conn.execute(
            update(tracking_table)
            .where(tracking_table.c.projection == "contracts_register")
            .values(schema_version=current - 1)
        )
    before = snapshot(runtime.store)
    contracts = registered(runtime)
    assert contracts

    pauses = Pauses(RebuildStep.BATCH_FILLED, RebuildStep.CAUGHT_UP)

    restarted = open_runtime(settings, clock)
    stop = threading.Event()
    try:
        (owed,) = outdated(restarted.runner)
        assert (owed.name, owed.stored, owed.current) == (
            "contracts_register",
            current - 1,
            current,
        )
        rebuilding = upgrade_in_background(restarted.runner, stop, on_step=pauses)
        try:
            pauses.reach(RebuildStep.BATCH_FILLED)
            # Mid-rebuild: every query answers from the live generation as it stood. This code
            # does not write tables an older version built, so a change is recorded but its
            # answer says the read model is being rebuilt.
            assert snapshot(runtime.store) == before
            status = statuses(runtime)["contracts_register"]
            assert status.rebuild_requested is not None
            assert status.position == runtime.app.head_position()
            with pytest.raises(ReadModelsBehind, match="contracts_register read models were built"):
                restarted.seen(award(runtime, clock, "DURING/1"))
            assert registered(runtime) == contracts
            assert restarted.runner.stalls() == []
            pauses.resume(RebuildStep.BATCH_FILLED)
            # Caught up and about to swap: a change now comes after the new generation's last
            # batch, and is projected once it is live.
            pauses.reach(RebuildStep.CAUGHT_UP)
            with pytest.raises(ReadModelsBehind):
                restarted.seen(award(runtime, clock, "DURING/2"))
            assert registered(runtime) == contracts
        finally:
            pauses.resume_all()
            rebuilding.join(DEADLINE_SECONDS)
        assert not rebuilding.is_alive()
        assert outdated(restarted.runner) == []
    finally:
        stop.set()
        restarted.close()

    # Swapped in: this code's version, which the live runner follows again from where the new
    # generation stopped, taking in the changes recorded during the rebuild.
    assert versions(runtime)["contracts_register"] == current
    runtime.runner.catch_up()
    assert registered(runtime) == sorted([*contracts, "DURING/1", "DURING/2"])
    assert statuses(runtime)["contracts_register"].rebuild_requested is None
    assert set(runtime.runner.positions().values()) == {runtime.app.head_position()}
    assert not generations_of(runtime.store).leftovers()
    assert_rebuilds_equal_live(runtime, tmp_path, snapshot(runtime.store))


def test_an_upgrade_from_tables_older_code_filled_keeps_answering_and_records_no_stall(
    runtime: Runtime, settings: Settings, clock: MovableClock, tmp_path: Path
) -> None:
    """Older code kept no creation facts: this code's handlers would fail on its tables."""
    fill(runtime, clock)
    sharing = ("timeline", "delivery_registers", "alerts")
    with runtime.store.writer.begin() as conn:
        conn.execute(creation_facts.delete())
        conn.execute(
            update(tracking_table)
            .where(tracking_table.c.projection.in_(sharing))
            .values(schema_version=1)
        )
    before = snapshot(runtime.store)
    contracts = registered(runtime)
    pauses = Pauses(RebuildStep.BATCH_FILLED)

    restarted = open_runtime(settings, clock)
    stop = threading.Event()
    try:
        rebuilding = upgrade_in_background(restarted.runner, stop, on_step=pauses)
        try:
            pauses.reach(RebuildStep.BATCH_FILLED)
            with pytest.raises(ReadModelsBehind, match="being rebuilt"):
                restarted.seen(award(runtime, clock, "DURING/1"))
            # The read model this version still shares with older code moved on.
            assert registered(runtime) == sorted([*contracts, "DURING/1"])
            assert restarted.runner.stalls() == []
            # The others answer as they stood, and nothing was written into them.
            now = snapshot(runtime.store)
            for name in sharing:
                tables = [key for key in before if key.startswith(f"{name}.")]
                assert {key: now[key] for key in tables} == {key: before[key] for key in tables}
        finally:
            pauses.resume_all()
            rebuilding.join(DEADLINE_SECONDS)
        assert not rebuilding.is_alive()
        assert outdated(restarted.runner) == []
    finally:
        stop.set()
        restarted.close()

    assert runtime.runner.stalls() == []
    assert set(runtime.runner.positions().values()) == {runtime.app.head_position()}
    assert_rebuilds_equal_live(runtime, tmp_path, snapshot(runtime.store))


def test_a_read_model_of_a_newer_schema_version_is_refused_by_name(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(award(runtime, clock, "OK/1"))
    current = runtime.runner.projections[0].schema_version
    name = runtime.runner.projections[0].name
    with runtime.store.writer.begin() as conn:
        conn.execute(
            update(tracking_table)
            .where(tracking_table.c.projection == name)
            .values(schema_version=current + 1)
        )
    with pytest.raises(ReadModelTooNew) as refused:
        outdated(runtime.runner)
    assert (refused.value.name, refused.value.stored, refused.value.current) == (
        name,
        current + 1,
        current,
    )
    started = CliRunner().invoke(main, ["project", "--once"], env=settings_env(runtime.settings))
    assert started.exit_code == 1
    assert f"The {name} read model was built by newer code (schema version {current + 1})" in (
        started.output
    )
    assert f"this code knows version {current}" in started.output

    # Rebuilding is how a deployment goes back: it builds this code's version and swaps it in.
    rebuilt = CliRunner().invoke(main, ["rebuild"], env=settings_env(runtime.settings))
    assert rebuilt.exit_code == 0, rebuilt.output
    assert outdated(runtime.runner) == []
    with runtime.store.reader.connect() as conn:
        stored = conn.scalar(
            select(tracking_table.c.schema_version).where(tracking_table.c.projection == name)
        )
    assert stored == current
    assert registered(runtime) == ["OK/1"]
