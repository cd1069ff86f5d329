"""`/health/projections` and `projectionStatus` name a stalled read model; 503 until it moves."""

import subprocess
import sys
from typing import Any

import httpx
import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.conftest import MovableClock, settings_env
from tests.integration.test_projection_stall import (
    FAULT_MESSAGE,
    FAULTY,
    award,
    inject_fault,
    remove_fault,
)

pytestmark = pytest.mark.processes

STATUS = """
{ projectionStatus {
    name position head lagEvents
    stall { position eventType eventTopic error since lastAttempt attempts }
} }
"""


def health(server: str) -> httpx.Response:
    return httpx.get(f"{server}/health/projections", timeout=30)


def status(client: GraphQLClient) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in client.data(STATUS)["projectionStatus"]}


def test_a_stalled_read_model_is_named_and_the_health_check_fails_until_it_resumes(
    runtime: Runtime, clock: MovableClock, server: str, client: GraphQLClient
) -> None:
    runtime.seen(award(runtime, clock, "OK/1"))
    healthy = health(server)
    assert healthy.status_code == 200, healthy.text
    assert healthy.json()["status"] == "ok"
    assert {p["stall"] for p in healthy.json()["projections"].values()} == {None}
    assert {row["stall"] is None for row in status(client).values()} == {True}

    inject_fault(runtime)
    faulty = award(runtime, clock, FAULTY)
    award(runtime, clock, "OK/2")
    runtime.runner.catch_up()
    head = runtime.app.head_position()

    stalled = health(server)
    assert stalled.status_code == 503, stalled.text
    body = stalled.json()
    assert (body["status"], body["stalled"], body["head"]) == (
        "stalled",
        ["contracts_register"],
        head,
    )
    register = body["projections"]["contracts_register"]
    assert register["position"] < faulty.position
    assert register["lag"] == 2
    stall = register["stall"]
    assert stall["position"] == faulty.position
    assert stall["eventType"] == "Contract.Awarded"
    assert stall["eventTopic"].endswith(":Contract.Awarded")
    assert FAULT_MESSAGE in stall["error"]
    assert stall["attempts"] == 1
    others = {n: p for n, p in body["projections"].items() if n != "contracts_register"}
    assert {(p["position"], p["lag"], p["stall"]) for p in others.values()} == {(head, 0, None)}

    rows = status(client)
    shown = rows["contracts_register"]["stall"]
    assert (shown["position"], shown["eventType"], shown["attempts"]) == (
        faulty.position,
        "Contract.Awarded",
        1,
    )
    assert FAULT_MESSAGE in shown["error"]
    assert rows["contracts_register"]["lagEvents"] == 2
    assert [name for name, row in rows.items() if row["stall"]] == ["contracts_register"]

    # The cause removed, a projector started afresh resumes from the stalled event.
    remove_fault(runtime)
    resumed = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "project", "--once"],
        env=settings_env(runtime.settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert resumed.returncode == 0, resumed.stderr
    recovered = health(server)
    assert recovered.status_code == 200, recovered.text
    assert recovered.json()["status"] == "ok"
    assert {
        (p["position"], p["lag"], p["stall"]) for p in recovered.json()["projections"].values()
    } == {(head, 0, None)}
    assert {(row["lagEvents"], row["stall"]) for row in status(client).values()} == {(0, None)}
