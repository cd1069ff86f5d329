"""Fixtures shared by every level: stores (SQLite and a real PostgreSQL), clocks, runtimes."""

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
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

OFFICER = Actor("Ruth Hawes", "Chorley Borough Council")


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


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return Settings(data_dir=tmp_path, database_url=url, poll_interval_seconds=0.2)
    return Settings(data_dir=tmp_path / "var", poll_interval_seconds=0.2)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


@pytest.fixture
def runtime(settings: Settings, clock: MovableClock) -> Iterator[Runtime]:
    opened = open_runtime(settings, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment a child process needs to open the same stores."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERSHIP_")}
    env["PARTNERSHIP_DATA_DIR"] = str(settings.data_dir)
    env["PARTNERSHIP_POLL_INTERVAL_SECONDS"] = str(settings.poll_interval_seconds)
    if settings.database_url:
        env["PARTNERSHIP_DATABASE_URL"] = settings.database_url
    return env
