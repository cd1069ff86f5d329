"""Every contract command, through the application and the read models; what the stores do,
on both."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.contracts import (
    ContractAlreadyAwarded,
    ContractNotFound,
    ContractTerms,
    EndBeforeStart,
    NoExtensionOptionLeft,
    contract_id,
)
from partnership.domain import ConcurrentChange, DomainError, Provenance
from projections.contracts import contracts_register
from projections.read import TimelineFilter, list_contracts, timeline_page
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

pytestmark = pytest.mark.store_agnostic

HEAD = ContractTerms(
    reference="LCC/CRM/1",
    title="CRM",
    supplier="SX3",
    authority="Lancashire County Council",
    start_date=date(2004, 12, 1),
    end_date=date(2011, 11, 30),
    notice_period_days=180,
    value=Decimal("1250000.50"),
)
BURNLEY = ContractTerms(
    reference="BBC/CRM/1",
    title="CRM back-to-back",
    supplier="SX3",
    authority="Burnley Borough Council",
    start_date=date(2004, 12, 1),
    end_date=date(2011, 11, 30),
    notice_period_days=90,
    extension_options_months=(12,),
    head_contract_reference="LCC/CRM/1",
)


# The entries the contracting authorities' registrations put on the timeline, oldest of all.
REGISTRATIONS = ["AUTHORITY_REGISTERED", "AUTHORITY_REGISTERED"]


@pytest.fixture(autouse=True)
def authorities_registered(runtime: Runtime, clock: MovableClock) -> None:
    """The contracting authorities, registered before anything is awarded to them."""
    register_authorities(runtime.app, clock(), HEAD.authority, BURNLEY.authority)
    runtime.runner.catch_up()


def paper(day: date) -> Provenance:
    return Provenance(day, f"Minutes of {day.isoformat()}")


def award_both(runtime: Runtime, clock: MovableClock) -> None:
    runtime.seen(
        runtime.app.award_contract(
            terms=HEAD, envelope=Envelope(paper(date(2004, 12, 1)), OFFICER, clock())
        )
    )
    runtime.seen(
        runtime.app.award_contract(
            terms=BURNLEY, envelope=Envelope(paper(date(2004, 12, 1)), OFFICER, clock())
        )
    )


def register(runtime: Runtime) -> dict[str, dict[str, Any]]:
    with runtime.store.reader.connect() as conn:
        return {row["reference"]: row for row in list_contracts(conn)}


def timeline(runtime: Runtime, **filters: Any) -> list[dict[str, Any]]:
    with runtime.store.reader.connect() as conn:
        return timeline_page(conn, TimelineFilter(**filters), 100).rows


def test_award_and_every_change_reach_the_register_and_timeline(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    award_both(runtime, clock)
    runtime.seen(
        app.novate_contract(
            reference="BBC/CRM/1",
            new_supplier="Northgate",
            envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.extend_contract(
            reference="bbc/crm/1", envelope=Envelope(paper(date(2011, 9, 1)), OFFICER, clock())
        )
    )
    runtime.seen(
        app.vary_contract(
            reference="LCC/CRM/1",
            description="Revised arrangements",
            new_value=Decimal("1300000"),
            envelope=Envelope(paper(date(2007, 11, 20)), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.terminate_contract(
            reference="LCC/CRM/1",
            reason="Service brought in-house",
            envelope=Envelope(paper(date(2011, 3, 31)), OFFICER, clock()),
        )
    )

    rows = register(runtime)
    burnley = rows["BBC/CRM/1"]
    assert burnley["supplier"] == "Northgate"
    assert burnley["suppliers"] == ["SX3", "Northgate"]
    assert burnley["end_date"] == date(2012, 11, 30)
    assert burnley["notice_deadline"] == date(2012, 9, 1)
    assert burnley["extension_options_left"] == []
    assert burnley["version"] == 3
    head = rows["LCC/CRM/1"]
    assert (head["status"], head["value"]) == ("terminated", "1300000")
    assert head["termination_reason"] == "Service brought in-house"

    entries = timeline(runtime)
    assert [e["kind"] for e in entries] == [
        "CONTRACT_EXTENDED",
        "CONTRACT_TERMINATED",
        "CONTRACT_VARIED",
        "CONTRACT_NOVATED",
        "CONTRACT_AWARDED",
        "CONTRACT_AWARDED",
        *REGISTRATIONS,
    ]
    assert entries[0]["summary"] == "Contract BBC/CRM/1 extended by 12 months to 30 Nov 2012"
    assert entries[0]["recorded_by"] == "Ruth Hawes"
    assert entries[0]["source"] == "Minutes of 2011-09-01"
    assert entries[0]["recorded_at"].tzinfo is not None
    # A back-to-back contract's events concern the head contract's authority too.
    county = timeline(runtime, authority="Lancashire County Council")
    assert len(county) == 6 + 1  # and its registration
    assert [e["kind"] for e in timeline(runtime, authority="Burnley Borough Council")] == [
        "CONTRACT_EXTENDED",
        "CONTRACT_NOVATED",
        "CONTRACT_AWARDED",
        "AUTHORITY_REGISTERED",
    ]
    assert len(timeline(runtime, contract="lcc/crm/1")) == 3
    assert (
        len(timeline(runtime, effective_from=date(2007, 1, 1), effective_to=date(2011, 3, 31))) == 2
    )


def head_position(app: PartnershipApplication) -> int:
    return app.head_position()


@pytest.mark.parametrize(
    ("attempt", "error"),
    [
        (
            lambda app, now: app.extend_contract(
                reference="NOPE/1", envelope=Envelope(paper(date(2010, 1, 1)), OFFICER, now)
            ),
            ContractNotFound,
        ),
        (
            lambda app, now: app.award_contract(
                terms=HEAD, envelope=Envelope(paper(date(2004, 12, 1)), OFFICER, now)
            ),
            ContractAlreadyAwarded,
        ),
        (
            lambda app, now: app.award_contract(
                terms=ContractTerms("X/1", "T", "S", "A", date(2010, 1, 1), date(2009, 1, 1), 0),
                envelope=Envelope(paper(date(2010, 1, 1)), OFFICER, now),
            ),
            EndBeforeStart,
        ),
        (
            lambda app, now: app.extend_contract(
                reference="LCC/CRM/1", envelope=Envelope(paper(date(2010, 1, 1)), OFFICER, now)
            ),
            NoExtensionOptionLeft,
        ),
        (
            lambda app, now: app.extend_contract(
                reference="BBC/CRM/1",
                envelope=Envelope(paper(date(2010, 1, 1)), OFFICER, now, expected_version=7),
            ),
            ConcurrentChange,
        ),
    ],
    ids=["unknown-contract", "second-award", "end-before-start", "no-option", "stale-version"],
)
def test_refused_commands_write_nothing(
    runtime: Runtime, clock: MovableClock, attempt: Any, error: type[DomainError]
) -> None:
    award_both(runtime, clock)
    before = head_position(runtime.app)
    with pytest.raises(error):
        attempt(runtime.app, clock())
    assert head_position(runtime.app) == before
    runtime.runner.catch_up()
    assert len(timeline(runtime)) == 2 + len(REGISTRATIONS)


@pytest.mark.both_stores
def test_a_change_that_lost_a_race_is_refused_and_writes_nothing(
    runtime: Runtime, clock: MovableClock
) -> None:
    """Two officers change one contract at once: the second save finds the version taken."""
    award_both(runtime, clock)
    other_office = PartnershipApplication(env=runtime.settings.event_store_env())
    try:

        def vary_after_the_other_officer(contract: Any) -> None:
            other_office.novate_contract(
                reference="BBC/CRM/1",
                new_supplier="Northgate",
                envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
            )
            contract.vary("Late change", paper(date(2006, 10, 27)), OFFICER)

        with pytest.raises(ConcurrentChange) as raised:
            runtime.app.change_one(
                runtime.app.get_contract("BBC/CRM/1"),
                Envelope(paper(date(2006, 10, 27)), OFFICER, clock()),
                vary_after_the_other_officer,
            )
        assert "changed by someone else" in raised.value.message
    finally:
        other_office.close()
    contract = runtime.app.get_contract("BBC/CRM/1")
    assert (contract.version, contract.supplier) == (2, "Northgate")


@pytest.mark.both_stores
def test_rebuilt_read_models_equal_the_live_ones(runtime: Runtime, clock: MovableClock) -> None:
    award_both(runtime, clock)
    app = runtime.app
    for year in range(2005, 2011):
        app.vary_contract(
            reference="LCC/CRM/1",
            description=f"Annual review {year}",
            new_value=Decimal(year),
            envelope=Envelope(paper(date(year, 4, 1)), OFFICER, clock()),
        )
    app.novate_contract(
        reference="BBC/CRM/1",
        new_supplier="Northgate",
        envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
    )
    runtime.runner.catch_up()

    def snapshot() -> tuple[list[Any], list[Any]]:
        with runtime.store.reader.connect() as conn:
            return (
                [tuple(r) for r in conn.execute(select(timeline_entries).order_by("position"))],
                [tuple(r) for r in conn.execute(select(contracts_register).order_by("reference"))],
            )

    live = snapshot()
    runtime.runner.batch_size = 3  # several batches, so batch boundaries are exercised too
    runtime.runner.rebuild()
    assert snapshot() == live
    assert len(live[0]) == 9 + len(REGISTRATIONS)


@pytest.mark.both_stores
def test_two_runners_on_one_store_project_each_event_once(
    runtime: Runtime, clock: MovableClock
) -> None:
    from projections.runner import ProjectionRunner

    second = ProjectionRunner(runtime.app, runtime.store, batch_size=2)
    award_both(runtime, clock)
    for year in range(2005, 2009):
        runtime.app.vary_contract(
            reference="LCC/CRM/1",
            description=f"Review {year}",
            envelope=Envelope(paper(date(year, 4, 1)), OFFICER, clock()),
        )
    second.catch_up()
    runtime.runner.catch_up()
    logged = [n.id for n in runtime.app.recorder.select_notifications(start=1, limit=100)]
    assert sorted(row["position"] for row in timeline(runtime)) == logged
    assert len(logged) == 6 + len(REGISTRATIONS)


@pytest.mark.both_stores
def test_projection_status_shows_the_lag_until_the_projector_catches_up(
    runtime: Runtime, clock: MovableClock
) -> None:
    award_both(runtime, clock)
    assert {s.lag_events for s in runtime.runner.status()} == {0}
    runtime.app.novate_contract(
        reference="BBC/CRM/1",
        new_supplier="Northgate",
        envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
    )
    runtime.app.vary_contract(
        reference="LCC/CRM/1",
        description="Review",
        envelope=Envelope(paper(date(2007, 4, 1)), OFFICER, clock()),
    )
    behind = runtime.runner.status()
    assert [(s.name, s.lag_events) for s in behind] == [
        ("timeline", 2),
        ("contracts_register", 2),
        ("decisions_register", 2),
        ("governing_bodies", 2),
        ("delivery_registers", 2),
        ("alerts", 2),
        ("people", 2),
        ("partnerships_register", 2),
        ("supplier_meetings_register", 2),
        ("practices_register", 2),
    ]
    assert all(s.lag_seconds >= 0 for s in behind)
    assert all(s.head == runtime.app.head_position() for s in behind)
    runtime.runner.catch_up()
    assert {(s.lag_events, s.lag_seconds) for s in runtime.runner.status()} == {(0, 0.0)}


@pytest.mark.both_stores
def test_a_runner_never_writes_from_rows_another_runner_has_since_changed(
    runtime: Runtime, clock: MovableClock
) -> None:
    from projections.runner import ProjectionRunner

    other = ProjectionRunner(runtime.app, runtime.store)
    award_both(runtime, clock)  # this runner writes, and remembers, both rows
    runtime.app.novate_contract(
        reference="BBC/CRM/1",
        new_supplier="Northgate",
        envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
    )
    other.catch_up()  # the other runner changes Burnley's row behind this one's back
    runtime.app.novate_contract(
        reference="BBC/CRM/1",
        new_supplier="Capita",
        envelope=Envelope(paper(date(2009, 4, 1)), OFFICER, clock()),
    )
    runtime.runner.catch_up()
    burnley = register(runtime)["BBC/CRM/1"]
    assert burnley["suppliers"] == ["SX3", "Northgate", "Capita"]
    assert (burnley["supplier"], burnley["version"]) == ("Capita", 3)


@pytest.mark.both_stores
def test_supplier_history_dates_each_supplier_and_survives_a_rebuild(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    # Awarded in the autumn, started in December: the first supplier's tenure starts with the
    # contract, not with the award decision.
    runtime.seen(
        app.award_contract(
            terms=HEAD, envelope=Envelope(paper(date(2004, 10, 5)), OFFICER, clock())
        )
    )
    runtime.seen(
        app.award_contract(
            terms=BURNLEY, envelope=Envelope(paper(date(2004, 12, 1)), OFFICER, clock())
        )
    )
    runtime.seen(
        app.novate_contract(
            reference="lcc/crm/1",
            new_supplier="Northgate",
            envelope=Envelope(paper(date(2006, 10, 26)), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.correct_contract(
            reference="LCC/CRM/1",
            corrects_version=1,
            field="title",
            value="CRM (Front Office)",
            reason="Mistyped",
            envelope=Envelope(paper(date(2007, 1, 8)), OFFICER, clock()),
        )
    )
    runtime.seen(
        app.novate_contract(
            reference="LCC/CRM/1",
            new_supplier="Capita",
            envelope=Envelope(paper(date(2009, 4, 1)), OFFICER, clock()),
        )
    )
    # The supplier is not correctable: a change of supplier is a novation, with its own date.
    with pytest.raises(DomainError, match="cannot be corrected"):
        app.correct_contract(
            reference="LCC/CRM/1",
            corrects_version=3,
            field="supplier",
            value="Northgate Information Solutions",
            reason="Misnamed",
            envelope=Envelope(paper(date(2009, 5, 1)), OFFICER, clock()),
        )

    rows = register(runtime)
    head = rows["LCC/CRM/1"]
    assert head["supplier_history"] == [
        {"supplier": "SX3", "from": "2004-12-01"},
        {"supplier": "Northgate", "from": "2006-10-26"},
        {"supplier": "Capita", "from": "2009-04-01"},
    ]
    assert head["suppliers"] == ["SX3", "Northgate", "Capita"]
    assert (head["title"], head["supplier"], head["version"]) == ("CRM (Front Office)", "Capita", 4)
    assert head["head_contract_id"] is None
    burnley = rows["BBC/CRM/1"]
    assert burnley["supplier_history"] == [{"supplier": "SX3", "from": "2004-12-01"}]
    assert burnley["head_contract_id"] == str(contract_id("LCC/CRM/1"))

    def snapshot() -> list[tuple[Any, ...]]:
        with runtime.store.reader.connect() as conn:
            query = select(contracts_register).order_by("reference")
            return [tuple(row) for row in conn.execute(query)]

    live = snapshot()
    for batch_size in (1, 2, 500):  # a batch ending between each pair of events, and none
        runtime.runner.batch_size = batch_size
        runtime.runner.rebuild()
        assert snapshot() == live


def test_a_novation_dated_before_the_start_begins_its_tenure_at_the_start(
    runtime: Runtime, clock: MovableClock
) -> None:
    """Bought out between award and start: the new supplier is the first to deliver."""
    app = runtime.app
    runtime.seen(
        app.award_contract(
            terms=HEAD, envelope=Envelope(paper(date(2004, 10, 5)), OFFICER, clock())
        )
    )
    runtime.seen(
        app.novate_contract(
            reference="LCC/CRM/1",
            new_supplier="Northgate",
            envelope=Envelope(paper(date(2004, 11, 1)), OFFICER, clock()),
        )
    )
    assert register(runtime)["LCC/CRM/1"]["supplier_history"] == [
        {"supplier": "SX3", "from": "2004-12-01"},
        {"supplier": "Northgate", "from": "2004-12-01"},
    ]


@pytest.mark.both_stores
def test_a_value_corrected_to_unknown_is_null_not_text(
    runtime: Runtime, clock: MovableClock
) -> None:
    award_both(runtime, clock)
    assert register(runtime)["LCC/CRM/1"]["value"] is not None
    runtime.seen(
        runtime.app.correct_contract(
            reference="LCC/CRM/1",
            corrects_version=1,
            field="value",
            value=None,
            reason="The value was never agreed",
            envelope=Envelope(paper(date(2005, 1, 10)), OFFICER, clock()),
        )
    )
    assert register(runtime)["LCC/CRM/1"]["value"] is None


@pytest.mark.both_stores
def test_a_rebuild_leaves_postgresql_planner_statistics(
    runtime: Runtime, clock: MovableClock
) -> None:
    if runtime.store.is_sqlite:
        pytest.skip("SQLite plans without statistics")
    award_both(runtime, clock)
    runtime.runner.rebuild()
    with runtime.store.reader.connect() as conn:
        analysed = conn.exec_driver_sql(
            "SELECT relname FROM pg_stat_user_tables "
            "WHERE schemaname = %(schema)s AND last_analyze IS NOT NULL",
            {"schema": runtime.store.schema},
        ).scalars()
        assert {"timeline_entries", "contracts_register"} <= set(analysed)
