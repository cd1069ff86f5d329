"""A head contract's changes alert each back-to-back contract under it, over both stores: once
per change and contract, for that contract's parties, acknowledged like any other, standing
while that contract runs, and the same after a rebuild in small batches."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from partnership.alerts import ACKNOWLEDGED_HERE, CHANGED, HEAD_CONTRACT_CHANGED
from partnership.commands.alerts import AlertStanding
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms, contract_id
from partnership.domain import Provenance
from projections.alerts import AlertsProjection, alert_back_to_back, alert_sources
from projections.read import FoundAlert, Visibility, alerts_as_of
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

COUNTY = "Lancashire County Council"
DISTRICT = "Burnley Borough Council"
ELSEWHERE = "Blackpool Borough Council"
END = date(2012, 6, 30)
TODAY = date(2011, 9, 2)  # the test clock's day

HEAD = ContractTerms(
    reference="LCC/CRM/1",
    title="CRM",
    supplier="SX3",
    authority=COUNTY,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
    extension_options_months=(12,),
)
UNDER = ContractTerms(
    reference="BBC/CRM/1",
    title="CRM back-to-back",
    supplier="SX3",
    authority=DISTRICT,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
    extension_options_months=(6,),
    head_contract_reference="lcc/crm/1",  # as a clerk may type it
)
ALONE = ContractTerms(
    reference="BBC/PAY/1",
    title="Payroll",
    supplier="Capita",
    authority=DISTRICT,
    start_date=date(2007, 7, 1),
    end_date=END,
    notice_period_days=90,
)


def on(day: date, clock: MovableClock) -> Envelope:
    return Envelope(Provenance(day, f"Minutes of {day.isoformat()}"), OFFICER, clock())


def change_the_head_four_ways(runtime: Runtime, clock: MovableClock) -> None:
    app = runtime.app
    app.novate_contract(
        reference=HEAD.reference, new_supplier="Northgate", envelope=on(date(2010, 1, 4), clock)
    )
    app.vary_contract(
        reference=HEAD.reference,
        description="Telephony added",
        envelope=on(date(2010, 6, 1), clock),
    )
    app.extend_contract(reference=HEAD.reference, envelope=on(date(2011, 1, 10), clock))
    app.terminate_contract(
        reference=HEAD.reference, reason="Brought in-house", envelope=on(date(2011, 8, 1), clock)
    )


@pytest.fixture
def changed(runtime: Runtime, clock: MovableClock) -> Runtime:
    register_authorities(runtime.app, clock(), COUNTY, DISTRICT, ELSEWHERE)
    for terms in (HEAD, UNDER, ALONE):
        runtime.app.award_contract(terms=terms, envelope=on(date(2007, 7, 1), clock))
    change_the_head_four_ways(runtime, clock)
    runtime.runner.catch_up()
    return runtime


def head_changes(runtime: Runtime, as_of: date = TODAY, **given: Any) -> list[FoundAlert]:
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        return alerts_as_of(
            conn, as_of, runtime.policy.alert_rules, categories=[HEAD_CONTRACT_CHANGED], **given
        )


def test_each_change_of_the_head_alerts_the_contract_under_it_once(changed: Runtime) -> None:
    found = head_changes(changed)
    under = str(contract_id(UNDER.reference))
    assert [(a.key, a.level, a.row["key_date"]) for a in found] == [
        (f"head-contract:{under}:2", CHANGED, date(2010, 1, 4)),
        (f"head-contract:{under}:3", CHANGED, date(2010, 6, 1)),
        (f"head-contract:{under}:4", CHANGED, date(2011, 1, 10)),
        (f"head-contract:{under}:5", CHANGED, date(2011, 8, 1)),
    ]
    assert [a.row["title"] for a in found] == [
        "Head contract LCC/CRM/1 novated from SX3 to Northgate",
        "Head contract LCC/CRM/1 varied: Telephony added",
        "Head contract LCC/CRM/1 extended by 12 months, to end on 2013-06-30",
        "Head contract LCC/CRM/1 terminated: Brought in-house",
    ]
    for alert in found:
        row = alert.row
        assert row["subject"] == "Change to head contract LCC/CRM/1 of contract BBC/CRM/1"
        assert (row["contract_reference"], row["head_contract_reference"]) == (
            UNDER.reference,
            HEAD.reference,
        )
        # The parties of the contract under it: its own authority and its head's.
        assert (row["authority"], row["authorities"]) == (DISTRICT, [DISTRICT, COUNTY])
        assert row["partnership"] is None
    # Nothing else changed alerts: neither the head itself nor a contract of no head.
    with changed.store.reader.connect() as conn:
        rows = conn.execute(
            select(alert_sources.c.contract_reference).where(
                alert_sources.c.category == HEAD_CONTRACT_CHANGED
            )
        ).all()
    assert {reference for (reference,) in rows} == {UNDER.reference}


def test_seen_by_the_parties_of_the_contract_under_it_only(changed: Runtime) -> None:
    district = Visibility(False, authorities=frozenset({DISTRICT}))
    county = Visibility(False, authorities=frozenset({COUNTY}))
    elsewhere = Visibility(False, authorities=frozenset({ELSEWHERE}))
    assert len(head_changes(changed, visible=district)) == 4
    assert len(head_changes(changed, visible=county)) == 4
    assert head_changes(changed, visible=elsewhere) == []
    assert len(head_changes(changed, authority=DISTRICT.upper())) == 4
    assert head_changes(changed, authority=ELSEWHERE) == []


def test_acknowledged_once_like_any_other_alert(changed: Runtime, clock: MovableClock) -> None:
    first = head_changes(changed)[0]
    now = clock()
    changed.app.acknowledge_alert(
        key=first.key,
        level=first.level,
        note="Asked the county for the novation agreement",
        standing=AlertStanding(first.key, first.level, first.row["subject"], DISTRICT),
        envelope=Envelope(Provenance(now.date(), ACKNOWLEDGED_HERE), OFFICER, now),
    )
    assert first.key not in [a.key for a in head_changes(changed)]
    acknowledged = head_changes(changed, include_acknowledged=True)[0]
    assert acknowledged.key == first.key
    assert acknowledged.acknowledgement is not None
    assert acknowledged.acknowledgement["note"] == "Asked the county for the novation agreement"


def test_standing_while_the_contract_under_it_runs(changed: Runtime, clock: MovableClock) -> None:
    assert len(head_changes(changed, END)) == 4
    assert head_changes(changed, END + timedelta(days=1)) == []
    # Extended, the contract under it runs on, and so do its alerts.
    changed.app.extend_contract(reference=UNDER.reference, envelope=on(TODAY, clock))
    assert len(head_changes(changed, END + timedelta(days=1))) == 4
    changed.app.terminate_contract(
        reference=UNDER.reference, reason="Follows the head", envelope=on(TODAY, clock)
    )
    assert head_changes(changed) == []


def test_a_rebuild_in_small_batches_raises_the_same_alerts(
    runtime: Runtime, clock: MovableClock
) -> None:
    register_authorities(runtime.app, clock(), COUNTY, DISTRICT)
    # Awarded and changed within one batch of the rebuild, as within one of the live runner.
    for terms in (HEAD, UNDER):
        runtime.app.award_contract(terms=terms, envelope=on(date(2007, 7, 1), clock))
    change_the_head_four_ways(runtime, clock)
    runtime.runner.catch_up()

    def dump() -> list[list[tuple[Any, ...]]]:
        with runtime.store.reader.connect() as conn:
            return [
                [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
                for table in (alert_sources, alert_back_to_back)
            ]

    live = dump()
    assert len(live[0]) == 2 + 4  # two renewals, four changes
    assert len(live[1]) == 1
    for batch_size in (2, 3, 50):
        ProjectionRunner(
            runtime.app, runtime.store, projections=[AlertsProjection()], batch_size=batch_size
        ).rebuild()
        assert dump() == live
