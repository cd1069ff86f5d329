"""Fixtures shared by every level: stores (SQLite, a real PostgreSQL, or a log in memory),
clocks, runtimes."""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import psycopg
import pytest

from partnership.domain import Actor
from service.settings import Settings
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime

POSTGRES_ADMIN_URL = os.environ.get(
    "PARTNERSHIP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

OFFICER = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")


@dataclass
class MovableClock:
    """Tests move time instead of waiting for it."""

    now: datetime = datetime(2011, 9, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def set_day(self, day: date) -> None:
        self.now = datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)


def postgres_available() -> bool:
    try:
        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    if not postgres_available():
        if IN_CI:
            pytest.fail(f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}; CI must test it")
        pytest.skip(f"PostgreSQL is unreachable at {POSTGRES_ADMIN_URL}")
    return POSTGRES_ADMIN_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A database of the test's own, dropped afterwards."""
    name = f"pt_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = postgres_admin_url.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The stores a test of persistence, projections, queries or crashes runs on: each of them.
BOTH_STORES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Runs each test that opens stores once per store its markers call for.

    Unmarked, a test runs on SQLite and on PostgreSQL. In a module marked `store_agnostic` it
    runs once, with the log in memory: a domain rule or an API answer is the same on every
    store; `both_stores` puts a test there of persistence, projections or queries back on each.
    A test that only reads, in a module marked `shared_example`, runs against the one example
    partnership and server of the whole run (tests/api/conftest.py). A module may still choose
    its stores itself with `pytest.mark.parametrize("settings", ...)`.
    """
    if "settings" not in metafunc.fixturenames or _chooses_its_stores(metafunc):
        return
    metafunc.parametrize("settings", stores_for(metafunc.definition), indirect=True)


def _chooses_its_stores(metafunc: pytest.Metafunc) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if "settings" in names:
            return True
    return False


def stores_for(node: pytest.Item) -> list[object]:
    if uses_shared_example(node):
        return ["shared"]
    if node.get_closest_marker("store_agnostic") and not node.get_closest_marker("both_stores"):
        return ["memory"]
    return BOTH_STORES


def uses_shared_example(node: pytest.Item) -> bool:
    return bool(node.get_closest_marker("shared_example")) and not node.get_closest_marker("writes")


@dataclass(frozen=True)
class LogInMemory(Settings):
    """Embedded settings whose event log is an SQLite database in memory, named per test; the
    read models stay in their file under `data_dir`, made in milliseconds.

    Every application opened in this process with the same settings shares the log, so a test
    can still reopen it and read back what it recorded; no other process can.
    """

    log_name: str = field(default_factory=lambda: f"pt_log_{uuid.uuid4().hex}")

    def event_store_env(self) -> dict[str, str]:
        return {
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": f"file:{self.log_name}?mode=memory&cache=shared",
        }


@pytest.fixture
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    store = request.param
    if store == "postgres":
        url = request.getfixturevalue("postgres_url")
        return Settings(data_dir=tmp_path, database_url=url, poll_interval_seconds=0.2)
    if store == "memory":
        return LogInMemory(data_dir=tmp_path / "var", poll_interval_seconds=0.2)
    if store == "shared":
        shared: Settings = request.getfixturevalue("shared_example").runtime.settings
        return shared
    return Settings(data_dir=tmp_path / "var", poll_interval_seconds=0.2)


@pytest.fixture
def clock(request: pytest.FixtureRequest) -> MovableClock:
    if uses_shared_example(request.node):
        shared: MovableClock = request.getfixturevalue("shared_example").clock
        return shared
    return MovableClock()


@pytest.fixture
def runtime(
    request: pytest.FixtureRequest, settings: Settings, clock: MovableClock
) -> Iterator[Runtime]:
    if uses_shared_example(request.node):
        yield request.getfixturevalue("shared_example").runtime
        return
    opened = open_runtime(settings, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment a child process needs to open the same stores."""
    if isinstance(settings, LogInMemory):
        raise ValueError("a log in memory cannot be shared with a child process")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERSHIP_")}
    env["PARTNERSHIP_DATA_DIR"] = str(settings.data_dir)
    env["PARTNERSHIP_POLL_INTERVAL_SECONDS"] = str(settings.poll_interval_seconds)
    if settings.database_url:
        env["PARTNERSHIP_DATABASE_URL"] = settings.database_url
    return env
