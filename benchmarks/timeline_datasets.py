"""Populated timeline read models, built once and cached, and a throw-away copy for each run.

Building a million-event read model takes minutes, and what is measured only reads it, so each
populated database is kept between runs and rebuilt only when missing (or when the generated
story changes: `DATASET_VERSION` is in the name):

- SQLite: `benchmarks/.data/timeline-v<version>-<events>.sqlite` (the folder is gitignored).
  A run copies the file into a temporary directory laid out as the embedded product's data
  directory (`read_models.sqlite`, and an empty `events.sqlite` made by `open_runtime`).
- PostgreSQL: the database `bench_timeline_v<version>_<events>`, read models in the schema
  the product uses (`read_models`). A run creates `bench_<random>` from it with CREATE
  DATABASE … TEMPLATE (a file copy, so the same pages and the same planner statistics) and
  drops it afterwards, like the other benchmarks' throw-away databases.

A dataset is built under a temporary name and renamed when complete, so an interrupted build
is never taken for a finished one. `drop_cached` removes them all.
"""

import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.timeline_data import DATASET_VERSION, synthetic_log
from projections.database import ReadModelStore
from projections.timeline import TimelineProjection
from projections.tracking import advance_position, ensure_tracking_row, lock_position
from service.settings import Settings

CACHE = Path(__file__).resolve().parent / ".data"
PG_PREFIX = "bench_timeline_v"


@dataclass(frozen=True)
class Dataset:
    store: str  # sqlite | postgres
    events: int
    where: str  # the cached file or database
    built_seconds: float | None  # None when it came from the cache


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def populate(store: ReadModelStore, events: int) -> None:
    """The timeline of `events` synthetic events, batch by batch, as the projection runner does.

    Each batch is one transaction: lock the tracking row, write the rows, advance the row.
    """
    projection = TimelineProjection()
    store.drop_tables(projection.tables)
    store.create_tables(projection.tables)
    ensure_tracking_row(store, projection.name)
    started = time.perf_counter()
    step = max(1, events // 10)
    for batch in synthetic_log(events):
        with store.writer.begin() as conn:
            position = lock_position(conn, projection.name)
            projection.process(conn, batch)
            advance_position(conn, projection.name, position, batch[-1][0])
        end = batch[-1][0]
        if end % step < len(batch) or end == events:
            rate = end / (time.perf_counter() - started)
            _say(f"  {store.url.get_backend_name()}: {end:,}/{events:,} events ({rate:,.0f}/s)")


def sqlite_dataset(events: int) -> Dataset:
    path = CACHE / f"timeline-v{DATASET_VERSION}-{events}.sqlite"
    if path.exists():
        return Dataset("sqlite", events, str(path), None)
    CACHE.mkdir(parents=True, exist_ok=True)
    building = path.with_suffix(".building")
    for leftover in CACHE.glob(f"{building.name}*"):
        leftover.unlink()
    _say(f"building {path.name} ({events:,} events) …")
    started = time.perf_counter()
    store = ReadModelStore(make_url(f"sqlite:///{building}"))
    try:
        populate(store, events)
    finally:
        store.dispose()
    # Everything into the main file, so that the file alone is the dataset.
    with closing(sqlite3.connect(building)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    building.rename(path)
    return Dataset("sqlite", events, str(path), time.perf_counter() - started)


def _pg_name(events: int) -> str:
    return f"{PG_PREFIX}{DATASET_VERSION}_{events}"


def _databases(admin_url: str) -> set[str]:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        return {row[0] for row in admin.execute("SELECT datname FROM pg_database")}


def postgres_dataset(admin_url: str, events: int) -> Dataset:
    name = _pg_name(events)
    if name in _databases(admin_url):
        return Dataset("postgres", events, name, None)
    building = f"{name}_building"
    _say(f"building database {name} ({events:,} events) …")
    started = time.perf_counter()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(building))
        )
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(building)))
    url = make_url(admin_url).set(database=building)
    settings = Settings(database_url=url.render_as_string(hide_password=False))
    # Exactly the store open_runtime builds: the same engine and the `read_models` schema.
    store = ReadModelStore(settings.read_model_url(), settings.read_model_schema)
    try:
        populate(store, events)
        with store.writer.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # What autovacuum does after a bulk of inserts (this server runs with it off).
            conn.execute(text(f'ANALYZE "{settings.read_model_schema}".timeline_entries'))
            conn.execute(text(f'ANALYZE "{settings.read_model_schema}".timeline_authorities'))
            conn.execute(text(f'ANALYZE "{settings.read_model_schema}".creation_facts'))
    finally:
        store.dispose()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} RENAME TO {}").format(
                sql.Identifier(building), sql.Identifier(name)
            )
        )
    return Dataset("postgres", events, name, time.perf_counter() - started)


def dataset(store: str, events: int, admin_url: str) -> Dataset:
    if store == "sqlite":
        return sqlite_dataset(events)
    return postgres_dataset(admin_url, events)


def is_cached(store: str, events: int, admin_url: str) -> bool:
    if store == "sqlite":
        return (CACHE / f"timeline-v{DATASET_VERSION}-{events}.sqlite").exists()
    return _pg_name(events) in _databases(admin_url)


def drop_cached(admin_url: str | None) -> list[str]:
    """Remove every cached dataset (files, and databases when PostgreSQL is given)."""
    dropped = []
    if CACHE.exists():
        dropped += [str(path) for path in CACHE.iterdir()]
        shutil.rmtree(CACHE)
    if admin_url is not None:
        for name in sorted(_databases(admin_url)):
            if name.startswith(PG_PREFIX):
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(
                        sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name))
                    )
                dropped.append(f"database {name}")
    return dropped


@contextmanager
def sqlite_copy(data: Dataset) -> Iterator[Settings]:
    """The embedded product's data directory holding a copy of the cached read models."""
    with tempfile.TemporaryDirectory(prefix="bench_timeline_") as tmp:
        data_dir = Path(tmp) / "partnership"
        data_dir.mkdir()
        shutil.copyfile(data.where, data_dir / "read_models.sqlite")
        yield Settings(data_dir=data_dir)


@contextmanager
def postgres_copy(data: Dataset, admin_url: str) -> Iterator[Settings]:
    """A fresh database `bench_<random>` copied from the cached one, dropped afterwards."""
    database = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(database), sql.Identifier(data.where)
            )
        )
    try:
        url = make_url(admin_url).set(database=database)
        yield Settings(database_url=url.render_as_string(hide_password=False))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )


@contextmanager
def copy_of(data: Dataset, admin_url: str) -> Iterator[Settings]:
    if data.store == "sqlite":
        with sqlite_copy(data) as settings:
            yield settings
    else:
        with postgres_copy(data, admin_url) as settings:
            yield settings
