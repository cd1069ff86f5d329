"""`/health/ready` is 503, naming each reason, while a read model is stalled or far behind, while
the database cannot be reached, or while no projector or scheduler leads; 200 once all is well.
`/health/live` (and `/health`) answer without touching a database; no health path is limited."""

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

import httpx
import psycopg
import pytest
from sqlalchemy.engine import make_url

from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership_graphql.app import ApiOptions
from projections.election import PROJECTOR, ROLES, AdvisoryLockElection, lead
from projections.runtime import Runtime
from tests.api.conftest import serving
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_projection_stall import (
    FAULT_MESSAGE,
    FAULTY,
    award,
    inject_fault,
    remove_fault,
)

DEADLINE_SECONDS = 60
UNREACHABLE = {"event_store_unreachable", "read_models_unreachable", "health_check_timed_out"}
ON_POSTGRES = pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


def register_council(runtime: Runtime, clock: MovableClock) -> None:
    runtime.seen(
        runtime.app.register_authority(
            name="Lancashire County Council",
            kind="county",
            envelope=Envelope(Provenance(date(2005, 1, 1), "paper"), OFFICER, clock()),
        )
    )


def ready(server: str) -> httpx.Response:
    return httpx.get(f"{server}/health/ready", timeout=30)


def codes(response: httpx.Response) -> set[str]:
    return {reason["code"] for reason in response.json()["reasons"]}


def wait_for_ready(server: str, until: Callable[[httpx.Response], bool]) -> httpx.Response:
    """Answers are reused for a second: poll until one says what is expected."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        answer = ready(server)
        if until(answer):
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"/health/ready never said so; last: {answer.text}")
        time.sleep(0.05)


@contextmanager
def leaders_elected(runtime: Runtime) -> Iterator[None]:
    """On PostgreSQL, this process stands for both roles (and stands again if cut off)."""
    if runtime.store.is_sqlite:
        yield
        return
    stop = threading.Event()
    standing = [
        threading.Thread(
            target=lead,
            args=(AdvisoryLockElection(runtime.store, role, 0.2), stop, lambda term: term.wait()),
            kwargs={"check_every": 0.2},
            daemon=True,
        )
        for role in ROLES
    ]
    for thread in standing:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in standing:
            thread.join(timeout=10)


def test_live_answers_without_a_database_and_no_health_path_is_rate_limited(
    runtime: Runtime,
) -> None:
    options = ApiOptions(requests_per_minute=1)
    with serving(runtime, options=options) as server:
        for _ in range(5):
            for path in ("/health", "/health/live", "/health/ready", "/health/projections"):
                answer = httpx.get(f"{server}{path}", timeout=30)
                assert answer.status_code in (200, 503), (path, answer.text)
        assert httpx.get(f"{server}/health/live", timeout=30).json() == {"status": "ok"}
        # The limit holds everywhere else.
        statuses = [
            httpx.get(f"{server}/graphql", params={"query": "{__typename}"}).status_code
            for _ in range(3)
        ]
        assert 429 in statuses, statuses


def test_ready_fails_while_a_read_model_is_stalled_and_recovers(
    runtime: Runtime, clock: MovableClock
) -> None:
    register_council(runtime, clock)
    runtime.seen(award(runtime, clock, "OK/1"))
    with leaders_elected(runtime), serving(runtime) as server:
        healthy = wait_for_ready(server, lambda r: r.status_code == 200)
        body = healthy.json()
        assert (body["status"], body["reasons"]) == ("ready", [])
        assert body["eventStore"] == {"reachable": True, "head": runtime.app.head_position()}
        assert {p["stalled"] for p in body["readModels"]["projections"].values()} == {False}
        if not runtime.store.is_sqlite:
            assert {body["leaders"][role]["pid"] for role in ROLES} == {os.getpid()}

        inject_fault(runtime)
        award(runtime, clock, FAULTY)
        runtime.runner.catch_up()
        stalled = wait_for_ready(server, lambda r: r.status_code == 503)
        assert stalled.json()["status"] == "not_ready"
        assert [r for r in stalled.json()["reasons"] if r["code"] == "read_model_stalled"] == [
            {"code": "read_model_stalled", "message": runtime.runner.stalls()[0].describe()}
        ]
        assert FAULT_MESSAGE in stalled.text
        assert stalled.json()["readModels"]["projections"]["contracts_register"]["stalled"]

        remove_fault(runtime)

        def resumed(answer: httpx.Response) -> bool:
            runtime.runner.catch_up()  # tried again once its pause is over
            return answer.status_code == 200

        assert wait_for_ready(server, resumed).json()["reasons"] == []


def test_ready_fails_while_a_read_model_is_too_far_behind(
    runtime: Runtime, clock: MovableClock
) -> None:
    register_council(runtime, clock)
    runtime.seen(award(runtime, clock, "LAG/0"))
    options = ApiOptions(requests_per_minute=None, ready_max_lag_events=2)
    with leaders_elected(runtime), serving(runtime, options=options) as server:
        wait_for_ready(server, lambda r: r.status_code == 200)
        for n in range(1, 4):
            award(runtime, clock, f"LAG/{n}")
        behind = wait_for_ready(server, lambda r: r.status_code == 503)
        assert codes(behind) == {"read_model_lagging"}
        assert "3 events behind the log (at most 2 are allowed)" in behind.text
        runtime.runner.catch_up()
        wait_for_ready(server, lambda r: r.status_code == 200)


@ON_POSTGRES
def test_ready_fails_while_nothing_leads_and_names_the_leaders(runtime: Runtime) -> None:
    with serving(runtime) as server:
        leaderless = wait_for_ready(server, lambda r: r.status_code == 503)
        assert codes(leaderless) == {"no_projector_elected", "no_scheduler_elected"}
        with leaders_elected(runtime):
            body = wait_for_ready(server, lambda r: r.status_code == 200).json()
            assert body["leaders"]["elected"] is True
            for role in ROLES:
                assert body["leaders"][role]["pid"] == os.getpid()
        gone = wait_for_ready(server, lambda r: r.status_code == 503)
        assert PROJECTOR in gone.json()["reasons"][0]["code"]


@ON_POSTGRES
def test_ready_fails_while_the_database_is_unreachable_and_recovers(
    runtime: Runtime, postgres_admin_url: str
) -> None:
    database = make_url(runtime.settings.database_url or "").database

    def allow_connections(allowed: bool) -> None:
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{database}" WITH ALLOW_CONNECTIONS {allowed}')
            if not allowed:
                conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                    (database,),
                )

    with leaders_elected(runtime), serving(runtime) as server:
        wait_for_ready(server, lambda r: r.status_code == 200)
        try:
            allow_connections(False)
            down = wait_for_ready(server, lambda r: bool(codes(r) & UNREACHABLE))
            assert down.status_code == 503
            assert down.json()["status"] == "not_ready"
            # The driver's own words (hosts, users) stay in the log.
            assert "accepting connections" not in down.text
            assert httpx.get(f"{server}/health/live", timeout=30).status_code == 200
        finally:
            allow_connections(True)
        back = wait_for_ready(server, lambda r: r.status_code == 200)
        assert back.json()["reasons"] == []
