"""The person the benchmarks ask as: an auditor, who may read the whole record."""

from datetime import date

from partnership.access import Grant, Principal, Role, ScopeKind

AUDITOR = Principal(
    person_id="benchmark:auditor",
    name="Benchmark Auditor",
    email="auditor@benchmark.invalid",
    authority="Lancashire County Council",
    grants=(Grant("1", Role.AUDITOR, ScopeKind.EVERYTHING, None, date(2000, 1, 1)),),
)
