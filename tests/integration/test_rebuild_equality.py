"""Every projection rebuilt from scratch equals its live version, row for row, on both stores.

The live read models are kept the way production keeps them: an inline catch-up after some
commands (read-your-writes) and, beside it, a projector with a small batch size catching up at
random points, so batch boundaries fall everywhere, between the events of one save too. Then
every table of every projection is compared with a fresh store built from the same log in one
batch, and with the live store after `rebuild()`. Projections are found through
`all_projections()`, so one added later is compared without changing this test.
"""

import json
import random
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from sqlalchemy import JSON, Connection, Table, Text, cast, make_url, select

from projections.database import ReadModelStore
from projections.runner import ProjectionRunner, all_projections
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock
from tests.integration.random_commands import AREAS, COMMANDS, EVENTS, RandomCommands

# (seed, batch size of the projector beside the inline catch-up): small, so batches end at
# every kind of place. The seeds are ones whose sequence succeeds at every kind of command.
CASES = ((7, 3), (9, 7))
COMMANDS_PER_SEED = 400

# The projections this sequence must fill: each of their tables gets rows. Any other projection
# (one added later) is still compared row for row, even if the sequence leaves it empty.
FILLED = ("timeline", "contracts_register", "decisions_register", "delivery_registers")

Rows = dict[str, list[dict[str, Any]]]


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "batch_size"), CASES)
def test_every_projection_rebuilt_from_scratch_equals_its_live_version(
    runtime: Runtime, clock: MovableClock, tmp_path: Path, seed: int, batch_size: int
) -> None:
    app = runtime.app
    clock.set_day(date(2005, 1, 3))
    commands = RandomCommands(app, clock, random.Random(f"commands-{seed}"), OFFICER)
    # A separate stream, so the commands drawn do not depend on when projections catch up.
    driver = random.Random(f"driver-{seed}")
    projector = ProjectionRunner(app, runtime.store, batch_size=batch_size)
    for _ in range(COMMANDS_PER_SEED):
        result = commands.step()
        roll = driver.random()
        if result is not None and roll < 0.3:
            runtime.seen(result)
        elif roll < 0.38:
            projector.catch_up()
        elif roll < 0.46:
            # Stopping short leaves the next inline catch-up to start mid-way through a save.
            projector.catch_up(until=app.head_position() - driver.randint(0, 4))
    projector.catch_up()
    runtime.runner.catch_up()
    check_the_sequence_covers_the_domain(commands, runtime)

    assert set(runtime.runner.positions().values()) == {app.head_position()}
    live = snapshot(runtime.store)
    assert [name for name, rows in live.items() if not rows and name.split(".")[0] in FILLED] == []
    assert_rebuilds_equal_live(runtime, tmp_path, live)


def assert_rebuilds_equal_live(runtime: Runtime, tmp_path: Path, live: "Rows") -> None:
    """A fresh store built from the whole log in one batch, and the live store after
    `rebuild()`, both hold exactly the rows of `live`."""
    app = runtime.app
    head = app.head_position()
    fresh = fresh_store(runtime, tmp_path)
    try:
        whole = ProjectionRunner(app, fresh, batch_size=1_000_000)
        whole.catch_up()
        assert set(whole.positions().values()) == {head}
        assert differences(live, snapshot(fresh)) == []
    finally:
        fresh.dispose()

    runtime.runner.rebuild()
    assert set(runtime.runner.positions().values()) == {head}
    assert differences(live, snapshot(runtime.store)) == []


def check_the_sequence_covers_the_domain(commands: RandomCommands, runtime: Runtime) -> None:
    """Guards against a vacuous pass: most commands succeed, in every area, of every kind."""
    counts = commands.counts
    attempted, succeeded = counts.by_area(counts.attempted), counts.by_area(counts.succeeded)
    assert sum(attempted.values()) == COMMANDS_PER_SEED
    assert sum(succeeded.values()) >= 0.85 * COMMANDS_PER_SEED, counts.refusals
    assert min(succeeded[area] for area in AREAS) >= 30, succeeded
    assert [name for name in COMMANDS if not counts.succeeded[name]] == []
    logged = {
        n.topic
        for n in runtime.app.recorder.select_notifications(
            start=1, limit=runtime.app.head_position()
        )
    }
    expected = {
        get_topic(getattr(aggregate, name)) for aggregate, names in EVENTS.items() for name in names
    }
    assert sorted(expected - logged) == []


class _SqlNull:
    def __repr__(self) -> str:
        return "SQL NULL"


# A JSON column can hold SQL NULL or the JSON value null, which read back alike through
# SQLAlchemy but answer `IS NULL` differently, so they are kept apart here.
SQL_NULL = _SqlNull()


def snapshot(store: ReadModelStore) -> Rows:
    """Every row of every projection's tables, ordered by primary key."""
    with store.reader.connect() as conn:
        return {
            f"{projection.name}.{table.name}": table_rows(conn, table)
            for projection in all_projections()
            for table in projection.tables
        }


def table_rows(conn: Connection, table: Table) -> list[dict[str, Any]]:
    """JSON is read as the text the database keeps and compared parsed: its text may order an
    object's keys differently, which is representation; nothing else about it may differ."""
    json_columns = {column.name for column in table.columns if isinstance(column.type, JSON)}
    query = select(
        *(
            cast(column, Text).label(column.name) if column.name in json_columns else column
            for column in table.columns
        )
    ).order_by(*table.primary_key.columns)
    return [
        {
            name: (SQL_NULL if value is None else json.loads(value))
            if name in json_columns
            else value
            for name, value in row.items()
        }
        for row in conn.execute(query).mappings()
    ]


def fresh_store(runtime: Runtime, tmp_path: Path) -> ReadModelStore:
    """An empty read-model store beside the live one, on the same kind of database."""
    if runtime.store.is_sqlite:
        return ReadModelStore(make_url(f"sqlite:///{tmp_path / 'rebuilt_read_models.sqlite'}"))
    return ReadModelStore(runtime.settings.read_model_url(), f"rebuilt_{uuid.uuid4().hex[:12]}")


def differences(live: Rows, rebuilt: Rows) -> list[str]:
    """What differs, row by row, in words a failing test can show (empty when equal)."""
    tables = {
        f"{projection.name}.{table.name}": table
        for projection in all_projections()
        for table in projection.tables
    }
    found = []
    for name in sorted(live.keys() | rebuilt.keys()):
        table = tables[name]
        before, after = keyed(table, live.get(name, [])), keyed(table, rebuilt.get(name, []))
        here = [f"{name} {k}: only live: {before[k]}" for k in sorted(before.keys() - after.keys())]
        here += [
            f"{name} {k}: only rebuilt: {after[k]}" for k in sorted(after.keys() - before.keys())
        ]
        for key in sorted(before.keys() & after.keys()):
            changed = {
                column: (value, after[key][column])
                for column, value in before[key].items()
                if after[key][column] != value
            }
            if changed:
                here.append(f"{name} {key}: (live, rebuilt): {changed}")
        if not here and live.get(name) != rebuilt.get(name):
            here.append(f"{name}: the same rows in another order")
        found += here
    return found


def keyed(table: Table, rows: list[dict[str, Any]]) -> dict[tuple[Any, ...], dict[str, Any]]:
    return {tuple(row[c.name] for c in table.primary_key.columns): row for row in rows}
