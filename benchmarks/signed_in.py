"""The person the benchmarks ask as: an auditor, who may read the whole record."""

from datetime import date

from access.authentication import Authenticated
from partnership.access import Grant, Principal, Role, ScopeKind
from partnership_graphql.signed_in import Identification

AUDITOR = Principal(
    person_id="benchmark:auditor",
    name="Benchmark Auditor",
    email="auditor@benchmark.invalid",
    authority="Lancashire County Council",
    grants=(Grant("1", Role.AUDITOR, ScopeKind.EVERYTHING, None, date(2000, 1, 1)),),
)


class AlwaysTheAuditor:
    """Every request is the auditor's, with no credential to check: what a page costs once
    the person is known."""

    def authenticate(
        self, *, authorization: str | None, session_cookie: str | None
    ) -> Authenticated | None:
        return Authenticated(AUDITOR, "token", None)


def as_the_auditor() -> Identification:
    return Identification(AlwaysTheAuditor())  # type: ignore[arg-type]
