"""A change resent under its idempotency key after the server was killed is recorded once."""

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import httpx

from partnership.application import PartnershipApplication
from partnership.contracts import contract_id
from service.settings import Settings
from tests.api.conftest import free_port
from tests.api.test_graphql_http import AWARD, award_input
from tests.authorities import register_authorities
from tests.conftest import settings_env
from tests.e2e.signed_in import officer_token

KEY = {"Idempotency-Key": "award-BBC-TEL-2011"}
SIGNED_IN: dict[str, str] = {}


@contextmanager
def serving(settings: Settings, port: int) -> Iterator[subprocess.Popen[str]]:
    env = settings_env(settings)
    env["PARTNERSHIP_PORT"] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, "serve exited"
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.05)
        yield server
    finally:
        if server.poll() is None:
            server.kill()
        server.wait(timeout=15)


def award(port: int) -> dict[str, Any]:
    response = httpx.post(
        f"http://127.0.0.1:{port}/graphql",
        json={"query": AWARD, "variables": {"input": award_input()}},
        headers={**KEY, **SIGNED_IN},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    return body


def test_a_resend_after_a_kill_mid_request_is_recorded_once(settings: Settings) -> None:
    SIGNED_IN.update(officer_token(settings))
    port = free_port()
    log = PartnershipApplication(env=settings.event_store_env())
    try:
        register_authorities(log, datetime.now(UTC), award_input()["authority"])
        before = log.head_position()
        with serving(settings, port) as server:
            sending = threading.Thread(target=lambda: _ignore_transport_errors(port))
            sending.start()
            # Killed the moment the change is in the log: before, or while, it is answered.
            deadline = time.monotonic() + 30
            while log.head_position() == before:
                assert time.monotonic() < deadline, "the change never reached the log"
                time.sleep(0.005)
            server.kill()
            server.wait(timeout=15)
            sending.join(timeout=30)
        recorded = log.head_position()

        with serving(settings, port):
            body = award(port)

        assert not body.get("errors"), body
        answer = body["data"]["awardContract"]
        assert answer["__typename"] == "Recorded", answer
        assert log.head_position() == recorded
        contract = contract_id("BBC-TEL-2011")
        events = [
            n
            for n in log.recorder.select_notifications(start=1, limit=1000)
            if str(n.originator_id) == str(contract)
        ]
        assert len(events) == 1
        assert answer["position"] == events[0].id
        assert answer["record"]["version"] == 1
    finally:
        log.close()


def _ignore_transport_errors(port: int) -> None:
    # The server dies under the request: that is the point.
    with suppress(httpx.TransportError, ValueError):
        award(port)
