"""The HTTP half: apps in their own server processes, loaded from another process.

Each app runs under uvicorn in a subprocess (`benchmarks.timeline_server`); wrk cycles through
the same prepared page queries against each (GraphQL: POST /graphql with the query and its
variables; bare: GET /timeline with the same filters), with the same threads, connections and
duration. The two apps take turns, round by round, so both meet the same machine load.

`interleaved` times single requests instead, for comparisons finer than wrk's runs can tell
apart: one request to each server in turn, page by page, on one kept-alive connection each.
"""

import http.client
import json
import logging
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from benchmarks.timeline_bare_app import PATH as BARE_PATH
from benchmarks.timeline_queries import PageQuery, graphql_body
from service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().with_name("wrk_timeline.lua")
ENSURE_WRK = Path(__file__).resolve().with_name("ensure-wrk")
APPS = ("graphql", "bare")

# httpx logs every request at INFO once anything has configured logging (Litestar does).
logging.getLogger("httpx").setLevel(logging.WARNING)


@dataclass(frozen=True)
class WrkRun:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


@dataclass(frozen=True)
class Load:
    """One app at one concurrency: the medians over the rounds."""

    connections: int
    runs: list[WrkRun]

    @property
    def rate(self) -> float:
        return statistics.median(run.rate for run in self.runs)

    @property
    def p50_ms(self) -> float:
        return statistics.median(run.p50_ms for run in self.runs)

    @property
    def p95_ms(self) -> float:
        return statistics.median(run.p95_ms for run in self.runs)

    @property
    def errors(self) -> int:
        return sum(run.errors for run in self.runs)


def wrk_available() -> bool:
    """wrk on the PATH, installing it (benchmarks/ensure-wrk, apt-get) when it is missing."""
    if shutil.which("wrk"):
        return True
    print("wrk is missing; running benchmarks/ensure-wrk …", file=sys.stderr)
    subprocess.run([str(ENSURE_WRK)], check=False)
    return shutil.which("wrk") is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _environment(settings: Settings, extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARTNERSHIP_")}
    if settings.database_url is None:
        env["PARTNERSHIP_DATA_DIR"] = str(settings.data_dir)
    else:
        env["PARTNERSHIP_DATABASE_URL"] = settings.database_url
    return {**env, **extra}


@contextmanager
def serving(kind: str, settings: Settings, env: Mapping[str, str] | None = None) -> Iterator[str]:
    """The base URL of `kind` served in a subprocess, with `env` added to the environment the
    settings make; stopped on leaving."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.timeline_server", kind, str(port)],
            cwd=ROOT,
            env=_environment(settings, env or {}),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_healthy(url, server, log)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_healthy(url: str, server: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"the server at {url} exited:\n{log.read()[-3000:]}")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server at {url} did not answer /health within 60 s")


def bare_path(query: PageQuery, first: int) -> str:
    params = {
        "authority": query.authority,
        "from": query.effective_from.isoformat(),
        "to": query.effective_to.isoformat(),
        "first": first,
    }
    return f"{BARE_PATH}?{urlencode(params)}"


def request_lines(kind: str, queries: Sequence[PageQuery], first: int) -> list[str]:
    if kind == "graphql":
        return [f"POST\t/graphql\t{json.dumps(graphql_body(q, first))}" for q in queries]
    return [f"GET\t{bare_path(q, first)}\t" for q in queries]


def check_same_rows(urls: dict[str, str], queries: Sequence[PageQuery], first: int) -> list[int]:
    """Both apps give the same entries (positions, cursors, authorities); rows per page."""
    sizes = []
    with httpx.Client(timeout=30) as client:
        for query in queries:
            answer = client.post(f"{urls['graphql']}/graphql", json=graphql_body(query, first))
            answer.raise_for_status()
            payload = answer.json()
            if payload.get("errors"):
                raise RuntimeError(f"GraphQL answered with errors: {payload['errors']}")
            ours = [
                (e["cursor"], e["node"]["position"], e["node"]["authorities"])
                for e in payload["data"]["timeline"]["edges"]
            ]
            reply = client.get(f"{urls['bare']}{bare_path(query, first)}")
            reply.raise_for_status()
            bare = [
                (e["cursor"], e["node"]["position"], e["node"]["authorities"])
                for e in reply.json()["edges"]
            ]
            if ours != bare:
                raise RuntimeError(f"the two apps disagree on {query}")
            sizes.append(len(ours))
    return sizes


def run_wrk(url: str, requests_file: Path, connections: int, seconds: float) -> WrkRun:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s"]
    command += ["--timeout", "10s", "-s", str(LUA), url, "--", str(requests_file)]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next((ln for ln in output.splitlines() if ln.startswith("JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures:\n{output}")
    figures = json.loads(line.removeprefix("JSON "))
    errors = sum(
        figures[k]
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    return WrkRun(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        p50_ms=figures["p50_us"] / 1000,
        p95_ms=figures["p95_us"] / 1000,
        errors=errors,
    )


@dataclass(frozen=True)
class HttpResult:
    latency: dict[str, Load]  # at one connection
    throughput: dict[str, Load]  # at `connections`
    rows_per_page: list[int]


def bench_http(
    settings: Settings,
    queries: Sequence[PageQuery],
    first: int,
    rounds: int,
    seconds: float,
    connections: int,
) -> HttpResult:
    with (
        serving("graphql", settings) as graphql_url,
        serving("bare", settings) as bare_url,
        tempfile.TemporaryDirectory(prefix="bench_wrk_") as tmp,
    ):
        urls = {"graphql": graphql_url, "bare": bare_url}
        sizes = check_same_rows(urls, queries[: min(len(queries), 20)], first)
        files = {}
        for kind in APPS:
            files[kind] = Path(tmp) / f"{kind}.tsv"
            files[kind].write_text("\n".join(request_lines(kind, queries, first)) + "\n")
        for kind in APPS:  # warm-up: connections, thread pool, caches
            run_wrk(urls[kind], files[kind], connections, 1)
        latency: dict[str, list[WrkRun]] = {kind: [] for kind in APPS}
        throughput: dict[str, list[WrkRun]] = {kind: [] for kind in APPS}
        for number in range(rounds):
            for kind in APPS if number % 2 == 0 else APPS[::-1]:
                latency[kind].append(run_wrk(urls[kind], files[kind], 1, seconds))
                throughput[kind].append(run_wrk(urls[kind], files[kind], connections, seconds))
            print(f"    HTTP round {number + 1}/{rounds} done", file=sys.stderr)
    return HttpResult(
        latency={kind: Load(1, runs) for kind, runs in latency.items()},
        throughput={kind: Load(connections, runs) for kind, runs in throughput.items()},
        rows_per_page=sizes,
    )


# Single requests, taking turns


@dataclass(frozen=True)
class Arm:
    """One side of an interleaved comparison: a served app and the headers each request
    carries."""

    name: str
    url: str
    headers: Mapping[str, str]


@dataclass
class Interleaved:
    """Seconds per request of each arm, round by round, and the rows each page had."""

    seconds: dict[str, list[list[float]]]
    rows: dict[str, list[tuple[Any, ...]]]


def interleaved(
    arms: Sequence[Arm], queries: Sequence[PageQuery], first: int, rounds: int, seed: int = 7
) -> Interleaved:
    """Every page asked of every arm, one request at a time, `rounds` times after one untimed
    pass. Arms take turns request by request, and each page starts with a different arm, so
    all of them meet the same machine load and none is always first after a pause; the pages
    come in a new order each round. Any answer other than a page without errors stops the run.
    """
    connections = {arm.name: _connect(arm.url) for arm in arms}
    bodies = [json.dumps(graphql_body(query, first)).encode() for query in queries]
    order = list(range(len(queries)))
    shuffle = random.Random(seed).shuffle
    found = Interleaved({arm.name: [] for arm in arms}, {arm.name: [] for arm in arms})
    clock = time.perf_counter
    try:
        for number in range(rounds + 1):
            timed: dict[str, list[float]] | None = (
                {arm.name: [] for arm in arms} if number else None
            )
            for turn, page in enumerate(order):
                for arm in [*arms[turn % len(arms) :], *arms[: turn % len(arms)]]:
                    started = clock()
                    answer = _post(connections[arm.name], bodies[page], arm.headers)
                    took = clock() - started
                    if timed is None:
                        found.rows[arm.name].append(_edges(arm, answer))
                    else:
                        timed[arm.name].append(took)
            if timed is not None:
                for name, seconds in timed.items():
                    found.seconds[name].append(seconds)
                print(f"    interleaved round {number}/{rounds} done", file=sys.stderr)
            shuffle(order)
    finally:
        for connection in connections.values():
            connection.close()
    return found


def _connect(url: str) -> http.client.HTTPConnection:
    host, _, port = url.removeprefix("http://").partition(":")
    return http.client.HTTPConnection(host, int(port), timeout=30)


def _post(connection: http.client.HTTPConnection, body: bytes, headers: Mapping[str, str]) -> bytes:
    connection.request("POST", "/graphql", body, {"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    answer = response.read()
    # A refusal or an error is cheap to answer: timing it would flatter the arm it came from.
    if response.status != 200 or b'"errors"' in answer:
        raise RuntimeError(f"HTTP {response.status}: {answer[:500]!r}")
    return answer


def _edges(arm: Arm, answer: bytes) -> tuple[Any, ...]:
    payload = json.loads(answer)
    try:
        edges = payload["data"]["timeline"]["edges"]
    except (KeyError, TypeError):
        raise RuntimeError(f"{arm.name}: not a timeline page: {answer[:500]!r}") from None
    return tuple((edge["cursor"], edge["node"]["position"]) for edge in edges)
