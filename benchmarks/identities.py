"""Who a benchmark's requests come from, and the app options benchmarks serve with.

`SignedInAs` hands the app one person with nothing read or looked up: the page as it cost
before there was signing in, and the baseline benchmarks/auth_overhead.py measures signing in
against. `RemembersPrincipals` is a prototype of one way to make signing in cheaper.
"""

import hashlib
import time
from typing import Any

from litestar import Request

from access.authentication import Authenticator
from partnership.access import Principal
from partnership_graphql.app import ApiOptions
from partnership_graphql.signed_in import Identification


class SignedInAs(Identification):
    """Every request comes from `principal`, whatever it carries: no header is read, no
    credential or read model is asked, nothing leaves the event loop. What an app with no
    sign-in at all would do, and the baseline signing in is measured against."""

    principal: Principal | None

    def __init__(self, principal: Principal | None) -> None:
        # Frozen like the identification it stands in for; it has no authenticator to hold.
        object.__setattr__(self, "authenticator", None)
        object.__setattr__(self, "session_cookie", None)
        object.__setattr__(self, "principal", principal)

    async def principal_of(self, request: Request[Any, Any, Any]) -> Principal | None:
        return self.principal


class RemembersPrincipals(Identification):
    """A prototype, to measure a possible fix (benchmarks/auth_overhead.py --prototype): the
    real identification, but the person a bearer token signs in is remembered for `seconds`
    and found again on the event loop, so a request within that time reads nothing and stays
    on the loop. The price: a revoked token or grant goes on working for up to `seconds`. Not
    bounded in size, as the product's would have to be."""

    seconds: float
    remembered: dict[bytes, tuple[Principal | None, float]]

    def __init__(self, authenticator: Authenticator, seconds: float) -> None:
        super().__init__(authenticator)
        object.__setattr__(self, "seconds", seconds)
        object.__setattr__(self, "remembered", {})

    async def principal_of(self, request: Request[Any, Any, Any]) -> Principal | None:
        authorization = request.headers.get("authorization")
        if authorization is None or request.cookies:
            return await super().principal_of(request)
        key = hashlib.sha256(authorization.encode()).digest()
        now = time.monotonic()
        found = self.remembered.get(key)
        if found is not None and found[1] > now:
            return found[0]
        principal = await super().principal_of(request)
        self.remembered[key] = (principal, now + self.seconds)
        return principal


# No rate limit: a benchmark sends thousands of requests a minute with one token.
BENCHMARK_OPTIONS = ApiOptions(requests_per_minute=None)
