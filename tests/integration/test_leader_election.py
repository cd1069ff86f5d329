"""One projector and one scheduler lead at a time on PostgreSQL; a standby takes over when the
leader is killed, and nothing is done twice."""

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from jobs.runs import job_runs
from jobs.scheduler import RENEWAL_SCAN_JOB
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.contracts import contracts_register
from projections.election import PROJECTOR, SCHEDULER, Leader, read_leaders
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from projections.tracking import read_position
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock, settings_env

pytestmark = [pytest.mark.processes, pytest.mark.postgres]

ON_POSTGRES = pytest.mark.parametrize(
    "settings", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
# Generous: a loaded machine may take many seconds to start a Python process.
DEADLINE_SECONDS = 120
# What the election promises: a dead leader's role is taken over within this.
TAKEOVER_SECONDS = 30
RETRY_SECONDS = "0.5"

T = TypeVar("T")


def wait_for(what: str, found: Callable[[], T | None], deadline: float = DEADLINE_SECONDS) -> T:
    until = time.monotonic() + deadline
    while True:
        value = found()
        if value:
            return value
        if time.monotonic() > until:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


class Process:
    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-c", "from service.cli import main; main()", *args],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def said(self, words: str) -> bool:
        return words in self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=30)


@pytest.fixture
def processes() -> Iterator[list[Process]]:
    started: list[Process] = []
    yield started
    for process in started:
        process.stop()


def award(runtime: Runtime, clock: MovableClock, reference: str) -> None:
    register_authorities(runtime.app, clock(), "Burnley Borough Council")
    runtime.app.award_contract(
        terms=ContractTerms(
            reference,
            "Election test",
            "Northgate",
            "Burnley Borough Council",
            date(2011, 4, 1),
            date(2014, 3, 31),
            90,
        ),
        envelope=Envelope(Provenance(date(2011, 3, 15), "paper"), OFFICER, clock()),
    )


def leaders(runtime: Runtime) -> dict[str, Leader | None]:
    with runtime.store.reader.connect() as conn:
        return read_leaders(conn)


def projected_to_head(runtime: Runtime) -> bool:
    with runtime.store.reader.connect() as conn:
        return read_position(conn, "timeline") >= runtime.app.head_position()


def counts(runtime: Runtime) -> tuple[int, int, list[tuple[str, str]]]:
    with runtime.store.reader.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(timeline_entries)) or 0,
            conn.scalar(select(func.count()).select_from(contracts_register)) or 0,
            [tuple(r) for r in conn.execute(select(job_runs.c.job, job_runs.c.claimed_by))],
        )


def leading(runtime: Runtime, role: str, among: list[Process]) -> Process | None:
    leader = leaders(runtime)[role]
    return next((p for p in among if leader is not None and leader.pid == p.pid), None)


@ON_POSTGRES
def test_one_of_each_leads_and_a_standby_takes_over_a_killed_leader(
    runtime: Runtime, clock: MovableClock, processes: list[Process], tmp_path: Path
) -> None:
    runtime.app.register_authority(
        name="Burnley Borough Council",
        kind="district",
        envelope=Envelope(Provenance(date(2011, 3, 1), "paper"), OFFICER, clock()),
    )
    for n in range(5):
        award(runtime, clock, f"ELECT/{n}")
    env = settings_env(runtime.settings)
    env["PARTNERSHIP_ELECTION_RETRY_SECONDS"] = RETRY_SECONDS
    projectors = [Process(env, tmp_path / f"project-{n}.log", "project") for n in range(2)]
    schedulers = [
        Process(env, tmp_path / f"schedule-{n}.log", "schedule", "--run-now") for n in range(2)
    ]
    processes.extend(projectors + schedulers)

    projector = wait_for("a projector to lead", lambda: leading(runtime, PROJECTOR, projectors))
    scheduler = wait_for("a scheduler to lead", lambda: leading(runtime, SCHEDULER, schedulers))
    standby_projector = next(p for p in projectors if p is not projector)
    standby_scheduler = next(p for p in schedulers if p is not scheduler)
    wait_for("the projector standing by", lambda: standby_projector.said("standing by"))
    wait_for("the scheduler standing by", lambda: standby_scheduler.said("standing by"))
    wait_for("the read models to catch up", lambda: projected_to_head(runtime))
    wait_for("the day's renewal scan", lambda: counts(runtime)[2])
    assert not standby_scheduler.said("renewal scan for")  # it stood by: it scanned nothing

    for leader in (projector, scheduler):
        leader.popen.send_signal(signal.SIGKILL)
        leader.popen.wait(timeout=30)
    killed = time.monotonic()
    wait_for(
        "the standbys to take over",
        lambda: (
            leading(runtime, PROJECTOR, projectors) is standby_projector
            and leading(runtime, SCHEDULER, schedulers) is standby_scheduler
        ),
    )
    assert time.monotonic() - killed < TAKEOVER_SECONDS

    for n in range(5, 8):
        award(runtime, clock, f"ELECT/{n}")
    wait_for("the new projector to catch up", lambda: projected_to_head(runtime))
    wait_for(
        "the new scheduler to find the day's scan done",
        lambda: standby_scheduler.said("has already run"),
    )

    timeline, register, runs = counts(runtime)
    logged = runtime.app.recorder.select_notifications(start=1, limit=10**6)
    assert timeline == len(logged)  # one row per event: none twice
    assert register == 8
    assert runs == [
        (RENEWAL_SCAN_JOB, f"partnership-scheduler:{scheduler.pid}@{leaders_host(runtime)}")
    ]


def leaders_host(runtime: Runtime) -> str:
    leader = leaders(runtime)[SCHEDULER]
    assert leader is not None
    return leader.host
