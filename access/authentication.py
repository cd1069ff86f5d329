"""Who a request comes from: a bearer token or a session cookie, checked against the
credential store, and the person's grants as the read models hold them now.

Every method blocks (database work, and argon2 for passwords): the API runs them on a worker
thread, never on the event loop.
"""

import hmac
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection

from access.credentials import CredentialStore
from access.errors import AuthenticationFailed
from partnership.access import Principal
from partnership.errors import InvalidInput
from partnership.limits import EMAIL_MAX
from projections import read
from projections.read import ReadModelStore, Visibility

Clock = Callable[[], datetime]

# "Bearer " and a token, with room for stray spaces; anything longer is refused unread.
AUTHORIZATION_MAX = 200


@dataclass(frozen=True)
class Authenticated:
    """The person a request acts for, how they showed it, and (for a browser session) the
    CSRF token that each change the page asks for must carry."""

    principal: Principal
    via: Literal["token", "session"]
    csrf_token: str | None = field(default=None, repr=False)
    # What the person may see, worked out with their grants; None: not yet worked out.
    visibility: Visibility | None = None
    # When the token or session expires: what is remembered of it is not honoured after.
    expires_at: datetime | None = None

    def holds_at(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at

    def csrf_matches(self, sent: str | None) -> bool:
        """Whether a change may go ahead on this request's say-so. A bearer token is never
        sent by a browser on its own, so it needs no CSRF token; a session cookie is, so the
        page must echo the session's."""
        if self.via == "token":
            return True
        if self.csrf_token is None or not isinstance(sent, str):
            return False
        return hmac.compare_digest(self.csrf_token.encode(), sent.encode())


def bearer_token(authorization: str) -> str:
    """The token in an Authorization header; AuthenticationFailed (`credentials_malformed`)
    for any other kind of header."""
    if len(authorization) > AUTHORIZATION_MAX:
        raise AuthenticationFailed.malformed(
            "The Authorization header is too long to hold an API token."
        )
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationFailed.malformed(
            "The Authorization header must be 'Bearer' followed by an API token."
        )
    return token.strip()


class Authenticator:
    """Turns a request's credentials into the Principal it acts for.

    `secret_key` is the key the credential store signs session cookies with, given again so
    that a process wired with two different keys fails at its start, not at each sign-in.
    """

    def __init__(
        self,
        credentials: CredentialStore,
        read_models: ReadModelStore,
        secret_key: bytes,
        clock: Clock,
    ) -> None:
        if not credentials.signs_with(secret_key):
            raise ValueError("the credential store signs session cookies with another key")
        self.credentials = credentials
        self.read_models = read_models
        self.clock = clock

    def authenticate(
        self, *, authorization: str | None, session_cookie: str | None
    ) -> Authenticated | None:
        """None for a request with no credentials (anonymous); otherwise who it acts for, or
        AuthenticationFailed saying why not. A bearer token is used when both are sent: a
        script's token is what it means, whatever cookie its HTTP client has kept."""
        now = self.clock()
        if authorization is not None:
            token = self.credentials.verify_token(bearer_token(authorization), now=now)
            principal, visibility = self.principal_and_visibility(token.person_id)
            return Authenticated(principal, "token", None, visibility, token.expires_at)
        # An empty cookie is how a browser is told to forget one: anonymous, not a failure.
        if session_cookie:
            session = self.credentials.check_session(session_cookie, now=now)
            principal, visibility = self.principal_and_visibility(session.person_id)
            return Authenticated(
                principal, "session", session.csrf_token, visibility, session.expires_at
            )
        return None

    def password_sign_in(self, email: str, password: str) -> Principal | None:
        """The person whose email and password these are, or None. A person whose access has
        all been revoked raises AuthenticationFailed (`person_unknown`), but only once the
        password is right, so it tells a guesser nothing. Slow by design (argon2)."""
        person_id = self.person_id_for_email(email)
        # Checked even for an unknown address, which takes as long: the time of a refusal does
        # not tell who has an account.
        if not self.credentials.verify_password(person_id, password) or person_id is None:
            return None
        return self.principal_of(person_id)

    def person_id_for_email(self, email: str) -> str | None:
        """The id of the person registered with this email address, if anyone is."""
        if not isinstance(email, str) or not 0 < len(email) <= EMAIL_MAX:
            return None
        try:
            with self.read_models.reader.connect() as conn:
                person = read.person_by_email(conn, email)
        except InvalidInput:
            return None
        return None if person is None else str(person["person_id"])

    def principal_of(self, person_id: str) -> Principal:
        """The person with their grants as they stand now; AuthenticationFailed
        (`person_unknown`) if there is no such person or they hold no grant any more."""
        with self.read_models.reader.connect() as conn:
            return _principal(conn, person_id)

    def principal_and_visibility(self, person_id: str) -> tuple[Principal, Visibility]:
        """The person, as `principal_of`, and what they may see: read on one connection, so
        that a request needs one trip to the read models before it runs."""
        with self.read_models.reader.connect() as conn:
            principal = _principal(conn, person_id)
            return principal, read.visibility_of(conn, principal)


def _principal(conn: Connection, person_id: str) -> Principal:
    try:
        principal = read.principal_of(conn, person_id)
    except InvalidInput:  # an id no person could have
        principal = None
    if principal is None or not principal.grants:
        raise AuthenticationFailed.person_unknown()
    return principal
