"""Builds one process's runtime from its settings: the only place both are known."""

import os
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from partnership.application import PartnershipApplication
from projections.database import ReadModelStore
from projections.election import NAMESPACE
from projections.read.alerts import AlertRules
from projections.runner import ProjectionRunner
from projections.runtime import Clock, Policy, Runtime, system_clock
from service import postgres_url
from service.settings import Settings, SettingsError


@dataclass
class ServiceRuntime(Runtime):
    """A runtime that remembers the settings it was built from, for the CLI's own needs."""

    settings: Settings = field(default_factory=Settings)


def policy_of(settings: Settings) -> Policy:
    return Policy(
        renewal_horizon_days=settings.renewal_horizon_days,
        renewal_scan_hour=settings.renewal_scan_hour,
        alert_rules=AlertRules(settings.renewal_alert_days, settings.stale_recommendation_days),
    )


class DatabaseUnreachable(Exception):
    """The database cannot be reached or refuses us; the message names where, never a secret."""


def check_database_reachable(settings: Settings) -> None:
    """Fails fast, with one clear reason, when the database cannot be used; else returns.

    Without this a process waits out the event store's pool (30 s) and ends in a traceback.
    The attempt runs on a thread of its own: a name that never resolves is not bounded by
    libpq's timeout, and the wait for the thread is."""
    if settings.database_url is None:
        try:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SettingsError(
                f"PARTNERSHIP_DATA_DIR {str(settings.data_dir)!r} cannot be made: "
                f"{error.strerror or error.__class__.__name__}"
            ) from None
        return
    url = make_url(settings.database_url)
    parameters = settings.url_parameters()
    timeout = postgres_url.reachability_timeout(parameters)
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            with psycopg.connect(
                **_connect_arguments(settings, parameters), connect_timeout=timeout
            ):
                outcome.append(None)
        except BaseException as error:  # reported by the waiting thread
            outcome.append(error)

    attempting = threading.Thread(target=attempt, name="database-check", daemon=True)
    attempting.start()
    attempting.join(timeout + postgres_url.REACHABILITY_GRACE)
    where = postgres_url.where(url)
    if not outcome:
        raise DatabaseUnreachable(
            f"PostgreSQL at {where} did not answer within "
            f"{timeout + postgres_url.REACHABILITY_GRACE} s (PARTNERSHIP_DATABASE_URL)"
        )
    failure = outcome[0]
    if failure is None:
        return
    if isinstance(failure, psycopg.Error):
        raise DatabaseUnreachable(
            f"PostgreSQL at {where} cannot be used (PARTNERSHIP_DATABASE_URL): "
            f"{reason_of(failure, url.password)}"
        )
    raise failure


def _connect_arguments(settings: Settings, parameters: dict[str, str]) -> dict[str, Any]:
    url = make_url(settings.database_url or "")
    arguments: dict[str, Any] = {
        name: value for name, value in parameters.items() if name != "connect_timeout"
    }
    arguments.update(
        dbname=url.database,
        host=url.host or parameters.get("host") or "127.0.0.1",
        port=url.port or 5432,
        user=url.username or "postgres",
    )
    if url.password:
        arguments["password"] = url.password
    return arguments


def reason_of(error: BaseException, password: str | None = None) -> str:
    """libpq's reason, on one line, without the "connection to server at ..." preamble that
    the message already gives, and never the password."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    reason = lines[0] if lines else error.__class__.__name__
    _, separator, after = reason.rpartition(" failed: ")
    if separator:
        reason = after
    if password:
        reason = reason.replace(password, "***")
    return reason


# The key of the advisory lock processes take while they create tables, beside the keys of the
# elected roles (projections/election.py) in the same namespace.
_TABLES_KEY = zlib.crc32(b"tables") & 0x7FFF_FFFF


@contextmanager
def _one_at_a_time_creating_tables(settings: Settings) -> Iterator[None]:
    """On PostgreSQL, processes started together (the API, the projector, the scheduler) would
    each create the same tables at once, and all but one fail ("tuple concurrently updated"):
    an advisory lock lets one create them while the others wait, then find them there."""
    if settings.embedded:
        yield
        return
    engine = create_engine(settings.read_model_url(), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            conn.execute(
                text("SELECT pg_advisory_lock(:namespace, :key)"),
                {"namespace": NAMESPACE, "key": _TABLES_KEY},
            )
            try:
                yield
            finally:
                conn.execute(
                    text("SELECT pg_advisory_unlock(:namespace, :key)"),
                    {"namespace": NAMESPACE, "key": _TABLES_KEY},
                )
    finally:
        engine.dispose()


def open_runtime(settings: Settings, clock: Clock = system_clock) -> ServiceRuntime:
    if settings.embedded:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    # The event store's connections take the URL's parameters (sslmode, ...) from libpq's
    # environment: eventsourcing passes libpq only the address and the credentials.
    os.environ.update(settings.libpq_environment())
    with _one_at_a_time_creating_tables(settings):
        app = PartnershipApplication(env=settings.event_store_env())
        store = ReadModelStore(
            settings.read_model_url(), None if settings.embedded else settings.read_model_schema
        )
        runner = ProjectionRunner(app, store, batch_size=settings.projection_batch_size)
    return ServiceRuntime(
        policy=policy_of(settings),
        app=app,
        store=store,
        runner=runner,
        clock=clock,
        settings=settings,
    )
