"""The test OpenID Connect provider (server.mjs) as a process on loopback, a Litestar app served
beside it, and a browser's part in between: following redirects and filling in forms."""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import IO
from urllib.parse import urljoin

import httpx
import pytest
import uvicorn
from litestar import Litestar

from tests.conftest import IN_CI

PROVIDER_DIR = Path(__file__).parent
START_SECONDS = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def skip_or_fail(reason: str) -> None:
    # CI must not pass by skipping the tests that prove sign-in works.
    if IN_CI:
        pytest.fail(f"{reason}; CI must run the sign-in tests")
    pytest.skip(reason)


@dataclass(frozen=True)
class ProviderClient:
    client_id: str
    client_secret: str
    redirect_url: str


@contextmanager
def running_provider(client: ProviderClient, *, email_in_id_token: bool) -> Iterator[str]:
    """Starts the provider on a free port and yields its issuer once its discovery document
    answers; stops it afterwards."""
    node = shutil.which("node")
    if node is None:
        skip_or_fail("node is missing (Debian package 'nodejs')")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        skip_or_fail(
            "the test OpenID Connect provider is not installed: scripts/ensure-oidc-provider"
        )
    port = free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": client.client_id,
        "OIDC_CLIENT_SECRET": client.client_secret,
        "OIDC_REDIRECT_URI": client.redirect_url,
        "OIDC_EMAIL_IN_ID_TOKEN": "1" if email_in_id_token else "0",
    }
    # Its output goes to a file, read only if it fails to start: a pipe nobody reads would
    # stall the provider once full.
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(
            [str(node), "server.mjs"],
            cwd=PROVIDER_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            _wait_for_discovery(process, issuer, output)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _wait_for_discovery(process: subprocess.Popen[str], issuer: str, output: IO[str]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        if process.poll() is not None:
            output.seek(0)
            raise RuntimeError(f"the OpenID Connect provider exited at start:\n{output.read()}")
        try:
            answer = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=2)
            if answer.status_code == 200 and answer.json().get("issuer") == issuer:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("the OpenID Connect provider did not answer in time")
        time.sleep(0.05)


@contextmanager
def serving(app: Litestar, port: int) -> Iterator[str]:
    """The app on loopback at `port`, until the block ends."""
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        deadline = time.monotonic() + 10
        while thread.is_alive() and not _listening_stopped(instance):
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not stop")
            time.sleep(0.005)


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self._link: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(Form(values.get("action", ""), values.get("method", "get").lower()))
        elif tag == "input" and self.forms and "name" in values:
            self.forms[-1].fields[values["name"]] = values.get("value", "")
        elif tag == "a" and "href" in values:
            self._link = values["href"]

    def handle_data(self, data: str) -> None:
        if self._link is not None and data.strip():
            self.links.append((data.strip(), self._link))
            self._link = None


def page_of(response: httpx.Response) -> _Forms:
    parsed = _Forms()
    parsed.feed(response.text)
    return parsed


def only_form(response: httpx.Response) -> Form:
    forms = page_of(response).forms
    assert len(forms) == 1, response.text
    return forms[0]


def submit(
    browser: httpx.Client, response: httpx.Response, form: Form, **values: str
) -> httpx.Response:
    """Submits a form of the page `response` shows, as a browser would, with `values` filled
    in; follows no redirect."""
    url = urljoin(str(response.url), form.action or str(response.url))
    assert form.method == "post", form
    return browser.post(url, data={**form.fields, **values})


def follow(
    browser: httpx.Client, response: httpx.Response, *, stop_before: str | None = None
) -> httpx.Response:
    """Follows redirects as a browser would; `stop_before`: answers the redirect to a URL
    starting so, without following it."""
    for _ in range(20):
        if not response.is_redirect:
            return response
        target = urljoin(str(response.url), response.headers["location"])
        if stop_before is not None and target.startswith(stop_before):
            return response
        response = browser.get(target)
    raise AssertionError("too many redirects")


def _listening_stopped(instance: uvicorn.Server) -> bool:
    servers = list(instance.servers)
    return bool(servers) and not any(server.is_serving() for server in servers)
