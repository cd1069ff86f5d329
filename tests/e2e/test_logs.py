"""`partnership serve`'s log, read from its stderr as a collector reads it: one JSON object a
line, a request id on every line of a request, one `fact_recorded` line per recorded fact, and
no credential anywhere.

One served instance for the module; each test sends its own requests under its own ids.
"""

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.settings import Settings
from tests.api.conftest import free_port
from tests.conftest import settings_env
from tests.e2e.signed_in import officer_token

REGISTER = (
    "mutation Register($input: RegisterAuthorityInput!) { registerAuthority(input: $input) "
    "{ __typename ... on Recorded { position entry { recordedById } } ... on Problem { code } } }"
)
# Sent, and never to be seen in the log.
PASSWORD = "correct-horse-battery-staple-91"
COOKIE = "session-cookie-value-never-logged-7"


@dataclass
class Served:
    url: str
    stderr: Path
    headers: dict[str, str]

    def lines(self) -> list[dict[str, Any]]:
        """Every line written so far, each parsed as JSON (a line that is not fails here)."""
        text = self.stderr.read_text(encoding="utf-8")
        complete = text[: text.rfind("\n") + 1]
        return [json.loads(line) for line in complete.splitlines()]

    def wait_for(
        self, found: Callable[[list[dict[str, Any]]], bool], what: str
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + 20
        while True:
            lines = self.lines()
            if found(lines):
                return lines
            assert time.monotonic() < deadline, f"never logged: {what}"
            time.sleep(0.05)

    def lines_of(self, request_id: str) -> list[dict[str, Any]]:
        """A request's lines, once its request line (the last) is written."""
        lines = self.wait_for(
            lambda lines: any(
                line.get("request_id") == request_id and line["event"] == "request"
                for line in lines
            ),
            f"the request line of {request_id}",
        )
        return [line for line in lines if line.get("request_id") == request_id]

    def register(self, name: str, request_id: str, **headers: str) -> httpx.Response:
        variables = {
            "input": {
                "name": name,
                "kind": "DISTRICT",
                "effectiveDate": "2006-04-01",
                "source": "Test paper",
            }
        }
        return httpx.post(
            f"{self.url}/graphql",
            json={"query": REGISTER, "variables": variables},
            headers={"X-Request-ID": request_id, **headers},
            timeout=30,
        )


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    directory = tmp_path_factory.mktemp("logs")
    settings = Settings(data_dir=directory / "var", poll_interval_seconds=0.2)
    headers = officer_token(settings)
    port = free_port()
    env = settings_env(settings)
    env.update(PARTNERSHIP_PORT=str(port), PARTNERSHIP_LOG_FORMAT="json")
    stderr = directory / "stderr.log"
    with stderr.open("w") as err, (directory / "stdout.log").open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-c", "from service.cli import main; main()", "serve"],
            env=env,
            stdout=out,
            stderr=err,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/health", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, stderr.read_text()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
        yield Served(url, stderr, headers)
    finally:
        server.terminate()
        server.wait(timeout=15)


def test_every_line_is_json_with_a_level_and_an_event(served: Served) -> None:
    served.register("Burnley Borough Council", "json-1", **served.headers)
    served.lines_of("json-1")
    lines = served.lines()
    loggers = {line.get("logger") for line in lines}
    # uvicorn's lines and the product's, in the one format.
    assert {"uvicorn.error", "partnership.requests", "partnership.api"} <= loggers
    for line in lines:
        assert {"timestamp", "level", "event"} <= line.keys(), line


def test_a_request_has_one_id_on_every_line_and_in_its_answer(served: Served) -> None:
    response = served.register("Chorley Borough Council", "req-abc.123", **served.headers)
    assert response.headers["x-request-id"] == "req-abc.123"
    lines = served.lines_of("req-abc.123")
    assert [line["event"] for line in lines] == ["fact_recorded", "request"]
    request = lines[-1]
    assert (request["method"], request["path"], request["status"]) == ("POST", "/graphql", 200)
    assert request["duration_ms"] >= 0


@pytest.mark.parametrize(
    "given", ["", "x" * 65, "has space", "semi;colon", 'quo"te', "<script>"], ids=repr
)
def test_an_unfit_request_id_is_replaced(served: Served, given: str) -> None:
    response = httpx.get(f"{served.url}/health", headers={"X-Request-ID": given}, timeout=30)
    made = response.headers["x-request-id"]
    assert made != given
    assert len(made) == 32
    assert [line["path"] for line in served.lines_of(made)] == ["/health"]


def test_one_fact_recorded_line_per_fact_with_its_position_and_person(served: Served) -> None:
    first = served.register("Pendle Borough Council", "fact-1", **served.headers).json()
    again = served.register("Pendle Borough Council", "fact-2", **served.headers).json()
    answer = first["data"]["registerAuthority"]
    position, person_id = answer["position"], answer["entry"]["recordedById"]
    assert again["data"]["registerAuthority"]["code"] == "authority_already_registered"

    recorded = [line for line in served.lines_of("fact-1") if line["event"] == "fact_recorded"]
    assert len(recorded) == 1
    line = recorded[0]
    assert line["mutation"] == "registerAuthority"
    assert line["position"] == position
    assert line["person_id"] == person_id
    assert line["level"] == "info"
    assert line["duration_ms"] >= 0
    assert line["aggregate_id"]
    # Of a person, the id alone.
    assert "Partnership Officer" not in json.dumps(line)

    refused = served.lines_of("fact-2")
    assert [line["event"] for line in refused] == ["change_refused", "request"]
    assert refused[0]["level"] == "info"
    assert refused[0]["code"] == "authority_already_registered"
    assert all(line["event"] != "fact_recorded" for line in refused)
    facts = [line for line in served.lines() if line["event"] == "fact_recorded"]
    assert len({line["position"] for line in facts}) == len(facts)


def test_an_access_refusal_is_logged_at_info_with_its_code(served: Served) -> None:
    served.register("Hyndburn Borough Council", "anonymous-1")
    lines = served.lines_of("anonymous-1")
    refused = [line for line in lines if line["event"] == "change_refused"]
    assert len(refused) == 1
    assert (refused[0]["level"], refused[0]["code"]) == ("info", "sign_in_required")
    assert {line["level"] for line in lines} == {"info"}


def test_no_credential_is_ever_written(served: Served) -> None:
    token = served.headers["Authorization"].removeprefix("Bearer ")
    served.register(
        "Rossendale Borough Council",
        "secrets-1",
        **served.headers,
        Cookie=f"partnership_session={COOKIE}",
    )
    httpx.post(
        f"{served.url}/sign-in",
        data={"email": "officer@lancashire.example", "password": PASSWORD},
        headers={"X-Request-ID": "secrets-2"},
        timeout=30,
    )
    httpx.get(
        f"{served.url}/graphql",
        params={"query": "{ __typename }", "token": token, "password": PASSWORD},
        headers={"X-Request-ID": "secrets-3"},
        timeout=30,
    )
    for request_id in ("secrets-1", "secrets-2", "secrets-3"):
        served.lines_of(request_id)
    text = served.stderr.read_text(encoding="utf-8")
    for secret in (token, PASSWORD, COOKIE, "ptk_"):
        assert secret not in text
    assert {line["path"] for line in served.lines_of("secrets-3")} == {"/graphql"}
