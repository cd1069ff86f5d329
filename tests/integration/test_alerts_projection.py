"""The alerts read model over both stores: renewal levels as the day moves, a moved deadline,
acknowledgements per level, overdue milestones and actions, stale recommendations, rebuilds."""

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from partnership.addresses import MilestoneAddress, SupplierMeetingAddress
from partnership.alerts import (
    ACKNOWLEDGED_HERE,
    HEAD_CONTRACT_CHANGED,
    MILESTONE_OVERDUE,
    OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    STALE,
    SUPPLIER_ACTION_OVERDUE,
)
from partnership.commands.alerts import AlertStanding
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from partnership.recommendations import IMPLEMENTED
from projections.alerts import (
    AlertsProjection,
    alert_acknowledgements,
    alert_back_to_back,
    alert_meeting_authorities,
    alert_sources,
)
from projections.creation import creation_facts
from projections.read import AlertRules, FoundAlert, alert_by_key, alerts_as_of
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from service.example import INQUIRY, example_actor, load_example
from service.example_papers import BURNLEY, LCC, LSSCC, SCRUTINY_PANEL
from tests.authorities import register_authorities
from tests.conftest import OFFICER, MovableClock

REFERENCE = "CRM-2007"
END = date(2012, 6, 30)
DEADLINE = END - timedelta(days=90)  # 1 April 2012
TELEPHONY = "Telephony system installation"
NORTHGATE_MEETING = ("Northgate", date(2007, 11, 20), "Weekly LCC and Northgate meeting")


def on(day: date) -> Provenance:
    return Provenance(day, "test paper")


def alerts(runtime: Runtime, as_of: date, **filters: Any) -> list[FoundAlert]:
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        return alerts_as_of(conn, as_of, runtime.policy.alert_rules, **filters)


def renewals(runtime: Runtime, as_of: date, **filters: Any) -> list[tuple[str, str, int]]:
    return [
        (a.key, a.level, a.days_until)
        for a in alerts(runtime, as_of, categories=[RENEWAL], **filters)
    ]


def award(runtime: Runtime, clock: MovableClock, options: tuple[int, ...] = ()) -> None:
    terms = ContractTerms(
        reference=REFERENCE,
        title="CRM system",
        supplier="Northgate",
        authority=BURNLEY,
        start_date=date(2007, 7, 1),
        end_date=END,
        notice_period_days=90,
        extension_options_months=options,
    )
    register_authorities(runtime.app, clock(), BURNLEY)
    runtime.app.award_contract(
        terms=terms, envelope=Envelope(on(date(2007, 7, 1)), OFFICER, clock())
    )


def acknowledge(runtime: Runtime, clock: MovableClock, found: FoundAlert, note: str) -> None:
    now = clock()
    runtime.app.acknowledge_alert(
        key=found.key,
        level=found.level,
        note=note,
        standing=AlertStanding(found.key, found.level, found.row["subject"]),
        envelope=Envelope(Provenance(now.date(), ACKNOWLEDGED_HERE), OFFICER, now),
    )


def test_renewal_levels_cross_each_threshold_then_overdue(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    key = f"renewal:{REFERENCE}:2012-04-01"
    assert renewals(runtime, DEADLINE - timedelta(days=181)) == []
    for days_left, level in [
        (180, "180_days"),
        (91, "180_days"),
        (90, "90_days"),
        (30, "30_days"),
        (7, "7_days"),
        (0, "7_days"),
        (-1, OVERDUE),
    ]:
        assert renewals(runtime, DEADLINE - timedelta(days=days_left)) == [(key, level, days_left)]
    assert renewals(runtime, END) == [(key, OVERDUE, (DEADLINE - END).days)]
    assert renewals(runtime, END + timedelta(days=1)) == []  # the contract has ended
    found = alerts(runtime, DEADLINE - timedelta(days=30))[0]
    assert found.threshold_days == 30
    assert found.row["subject"] == f"Renewal of contract {REFERENCE}"
    assert (found.row["authority"], found.row["supplier"]) == (BURNLEY, "Northgate")


def test_thresholds_come_from_the_settings(runtime: Runtime, clock: MovableClock) -> None:
    award(runtime, clock)
    runtime.runner.catch_up()
    rules = AlertRules(renewal_days=(60, 14), stale_recommendation_days=90)
    with runtime.store.reader.connect() as conn:
        assert alerts_as_of(conn, DEADLINE - timedelta(days=61), rules) == []
        assert [a.level for a in alerts_as_of(conn, DEADLINE - timedelta(days=20), rules)] == [
            "60_days"
        ]


def test_acknowledged_at_one_level_it_alerts_again_at_the_next(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    ninety = DEADLINE - timedelta(days=80)
    clock.set_day(ninety)
    [found] = alerts(runtime, ninety)
    acknowledge(runtime, clock, found, "On the Executive's agenda")
    assert alerts(runtime, ninety) == []
    assert alerts(runtime, DEADLINE - timedelta(days=31)) == []  # still at 90 days
    [shown] = alerts(runtime, ninety, include_acknowledged=True)
    assert shown.acknowledgement is not None
    assert shown.acknowledgement["acknowledged_by"] == OFFICER.person
    assert shown.acknowledgement["acknowledged_on"] == ninety
    assert shown.acknowledgement["note"] == "On the Executive's agenda"
    [again] = alerts(runtime, DEADLINE - timedelta(days=30))
    assert (again.key, again.level, again.acknowledgement) == (found.key, "30_days", None)

    with runtime.store.reader.connect() as conn:
        [line] = conn.execute(
            select(timeline_entries.c.summary).where(
                timeline_entries.c.kind == "ALERT_ACKNOWLEDGED"
            )
        ).scalars()
    assert line == (
        f"Alert acknowledged: Renewal of contract {REFERENCE} at 90 days "
        "\N{EM DASH} On the Executive's agenda"
    )


def test_an_extension_moves_the_deadline_and_raises_a_fresh_alert(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock, options=(12,))
    day = DEADLINE - timedelta(days=20)
    clock.set_day(day)
    [before] = alerts(runtime, day)
    acknowledge(runtime, clock, before, "Extension requested")
    assert alerts(runtime, day) == []
    runtime.app.extend_contract(reference=REFERENCE, envelope=Envelope(on(day), OFFICER, clock()))
    assert alerts(runtime, day) == []  # a year further off now
    new_deadline = date(2013, 4, 1)
    [after] = alerts(runtime, new_deadline - timedelta(days=20))
    assert after.key == f"renewal:{REFERENCE}:{new_deadline.isoformat()}" != before.key
    assert (after.level, after.acknowledgement) == ("30_days", None)
    with runtime.store.reader.connect() as conn:
        rules = runtime.policy.alert_rules
        assert alert_by_key(conn, before.key, day, rules) is None


def test_a_terminated_contract_raises_no_renewal_alert(
    runtime: Runtime, clock: MovableClock
) -> None:
    award(runtime, clock)
    runtime.app.terminate_contract(
        reference=REFERENCE,
        reason="Replaced",
        envelope=Envelope(on(date(2011, 1, 5)), OFFICER, clock()),
    )
    assert renewals(runtime, DEADLINE) == []


@pytest.fixture
def example(runtime: Runtime, clock: MovableClock) -> Runtime:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    return runtime


def test_the_example_as_of_the_day_after_the_2011_report(example: Runtime) -> None:
    found = alerts(example, date(2011, 9, 2))
    assert [(a.row["category"], a.level, a.row["key_date"]) for a in found[:3]] == [
        (RENEWAL, OVERDUE, date(2011, 6, 3)),  # the head CRM contract's notice deadline
        (MILESTONE_OVERDUE, OVERDUE, date(2007, 2, 28)),
        (MILESTONE_OVERDUE, OVERDUE, date(2008, 7, 1)),
    ]
    by_category: dict[str, int] = {}
    for alert in found:
        by_category[alert.row["category"]] = by_category.get(alert.row["category"], 0) + 1
    # The head CRM contract's novation and variation, each on Burnley's back-to-back contract.
    assert by_category == {
        RENEWAL: 1,
        MILESTONE_OVERDUE: 6,
        RECOMMENDATION_STALE: 7,
        HEAD_CONTRACT_CHANGED: 2,
    }
    burnley = alerts(example, date(2011, 9, 2), authority="burnley borough council")
    assert {a.row["category"] for a in burnley} == {MILESTONE_OVERDUE, HEAD_CONTRACT_CHANGED}
    # Five milestones of Burnley's, the Front Office milestone of all three, two head changes.
    assert len(burnley) == 8


def test_an_overdue_milestone_until_replanned_or_achieved(
    example: Runtime, clock: MovableClock
) -> None:
    app, due = example.app, date(2011, 10, 31)
    milestones = {"categories": [MILESTONE_OVERDUE], "authority": BURNLEY}
    telephony = [a for a in alerts(example, due, **milestones) if a.row["project"] == TELEPHONY]
    assert telephony == []
    [late] = [
        a
        for a in alerts(example, due + timedelta(days=1), **milestones)
        if a.row["project"] == TELEPHONY
    ]
    assert (late.level, late.days_until, late.row["item"]) == (OVERDUE, -1, "complete")
    assert late.row["partnership"] == LSSCC
    assert late.row["subject"] == f"Milestone 'Installation complete' of project {TELEPHONY}"

    clock.set_day(date(2011, 11, 2))
    app.replan_milestone(
        milestone=MilestoneAddress(LSSCC, TELEPHONY, "complete"),
        new_due_date=date(2011, 12, 15),
        reason="Engineer shortage",
        envelope=Envelope(on(date(2011, 11, 2)), OFFICER, clock()),
    )
    after_replan = [a for a in alerts(example, date(2011, 12, 16)) if a.row["project"] == TELEPHONY]
    assert [a.key for a in after_replan] == [late.key.replace("2011-10-31", "2011-12-15")]
    assert not [a for a in alerts(example, date(2011, 11, 2)) if a.row["project"] == TELEPHONY]

    clock.set_day(date(2011, 12, 20))
    app.record_milestone_achieved(
        milestone=MilestoneAddress(LSSCC, TELEPHONY, "complete"),
        achieved_on=date(2011, 12, 19),
        envelope=Envelope(on(date(2011, 12, 20)), OFFICER, clock()),
    )
    assert not [a for a in alerts(example, date(2012, 1, 1)) if a.row["project"] == TELEPHONY]


def test_a_recommendation_goes_stale_without_updates(example: Runtime, clock: MovableClock) -> None:
    app, made = example.app, date(2007, 11, 20)
    stale = {"categories": [RECOMMENDATION_STALE]}

    def numbers(as_of: date) -> list[str]:
        return [a.row["item"] for a in alerts(example, as_of, **stale)]

    assert numbers(made + timedelta(days=89)) == []
    assert numbers(made + timedelta(days=90)) == ["4a", "5a", "5b", "5c", "5d", "5e", "5f"]
    [five_d] = [
        a for a in alerts(example, made + timedelta(days=90), **stale) if a.row["item"] == "5d"
    ]
    assert (five_d.level, five_d.days_until) == (STALE, -90)
    assert (five_d.row["scrutiny_body"], five_d.row["inquiry"]) == (SCRUTINY_PANEL, INQUIRY)

    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5d",
        text="Costs compared",
        status=None,
        envelope=Envelope(on(date(2008, 1, 10)), OFFICER, clock()),
    )
    assert "5d" not in numbers(made + timedelta(days=90))
    [fresh] = [a for a in alerts(example, date(2008, 4, 9), **stale) if a.row["item"] == "5d"]
    assert fresh.key == five_d.key.replace("2007-11-20", "2008-01-10")
    # An older paper entered late does not make it look monitored more recently.
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5d",
        text="Earlier note",
        status=None,
        envelope=Envelope(on(date(2007, 12, 1)), OFFICER, clock()),
    )
    assert [a.key for a in alerts(example, date(2008, 4, 9), **stale) if a.row["item"] == "5d"] == [
        fresh.key
    ]
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5d",
        text="Done",
        status=IMPLEMENTED,
        envelope=Envelope(on(date(2008, 2, 1)), OFFICER, clock()),
    )
    assert "5d" not in numbers(date(2011, 9, 2))
    app.close_inquiry(
        body=SCRUTINY_PANEL,
        title=INQUIRY,
        envelope=Envelope(on(date(2011, 9, 1)), OFFICER, clock()),
    )
    assert numbers(date(2011, 9, 2)) == []  # nobody monitors a closed inquiry any more


def test_an_overdue_supplier_action(example: Runtime, clock: MovableClock) -> None:
    app, meeting_day = example.app, NORTHGATE_MEETING[1]
    actions = {"categories": [SUPPLIER_ACTION_OVERDUE]}
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        text="Send the CRM defect log",
        owner="Northgate",
        owner_side="supplier",
        due_date=date(2007, 11, 27),
        envelope=Envelope(on(meeting_day), OFFICER, clock()),
    )
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        text="Agree a date",
        owner="Ruth Hawes",
        owner_side="authority",
        due_date=None,
        envelope=Envelope(on(meeting_day), OFFICER, clock()),
    )
    assert alerts(example, date(2007, 11, 27), **actions) == []
    [late] = alerts(example, date(2007, 11, 28), **actions)
    assert (late.row["item"], late.level, late.row["supplier"]) == ("1", OVERDUE, "Northgate")
    assert late.row["subject"] == (
        "Action 1 from the Weekly LCC and Northgate meeting (Northgate, 20 Nov 2007)"
    )
    assert alerts(example, date(2007, 11, 28), authority=LCC, **actions) == []

    version = app.get_supplier_meeting(SupplierMeetingAddress(*NORTHGATE_MEETING)).version
    app.correct_supplier_meeting(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        corrects_version=1,
        field="authority_attendees",
        value=[{"person": "Ruth Hawes", "authority": LCC}],
        reason="attendance left out",
        envelope=Envelope(on(date(2007, 11, 21)), OFFICER, clock(), expected_version=version),
    )
    app.correct_supplier_action(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        number="1",
        corrects_version=version - 1,
        field="due_date",
        value=date(2007, 11, 30),
        reason="misread the minutes",
        envelope=Envelope(on(date(2007, 11, 21)), OFFICER, clock()),
    )
    assert alerts(example, date(2007, 11, 28), **actions) == []
    [moved] = alerts(example, date(2007, 12, 1), authority=LCC, **actions)
    assert moved.key == late.key.replace("2007-11-27", "2007-11-30")
    app.close_supplier_action(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        number="1",
        outcome="Sent",
        envelope=Envelope(on(date(2007, 12, 3)), OFFICER, clock()),
    )
    assert alerts(example, date(2011, 1, 1), **actions) == []


def dump(runtime: Runtime) -> list[list[tuple[Any, ...]]]:
    with runtime.store.reader.connect() as conn:
        return [
            [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key))]
            for table in (
                alert_sources,
                alert_meeting_authorities,
                alert_acknowledgements,
                alert_back_to_back,
                creation_facts,
            )
        ]


def test_a_rebuild_in_small_batches_reproduces_the_live_rows(
    example: Runtime, clock: MovableClock
) -> None:
    app = example.app
    award(example, clock, options=(12,))
    example.runner.catch_up()
    day = DEADLINE - timedelta(days=100)
    clock.set_day(day)
    for found in alerts(example, day):
        acknowledge(example, clock, found, f"Seen {found.row['category']}")
        example.runner.catch_up()  # live: one small batch after each command
    app.extend_contract(reference=REFERENCE, envelope=Envelope(on(day), OFFICER, clock()))
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(*NORTHGATE_MEETING),
        text="Report",
        owner="Northgate",
        owner_side="supplier",
        due_date=date(2007, 12, 1),
        envelope=Envelope(on(NORTHGATE_MEETING[1]), OFFICER, clock()),
    )
    app.close_inquiry(
        body=SCRUTINY_PANEL,
        title=INQUIRY,
        envelope=Envelope(on(date(2011, 9, 1)), OFFICER, clock()),
    )
    example.runner.catch_up()
    live = dump(example)
    # Every alert standing that day was acknowledged, the example's two head changes among them.
    assert len(live[2]) == 17

    # Small batches, so that parents and their items, and closings, meet in different ones.
    rebuilder = ProjectionRunner(
        example.app, example.store, projections=[AlertsProjection()], batch_size=7
    )
    rebuilder.rebuild()
    assert dump(example) == live
