"""Who a benchmark's requests come from, and the app options benchmarks serve with.

`SignedInAs` hands the app one person with nothing read or looked up: the page as it cost
before there was signing in, and the baseline benchmarks/auth_overhead.py measures signing in
against.
"""

from typing import Any

from litestar import Request

from access.authentication import Authenticated
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

    async def signed_in(self, request: Request[Any, Any, Any]) -> Authenticated | None:
        return None if self.principal is None else Authenticated(self.principal, "token")


# No rate limit: a benchmark sends thousands of requests a minute with one token.
BENCHMARK_OPTIONS = ApiOptions(requests_per_minute=None)
