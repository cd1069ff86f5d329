"""Dates as the papers give them in the read models, on each store: a milestone due by a month
is overdue only after the month, a notice period in months gives a calendar deadline that moves
with the end date, and a fact dated loosely keeps its date as the paper gave it."""

from datetime import date
from typing import Any

from sqlalchemy import select

from partnership.addresses import MilestoneAddress, SupplierMeetingAddress
from partnership.alerts import MILESTONE_OVERDUE, OVERDUE, RENEWAL, SUPPLIER_ACTION_OVERDUE
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.contracts import contracts_register
from projections.delivery import milestones_register, supplier_actions_register
from projections.read import FoundAlert, alerts_as_of
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from service.example import example_actor, load_example
from service.example_papers import BURNLEY, LCC, LSSCC
from tests.conftest import OFFICER, MovableClock

PROJECT = "Paper dates pilot"
REFERENCE = "BBC-PAPER-2011"
WEEKLY = "Weekly LCC and Northgate meeting"


def on(day: date, when: str | None = None) -> Provenance:
    return Provenance(day, "test paper", when)


def alerts(runtime: Runtime, as_of: date, category: str) -> list[FoundAlert]:
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        return alerts_as_of(conn, as_of, runtime.policy.alert_rules, categories=[category])


def rows(runtime: Runtime, statement: Any) -> list[dict[str, Any]]:
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(statement)]


def ours(found: list[FoundAlert]) -> list[FoundAlert]:
    return [alert for alert in found if alert.row["project"] == PROJECT]


def start_the_project(runtime: Runtime, clock: MovableClock) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    runtime.app.start_project(
        partnership=LSSCC,
        name=PROJECT,
        description="Dates as the papers give them.",
        authorities=[LCC],
        envelope=Envelope(on(date(2007, 2, 1), "2007-02"), OFFICER, clock()),
    )


def test_a_milestone_due_by_a_month_is_overdue_from_the_first_day_after_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    start_the_project(runtime, clock)
    runtime.app.plan_milestone(
        milestone=MilestoneAddress(LSSCC, PROJECT, "first-wave"),
        title="First wave live",
        due_when="2008-09",
        envelope=Envelope(on(date(2007, 3, 5)), OFFICER, clock()),
    )
    assert ours(alerts(runtime, date(2008, 9, 1), MILESTONE_OVERDUE)) == []
    assert ours(alerts(runtime, date(2008, 9, 30), MILESTONE_OVERDUE)) == []
    [late] = ours(alerts(runtime, date(2008, 10, 1), MILESTONE_OVERDUE))
    assert (late.level, late.days_until, late.row["key_date"]) == (OVERDUE, -1, date(2008, 9, 30))

    [milestone] = rows(
        runtime,
        select(milestones_register).where(milestones_register.c.project == PROJECT),
    )
    assert milestone["current_due_date"] == date(2008, 9, 30)
    assert [(due["due_date"], due["due_when"]) for due in milestone["due_dates"]] == [
        ("2008-09-30", "2008-09")
    ]

    # Re-planned to about a year: overdue only once that year is out.
    runtime.app.replan_milestone(
        milestone=MilestoneAddress(LSSCC, PROJECT, "first-wave"),
        new_due_when="2011~",
        reason="The 2008 report says 'during 2011'.",
        envelope=Envelope(on(date(2008, 8, 1)), OFFICER, clock()),
    )
    assert ours(alerts(runtime, date(2011, 12, 31), MILESTONE_OVERDUE)) == []
    [later] = ours(alerts(runtime, date(2012, 1, 1), MILESTONE_OVERDUE))
    assert later.row["key_date"] == date(2011, 12, 31)


def test_a_loose_effective_date_is_kept_beside_its_first_day(
    runtime: Runtime, clock: MovableClock
) -> None:
    start_the_project(runtime, clock)
    [started] = rows(
        runtime,
        select(timeline_entries).where(
            timeline_entries.c.project == PROJECT, timeline_entries.c.kind == "PROJECT_STARTED"
        ),
    )
    assert (started["effective_date"], started["effective_when"]) == (date(2007, 2, 1), "2007-02")
    exact = rows(
        runtime,
        select(timeline_entries.c.effective_when).where(timeline_entries.c.project != PROJECT),
    )
    assert exact
    assert {row["effective_when"] for row in exact} == {None}


def test_three_months_notice_is_counted_on_the_calendar_as_the_end_date_moves(
    runtime: Runtime, clock: MovableClock
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    runtime.app.award_contract(
        terms=ContractTerms(
            reference=REFERENCE,
            title="Telephony support",
            supplier="Mitel",
            authority=BURNLEY,
            start_date=date(2009, 12, 1),
            end_date=date(2011, 11, 30),
            notice_period_days=3,
            notice_period_unit="months",
            extension_options_months=(3,),
        ),
        envelope=Envelope(on(date(2009, 11, 20)), OFFICER, clock()),
    )

    def register() -> dict[str, Any]:
        [row] = rows(
            runtime,
            select(contracts_register).where(contracts_register.c.reference == REFERENCE),
        )
        return row

    def renewal_deadline(as_of: date) -> date:
        [renewal] = [
            a for a in alerts(runtime, as_of, RENEWAL) if a.row["contract_reference"] == REFERENCE
        ]
        deadline: date = renewal.row["key_date"]
        return deadline

    row = register()
    assert (row["notice_period_days"], row["notice_period_unit"]) == (3, "months")
    assert row["notice_deadline"] == date(2011, 8, 30)
    assert renewal_deadline(date(2011, 8, 1)) == date(2011, 8, 30)

    clock.set_day(date(2011, 8, 1))
    runtime.app.extend_contract(
        reference=REFERENCE, envelope=Envelope(on(date(2011, 8, 1)), OFFICER, clock())
    )
    # Ends 29 February 2012: three months before is 29 November, not 92 days before.
    assert register()["end_date"] == date(2012, 2, 29)
    assert register()["notice_deadline"] == date(2011, 11, 29)
    assert renewal_deadline(date(2011, 11, 1)) == date(2011, 11, 29)

    runtime.app.correct_contract(
        reference=REFERENCE,
        corrects_version=1,
        field="notice_period",
        value={"amount": 6, "unit": "weeks"},
        reason="The contract says six weeks.",
        envelope=Envelope(on(date(2011, 8, 1)), OFFICER, clock()),
    )
    row = register()
    assert (row["notice_period_days"], row["notice_period_unit"]) == (6, "weeks")
    assert row["notice_deadline"] == date(2012, 1, 18)
    assert renewal_deadline(date(2012, 1, 1)) == date(2012, 1, 18)
    assert runtime.app.get_contract(REFERENCE).notice_deadline == date(2012, 1, 18)


def test_a_supplier_action_due_by_a_month_is_overdue_only_after_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    meeting = SupplierMeetingAddress("Northgate", date(2007, 11, 20), WEEKLY)
    runtime.app.raise_supplier_action(
        meeting=meeting,
        text="Send the CRM defect log",
        owner="Northgate",
        owner_side="supplier",
        due_when="2007-12~",
        envelope=Envelope(on(date(2007, 11, 20)), OFFICER, clock()),
    )

    def ours_overdue(as_of: date) -> list[FoundAlert]:
        found = alerts(runtime, as_of, SUPPLIER_ACTION_OVERDUE)
        return [a for a in found if a.row["title"] == "Send the CRM defect log"]

    assert ours_overdue(date(2007, 12, 31)) == []
    [late] = ours_overdue(date(2008, 1, 1))
    assert late.row["key_date"] == date(2007, 12, 31)
    [action] = rows(
        runtime,
        select(supplier_actions_register).where(
            supplier_actions_register.c.text == "Send the CRM defect log"
        ),
    )
    assert (action["due_date"], action["due_when"]) == (date(2007, 12, 31), "2007-12~")
