"""GraphiQL renders and runs a query in a real Chromium with every outside request blocked.

Needs Debian's chromium at /usr/bin/chromium (scripts/ensure-chromium installs it) and PyPI
playwright; Playwright's own browser download is not reachable here, so never
`playwright install`. Skipped locally when either is missing, but fails under CI=true: CI
must not pass by skipping the one test that proves the IDE works offline.
"""

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit

import pytest
import strawberry
import uvicorn
from litestar import Litestar, Request, Response
from litestar.enums import MediaType
from strawberry.litestar import make_graphql_controller

from partnership_graphql.ide import graphiql_assets_router, offline_graphiql_html

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOOPBACK = "127.0.0.1"
# Not network requests: the favicon is a data: URL.
LOCAL_SCHEMES = {"data", "blob", "about"}
TIMEOUT_MS = 20_000


def _skip_or_fail(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(
            f"{reason}; CI=true, so the browser test must run (see scripts/ensure-chromium)"
        )
    pytest.skip(reason)


@pytest.fixture
def chromium() -> Path:
    """The browser, checked before any server starts."""
    if not CHROMIUM.exists():
        _skip_or_fail(f"{CHROMIUM} is missing (Debian package 'chromium': scripts/ensure-chromium)")
    if importlib.util.find_spec("playwright") is None:
        _skip_or_fail("PyPI playwright is not installed (pip install -e '.[dev]')")
    return CHROMIUM


@strawberry.type
class Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"Hello, {name}!"


def _app() -> Litestar:
    base = make_graphql_controller(strawberry.Schema(query=Query), path="/graphql")

    # The same override the real app factory uses.
    class OfflineGraphQLController(base):  # type: ignore[misc,valid-type]
        async def render_graphql_ide(self, request: Request) -> Response[str]:
            return Response(offline_graphiql_html(), media_type=MediaType.HTML)

    return Litestar(route_handlers=[OfflineGraphQLController, graphiql_assets_router()])


@pytest.fixture
def server_url() -> Iterator[str]:
    # Bind first and hand uvicorn the socket: no race for a "free" port.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((LOOPBACK, 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(_app(), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.mark.browser
def test_graphiql_renders_and_runs_a_query_with_no_outside_network(
    chromium: Path, server_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import Error, Route, WebSocket, expect, sync_playwright
    from playwright.sync_api import Response as BrowserResponse

    left_the_machine: list[str] = []
    failed_locally: list[str] = []
    page_errors: list[str] = []

    def only_loopback(route: Route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in LOCAL_SCHEMES or url.hostname == LOOPBACK:
            route.continue_()
        else:
            left_the_machine.append(route.request.url)
            route.abort("blockedbyclient")

    def note_websocket(websocket: WebSocket) -> None:
        if urlsplit(websocket.url).hostname != LOOPBACK:
            left_the_machine.append(websocket.url)

    def note_failure(response: BrowserResponse) -> None:
        if response.status >= 400:
            failed_locally.append(f"{response.status} {response.url}")

    def note_error(error: Error) -> None:
        page_errors.append(str(error))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(TIMEOUT_MS)
            page.route("**/*", only_loopback)
            # page.route does not see WebSockets: record those separately.
            page.on("websocket", note_websocket)
            page.on("response", note_failure)
            page.on("pageerror", note_error)

            page.goto(f"{server_url}/graphql", wait_until="load")
            # Every <script> and <link> has been asked for by now: fail on the cause first.
            assert left_the_machine == [], "the page tried to load these from outside"

            # strawberry's #graphiql div has the class .graphiql-container (and says
            # "Loading...") before any script runs: wait for what GraphiQL itself draws.
            editor = page.locator(".graphiql-query-editor .CodeMirror")
            expect(page.locator("#graphiql .graphiql-container")).to_be_visible(timeout=TIMEOUT_MS)
            expect(editor).to_be_visible(timeout=TIMEOUT_MS)
            expect(page.locator(".graphiql-execute-button")).to_be_visible(timeout=TIMEOUT_MS)

            editor.click()
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            # insert_text, not type: GraphiQL's editor auto-closes brackets and quotes.
            page.keyboard.insert_text('query Greeting { hello(name: "council") }')
            assert "council" in editor.evaluate("node => node.CodeMirror.getValue()")
            page.locator(".graphiql-execute-button").click()

            response_pane = page.locator(".graphiql-response")
            expect(response_pane).to_contain_text('"hello": "Hello, council!"', timeout=TIMEOUT_MS)
            screenshot = tmp_path / "graphiql.png"
            page.screenshot(path=str(screenshot), full_page=True)
            print(f"GraphiQL screenshot: {screenshot}")
        finally:
            browser.close()

    assert left_the_machine == [], "requests tried to leave the machine"
    assert failed_locally == []
    assert page_errors == []
