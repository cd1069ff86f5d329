"""A projector killed with SIGKILL, again and again, still projects each event exactly once."""

import itertools
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.contracts import contracts_register
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from projections.tracking import read_position
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock, settings_env

pytestmark = pytest.mark.processes

CONTRACTS = 8
KILLS = 8
# Generous: a loaded machine may take many seconds to start a Python process.
PROGRESS_DEADLINE_SECONDS = 120


def start_projector(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "project", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def timeline_position(runtime: Runtime) -> int:
    with runtime.store.reader.connect() as conn:
        return read_position(conn, "timeline")


def wait_for_progress(runtime: Runtime, projector: subprocess.Popen[bytes], past: int) -> None:
    deadline = time.monotonic() + PROGRESS_DEADLINE_SECONDS
    while timeline_position(runtime) <= past:
        if projector.poll() is not None:
            stderr = projector.stderr.read().decode() if projector.stderr else ""
            raise AssertionError(f"the projector exited ({projector.returncode}): {stderr}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the projector made no progress past {past} in time")
        time.sleep(0.02)


@pytest.mark.slow
def test_killed_projector_leaves_no_duplicates_and_no_gaps(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    register_authorities(app, clock(), "Lancashire County Council")
    for n in range(CONTRACTS):
        app.award_contract(
            terms=ContractTerms(
                f"K/{n}",
                "Kill test",
                "SX3",
                "Lancashire County Council",
                date(2005, 1, 1),
                date(2012, 1, 1),
                30,
            ),
            envelope=Envelope(Provenance(date(2005, 1, 1), "paper"), OFFICER, clock()),
        )
    env = settings_env(runtime.settings)
    env["PARTNERSHIP_PROJECTION_BATCH_SIZE"] = "7"  # many small transactions to kill inside

    writing = threading.Event()
    writing.set()
    written = [0]

    def write() -> None:
        while writing.is_set():
            n = written[0]
            app.vary_contract(
                reference=f"K/{n % CONTRACTS}",
                description=f"Change {n}",
                envelope=Envelope(Provenance(date(2006, 1, 1), "paper"), OFFICER, clock()),
            )
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    rng = random.Random(20061026)
    progress: list[int] = []
    try:
        for _ in range(KILLS):
            before = timeline_position(runtime)
            projector = start_projector(env)
            # Killed only once it has committed something, however long start-up takes on a
            # busy machine; then a moment later or not, so the kill lands anywhere in a batch.
            wait_for_progress(runtime, projector, past=before)
            time.sleep(rng.uniform(0, 0.2))
            projector.send_signal(signal.SIGKILL)
            projector.wait(timeout=10)
            assert projector.returncode == -signal.SIGKILL
            progress.append(timeline_position(runtime))
    finally:
        writing.clear()
        writer.join(timeout=30)

    final = start_projector(env, "--once")
    _, stderr = final.communicate(timeout=120)
    assert final.returncode == 0, stderr.decode()

    assert all(after > before for before, after in itertools.pairwise(progress)), progress
    logged = [n.id for n in app.recorder.select_notifications(start=1, limit=10**6)]
    assert len(logged) == 1 + CONTRACTS + written[0]  # the authority's registration first
    with runtime.store.reader.connect() as conn:
        positions = list(conn.scalars(select(timeline_entries.c.position).order_by("position")))
        versions = dict(
            conn.execute(select(contracts_register.c.reference, contracts_register.c.version)).all()
        )
        assert conn.scalar(select(func.count()).select_from(contracts_register)) == CONTRACTS
    assert positions == logged  # one row per event: none twice, none missing
    for n in range(CONTRACTS):
        assert versions[f"K/{n}"] == app.get_contract(f"K/{n}").version


def test_projector_stops_cleanly_on_sigterm(runtime: Runtime) -> None:
    projector = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "project"],
        env=settings_env(runtime.settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert projector.stdout is not None
    assert b"following the event log" in projector.stdout.readline()  # its handlers are set
    projector.send_signal(signal.SIGTERM)
    projector.wait(timeout=15)
    assert projector.returncode == 0, projector.stderr.read().decode() if projector.stderr else ""
