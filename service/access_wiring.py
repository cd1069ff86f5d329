"""Access for one process: its secret key, its credential store, and the checks a production
start must pass."""

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from access.authentication import Authenticator
from access.credentials import CredentialStore
from partnership.access import system_actor
from partnership.domain import Actor
from projections import read
from projections.runtime import Runtime
from service.settings import SECRET_KEY_MIN_LENGTH, Settings, SettingsError

if TYPE_CHECKING:
    from litestar import Litestar

SECRET_KEY_FILE = "secret_key"


@dataclass
class Access:
    credentials: CredentialStore
    authenticator: Authenticator
    secret_key: bytes

    def close(self) -> None:
        self.credentials.close()


def secret_key_of(settings: Settings) -> bytes:
    """The key that signs session cookies.

    Production must be given its own (PARTNERSHIP_SECRET_KEY or _FILE). Elsewhere a random key
    is made once and kept in the data directory, so sessions outlive a restart and no two
    installations share a key; there is no built-in default to forget to change.
    """
    if settings.secret_key is not None:
        return settings.secret_key
    if settings.production:
        raise SettingsError(
            "PARTNERSHIP_MODE=production needs a secret key of its own: set "
            "PARTNERSHIP_SECRET_KEY or PARTNERSHIP_SECRET_KEY_FILE "
            f"(at least {SECRET_KEY_MIN_LENGTH} characters)"
        )
    path = settings.data_dir / SECRET_KEY_FILE
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_urlsafe(48))
    key = path.read_text(encoding="utf-8").strip()
    if len(key) < SECRET_KEY_MIN_LENGTH:
        raise SettingsError(f"{path} holds a secret key too short to use; delete it to make one")
    return key.encode()


def _write_private(path: Path, text: str) -> None:
    # Created readable by its owner alone, and never half-written.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def open_access(settings: Settings, runtime: Runtime) -> Access:
    key = secret_key_of(settings)
    credentials = CredentialStore(settings.credentials_url(), key)
    authenticator = Authenticator(credentials, runtime.store, key, runtime.clock)
    return Access(credentials, authenticator, key)


def command_line_actor(settings: Settings) -> Actor:
    """Who the record names for what the command line records: the system, saying so."""
    return system_actor("command-line", settings.system_authority)


def check_ready_to_serve(settings: Settings, runtime: Runtime) -> None:
    """Production refuses to start open: with no one who could sign in, say."""
    if not settings.production:
        return
    secret_key_of(settings)
    with runtime.store.reader.connect() as conn:
        people = read.count_people(conn)
    if people == 0:
        raise SettingsError(
            "PARTNERSHIP_MODE=production and no people are registered: add an admin first "
            "with `partnership people add` and `partnership people grant --role admin`"
        )


def build_app(
    settings: Settings, runtime: Runtime, access: Access, lifespan: Sequence[Any] = ()
) -> "Litestar":
    """The whole web application as settings describe it."""
    # Imported here: the command line's other commands need none of the web application.
    from partnership_graphql.app import ApiOptions, create_app
    from partnership_graphql.sign_in import sign_in_router
    from partnership_graphql.sign_in_browser import CookiePolicy
    from partnership_graphql.sign_in_oidc import OidcClientSettings
    from partnership_graphql.signed_in import Identification
    from service.telemetry import tracing_of

    options = ApiOptions(
        graphiql=settings.graphiql,
        introspection=settings.introspection,
        requests_per_minute=settings.requests_per_minute,
        metrics=settings.metrics,
        tracing=tracing_of(settings),
        ready_max_lag_events=settings.ready_max_lag_events,
    )
    oidc = settings.oidc
    identification = Identification(
        access.authenticator, failures_per_minute=settings.requests_per_minute
    )
    sign_in = sign_in_router(
        authenticator=access.authenticator,
        credentials=access.credentials,
        clock=runtime.clock,
        cookie=CookiePolicy(secure=settings.secure_cookies),
        oidc=None
        if oidc is None
        else OidcClientSettings(
            issuer=oidc.issuer,
            client_id=oidc.client_id,
            client_secret=oidc.client_secret,
            redirect_url=oidc.redirect_url,
        ),
        secret_key=access.secret_key,
        forget_session=identification.forget_session,
    )
    return create_app(
        runtime,
        identification,
        options=options,
        sign_in=sign_in,
        lifespan=lifespan,
    )
