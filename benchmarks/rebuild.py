"""A full projection rebuild, and the floor it is measured against: inserting its rows raw.

The raw side takes the rows the rebuild produced (every read-model table but the tracking
row) and inserts them into fresh copies of the same tables, with the same engine set-up and
indexes, by executemany in batches of the projection batch size, in one transaction. What the
rebuild spends beyond that is reading and decoding the log, projecting, and its bookkeeping.
"""

import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, func, insert, select

from partnership.application import PartnershipApplication
from projections.database import ReadModelStore
from projections.runner import ProjectionRunner

Rows = dict[Table, list[dict[str, Any]]]


def read_model_tables(runner: ProjectionRunner) -> list[Table]:
    return [table for projection in runner.projections for table in projection.tables]


def time_rebuild(runner: ProjectionRunner) -> float:
    """Seconds for one `rebuild()`."""
    started = time.perf_counter()
    runner.rebuild()
    return time.perf_counter() - started


def count_events(app: PartnershipApplication) -> int:
    """How many events the log holds (PostgreSQL's ids can have gaps, so count them)."""
    count, position = 0, 0
    while page := app.recorder.select_notifications(
        start=position, limit=10_000, inclusive_of_start=False
    ):
        count += len(page)
        position = page[-1].id
    return count


def rows_of(store: ReadModelStore, tables: Sequence[Table]) -> Rows:
    with store.reader.connect() as conn:
        return {
            table: [
                dict(row)
                for row in conn.execute(
                    select(table).order_by(*table.primary_key.columns)
                ).mappings()
            ]
            for table in tables
        }


def time_raw_inserts(store: ReadModelStore, rows: Rows, batch_size: int) -> float:
    """Seconds to insert `rows` into freshly created, empty tables."""
    tables = list(rows)
    store.drop_tables(tables)
    store.create_tables(tables)
    started = time.perf_counter()
    with store.writer.begin() as conn:
        for table, table_rows in rows.items():
            for start in range(0, len(table_rows), batch_size):
                conn.execute(insert(table), table_rows[start : start + batch_size])
    elapsed = time.perf_counter() - started
    _check_copied(store, rows)
    return elapsed


def _check_copied(store: ReadModelStore, rows: Rows) -> None:
    with store.reader.connect() as conn:
        for table, table_rows in rows.items():
            count = conn.scalar(select(func.count()).select_from(table))
            if count != len(table_rows):
                raise RuntimeError(f"{table.name}: copied {count} rows of {len(table_rows)}")
