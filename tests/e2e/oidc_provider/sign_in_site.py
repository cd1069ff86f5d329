"""What the sign-in tests share: a record with one registered person, apps serving the sign-in
router (each trusting a provider of its own, or none), and how to read their answers."""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx
from argon2 import PasswordHasher
from litestar import Litestar, Router

from access.authentication import Authenticated, Authenticator
from access.credentials import CredentialStore
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership_graphql.sign_in import CookiePolicy, sign_in_router
from partnership_graphql.sign_in_oidc import OidcClientSettings
from service.settings import Settings
from service.wiring import ServiceRuntime, open_runtime
from tests.conftest import OFFICER, MovableClock
from tests.e2e.oidc_provider.harness import ProviderClient, free_port, running_provider, serving

SECRET_KEY = b"a test key, at least thirty-two bytes long"
LCC = "Lancashire County Council"
RUTH = "ruth.hawes@lancashire.gov.uk"
PASSWORD = "correct horse battery staple"
SESSION = "partnership_session"
FLOW = "partnership_oidc_flow"
FORM_TOKEN = "partnership_sign_in"

# Where the e-mail address is: "userinfo" gives it at the userinfo endpoint alone, as the code
# flow's rules have it; "id_token" puts it in the ID token too, as many providers do.
ProviderKind = Literal["userinfo", "id_token"]


@dataclass
class Record:
    runtime: ServiceRuntime
    clock: MovableClock
    credentials: CredentialStore
    authenticator: Authenticator
    ruth_id: str

    def authenticate(self, cookie: str) -> Authenticated:
        authenticated = self.authenticator.authenticate(authorization=None, session_cookie=cookie)
        assert authenticated is not None
        return authenticated

    def router(self, oidc: OidcClientSettings | None, *, secure: bool = False) -> Router:
        return sign_in_router(
            authenticator=self.authenticator,
            credentials=self.credentials,
            clock=self.clock,
            cookie=CookiePolicy(secure=secure),
            oidc=oidc,
            secret_key=SECRET_KEY,
        )


@contextmanager
def opened_record(directory: Path) -> Iterator[Record]:
    """Ruth Hawes registered through the application's commands, an auditor, with a password."""
    clock = MovableClock()
    runtime = open_runtime(Settings(data_dir=directory / "var", poll_interval_seconds=0.2), clock)
    # Cheap argon2 parameters: these tests are about the pages, not the hash.
    hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    credentials = CredentialStore(
        f"sqlite:///{directory / 'credentials.sqlite'}", SECRET_KEY, hasher=hasher
    )
    try:
        app, now = runtime.app, clock()
        envelope = Envelope(Provenance(now.date(), "Register of people"), OFFICER, now)
        app.register_authority(name=LCC, kind="county", envelope=envelope)
        app.register_person(name="Ruth Hawes", email=RUTH, authority=LCC, envelope=envelope)
        app.grant_role(email=RUTH, role="auditor", scope_kind="everything", envelope=envelope)
        runtime.runner.catch_up()
        authenticator = Authenticator(credentials, runtime.store, SECRET_KEY, clock)
        ruth_id = authenticator.person_id_for_email(RUTH)
        assert ruth_id is not None
        credentials.set_password(ruth_id, PASSWORD, now=now)
        yield Record(runtime, clock, credentials, authenticator, ruth_id)
    finally:
        credentials.close()
        runtime.close()


@dataclass
class Site:
    """The sign-in pages of one app, and the provider it trusts, if any."""

    url: str
    issuer: str | None

    def browser(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)


def served_site(record: Record, running: ExitStack, provider: ProviderKind | None) -> Site:
    """An app with just the sign-in router, served until `running` closes."""
    port = free_port()
    if provider is None:
        app = Litestar(route_handlers=[record.router(None)])
        return Site(running.enter_context(serving(app, port)), None)
    client = ProviderClient(
        "partnership-tracker",
        "a client secret for the tests",
        f"http://127.0.0.1:{port}/sign-in/oidc/callback",
    )
    issuer = running.enter_context(
        running_provider(client, email_in_id_token=provider == "id_token")
    )
    oidc = OidcClientSettings(
        issuer=issuer,
        client_id=client.client_id,
        client_secret=client.client_secret,
        redirect_url=client.redirect_url,
    )
    app = Litestar(route_handlers=[record.router(oidc)])
    return Site(running.enter_context(serving(app, port)), issuer)


def set_cookie_header(response: httpx.Response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


def cookie_attributes(header: str) -> dict[str, str]:
    """A Set-Cookie header's attributes, by lower-case name; flags map to ""."""
    attributes = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value
    return attributes


def session_set(response: httpx.Response) -> bool:
    """Whether the answer gives the browser a session (rather than none, or an empty one)."""
    for header in response.headers.get_list("set-cookie"):
        name, _, rest = header.partition("=")
        value = rest.split(";", 1)[0].strip('"')
        if name == SESSION and value:
            return True
    return False


def refusal_code(response: httpx.Response) -> str:
    marker = 'data-code="'
    start = response.text.index(marker) + len(marker)
    return response.text[start : response.text.index('"', start)]
