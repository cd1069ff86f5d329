"""`partnership serve`, embedded, as a user starts it: the API, projectors and scheduler in one."""

import subprocess
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

import httpx

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from service.settings import Settings
from tests.api.conftest import free_port
from tests.authorities import register_authorities
from tests.conftest import OFFICER, settings_env
from tests.e2e.signed_in import officer_token

QUERY = '{ timeline(filter: {contract: "SERVE/1"}) { edges { node { kind summary } } } }'


def test_serve_projects_events_written_by_another_process(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", poll_interval_seconds=0.2)
    signed_in = officer_token(settings)
    port = free_port()
    env = settings_env(settings)
    env["PARTNERSHIP_PORT"] = str(port)
    server = subprocess.Popen(
        [sys.executable, "-c", "from service.cli import main; main()", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        first_line = server.stdout.readline()
        where = f"http://127.0.0.1:{port}"
        assert first_line.strip() == f"GraphQL: {where}/graphql   sign in: {where}/sign-in"
        url = f"http://127.0.0.1:{port}/graphql"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)

        # Another writer (a CLI import, say) appends to the log without touching read models.
        writer = PartnershipApplication(env=settings.event_store_env())
        try:
            register_authorities(writer, datetime.now(UTC), "Burnley Borough Council")
            writer.award_contract(
                terms=ContractTerms(
                    "SERVE/1",
                    "Telephony",
                    "Mitel",
                    "Burnley Borough Council",
                    date(2011, 4, 1),
                    date(2014, 3, 31),
                    90,
                ),
                envelope=Envelope(
                    Provenance(date(2011, 3, 15), "Executive minutes"), OFFICER, datetime.now(UTC)
                ),
            )
        finally:
            writer.close()

        deadline = time.monotonic() + 15
        while True:
            # Until projected, the contract is not on record: asked for, it is not found.
            body = httpx.post(url, json={"query": QUERY}, headers=signed_in, timeout=5).json()
            edges = (body["data"] or {}).get("timeline") or {"edges": []}
            if edges["edges"]:
                break
            assert time.monotonic() < deadline, "the embedded projector never caught up"
            time.sleep(0.1)
        assert edges["edges"][0]["node"]["kind"] == "CONTRACT_AWARDED"
    finally:
        server.terminate()
        server.wait(timeout=15)
