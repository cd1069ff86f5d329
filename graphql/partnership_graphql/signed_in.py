"""Who a request comes from: its API token or its browser session, checked before it runs.

A request with no credentials is anonymous, and the access policy refuses it everything. A
request with credentials that do not hold (malformed, forged, expired, revoked) is refused
whole with 401 and a code, never quietly treated as anonymous. A write carried by a browser
session must also carry that session's CSRF token in a header, or another site could make the
browser send it.
"""

import hmac
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from litestar import Request
from litestar.middleware.rate_limit import get_remote_address

from access.authentication import Authenticated, Authenticator
from access.errors import AuthenticationFailed
from partnership.access import Principal
from partnership_graphql.bodies import BadRequest
from partnership_graphql.context import off_the_loop
from partnership_graphql.credential_memory import FailedCredentials, RememberedSignIns

SESSION_COOKIE = "partnership_session"
CSRF_HEADER = "x-csrf-token"
CSRF_STATE = "session_csrf_token"
# Longer than any token or signed session id we issue: what is longer is not read at all.
CREDENTIAL_MAX = 512

CSRF_TOKEN_MISSING = "csrf_token_missing"
CSRF_TOKEN_INVALID = "csrf_token_invalid"
CREDENTIALS_MALFORMED = "credentials_malformed"
RATE_LIMITED = "rate_limited"


class Unauthenticated(BadRequest):
    """401: the credentials sent do not hold."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code, status_code=401)


@dataclass(frozen=True)
class Identification:
    authenticator: Authenticator
    session_cookie: str = SESSION_COOKIE
    remembered: RememberedSignIns = field(default_factory=RememberedSignIns)
    # Failed credentials an address may send a minute; None: no limit.
    failures_per_minute: int | None = 600
    failures: FailedCredentials = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "failures", FailedCredentials(self.failures_per_minute))

    async def principal_of(self, request: Request[Any, Any, Any]) -> Principal | None:
        """The signed-in person, None when the request carries no credentials; as
        `signed_in`."""
        authenticated = await self.signed_in(request)
        return None if authenticated is None else authenticated.principal

    async def signed_in(self, request: Request[Any, Any, Any]) -> Authenticated | None:
        """Who the request acts for and what they may see; None when it carries no
        credentials.

        Raises Unauthenticated (401) for credentials that do not hold and BadRequest (403) for
        a session-carried write without its CSRF token.
        """
        authorization = request.headers.get("authorization")
        cookie = request.cookies.get(self.session_cookie) or None
        if authorization is None and cookie is None:
            return None
        key = self.remembered.key(authorization, cookie)
        authenticated = self.remembered.recall(key)
        # Remembered or not, a token or session is never honoured past its expiry.
        if authenticated is not None and not self._still_holds(authenticated):
            self.remembered.forget(key)
            authenticated = None
        if authenticated is None:
            authenticated = await self._check(request, authorization, cookie)
            if authenticated is None:
                return None
            self.remembered.keep(key, authenticated)
        if authenticated.via == "session":
            if request.method != "GET":
                _check_csrf(request, authenticated.csrf_token)
            # For the GraphiQL page this request may be asking for.
            request.state[CSRF_STATE] = authenticated.csrf_token
        return authenticated

    def _still_holds(self, authenticated: Authenticated) -> bool:
        return authenticated.expires_at is None or authenticated.holds_at(
            self.authenticator.clock()
        )

    async def _check(
        self, request: Request[Any, Any, Any], authorization: str | None, cookie: str | None
    ) -> Authenticated | None:
        address = get_remote_address(request)
        if self.failures.used_up(address):
            raise BadRequest(
                "Too many credentials that do not hold came from this address; wait a minute "
                "and try again.",
                RATE_LIMITED,
                status_code=429,
            )
        try:
            for value in (authorization, cookie):
                if value is not None and len(value) > CREDENTIAL_MAX:
                    raise AuthenticationFailed.malformed(
                        "The credentials sent are too long to be ours."
                    )
            authenticated: Authenticated | None = await off_the_loop(
                partial(
                    self.authenticator.authenticate,
                    authorization=authorization,
                    session_cookie=cookie,
                )
            )
        except AuthenticationFailed as failure:
            self.failures.note(address)
            raise Unauthenticated(failure.message, failure.code) from None
        return authenticated

    def forget_session(self, cookie: str) -> None:
        """Stop honouring a browser session from memory: it has been signed out."""
        self.remembered.forget(self.remembered.key(None, cookie))


def _check_csrf(request: Request[Any, Any, Any], expected: str | None) -> None:
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        raise BadRequest(
            "A request signed in by a browser session must send the session's CSRF token in "
            "the X-CSRF-Token header; nothing was run.",
            CSRF_TOKEN_MISSING,
            status_code=403,
        )
    if expected is None or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BadRequest(
            "The X-CSRF-Token header does not match this session; sign in again if the page "
            "is old. Nothing was run.",
            CSRF_TOKEN_INVALID,
            status_code=403,
        )
