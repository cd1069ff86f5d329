"""Putting a contract's record right: facts corrected, dates included, and facts withdrawn as
recorded in error; the log keeps both, and the register, the alerts and the timeline follow.
On both stores."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.commands.revisions import RecordNotFound
from partnership.contracts import ContractTerms, EndBeforeStart, contract_id
from partnership.domain import DomainError, Provenance
from partnership.partnerships import AuthorityNotFound
from partnership.revisions import (
    FactAlreadyWithdrawn,
    FactNotRevisable,
    RecordWithdrawn,
    RevisionBreaksRule,
)
from projections.alerts import alert_sources
from projections.contracts import contracts_register
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

HEAD = ContractTerms(
    reference="LCC/CRM/1",
    title="CRM",
    supplier="SX3",
    authority="Lancashire County Council",
    start_date=date(2004, 12, 1),
    end_date=date(2011, 11, 30),
    notice_period_days=180,
    extension_options_months=(12, 12),
)
UNDER = ContractTerms(
    reference="BBC/CRM/1",
    title="CRM back-to-back",
    supplier="SX3",
    authority="Burnley Borough Council",
    start_date=date(2004, 12, 1),
    end_date=date(2011, 11, 30),
    notice_period_days=90,
    head_contract_reference="LCC/CRM/1",
)
AWARDED_ON = date(2004, 12, 1)


@pytest.fixture(autouse=True)
def authorities_registered(runtime: Runtime, clock: MovableClock) -> None:
    register_authorities(
        runtime.app, clock(), HEAD.authority, UNDER.authority, "Pendle Borough Council"
    )
    runtime.runner.catch_up()


def on(day: date, clock: MovableClock) -> Envelope:
    return Envelope(Provenance(day, f"Minutes of {day.isoformat()}"), OFFICER, clock())


def award(runtime: Runtime, clock: MovableClock, *terms: ContractTerms) -> None:
    for each in terms or (HEAD,):
        runtime.seen(runtime.app.award_contract(terms=each, envelope=on(AWARDED_ON, clock)))


def correct(
    runtime: Runtime,
    clock: MovableClock,
    version: int,
    field: str,
    value: Any,
    ref: str = "LCC/CRM/1",
) -> None:
    runtime.seen(
        runtime.app.correct_fact(
            record=contract_id(ref),
            version=version,
            field=field,
            value=value,
            reason="Entered wrongly from the minutes",
            envelope=on(date(2011, 8, 1), clock),
        )
    )


def withdraw(runtime: Runtime, clock: MovableClock, version: int, ref: str = "LCC/CRM/1") -> None:
    runtime.seen(
        runtime.app.withdraw_fact(
            record=contract_id(ref),
            version=version,
            reason="Recorded against the wrong contract",
            envelope=on(date(2011, 8, 1), clock),
        )
    )


def row(runtime: Runtime, ref: str = "LCC/CRM/1") -> dict[str, Any]:
    with runtime.store.reader.connect() as conn:
        found = conn.execute(
            select(contracts_register).where(contracts_register.c.reference == ref)
        ).mappings()
        return dict(found.one())


def entries(runtime: Runtime, ref: str = "LCC/CRM/1") -> list[dict[str, Any]]:
    table = timeline_entries
    with runtime.store.reader.connect() as conn:
        found = conn.execute(
            select(table)
            .where(table.c.aggregate_id == str(contract_id(ref)))
            .order_by(table.c.aggregate_version)
        ).mappings()
        return [dict(each) for each in found]


def alerts(runtime: Runtime, ref: str) -> list[dict[str, Any]]:
    table = alert_sources
    with runtime.store.reader.connect() as conn:
        found = conn.execute(
            select(table).where(table.c.aggregate_id == str(contract_id(ref)))
        ).mappings()
        return [dict(each) for each in found]


def test_the_award_to_the_wrong_authority_is_corrected_not_terminated(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    correct(runtime, clock, 1, "authority", "pendle borough council")
    assert row(runtime)["authority"] == "Pendle Borough Council"
    assert row(runtime)["status"] == "active"
    renewal = next(a for a in alerts(runtime, "LCC/CRM/1") if a["item"] == "")
    assert renewal["authority"] == "Pendle Borough Council"
    award_entry, correction = entries(runtime)
    # The log keeps both: the award as first recorded, marked, and the correction after it.
    assert "Lancashire County Council" in award_entry["summary"]
    assert award_entry["revised_at"] == correction["position"]
    assert correction["kind"] == "CONTRACT_FACT_CORRECTED"
    assert "authority Pendle Borough Council" in correction["summary"]
    history = list(runtime.app.repository.event_store.get(contract_id("LCC/CRM/1")))
    assert [type(e).__name__ for e in history] == ["Awarded", "FactCorrected"]
    assert history[0].authority == "Lancashire County Council"


def test_an_unregistered_authority_is_refused_as_any_command_refuses_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    with pytest.raises(AuthorityNotFound) as refused:
        correct(runtime, clock, 1, "authority", "Burnley Council")
    assert refused.value.field == "value"
    assert row(runtime)["version"] == 1


def test_a_guessed_award_date_corrected_earlier_lets_the_true_fact_in(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(runtime.app.award_contract(terms=HEAD, envelope=on(date(2005, 3, 1), clock)))
    novation = {"reference": "LCC/CRM/1", "new_supplier": "Northgate"}
    with pytest.raises(DomainError, match="before contract"):
        runtime.app.novate_contract(**novation, envelope=on(date(2005, 1, 10), clock))
    correct(runtime, clock, 1, "effective_date", date(2004, 12, 1))
    assert row(runtime)["awarded_on"] == date(2004, 12, 1)
    assert entries(runtime)[0]["effective_date"] == date(2004, 12, 1)
    runtime.seen(runtime.app.novate_contract(**novation, envelope=on(date(2005, 1, 10), clock)))
    assert row(runtime)["supplier"] == "Northgate"


def test_a_date_correction_that_would_break_a_rule_is_refused_with_the_reason(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    runtime.seen(
        runtime.app.novate_contract(
            reference="LCC/CRM/1", new_supplier="Northgate", envelope=on(date(2006, 10, 26), clock)
        )
    )
    # The award moved after the novation: the novation would precede the award.
    with pytest.raises(RevisionBreaksRule, match="Fact 2"):
        correct(runtime, clock, 1, "effective_date", date(2007, 1, 1))
    with pytest.raises(EndBeforeStart):
        correct(runtime, clock, 1, "start_date", date(2012, 1, 1))
    assert row(runtime)["version"] == 2
    assert row(runtime)["start_date"] == HEAD.start_date


def test_a_novation_corrected_moves_the_supplier_and_its_tenure(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    runtime.seen(
        runtime.app.novate_contract(
            reference="LCC/CRM/1", new_supplier="Northgat", envelope=on(date(2006, 10, 26), clock)
        )
    )
    correct(runtime, clock, 2, "new_supplier", "Northgate")
    correct(runtime, clock, 2, "effective_date", date(2006, 11, 1))
    found = row(runtime)
    assert found["supplier"] == "Northgate"
    assert found["suppliers"] == ["SX3", "Northgate"]
    assert found["supplier_history"] == [
        {"supplier": "SX3", "from": "2004-12-01"},
        {"supplier": "Northgate", "from": "2006-11-01"},
    ]


def test_an_extension_withdrawn_puts_back_the_end_date_option_and_reminder(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock, HEAD, UNDER)
    runtime.seen(
        runtime.app.extend_contract(reference="LCC/CRM/1", envelope=on(date(2011, 5, 1), clock))
    )
    assert row(runtime)["end_date"] == date(2012, 11, 30)
    under_alerts = alerts(runtime, "BBC/CRM/1")
    assert [a["is_open"] for a in under_alerts if a["item"] != ""] == [True]
    withdraw(runtime, clock, 2)
    found = row(runtime)
    assert found["end_date"] == date(2011, 11, 30)
    assert found["extension_options_left"] == [12, 12]
    assert found["notice_deadline"] == date(2011, 6, 3)
    renewal = next(a for a in alerts(runtime, "LCC/CRM/1") if a["item"] == "")
    assert renewal["runs_until"] == date(2011, 11, 30)
    # The alert the extension raised on the contract under it is withdrawn with it.
    assert [a["is_open"] for a in alerts(runtime, "BBC/CRM/1") if a["item"] != ""] == [False]
    extension = entries(runtime)[1]
    assert extension["withdrawn_reason"] == "Recorded against the wrong contract"
    assert entries(runtime)[2]["kind"] == "CONTRACT_FACT_WITHDRAWN"
    with pytest.raises(FactAlreadyWithdrawn):
        withdraw(runtime, clock, 2)
    # The option is there to exercise again, as if the mistaken extension never was.
    runtime.seen(
        runtime.app.extend_contract(reference="LCC/CRM/1", envelope=on(date(2011, 5, 2), clock))
    )
    assert row(runtime)["end_date"] == date(2012, 11, 30)


def test_a_contract_withdrawn_stays_marked_takes_no_change_and_reminds_nobody(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    runtime.seen(
        runtime.app.extend_contract(reference="LCC/CRM/1", envelope=on(date(2011, 5, 1), clock))
    )
    withdraw(runtime, clock, 1)
    assert row(runtime)["status"] == "withdrawn"
    assert all(not a["is_open"] for a in alerts(runtime, "LCC/CRM/1"))
    marked = [e["withdrawn_reason"] for e in entries(runtime)]
    assert marked == ["Recorded against the wrong contract"] * 2 + [None]
    with pytest.raises(RecordWithdrawn):
        runtime.app.extend_contract(reference="LCC/CRM/1", envelope=on(date(2011, 6, 1), clock))
    with pytest.raises(RecordWithdrawn):
        correct(runtime, clock, 1, "title", "Another")
    with pytest.raises(RecordWithdrawn):
        runtime.app.award_contract(terms=UNDER, envelope=on(AWARDED_ON, clock))


@pytest.mark.parametrize(
    ("version", "field", "value", "refused"),
    [
        (1, "reference", "LCC/CRM/2", FactNotRevisable),
        (1, "originator_id", "x", FactNotRevisable),
        (1, "colour", "blue", FactNotRevisable),
        (1, "end_date", "30 November 2011", DomainError),
        (1, "notice_period_days", -1, DomainError),
        (1, "title", "x" * 501, DomainError),
        (9, "title", "CRM", DomainError),
    ],
)
def test_what_cannot_be_corrected_is_refused_naming_the_field(
    runtime: Runtime,
    clock: MovableClock,
    version: int,
    field: str,
    value: Any,
    refused: type[DomainError],
) -> None:
    award(runtime, clock)
    with pytest.raises(refused) as error:
        correct(runtime, clock, version, field, value)
    assert error.value.field in ("field", "value", "version")
    assert row(runtime)["version"] == 1


def test_a_record_that_is_not_there_is_not_found(runtime: Runtime, clock: MovableClock) -> None:
    app: PartnershipApplication = runtime.app
    with pytest.raises(RecordNotFound):
        app.withdraw_fact(
            record=contract_id("nothing"), version=1, reason="x", envelope=on(AWARDED_ON, clock)
        )


def test_a_notice_period_given_in_months_is_corrected_with_its_unit(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    correct(runtime, clock, 1, "notice_period_days", 3)
    correct(runtime, clock, 1, "notice_period_unit", "months")
    # Three calendar months before 30 November, not 3 days.
    assert row(runtime)["notice_deadline"] == date(2011, 8, 30)
    with pytest.raises(DomainError) as refused:
        correct(runtime, clock, 1, "notice_period_unit", "fortnights")
    assert refused.value.field == "value"
