"""One client cannot stall everyone: large documents are worked out off the event loop, slow
bodies are cut off, and malformed requests get a GraphQL-shaped 400 with a code."""

import gc
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import uvicorn

from partnership_graphql import bodies, documents, header_timeout
from partnership_graphql.app import create_app
from partnership_graphql.documents import (
    INLINE_DOCUMENT_LENGTH,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_TOKENS,
    parse_within_limits,
)
from partnership_graphql.signed_in import Identification
from projections.runtime import Runtime
from service.settings import Settings
from tests.api.conftest import OFFICER_TOKEN, OfficerOnly, free_port
from tests.conftest import settings_env

# The HTTP layer does not depend on the store: SQLite alone keeps these timing tests short.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

# The bound: a concurrent /health may be slowed by no more than this.
HEALTH_DELAY_BOUND = 0.100


ROOT = Path(__file__).resolve().parents[2]
SERVE = """
import sys
import uvicorn
from service.access_wiring import build_app, open_access
from service.settings import Settings
from service.wiring import open_runtime

settings = Settings.from_env()
runtime = open_runtime(settings)
app = build_app(settings, runtime, open_access(settings, runtime))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


@pytest.fixture
def served_apart(settings: Settings) -> Iterator[str]:
    """The app in a process of its own, as it is deployed: the test's own threads and heap
    then neither compete with it for the interpreter nor lengthen its garbage collections."""
    port = free_port()
    env = settings_env(settings)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(ROOT / "graphql")])
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "the server process exited"
            assert time.monotonic() < deadline, "the server process did not start"
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def http(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=server, timeout=60, headers={"Authorization": f"Bearer {OFFICER_TOKEN}"}
    ) as client:
        yield client


def health_latencies(server: str, keep_going: Callable[[], bool], at_least: int) -> list[float]:
    """Seconds each /health took, polled one after another while `keep_going()`."""
    latencies: list[float] = []
    with httpx.Client(base_url=server, timeout=30) as client:
        client.get("/health")  # connected before timing
        while keep_going() or len(latencies) < at_least:
            started = time.perf_counter()
            assert client.get("/health").status_code == 200
            latencies.append(time.perf_counter() - started)
    return latencies


def while_sending(
    server: str, documents: list[str]
) -> tuple[list[float], list[float], list[dict[str, Any]]]:
    """Send the documents one after another while /health is polled: the /health latencies,
    how long each document took, and its answer."""
    durations: list[float] = []
    answers: list[dict[str, Any]] = []
    done = threading.Event()

    def send() -> None:
        try:
            with httpx.Client(base_url=server, timeout=120) as client:
                for document in documents:
                    started = time.perf_counter()
                    response = client.post("/graphql", json={"query": document})
                    durations.append(time.perf_counter() - started)
                    answers.append(response.json())
        finally:
            done.set()

    sender = threading.Thread(target=send)
    # The test process's heap is large: its own collections, while it times /health, would be
    # counted against the server.
    gc.disable()
    sender.start()
    try:
        latencies = health_latencies(server, lambda: not done.is_set(), at_least=1)
    finally:
        sender.join(timeout=300)
        gc.enable()
    return latencies, durations, answers


def baseline_worst(server: str) -> float:
    polls = 0
    gc.collect()

    def more() -> bool:
        nonlocal polls
        polls += 1
        return polls <= 50

    gc.disable()  # as while sending, so the two are measured alike
    try:
        return max(health_latencies(server, more, at_least=50))
    finally:
        gc.enable()


@pytest.mark.processes
def test_a_megabyte_document_does_not_delay_health(runtime: Runtime, served_apart: str) -> None:
    server = served_apart
    baseline = baseline_worst(server)
    # Repeated fields, as in the attack found: each copy is new text, so none is cached.
    megabyte = ["{ contracts { " + "reference " * 99_990 + " " * copy + "} }" for copy in range(5)]
    assert all(len(document) > 999_000 for document in megabyte)
    latencies, _, answers = while_sending(server, megabyte)
    assert {error["extensions"]["code"] for answer in answers for error in answer["errors"]} == {
        "document_too_large"
    }
    assert len(latencies) >= 5, "no /health poll overlapped the large requests"
    assert max(latencies) <= baseline + HEALTH_DELAY_BOUND, (baseline, sorted(latencies)[-5:])


def worst_document(copy: int) -> str:
    """The costliest document found within the caps: one field asked for again and again,
    which graphql-core compares pairwise. Trailing spaces make each copy new text."""
    fields = (MAX_DOCUMENT_TOKENS - 4) // 4
    return "{ " + "projectionStatus { name } " * fields + "}" + " " * copy


@pytest.mark.slow
def test_a_document_at_the_caps_is_worked_out_off_the_loop(runtime: Runtime, server: str) -> None:
    baseline = baseline_worst(server)
    sent = [worst_document(copy) for copy in range(3)]
    assert all(INLINE_DOCUMENT_LENGTH < len(d) <= MAX_DOCUMENT_BYTES for d in sent)
    latencies, _, answers = while_sending(server, sent)
    for answer in answers:
        assert "too_many_tokens" not in str(answer)
    assert len(latencies) >= 5, "no /health poll overlapped the large requests"
    assert max(latencies) <= baseline + HEALTH_DELAY_BOUND, (baseline, sorted(latencies)[-5:])


@pytest.mark.slow
def test_a_repeated_large_document_is_answered_from_the_cache(
    runtime: Runtime, server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []

    def counted(query: str) -> Any:
        parsed.append(query)
        return parse_within_limits(query)

    monkeypatch.setattr(documents, "parse_within_limits", counted)
    document = worst_document(0)
    _, _, answers = while_sending(server, [document, document])
    assert answers[0] == answers[1]
    assert parsed == [document], "the second copy was parsed again"


def test_variables_with_too_many_values_are_refused_before_they_are_read(
    runtime: Runtime, http: httpx.Client
) -> None:
    months = [12] * (bodies.MAX_VARIABLE_VALUES + 1)
    response = http.post(
        "/graphql",
        json={
            "query": 'mutation($months: [Int!]!) { awardContract(input: {reference: "V", '
            'title: "t", supplier: "s", authority: "a", startDate: "2005-01-01", '
            'endDate: "2006-01-01", noticePeriodDays: 1, effectiveDate: "2005-01-01", '
            'source: "p", extensionOptionsMonths: $months}) { __typename } }',
            "variables": {"months": months},
        },
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "too_many_variable_values"
    assert runtime.app.head_position() == 0


# Bodies sent slowly, or too large.


def raw_exchange(
    server: str, head: bytes, body_parts: list[bytes], pause: float, deadline: float
) -> tuple[bytes, float, bool]:
    """Send headers, then the body parts `pause` seconds apart; read until the server answers
    and closes, or `deadline` seconds pass. The answer, when it came, and whether it closed."""
    address = urlsplit(server)
    started = time.monotonic()
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(head)
        received = b""
        answered_at = None
        closed = False
        parts = list(body_parts)
        next_part_at = started + pause
        while time.monotonic() - started < deadline:
            if parts and time.monotonic() >= next_part_at:
                try:
                    sock.sendall(parts.pop(0))
                except OSError:
                    parts = []
                next_part_at += pause
            sock.settimeout(0.05)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                continue
            except ConnectionResetError:
                closed = True
                break
            if not chunk:
                closed = True
                break
            if answered_at is None:
                answered_at = time.monotonic() - started
            received += chunk
    return received, answered_at if answered_at is not None else float("inf"), closed


def status_and_json(raw: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    decoded: dict[str, Any] = json.loads(body)
    return status, decoded


@pytest.fixture
def short_body_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(bodies, "BODY_READ_TIMEOUT", 1.0)
    return 1.0


def post_head(server: str, length: int, *extra: str) -> bytes:
    host = urlsplit(server).netloc
    lines = [
        "POST /graphql HTTP/1.1",
        f"Host: {host}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
        f"Authorization: Bearer {OFFICER_TOKEN}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.slow
@pytest.mark.parametrize("dribble", [False, True], ids=["stalled", "dribbled"])
def test_a_body_sent_too_slowly_is_cut_off_with_408(
    runtime: Runtime, server: str, short_body_timeout: float, dribble: bool
) -> None:
    body = json.dumps({"query": "{ projectionStatus { name } }"}).encode()
    # Stalled: a few bytes, then nothing. Dribbled: a byte every fifth of a second, which
    # would take longer than the timeout to finish.
    parts = [bytes([byte]) for byte in body[:40]] if dribble else [body[:10]]
    raw, answered_at, closed = raw_exchange(
        server, post_head(server, len(body)), parts, pause=0.2, deadline=short_body_timeout + 10
    )
    status, answer = status_and_json(raw)
    assert status == 408
    assert answer["errors"][0]["extensions"]["code"] == "body_timeout"
    assert short_body_timeout * 0.9 <= answered_at <= short_body_timeout + 5
    assert closed, "the connection was left open"


def test_a_body_sent_promptly_in_pieces_is_read_whole(
    runtime: Runtime, server: str, short_body_timeout: float
) -> None:
    body = json.dumps({"query": "{ projectionStatus { name } }"}).encode()
    parts = [body[:10], body[10:30], body[30:]]
    raw, _, _ = raw_exchange(
        server,
        post_head(server, len(body), "Connection: close"),
        parts,
        pause=0.05,
        deadline=10,
    )
    status, answer = status_and_json(raw)
    assert status == 200, answer
    assert {"name": "timeline"} in answer["data"]["projectionStatus"], answer


def test_a_body_declared_larger_than_the_cap_is_refused_before_it_is_read(
    runtime: Runtime, server: str
) -> None:
    raw, _, closed = raw_exchange(
        server, post_head(server, bodies.MAX_BODY_BYTES + 1), [], pause=1, deadline=10
    )
    status, answer = status_and_json(raw)
    assert status == 413
    assert answer["errors"][0]["extensions"]["code"] == "body_too_large"
    assert closed


def test_a_chunked_body_larger_than_the_cap_is_refused(
    runtime: Runtime, http: httpx.Client
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"query": "'
        for _ in range(bodies.MAX_BODY_BYTES // 65536 + 2):
            yield b" " * 65536
        yield b'{ projectionStatus { name } }"}'

    response = http.post("/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "body_too_large"


# Malformed requests.


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b'"{ projectionStatus { name } }"', "application/json", "body_not_object"),
        (b"null", "application/json", "body_not_object"),
        (b'[{"query": "{ projectionStatus { name } }"}]', "application/json", "body_not_object"),
        (b'{"query": "\xff\xfe{ contracts }"}', "application/json", "body_not_json"),
        (b"query { projectionStatus { name } }", "application/json", "body_not_json"),
        (b'{"query": NaN}', "application/json", "body_not_json"),
        (b"[" * 100_000, "application/json", "body_not_json"),
        (b"", "application/json", "body_not_json"),
        (b'{"variables": {}}', "application/json", "query_missing"),
        (b'{"query": ""}', "application/json", "query_missing"),
        (b'{"query": 42}', "application/json", "query_not_string"),
        (
            b'{"query": "{ projectionStatus { name } }", "variables": [1]}',
            "application/json",
            "variables_not_object",
        ),
        (
            b'{"query": "{ projectionStatus { name } }", "variables": "x"}',
            "application/json",
            "variables_not_object",
        ),
        (
            b'{"query": "{ projectionStatus { name } }", "operationName": 7}',
            "application/json",
            "operation_name_not_string",
        ),
        (
            b'{"query": "{ projectionStatus { name } }", "extensions": 7}',
            "application/json",
            "extensions_not_object",
        ),
        (
            b'{"query": "query A { projectionStatus { name } }", "operationName": "B"}',
            "application/json",
            "operation_not_found",
        ),
        (b'{"query": "{ projectionStatus { name } }"}', "text/plain", "unsupported_content_type"),
        (
            b'{"query": "{ projectionStatus { name } }"}',
            "application/x-www-form-urlencoded",
            "unsupported_content_type",
        ),
    ],
    ids=[
        "json-string",
        "null",
        "array",
        "invalid-utf8",
        "not-json",
        "nan",
        "deeply-nested",
        "empty",
        "no-query",
        "empty-query",
        "query-not-string",
        "variables-array",
        "variables-string",
        "operation-name-number",
        "extensions-number",
        "unknown-operation",
        "text-plain",
        "form",
    ],
)
def test_a_malformed_post_gets_400_with_a_graphql_shaped_error(
    runtime: Runtime, http: httpx.Client, content: bytes, content_type: str, code: str
) -> None:
    response = http.post("/graphql", content=content, headers={"Content-Type": content_type})
    # GraphQL over HTTP names the status of a body in a media type the server does not take.
    expected = 415 if code == "unsupported_content_type" else 400
    assert response.status_code == expected, response.text
    assert response.headers["content-type"].startswith("application/json")
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": code}
    assert len(error["message"]) > 15


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"variables": "{}"}, "query_missing"),
        (
            {"query": "{ projectionStatus { name } }", "variables": "{not json"},
            "variables_not_object",
        ),
        ({"query": "{ projectionStatus { name } }", "variables": "[1]"}, "variables_not_object"),
        (
            {"query": "query A { projectionStatus { name } }", "operationName": "B"},
            "operation_not_found",
        ),
        ({"query": "mutation { noSuchThing }"}, "operation_not_allowed"),
    ],
    ids=["no-query", "variables-not-json", "variables-array", "unknown-operation", "mutation"],
)
def test_a_malformed_get_gets_400_with_a_graphql_shaped_error(
    runtime: Runtime, http: httpx.Client, params: dict[str, str], code: str
) -> None:
    response = http.get("/graphql", params=params, headers={"Accept": "application/json"})
    # GraphQL over HTTP: a mutation by GET is 405, naming POST.
    assert response.status_code == (405 if code == "operation_not_allowed" else 400), response.text
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": code}


def test_a_well_formed_get_and_post_still_answer(runtime: Runtime, http: httpx.Client) -> None:
    query = "query ($n: Int) { timeline(first: $n) { edges { cursor } } }"
    by_post = http.post("/graphql", json={"query": query, "variables": {"n": 2}})
    by_get = http.get("/graphql", params={"query": query, "variables": '{"n": 2}'})
    assert by_post.status_code == by_get.status_code == 200
    assert by_post.json() == by_get.json() == {"data": {"timeline": {"edges": []}}}


# Headers sent slowly: uvicorn has no deadline of its own for them.


@pytest.fixture
def server_with_header_deadline(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setattr(header_timeout, "HEADER_READ_TIMEOUT", 1.0)
    port = free_port()
    config = uvicorn.Config(
        create_app(runtime, Identification(OfficerOnly())),  # type: ignore[arg-type]
        host="127.0.0.1",
        port=port,
        log_level="warning",
        http=header_timeout.HeaderTimeoutProtocol,
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        assert time.monotonic() < deadline, "the server did not start"
        assert thread.is_alive(), "the server stopped"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        thread.join(timeout=10)


@pytest.mark.slow
@pytest.mark.parametrize(
    "head", [b"", b"POST /graphql HTTP/1.1\r\nHost: x\r\n"], ids=["silent", "half-sent"]
)
def test_headers_not_sent_in_time_close_the_connection(
    server_with_header_deadline: str, head: bytes
) -> None:
    _, _, closed = raw_exchange(server_with_header_deadline, head, [], pause=1, deadline=10)
    assert closed


@pytest.mark.slow
def test_a_kept_alive_connection_serves_requests_past_the_header_deadline(
    server_with_header_deadline: str,
) -> None:
    with httpx.Client(base_url=server_with_header_deadline, timeout=10) as client:
        for _ in range(3):
            started = time.monotonic()
            assert client.get("/health").status_code == 200
            # Paced, not waiting for anything: each request is prompt, while the connection
            # outlives the header deadline.
            while time.monotonic() - started < 0.6:
                time.sleep(0.05)
