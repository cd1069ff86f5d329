"""`partnership serve` as a user starts it, in a process of its own on a free loopback port.

Served as deployed, but for the per-token rate limit, which would refuse most of a run's
requests: the fuzzer sends hundreds a minute with each token.
"""

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from service.example_papers import LCC, LSSCC
from service.settings import Settings
from tests.api.conftest import free_port
from tests.conftest import settings_env

CLI = [sys.executable, "-c", "from service.cli import main; main()"]
FUZZED_ENV = {"PARTNERSHIP_REQUESTS_PER_MINUTE": "0"}
# Someone for the administrator's people mutations to change: not one of the people sending
# requests, whose grants must stay as they were for what each may do to stay known.
SUBJECT_EMAIL = "subject@fuzz.invalid"


@dataclass
class Served:
    base_url: str
    process: "subprocess.Popen[bytes]"
    log: Path

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    def log_tail(self, limit: int = 6000) -> str:
        """What the server said last: a finding reads better with the traceback behind it."""
        text = self.log.read_text(errors="replace")
        return text[-limit:]


def load_example(settings: Settings, log: Path) -> str:
    """Loads the example (and its demo people) as a user does; returns what it printed."""
    done = subprocess.run(
        [*CLI, "load-example"],
        env=settings_env(settings),
        capture_output=True,
        timeout=120,
    )
    with log.open("ab") as out:
        out.write(done.stdout + done.stderr)
    done.check_returncode()
    return done.stdout.decode(errors="replace")


def add_subject(settings: Settings, log: Path) -> None:
    """Registers SUBJECT_EMAIL, a secretary of the example partnership, from the command line."""
    for arguments in (
        ["add", "--name", "Fuzz Subject", "--email", SUBJECT_EMAIL, "--authority", LCC],
        ["grant", SUBJECT_EMAIL, "--role", "secretary", "--partnership", LSSCC],
    ):
        with log.open("ab") as out:
            subprocess.run(
                [*CLI, "people", *arguments],
                env=settings_env(settings),
                stdout=out,
                stderr=subprocess.STDOUT,
                check=True,
                timeout=120,
            )


def served_env(settings: Settings) -> dict[str, str]:
    return {**settings_env(settings), **FUZZED_ENV}


@contextmanager
def serve(settings: Settings, log: Path) -> Iterator[Served]:
    port = free_port()
    env = served_env(settings)
    env["PARTNERSHIP_PORT"] = str(port)
    # A file, not a pipe: a pipe nobody reads fills up and blocks the server mid-run.
    with log.open("ab") as out:
        process = subprocess.Popen([*CLI, "serve"], env=env, stdout=out, stderr=subprocess.STDOUT)
    served = Served(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_until_healthy(served)
        yield served
    finally:
        stop(process)


def wait_until_healthy(served: Served, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{served.base_url}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if served.process.poll() is not None:
            raise RuntimeError(
                f"serve exited with {served.process.returncode}:\n{served.log_tail()}"
            )
        if time.monotonic() > deadline:
            raise RuntimeError(f"serve did not answer /health:\n{served.log_tail()}")
        time.sleep(0.1)


def stop(process: "subprocess.Popen[bytes]") -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
