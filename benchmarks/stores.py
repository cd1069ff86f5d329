"""Where a benchmark runs: a throw-away SQLite directory or a throw-away PostgreSQL database.

Each target holds everything one store needs for the whole run, so that our command path, the
bare eventsourcing baseline, the rebuild and the raw inserts all hit the same server and disk.
"""

import secrets
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from projections.database import ReadModelStore
from service.settings import Settings

DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
RAW_SCHEMA = "bench_raw"


@dataclass(frozen=True)
class Target:
    name: str
    version: str
    settings: Settings
    # The bare baseline's event store: a separate SQLite file, or (on PostgreSQL) the same
    # database, where a different Application.name gives it its own table.
    bare_env: dict[str, str]
    # Fresh, empty copies of the read-model tables (same definitions, indexes and engine set-up).
    raw_store: Callable[[], ReadModelStore]


@contextmanager
def sqlite_target() -> Iterator[Target]:
    import sqlite3

    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        root = Path(tmp)
        settings = Settings(data_dir=root / "partnership")
        bare_env = {
            **settings.event_store_env(),
            "SQLITE_DBNAME": str(root / "bare_events.sqlite"),
        }
        raw_url = make_url(f"sqlite:///{root / 'raw' / 'read_models.sqlite'}")
        yield Target(
            name="sqlite",
            version=f"SQLite {sqlite3.sqlite_version}",
            settings=settings,
            bare_env=bare_env,
            raw_store=lambda: ReadModelStore(raw_url),
        )


def postgres_problem(admin_url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        with psycopg.connect(admin_url, connect_timeout=3, autocommit=True):
            return None
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__


@contextmanager
def postgres_target(admin_url: str = DEFAULT_ADMIN_URL) -> Iterator[Target]:
    """A fresh database `bench_<random>`, dropped afterwards even when the run fails."""
    database = f"bench_{secrets.token_hex(4)}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        row = admin.execute("SHOW server_version").fetchone()
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
    try:
        url = make_url(admin_url).set(database=database)
        settings = Settings(database_url=url.render_as_string(hide_password=False))
        yield Target(
            name="postgres",
            version=f"PostgreSQL {row[0] if row else '?'}",
            settings=settings,
            bare_env=settings.event_store_env(),
            raw_store=lambda: ReadModelStore(settings.read_model_url(), RAW_SCHEMA),
        )
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            # FORCE: a failed run may have left pooled connections open.
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
            )
