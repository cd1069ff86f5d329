"""A served record with real people in it, signed in the real way.

People are registered and granted their roles through the application's own commands; their
tokens and sessions come from a real credential store, checked by the real Authenticator. The
API is served over loopback as in production, apart from the options a test asks for.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from access.authentication import Authenticator
from access.credentials import CredentialStore
from partnership.access import Role, ScopeKind, system_actor
from partnership.addresses import SupplierMeetingAddress
from partnership.application import CommandResult
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.people import person_id
from partnership_graphql.app import ApiOptions
from partnership_graphql.signed_in import Identification
from projections.runtime import Runtime
from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, CHORLEY, LCC, SCRUTINY_PANEL
from service.example_people import DEMO_PEOPLE, load_demo_people
from service.wiring import open_runtime
from tests.api.conftest import GraphQLClient, load_example_events, serving
from tests.conftest import LogInMemory, MovableClock

ANONYMOUS = "anonymous"
KEY = b"a secret key of the access tests, long enough"
SETUP = system_actor("access tests", LCC)
SETUP_PAPER = "Access tests: the record they start from"
# What the tests act on, unless they say otherwise: every real limit, none of the developer's
# tools, and no rate limit to trip over.
OPEN_OPTIONS = ApiOptions(requests_per_minute=None)


@dataclass(frozen=True)
class GrantOn:
    role: Role
    scope_kind: ScopeKind
    scope: str | None = None
    # For a body: the partnership it belongs to (None for a scrutiny body).
    partnership: str | None = None


@dataclass(frozen=True)
class Someone:
    """A person the tests sign in as, by a short key their test ids use."""

    key: str
    name: str
    email: str
    authority: str
    grants: tuple[GrantOn, ...]

    @property
    def person_id(self) -> str:
        return str(person_id(self.email))


# The demo people of the example, one for each role, as `load_demo_people` makes them.
DEMO = {
    demo.role.value: Someone(
        demo.role.value,
        demo.name,
        demo.email,
        demo.authority,
        (GrantOn(demo.role, demo.scope_kind, demo.scope),),
    )
    for demo in DEMO_PEOPLE
}


# Beside the example: an authority in neither of its partnerships, with a partnership of its
# own, and a supplier meeting Burnley attended.
PENDLE = "Pendle Borough Council"
PENDLE_LEISURE = "Pendle Leisure Partnership"
BURNLEY_REVIEW = ("Northgate", date(2011, 8, 1), "Burnley CRM contract review")
WEEKLY = ("Northgate", date(2007, 11, 20), "Weekly LCC and Northgate meeting")

SCRUTINY_SECRETARY = Someone(
    "scrutiny_secretary",
    "Sam Clerk",
    "sam.clerk@chorley.example",
    CHORLEY,
    (GrantOn(Role.SECRETARY, ScopeKind.BODY, SCRUTINY_PANEL),),
)
OUTSIDER = Someone(
    "outsider",
    "Priya Shah",
    "priya.shah@pendle.example",
    PENDLE,
    (GrantOn(Role.SECRETARY, ScopeKind.PARTNERSHIP, PENDLE_LEISURE),),
)
# Who each contract of the example is a contract of: its authority and its head's.
CONTRACT_PARTIES = {HEAD_CRM: frozenset({LCC}), BURNLEY_CRM: frozenset({BURNLEY, LCC})}


def beside_the_example(world: "World") -> None:
    """What the example's access tests need besides the example itself."""
    world.record("register_authority", name=PENDLE, kind="district")
    world.record("form_partnership", name=PENDLE_LEISURE, purpose="Leisure services in Pendle.")
    world.record("admit_member", partnership=PENDLE_LEISURE, authority=PENDLE, role="lead")
    supplier, day, title = BURNLEY_REVIEW
    world.record(
        "record_supplier_meeting",
        on=day,
        meeting=SupplierMeetingAddress(supplier, day, title),
        authority_attendees=[{"person": "Rob Dobson", "authority": BURNLEY}],
        supplier_attendees=["Account manager"],
        topics=["The contract's extension"],
    )


def cheap_hasher() -> PasswordHasher:
    # Passwords are not what these tests are about: argon2 at its lightest keeps them fast.
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@dataclass
class World:
    runtime: Runtime
    clock: MovableClock
    credentials: CredentialStore
    authenticator: Authenticator
    url: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    people: dict[str, Someone] = field(default_factory=dict)
    clients: dict[str | None, GraphQLClient] = field(default_factory=dict)
    closing: ExitStack = field(default_factory=ExitStack)

    def head(self) -> int:
        """Where the log stands: a refusal leaves it where it was."""
        position: int = self.runtime.app.head_position()
        return position

    def record(self, command: str, /, *, on: date | None = None, **given: Any) -> CommandResult:
        """Records a fact of the starting record, as the system, and projects it."""
        paper = Provenance(on or self.clock().date(), SETUP_PAPER)
        envelope = Envelope(paper, SETUP, self.clock())
        result: CommandResult = getattr(self.runtime.app, command)(**given, envelope=envelope)
        self.runtime.seen(result)
        return result

    def admit(self, someone: Someone, *, on: date | None = None) -> str:
        """Registers the person, grants them their roles and issues them a token."""
        envelope = Envelope(Provenance(on or self.clock().date(), SETUP_PAPER), SETUP, self.clock())
        app = self.runtime.app
        app.register_person(
            name=someone.name, email=someone.email, authority=someone.authority, envelope=envelope
        )
        for grant in someone.grants:
            app.grant_role(
                email=someone.email,
                role=grant.role.value,
                scope_kind=grant.scope_kind.value,
                scope=grant.scope,
                partnership=grant.partnership,
                envelope=envelope,
            )
        self.runtime.runner.catch_up()
        self.people[someone.key] = someone
        self.tokens[someone.key] = self.issue_token(someone)
        return self.tokens[someone.key]

    def issue_token(self, someone: Someone, lifetime: timedelta = timedelta(days=30)) -> str:
        issued = self.credentials.issue_token(
            someone.person_id, f"access tests: {someone.key}", now=self.clock(), expires_in=lifetime
        )
        return issued.token

    def client(self, key: str | None) -> GraphQLClient:
        """A client signed in by the token of the person with this key; None or "anonymous":
        one that sends no credentials."""
        key = None if key == ANONYMOUS else key
        if key not in self.clients:
            made = GraphQLClient(self.url, None if key is None else self.tokens[key])
            self.closing.callback(made.http.close)
            self.clients[key] = made
        return self.clients[key]

    def http(self, **headers: str) -> httpx.Client:
        made = httpx.Client(base_url=self.url, timeout=30, headers=headers)
        self.closing.callback(made.close)
        return made


@contextmanager
def open_world(
    directory: Path,
    *,
    example: bool = True,
    demo_people: bool = True,
    people: Iterable[Someone] = (),
    setup: Callable[[World], None] | None = None,
    options: ApiOptions = OPEN_OPTIONS,
) -> Iterator[World]:
    """The record (the example partnership, unless `example` is False), its demo people, the
    `people` given, whatever `setup(world)` records, and the API serving it."""
    with ExitStack() as closing:
        clock = MovableClock()
        runtime = open_runtime(LogInMemory(data_dir=directory, poll_interval_seconds=0.2), clock)
        closing.callback(runtime.close)
        credentials = CredentialStore(
            f"sqlite:///{directory / 'credentials.sqlite'}", KEY, hasher=cheap_hasher()
        )
        closing.callback(credentials.close)
        authenticator = Authenticator(credentials, runtime.store, KEY, clock)
        world = World(runtime, clock, credentials, authenticator)
        if example:
            load_example_events(runtime)
        if demo_people:
            issued = load_demo_people(runtime.app, credentials, SETUP, clock())
            runtime.runner.catch_up()
            for each in issued:
                world.tokens[each.person.role.value] = each.token
                world.people[each.person.role.value] = DEMO[each.person.role.value]
        if setup is not None:
            setup(world)
        for someone in people:
            world.admit(someone)
        world.url = closing.enter_context(
            serving(runtime, identification=Identification(authenticator), options=options)
        )
        closing.enter_context(world.closing)
        yield world


def refusal_code(body: dict[str, Any]) -> str | None:
    """The access refusal among a GraphQL answer's errors, if there is one."""
    for error in body.get("errors") or ():
        code = (error.get("extensions") or {}).get("code")
        if code in ("sign_in_required", "not_allowed"):
            return str(code)
    return None
