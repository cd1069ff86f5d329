"""Idempotency keys in the application, on both stores: one change per key, even in a race."""

import threading
from datetime import date, timedelta

import pytest

from partnership.commands.base import CommandResult, RepeatedResult
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms, contract_id
from partnership.domain import Provenance
from partnership.idempotency import (
    KEY_LIFETIME,
    Claim,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    check_key,
)
from projections.runtime import Runtime
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

TERMS = ContractTerms(
    "IDEM/1", "Telephony", "Mitel", "Burnley Borough Council", date(2011, 4, 1),
    date(2014, 3, 31), 90,
)  # fmt: skip
PAPER = Provenance(date(2011, 3, 15), "Burnley Executive, 15 March 2011")


@pytest.fixture(autouse=True)
def authority_registered(request: pytest.FixtureRequest) -> None:
    """The contracting authority, registered before it is awarded anything."""
    if "runtime" in request.fixturenames:
        runtime: Runtime = request.getfixturevalue("runtime")
        clock: MovableClock = request.getfixturevalue("clock")
        register_authorities(runtime.app, clock(), TERMS.authority)


def award(runtime: Runtime, clock: MovableClock, claim: Claim) -> CommandResult:
    """The award, run under `claim` as the envelope carries it."""
    envelope = Envelope(PAPER, OFFICER, clock(), claim=claim)
    return runtime.app.award_contract(terms=TERMS, envelope=envelope)


def contract_events(runtime: Runtime) -> list[int]:
    contract = str(contract_id("IDEM/1"))
    logged = runtime.app.recorder.select_notifications(start=1, limit=1000)
    return [n.id for n in logged if str(n.originator_id) == contract]


def test_racing_requests_with_one_key_record_once_and_get_one_answer(
    runtime: Runtime, clock: MovableClock
) -> None:
    claim = Claim("race", "awardContract", "same", clock())
    results: list[CommandResult] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        results.append(award(runtime, clock, claim))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(contract_events(runtime)) == 1
    assert len(results) == 4
    assert {(r.aggregate_id, r.version, r.position) for r in results} == {
        (contract_id("IDEM/1"), 1, contract_events(runtime)[0])
    }
    assert sum(isinstance(r, RepeatedResult) for r in results) == 3


def test_a_repeat_reports_where_the_first_change_stands_despite_later_events(
    runtime: Runtime, clock: MovableClock
) -> None:
    first = award(runtime, clock, Claim("k", "awardContract", "f", clock()))
    runtime.app.terminate_contract(
        reference="IDEM/1", reason="Ended", envelope=Envelope(PAPER, OFFICER, clock())
    )

    again = award(runtime, clock, Claim("k", "awardContract", "f", clock()))

    assert isinstance(again, RepeatedResult)
    assert (again.version, again.position) == (first.version, first.position)


def test_a_key_is_refused_for_another_change_until_it_expires(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock, Claim("k", "awardContract", "f", clock()))
    clock.now += KEY_LIFETIME - timedelta(seconds=1)
    with pytest.raises(IdempotencyKeyReused):
        runtime.app.claimed(Claim("k", "awardContract", "other", clock()), lambda: None)

    clock.now += timedelta(seconds=1)
    now = clock()
    reused = runtime.app.claimed(
        Claim("k", "awardContract", "other", now),
        lambda: runtime.app.terminate_contract(
            reference="IDEM/1", reason="Ended", envelope=Envelope(PAPER, OFFICER, now)
        ),
    )

    assert not isinstance(reused, RepeatedResult)
    assert reused.version == 2


def test_a_refused_change_leaves_its_key_free(runtime: Runtime, clock: MovableClock) -> None:
    award(runtime, clock, Claim("award", "awardContract", "f", clock()))
    head = runtime.app.head_position()
    with pytest.raises(Exception, match="already"):
        award(runtime, clock, Claim("second-award", "awardContract", "f", clock()))
    assert runtime.app.head_position() == head


def test_keys_are_bounded_printable_ascii() -> None:
    assert check_key("x" * 200) == "x" * 200
    for bad in ["", "x" * 201, "caf\u00e9", "tab\there", "nul\x00"]:
        with pytest.raises(InvalidIdempotencyKey):
            check_key(bad)
