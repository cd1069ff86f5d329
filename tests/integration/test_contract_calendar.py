"""A contract's status by the calendar, as of a day, and its counterparty, over both stores:
the register's filter agrees with the domain's rule on each side of every boundary."""

from datetime import date, timedelta

import pytest

from partnership.commands.envelope import Envelope
from partnership.contracts import (
    ACTIVE,
    CALENDAR_STATUSES,
    EXPIRED,
    IN_NOTICE_PERIOD,
    TERMINATED,
    ContractTerms,
    calendar_status,
)
from partnership.domain import InvalidInput, Provenance
from projections.read import list_contracts
from projections.runtime import Runtime
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

COUNTY = "Lancashire County Council"
DISTRICT = "Burnley Borough Council"
END = date(2012, 6, 30)
DEADLINE = END - timedelta(days=90)  # 1 April 2012
DAY = timedelta(days=1)

HEAD = ContractTerms(
    reference="LCC/CRM/1",
    title="CRM",
    supplier="SX3",
    authority=COUNTY,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
)
BACK_TO_BACK = ContractTerms(
    reference="BBC/CRM/1",
    title="CRM back-to-back",
    supplier="SX3",
    authority=DISTRICT,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
    head_contract_reference="LCC/CRM/1",
)
ENDED_EARLY = ContractTerms(
    reference="BBC/PAY/1",
    title="Payroll",
    supplier="Capita",
    authority=DISTRICT,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
)


def paper(day: date) -> Provenance:
    return Provenance(day, f"Minutes of {day.isoformat()}")


@pytest.fixture
def awarded(runtime: Runtime, clock: MovableClock) -> Runtime:
    register_authorities(runtime.app, clock(), COUNTY, DISTRICT)
    for terms in (HEAD, BACK_TO_BACK, ENDED_EARLY):
        runtime.app.award_contract(
            terms=terms, envelope=Envelope(paper(date(2007, 7, 1)), OFFICER, clock())
        )
    runtime.app.terminate_contract(
        reference=ENDED_EARLY.reference,
        reason="Brought in-house",
        envelope=Envelope(paper(date(2009, 3, 31)), OFFICER, clock()),
    )
    runtime.runner.catch_up()
    return runtime


def standing(runtime: Runtime, day: date) -> dict[str, str]:
    """Each contract's calendar status on `day`, by the register's filter."""
    found: dict[str, str] = {}
    with runtime.store.reader.connect() as conn:
        for status in CALENDAR_STATUSES:
            for row in list_contracts(conn, calendar=(status, day)):
                assert row["reference"] not in found, "one status a contract and a day"
                found[row["reference"]] = status
    return found


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (DEADLINE - DAY, ACTIVE),
        (DEADLINE, ACTIVE),
        (DEADLINE + DAY, IN_NOTICE_PERIOD),
        (END, IN_NOTICE_PERIOD),
        (END + DAY, EXPIRED),
    ],
)
def test_each_boundary_by_the_register_and_the_rule(
    awarded: Runtime, day: date, expected: str
) -> None:
    assert standing(awarded, day) == {
        HEAD.reference: expected,
        BACK_TO_BACK.reference: expected,
        ENDED_EARLY.reference: TERMINATED,
    }
    with awarded.store.reader.connect() as conn:
        rows = list_contracts(conn)
    for row in rows:
        by_rule = calendar_status(row["status"], row["end_date"], row["notice_deadline"], day)
        assert by_rule == standing(awarded, day)[row["reference"]]


def test_an_extension_moves_the_boundaries(awarded: Runtime, clock: MovableClock) -> None:
    awarded.app.vary_contract(
        reference=HEAD.reference,
        description="Six more months",
        new_end_date=END + timedelta(days=184),
        envelope=Envelope(paper(date(2011, 9, 1)), OFFICER, clock()),
    )
    awarded.runner.catch_up()
    assert standing(awarded, END + DAY)[HEAD.reference] == ACTIVE
    assert standing(awarded, END + DAY)[BACK_TO_BACK.reference] == EXPIRED


def test_a_status_that_is_none_is_refused(awarded: Runtime) -> None:
    with awarded.store.reader.connect() as conn, pytest.raises(InvalidInput) as refused:
        list_contracts(conn, calendar=("lapsed", END))
    assert refused.value.field == "calendarStatus"


def test_a_back_to_back_contract_names_its_counterparty(awarded: Runtime) -> None:
    with awarded.store.reader.connect() as conn:
        rows = {row["reference"]: row for row in list_contracts(conn)}
    assert rows[BACK_TO_BACK.reference]["counterparty"] == COUNTY
    assert rows[HEAD.reference]["counterparty"] is None
    assert rows[ENDED_EARLY.reference]["counterparty"] is None
