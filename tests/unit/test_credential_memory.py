"""What the API remembers of credentials stays bounded and lapses on time."""

from datetime import date

from access.authentication import Authenticated
from partnership.access import Grant, Principal, Role, ScopeKind
from partnership_graphql.credential_memory import FailedCredentials, RememberedSignIns

SOMEONE = Authenticated(
    Principal(
        person_id="test:someone",
        name="Someone",
        email="someone@example.org",
        authority="Burnley Borough Council",
        grants=(Grant("1", Role.AUDITOR, ScopeKind.EVERYTHING, None, date(2000, 1, 1)),),
    ),
    "token",
)


class Ticking:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_sign_in_is_remembered_for_its_seconds_only() -> None:
    clock = Ticking()
    remembered = RememberedSignIns(seconds=1.0, clock=clock)
    key = remembered.key("Bearer ptk_x", None)
    remembered.keep(key, SOMEONE)
    assert remembered.recall(key) is SOMEONE
    clock.now += 0.99
    assert remembered.recall(key) is SOMEONE
    clock.now += 0.02
    assert remembered.recall(key) is None


def test_credentials_are_told_apart_whichever_way_they_came() -> None:
    remembered = RememberedSignIns()
    keys = {
        remembered.key("a", None),
        remembered.key(None, "a"),
        remembered.key("a", "a"),
        remembered.key("ab", None),
        remembered.key(None, None),
    }
    assert len(keys) == 5


def test_the_least_recently_used_sign_in_is_forgotten_first() -> None:
    remembered = RememberedSignIns(most=2)
    first, second, third = (remembered.key(f"Bearer {n}", None) for n in range(3))
    remembered.keep(first, SOMEONE)
    remembered.keep(second, SOMEONE)
    assert remembered.recall(first) is SOMEONE  # now the most recently used
    remembered.keep(third, SOMEONE)
    assert remembered.recall(second) is None
    assert remembered.recall(first) is SOMEONE
    assert remembered.recall(third) is SOMEONE


def test_nothing_is_remembered_with_no_seconds() -> None:
    remembered = RememberedSignIns(seconds=0)
    key = remembered.key("Bearer x", None)
    remembered.keep(key, SOMEONE)
    assert remembered.recall(key) is None


def test_an_address_runs_out_of_failures_for_the_rest_of_its_minute() -> None:
    clock = Ticking()
    clock.now = 60 * 100
    failures = FailedCredentials(per_minute=3, clock=clock)
    for _ in range(3):
        assert not failures.used_up("10.0.0.1")
        failures.note("10.0.0.1")
    assert failures.used_up("10.0.0.1")
    assert not failures.used_up("10.0.0.2")
    clock.now += 60
    assert not failures.used_up("10.0.0.1")


def test_counted_addresses_are_bounded() -> None:
    failures = FailedCredentials(per_minute=1, most=10)
    for n in range(100):
        failures.note(f"10.0.0.{n}")
    assert failures.used_up("10.0.0.99")
    assert not failures.used_up("10.0.0.0")
    assert len(failures._counted) == 10


def test_no_limit_counts_nothing() -> None:
    failures = FailedCredentials(per_minute=None)
    for _ in range(10):
        failures.note("10.0.0.1")
    assert not failures.used_up("10.0.0.1")
