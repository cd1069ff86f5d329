"""A real server on loopback, and a small GraphQL client over real HTTP.

The tests of a module marked `shared_example` that only read share one example partnership
and one server for the whole run; a test there marked `writes` gets stores and a server of its
own. Each changes nothing the next test sees: a shared example that a test changed fails it.
"""

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from eventsourcing.persistence import StoredEvent
from sqlalchemy import inspect

from access.authentication import Authenticated
from access.errors import AuthenticationFailed
from partnership.access import Grant, Principal, Role, ScopeKind
from partnership.domain import Actor
from partnership_graphql.app import ApiOptions, create_app
from partnership_graphql.signed_in import Identification
from projections.runtime import Runtime
from service.example import example_actor, load_example
from service.settings import Settings
from service.wiring import open_runtime
from tests.conftest import MovableClock, uses_shared_example


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# The person the API tests act as, unless a test signs in as someone else: one who may record
# anything (the access tests walk the roles one by one, through real tokens and sessions).
OFFICER_TOKEN = "officer-token-for-tests"
OFFICER = Principal(
    person_id="test:partnership-officer",
    name="Partnership Officer",
    email="officer@lancashire.example",
    authority="Lancashire County Council",
    grants=tuple(
        Grant(str(number), role, ScopeKind.EVERYTHING, None, date(2000, 1, 1))
        for number, role in enumerate(
            (Role.ADMIN, Role.SECRETARY, Role.PROCUREMENT_OFFICER), start=1
        )
    ),
)
OFFICER_ACTOR = OFFICER.actor


class OfficerOnly:
    """Knows one bearer token, the officer's; refuses any other as the real one does."""

    def authenticate(
        self, *, authorization: str | None, session_cookie: str | None
    ) -> Authenticated | None:
        if authorization is None and session_cookie is None:
            return None
        if authorization == f"Bearer {OFFICER_TOKEN}":
            return Authenticated(OFFICER, "token", None)
        raise AuthenticationFailed.token_invalid()


class GraphQLClient:
    def __init__(self, base_url: str, token: str | None = OFFICER_TOKEN) -> None:
        self.base_url = base_url
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        self.http = httpx.Client(base_url=base_url, timeout=30, headers=headers)

    def post(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = self.post(query, variables)
        assert not body.get("errors"), body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@contextmanager
def serving(
    runtime: Runtime,
    identification: Identification | None = None,
    options: ApiOptions | None = None,
) -> Iterator[str]:
    """The API on a free loopback port. By default it knows only the officer's token, with
    GraphiQL and introspection on and no rate limit, as the tests of other things want."""
    port = free_port()
    app = create_app(
        runtime,
        identification or Identification(OfficerOnly()),  # type: ignore[arg-type]
        options=options or ApiOptions(graphiql=True, introspection=True, requests_per_minute=None),
    )
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        instance.should_exit = True
        # Once it has stopped listening, nothing more reaches the app: the rest of uvicorn's
        # graceful shutdown (a fixed pause for connections the test has already closed) ends on
        # its own thread, and a test waiting for it would wait for nothing.
        deadline = time.monotonic() + 10
        while thread.is_alive() and not listening_stopped(instance):
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not stop")
            time.sleep(0.005)


def listening_stopped(instance: uvicorn.Server) -> bool:
    servers = list(instance.servers)
    return bool(servers) and not any(server.is_serving() for server in servers)


# The example's events, recorded once per run by the story itself and copied into each new log:
# telling it through the commands again for every test that needs it would cost more than all
# that the test then does. Keyed by who records it and when, the two things it depends on.
_EXAMPLE_EVENTS: dict[tuple[Actor, datetime], list[StoredEvent]] = {}
EXAMPLE_ACTOR = example_actor(Settings())


def load_example_events(runtime: Runtime) -> None:
    """Records the example partnership in an empty log, as `load_example` would, and projects it."""
    actor, now = EXAMPLE_ACTOR, runtime.clock()
    if (actor, now) not in _EXAMPLE_EVENTS:
        teller = type(runtime.app)(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
        try:
            load_example(teller, actor, now)
            told = teller.recorder.select_notifications(start=1, limit=1_000_000)
        finally:
            teller.close()
        _EXAMPLE_EVENTS[actor, now] = [
            StoredEvent(n.originator_id, n.originator_version, n.topic, n.state) for n in told
        ]
    assert runtime.app.head_position() == 0, "the example is told only in an empty log"
    runtime.app.recorder.insert_events(_EXAMPLE_EVENTS[actor, now])
    runtime.runner.catch_up()


Step = Callable[[Runtime], None]


@dataclass
class SharedExample:
    runtime: Runtime
    clock: MovableClock
    url: str
    closing: ExitStack
    # The steps a module's tests went on with, taken once; and what the stores then held.
    steps_taken: set[tuple[str, ...]] = field(default_factory=set)
    state: tuple[int, frozenset[str]] = (0, frozenset())

    def settle(self) -> None:
        self.state = self.observe()

    def observe(self) -> tuple[int, frozenset[str]]:
        """Where the log stands and which read-model tables there are: what a reader sees."""
        tables = frozenset(inspect(self.runtime.store.reader).get_table_names())
        return self.runtime.app.head_position(), tables


class SharedExamples:
    """The example partnership, loaded and served once per name a `shared_example` marker gives
    (by default "example"), when a test first asks for it."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.made: dict[str, SharedExample] = {}
        self.count = 0

    def get(self, name: str) -> SharedExample:
        if name not in self.made:
            self.count += 1
            self.made[name] = self._make(self.directory / f"{name}-{self.count}")
        return self.made[name]

    def discard(self, name: str) -> None:
        """Drops a shared example a test has changed, so that the tests after it are not
        misled: the next to ask gets a new one."""
        self.made.pop(name).closing.close()

    def close(self) -> None:
        for name in list(self.made):
            self.discard(name)

    @staticmethod
    def _make(directory: Path) -> SharedExample:
        closing = ExitStack()
        try:
            clock = MovableClock()
            runtime = open_runtime(Settings(data_dir=directory, poll_interval_seconds=0.2), clock)
            closing.callback(runtime.close)
            load_example_events(runtime)
            url = closing.enter_context(serving(runtime))
            shared = SharedExample(runtime, clock, url, closing)
            shared.settle()
            return shared
        except BaseException:
            closing.close()
            raise


@pytest.fixture(scope="session")
def shared_examples(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedExamples]:
    made = SharedExamples(tmp_path_factory.mktemp("shared"))
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def shared_example(
    request: pytest.FixtureRequest, shared_examples: SharedExamples
) -> Iterator[SharedExample]:
    marker = request.node.get_closest_marker("shared_example")
    name = marker.args[0] if marker and marker.args else "example"
    shared = shared_examples.get(name)
    shared.clock.now = MovableClock().now
    yield shared
    shared.clock.now = MovableClock().now
    if shared.observe() != shared.state:
        shared_examples.discard(name)
        pytest.fail(
            "this test changed the example other tests share: mark it @pytest.mark.writes "
            "to give it stores of its own"
        )


@pytest.fixture
def server(request: pytest.FixtureRequest, runtime: Runtime) -> Iterator[str]:
    if uses_shared_example(request.node):
        yield request.getfixturevalue("shared_example").url
        return
    with serving(runtime) as url:
        yield url


@pytest.fixture
def client(server: str) -> Iterator[GraphQLClient]:
    graphql = GraphQLClient(server)
    try:
        yield graphql
    finally:
        graphql.http.close()


@pytest.fixture
def example(request: pytest.FixtureRequest, runtime: Runtime) -> Runtime:
    if uses_shared_example(request.node):
        return runtime  # loaded when the shared example was made
    load_example_events(runtime)
    return runtime


GoOnWith = Callable[..., Runtime]


@pytest.fixture
def go_on_with(request: pytest.FixtureRequest) -> GoOnWith:
    """Goes on with the example by the given steps; a shared one, only the first time."""

    def go_on(example: Runtime, *steps: Step) -> Runtime:
        shared: SharedExample | None = None
        # By name: a test module imported by another is imported again, as another module.
        named = tuple(step.__qualname__ for step in steps)
        if uses_shared_example(request.node):
            shared = request.getfixturevalue("shared_example")
            if named in shared.steps_taken:
                return example
            if shared.steps_taken:
                pytest.fail("this shared example went on otherwise: name one of its own")
        for step in steps:
            step(example)
        example.runner.catch_up()
        if shared is not None:
            shared.steps_taken.add(named)
            shared.settle()
        return example

    return go_on
