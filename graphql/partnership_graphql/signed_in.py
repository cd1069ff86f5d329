"""Who a request comes from: its API token or its browser session, checked before it runs.

A request with no credentials is anonymous, and the access policy refuses it everything. A
request with credentials that do not hold (malformed, forged, expired, revoked) is refused
whole with 401 and a code, never quietly treated as anonymous. A write carried by a browser
session must also carry that session's CSRF token in a header, or another site could make the
browser send it.
"""

import hmac
from dataclasses import dataclass
from functools import partial
from typing import Any

from litestar import Request

from access.authentication import Authenticator
from access.errors import AuthenticationFailed
from partnership.access import Principal
from partnership_graphql.bodies import BadRequest
from partnership_graphql.context import off_the_loop

SESSION_COOKIE = "partnership_session"
CSRF_HEADER = "x-csrf-token"
CSRF_STATE = "session_csrf_token"
# Longer than any token or signed session id we issue: what is longer is not read at all.
CREDENTIAL_MAX = 512

CSRF_TOKEN_MISSING = "csrf_token_missing"
CSRF_TOKEN_INVALID = "csrf_token_invalid"
CREDENTIALS_MALFORMED = "credentials_malformed"


class Unauthenticated(BadRequest):
    """401: the credentials sent do not hold."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code, status_code=401)


@dataclass(frozen=True)
class Identification:
    authenticator: Authenticator
    session_cookie: str = SESSION_COOKIE

    async def principal_of(self, request: Request[Any, Any, Any]) -> Principal | None:
        """The signed-in person, None when the request carries no credentials.

        Raises Unauthenticated (401) for credentials that do not hold and BadRequest (403) for
        a session-carried write without its CSRF token.
        """
        authorization = request.headers.get("authorization")
        cookie = request.cookies.get(self.session_cookie)
        if authorization is None and not cookie:
            return None
        for value in (authorization, cookie):
            if value is not None and len(value) > CREDENTIAL_MAX:
                raise Unauthenticated(
                    "The credentials sent are too long to be ours.", CREDENTIALS_MALFORMED
                )
        try:
            authenticated = await off_the_loop(
                partial(
                    self.authenticator.authenticate,
                    authorization=authorization,
                    session_cookie=cookie or None,
                )
            )
        except AuthenticationFailed as failure:
            raise Unauthenticated(failure.message, failure.code) from None
        if authenticated is None:
            return None
        if authenticated.via == "session":
            if request.method != "GET":
                _check_csrf(request, authenticated.csrf_token)
            # For the GraphiQL page this request may be asking for.
            request.state[CSRF_STATE] = authenticated.csrf_token
        principal: Principal = authenticated.principal
        return principal


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
