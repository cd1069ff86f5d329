"""Putting a project's, an inquiry's or a supplier meeting's record right: a milestone's due
date corrected, a milestone, a progress report, an update or an action withdrawn as recorded in
error, a whole project withdrawn. The delivery registers, the supplier meetings register and
the alerts follow; a revision that would break a rule is refused. On both stores."""

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Table, select

from partnership.addresses import MilestoneAddress, SupplierMeetingAddress
from partnership.alerts import MILESTONE_OVERDUE, RECOMMENDATION_STALE, SUPPLIER_ACTION_OVERDUE
from partnership.commands.envelope import Envelope
from partnership.contracts import WITHDRAWN
from partnership.domain import DomainError, Provenance
from partnership.projects import PLANNED, Project, project_id
from partnership.recommendations import IN_PROGRESS, OPEN, Inquiry, inquiry_id
from partnership.revisions import RecordWithdrawn, RevisionBreaksRule
from partnership.supplier_meetings import (
    ACTION_OPEN,
    ChangeBeforeMeeting,
    DueBeforeMeeting,
    SupplierMeeting,
    supplier_meeting_id,
)
from projections.alerts import alert_sources
from projections.delivery import (
    milestones_register,
    recommendations_register,
    supplier_actions_register,
)
from projections.inquiries import inquiries_register, recommendation_updates
from projections.projects import project_progress, projects_register
from projections.read import FoundAlert, alerts_as_of
from projections.runtime import Runtime
from projections.supplier_meetings import supplier_meetings_register
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_project_commands import (
    BURNLEY,
    LCC,
    PARTNERSHIP,
    PILOT,
    save_partnership,
)
from tests.integration.test_rebuild_equality import assert_rebuilds_equal_live, snapshot

STARTED = date(2008, 7, 1)
PLANNED_ON = date(2008, 7, 2)
CHECKED = date(2009, 6, 1)
LATER = date(2010, 1, 1)  # every due date long past
PANEL = "Chorley C&C Overview and Scrutiny Panel"
INQUIRY_TITLE = "Customer access"
OPENED = date(2007, 11, 20)
NORTHGATE = "Northgate"
MET = date(2007, 11, 20)
MEETING_TITLE = "Weekly LCC and Northgate meeting"
MEETING = SupplierMeetingAddress(NORTHGATE, MET, MEETING_TITLE)

PROJECT = project_id(PARTNERSHIP, PILOT)
INQUIRY = inquiry_id(PANEL, INQUIRY_TITLE)
SUPPLIER_MEETING = supplier_meeting_id(NORTHGATE, MET, MEETING_TITLE)


def envelope(day: date, clock: MovableClock, source: str = "Test fixture: a paper") -> Envelope:
    return Envelope(Provenance(day, source), OFFICER, clock())


@pytest.fixture(autouse=True)
def delivery(runtime: Runtime, clock: MovableClock) -> None:
    """Burnley's complaints pilot (a milestone of Burnley's due on a day, one of the whole
    project due in a month as the paper gives it, a report from each partner); an inquiry's
    recommendation with two updates; a meeting with Northgate that raised two actions."""
    app = runtime.app
    save_partnership(app)
    app.start_project(
        partnership=PARTNERSHIP,
        name=PILOT,
        description="Pilot of the revised complaints process",
        authorities=[LCC, BURNLEY],
        envelope=envelope(STARTED, clock),
    )
    app.plan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "training"),
        title="Start training",
        due_date=date(2008, 7, 7),
        authority=BURNLEY,
        envelope=envelope(PLANNED_ON, clock),
    )
    app.plan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-start"),
        title="Start the pilot",
        due_when="2008-09",
        envelope=envelope(PLANNED_ON, clock),
    )
    for authority, stage, day in ((BURNLEY, "Training", 10), (LCC, "Pilot running", 20)):
        app.report_progress(
            partnership=PARTNERSHIP,
            project=PILOT,
            authority=authority,
            stage=stage,
            note=f"{stage}, as reported",
            envelope=envelope(date(2008, 8, day), clock),
        )
    app.open_inquiry(body=PANEL, title=INQUIRY_TITLE, envelope=envelope(OPENED, clock))
    app.make_recommendation(
        body=PANEL,
        inquiry=INQUIRY_TITLE,
        number="4a",
        text="That complaints be answered within ten days",
        owner_authority=LCC,
        envelope=envelope(OPENED, clock),
    )
    for text, status, updated_on in (
        ("Work has started", IN_PROGRESS, date(2008, 1, 10)),
        ("Still in hand", None, date(2008, 3, 1)),
    ):
        app.record_recommendation_progress(
            body=PANEL,
            inquiry=INQUIRY_TITLE,
            number="4a",
            text=text,
            status=status,
            envelope=envelope(updated_on, clock),
        )
    app.record_supplier_meeting(
        meeting=MEETING,
        authority_attendees=[{"person": "Ruth Hawes", "authority": LCC}],
        supplier_attendees=["A Northgate manager"],
        topics=["CRM defects"],
        envelope=envelope(MET, clock),
    )
    for text, due in (
        ("Send the CRM defect log", date(2007, 11, 27)),
        ("Agree the test window", date(2007, 12, 4)),
    ):
        app.raise_supplier_action(
            meeting=MEETING,
            text=text,
            owner="Northgate",
            owner_side="supplier",
            due_date=due,
            envelope=envelope(MET, clock),
        )
    runtime.runner.catch_up()


def revise(runtime: Runtime, clock: MovableClock, command: str, **given: Any) -> None:
    runtime.seen(
        getattr(runtime.app, command)(
            reason="As the signed paper says",
            envelope=envelope(CHECKED, clock, "Records check, June 2009"),
            **given,
        )
    )


def version_of(runtime: Runtime, record: UUID, kind: type, **matching: Any) -> int:
    """The version at which the record's fact of `kind` (with `matching` fields) was recorded."""
    for fact in runtime.app.repository.event_store.get(record):
        if type(fact) is kind and all(getattr(fact, k) == v for k, v in matching.items()):
            return int(fact.originator_version)
    raise LookupError(f"no {kind.__qualname__} {matching}")


def rows(runtime: Runtime, table: Table, **matching: Any) -> list[dict[str, Any]]:
    query = select(table).order_by(*table.primary_key.columns)
    for column, value in matching.items():
        query = query.where(table.c[column] == value)
    with runtime.store.reader.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def by(runtime: Runtime, table: Table, column: str, **matching: Any) -> dict[str, dict[str, Any]]:
    return {row[column]: row for row in rows(runtime, table, **matching)}


def milestones(runtime: Runtime) -> dict[str, dict[str, Any]]:
    return by(runtime, milestones_register, "milestone_key", project_id=str(PROJECT))


def alert_rows(runtime: Runtime, record: UUID) -> dict[str, dict[str, Any]]:
    return by(runtime, alert_sources, "item", aggregate_id=str(record))


def standing(runtime: Runtime, as_of: date = LATER) -> list[FoundAlert]:
    with runtime.store.reader.connect() as conn:
        return alerts_as_of(conn, as_of, runtime.policy.alert_rules)


def items_alerting(runtime: Runtime, record: UUID, category: str) -> set[str]:
    return {
        found.row["item"]
        for found in standing(runtime)
        if found.row["aggregate_id"] == str(record) and found.row["category"] == category
    }


def refused_unwritten(runtime: Runtime, error: type[DomainError], change: Any) -> DomainError:
    before = runtime.app.head_position()
    with pytest.raises(error) as raised:
        change()
    assert runtime.app.head_position() == before
    return raised.value


def test_the_records_start_with_nothing_withdrawn_and_every_due_item_alerting(
    runtime: Runtime,
) -> None:
    assert not rows(runtime, projects_register)[0]["withdrawn"]
    assert {key: row["withdrawn"] for key, row in milestones(runtime).items()} == {
        "pilot-start": False,
        "training": False,
    }
    reports = rows(runtime, project_progress)
    assert [(r["stage"], r["withdrawn"]) for r in reports] == [
        ("Training", False),
        ("Pilot running", False),
    ]
    assert [r["version"] for r in reports] == [
        version_of(runtime, PROJECT, Project.ProgressReported, authority=authority)
        for authority in (BURNLEY, LCC)
    ]
    assert items_alerting(runtime, PROJECT, MILESTONE_OVERDUE) == {"training", "pilot-start"}
    assert items_alerting(runtime, INQUIRY, RECOMMENDATION_STALE) == {"4a"}
    assert items_alerting(runtime, SUPPLIER_MEETING, SUPPLIER_ACTION_OVERDUE) == {"1", "2"}


def test_a_milestone_due_date_corrected_moves_the_register_and_its_alert(
    runtime: Runtime, clock: MovableClock
) -> None:
    planned = version_of(runtime, PROJECT, Project.MilestonePlanned, key="training")
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="due_date",
        value=date(2008, 7, 21),
    )

    training = milestones(runtime)["training"]
    assert (training["original_due_date"], training["current_due_date"]) == (
        date(2008, 7, 21),
        date(2008, 7, 21),
    )
    assert training["due_dates"] == [
        {"due_date": "2008-07-21", "reason": None, "effective_date": "2008-07-02"}
    ]
    assert (training["slippage_days"], training["status"], training["withdrawn"]) == (
        0,
        PLANNED,
        False,
    )
    alert = alert_rows(runtime, PROJECT)["training"]
    assert alert["key_date"] == date(2008, 7, 21)
    assert alert["alert_key"] == f"milestone:{PROJECT}:training:2008-07-21"
    assert alert["is_open"]
    # Not overdue the day after the date first (wrongly) recorded; overdue after the right one.
    assert "training" not in items_alerting_on(runtime, date(2008, 7, 8))
    assert "training" in items_alerting_on(runtime, date(2008, 7, 22))


def items_alerting_on(runtime: Runtime, as_of: date) -> set[str]:
    return {
        found.row["item"]
        for found in standing(runtime, as_of)
        if found.row["category"] == MILESTONE_OVERDUE
    }


def test_a_loose_due_date_keeps_working_through_revisions(
    runtime: Runtime, clock: MovableClock
) -> None:
    planned = version_of(runtime, PROJECT, Project.MilestonePlanned, key="pilot-start")
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="title",
        value="Start the complaints pilot",
    )
    pilot_start = milestones(runtime)["pilot-start"]
    assert pilot_start["title"] == "Start the complaints pilot"
    assert pilot_start["due_dates"][0]["due_when"] == "2008-09"
    assert pilot_start["current_due_date"] == date(2008, 9, 30)
    alert = alert_rows(runtime, PROJECT)["pilot-start"]
    assert (alert["title"], alert["key_date"]) == ("Start the complaints pilot", date(2008, 9, 30))
    assert "pilot-start" not in items_alerting_on(runtime, date(2008, 9, 30))
    assert "pilot-start" in items_alerting_on(runtime, date(2008, 10, 1))

    # The day corrected alone: an exact day, the paper's month no longer holds.
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="due_date",
        value=date(2008, 10, 15),
    )
    project: Project = runtime.app.repository.get(PROJECT)
    assert project.current_due("pilot-start").edtf == "2008-10-15"
    pilot_start = milestones(runtime)["pilot-start"]
    assert "due_when" not in pilot_start["due_dates"][0]
    assert alert_rows(runtime, PROJECT)["pilot-start"]["key_date"] == date(2008, 10, 15)

    # Made loose again: the day moved to the month's last, then the month as the paper says.
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="due_date",
        value=date(2008, 11, 30),
    )
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="due_when",
        value="2008-11",
    )
    project = runtime.app.repository.get(PROJECT)
    assert project.current_due("pilot-start").label == "November 2008"
    assert milestones(runtime)["pilot-start"]["due_dates"][0]["due_when"] == "2008-11"
    assert alert_rows(runtime, PROJECT)["pilot-start"]["key_date"] == date(2008, 11, 30)


def test_a_milestone_planned_in_error_is_withdrawn_marked_and_alerts_no_more(
    runtime: Runtime, clock: MovableClock
) -> None:
    planned = version_of(runtime, PROJECT, Project.MilestonePlanned, key="training")
    revise(runtime, clock, "withdraw_fact", record=PROJECT, version=planned)

    found = milestones(runtime)
    assert found["training"]["withdrawn"]
    assert not found["pilot-start"]["withdrawn"]
    alert = alert_rows(runtime, PROJECT)["training"]
    assert (alert["status"], alert["is_open"]) == (WITHDRAWN, False)
    assert items_alerting(runtime, PROJECT, MILESTONE_OVERDUE) == {"pilot-start"}
    # Planned again under the same key, it is a milestone afresh.
    runtime.seen(
        runtime.app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, PILOT, "training"),
            title="Start training",
            due_date=date(2008, 9, 1),
            authority=BURNLEY,
            envelope=envelope(CHECKED, clock),
        )
    )
    again = milestones(runtime)["training"]
    assert (again["withdrawn"], again["current_due_date"]) == (False, date(2008, 9, 1))
    assert items_alerting(runtime, PROJECT, MILESTONE_OVERDUE) == {"training", "pilot-start"}


def test_a_progress_report_corrected_and_another_withdrawn(
    runtime: Runtime, clock: MovableClock
) -> None:
    burnley = version_of(runtime, PROJECT, Project.ProgressReported, authority=BURNLEY)
    lcc = version_of(runtime, PROJECT, Project.ProgressReported, authority=LCC)
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=burnley,
        field="note",
        value="Training done for the first team",
    )
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=burnley,
        field="effective_date",
        value=date(2008, 8, 12),
    )
    revise(runtime, clock, "withdraw_fact", record=PROJECT, version=lcc)

    reports = {row["version"]: row for row in rows(runtime, project_progress)}
    assert reports[burnley]["note"] == "Training done for the first team"
    assert reports[burnley]["reported_on"] == date(2008, 8, 12)
    assert not reports[burnley]["withdrawn"]
    assert reports[lcc]["withdrawn"]
    assert reports[lcc]["stage"] == "Pilot running"  # it stays, marked
    project: Project = runtime.app.repository.get(PROJECT)
    assert project.stage_of(LCC) is None
    assert project.stage_of(BURNLEY) == "Training"


def test_a_recommendation_corrected_and_an_update_withdrawn(
    runtime: Runtime, clock: MovableClock
) -> None:
    made = version_of(runtime, INQUIRY, Inquiry.RecommendationMade, number="4a")
    revise(
        runtime,
        clock,
        "correct_fact",
        record=INQUIRY,
        version=made,
        field="text",
        value="That complaints be answered within five working days",
    )
    first = version_of(runtime, INQUIRY, Inquiry.ProgressRecorded, text="Work has started")
    revise(runtime, clock, "withdraw_fact", record=INQUIRY, version=first)

    recommendation = by(runtime, recommendations_register, "number")["4a"]
    assert recommendation["text"] == "That complaints be answered within five working days"
    # The update that set it in progress withdrawn: open, with one update left.
    assert (recommendation["status"], recommendation["updates"]) == (OPEN, 1)
    assert recommendation["last_update_on"] == date(2008, 3, 1)
    assert not recommendation["withdrawn"]
    updates = {row["version"]: row for row in rows(runtime, recommendation_updates)}
    assert updates[first]["withdrawn"]
    assert [row["withdrawn"] for version, row in updates.items() if version != first] == [False]
    alert = alert_rows(runtime, INQUIRY)["4a"]
    assert alert["title"] == "That complaints be answered within five working days"
    assert (alert["status"], alert["is_open"], alert["key_date"]) == (
        OPEN,
        True,
        date(2008, 3, 1),
    )
    assert not rows(runtime, inquiries_register)[0]["withdrawn"]


def test_a_closed_inquiry_stays_shut_when_revised_and_opens_when_its_closing_is_withdrawn(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(
        runtime.app.close_inquiry(
            body=PANEL, title=INQUIRY_TITLE, envelope=envelope(date(2008, 6, 1), clock)
        )
    )
    assert items_alerting(runtime, INQUIRY, RECOMMENDATION_STALE) == set()
    first = version_of(runtime, INQUIRY, Inquiry.ProgressRecorded, text="Work has started")
    revise(runtime, clock, "withdraw_fact", record=INQUIRY, version=first)
    assert items_alerting(runtime, INQUIRY, RECOMMENDATION_STALE) == set()
    closed = version_of(runtime, INQUIRY, Inquiry.Closed)
    revise(runtime, clock, "withdraw_fact", record=INQUIRY, version=closed)
    assert rows(runtime, inquiries_register)[0]["closed_on"] is None
    assert items_alerting(runtime, INQUIRY, RECOMMENDATION_STALE) == {"4a"}


def test_a_supplier_action_withdrawn_is_marked_and_alerts_no_more(
    runtime: Runtime, clock: MovableClock
) -> None:
    raised = version_of(runtime, SUPPLIER_MEETING, SupplierMeeting.ActionRaised, number="1")
    revise(runtime, clock, "withdraw_fact", record=SUPPLIER_MEETING, version=raised)

    actions = by(runtime, supplier_actions_register, "number")
    assert actions["1"]["withdrawn"]
    assert not actions["2"]["withdrawn"]
    assert actions["2"]["status"] == ACTION_OPEN
    alert = alert_rows(runtime, SUPPLIER_MEETING)["1"]
    assert (alert["status"], alert["is_open"]) == (WITHDRAWN, False)
    assert items_alerting(runtime, SUPPLIER_MEETING, SUPPLIER_ACTION_OVERDUE) == {"2"}
    # A later action takes a number of its own, not that of one still standing.
    number = runtime.seen(
        runtime.app.raise_supplier_action(
            meeting=MEETING,
            text="Confirm the test window in writing",
            owner="Ruth Hawes",
            owner_side="authority",
            due_date=date(2007, 12, 11),
            envelope=envelope(MET, clock),
        )
    ).number
    assert number == "3"
    actions = by(runtime, supplier_actions_register, "number")
    assert actions["2"]["text"] == "Agree the test window"
    assert not actions["3"]["withdrawn"]
    assert items_alerting(runtime, SUPPLIER_MEETING, SUPPLIER_ACTION_OVERDUE) == {"2", "3"}


def test_a_supplier_action_due_date_corrected_moves_its_alert(
    runtime: Runtime, clock: MovableClock
) -> None:
    raised = version_of(runtime, SUPPLIER_MEETING, SupplierMeeting.ActionRaised, number="2")
    revise(
        runtime,
        clock,
        "correct_fact",
        record=SUPPLIER_MEETING,
        version=raised,
        field="due_date",
        value=date(2007, 12, 18),
    )
    assert by(runtime, supplier_actions_register, "number")["2"]["due_date"] == date(2007, 12, 18)
    alert = alert_rows(runtime, SUPPLIER_MEETING)["2"]
    assert alert["alert_key"] == f"supplier-action:{SUPPLIER_MEETING}:2:2007-12-18"


def test_a_whole_supplier_meeting_withdrawn_is_marked_with_its_actions(
    runtime: Runtime, clock: MovableClock
) -> None:
    revise(runtime, clock, "withdraw_fact", record=SUPPLIER_MEETING, version=1)
    assert rows(runtime, supplier_meetings_register)[0]["withdrawn"]
    actions = by(runtime, supplier_actions_register, "number")
    assert [actions[n]["withdrawn"] for n in ("1", "2")] == [True, True]
    assert items_alerting(runtime, SUPPLIER_MEETING, SUPPLIER_ACTION_OVERDUE) == set()


def test_a_whole_project_withdrawn_is_marked_with_everything_in_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    revise(runtime, clock, "withdraw_fact", record=PROJECT, version=1)

    assert rows(runtime, projects_register)[0]["withdrawn"]
    assert {key: row["withdrawn"] for key, row in milestones(runtime).items()} == {
        "pilot-start": True,
        "training": True,
    }
    assert [row["withdrawn"] for row in rows(runtime, project_progress)] == [True, True]
    assert {row["status"] for row in alert_rows(runtime, PROJECT).values()} == {WITHDRAWN}
    assert items_alerting(runtime, PROJECT, MILESTONE_OVERDUE) == set()
    refused_unwritten(
        runtime,
        RecordWithdrawn,
        lambda: runtime.app.replan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-start"),
            new_due_date=date(2008, 12, 1),
            reason="Slipped",
            envelope=envelope(CHECKED, clock),
        ),
    )


def test_a_revision_that_would_break_a_rule_is_refused_and_writes_nothing(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    reason = "As the signed paper says"

    def correct(record: UUID, version: int, field: str, value: Any) -> Any:
        return lambda: app.correct_fact(
            record=record,
            version=version,
            field=field,
            value=value,
            reason=reason,
            envelope=envelope(CHECKED, clock),
        )

    # Burnley's report, and then Burnley's milestone, need Burnley taking part.
    burnley = version_of(runtime, PROJECT, Project.ProgressReported, authority=BURNLEY)
    error = refused_unwritten(
        runtime, RevisionBreaksRule, correct(PROJECT, 1, "authorities", [LCC])
    )
    assert f"Fact {burnley} (Project ProgressReported)" in error.message
    revise(runtime, clock, "withdraw_fact", record=PROJECT, version=burnley)
    error = refused_unwritten(
        runtime, RevisionBreaksRule, correct(PROJECT, 1, "authorities", [LCC])
    )
    assert "Milestone 'training' is Burnley Borough Council's" in error.message
    # An update before its recommendation was made.
    first = version_of(runtime, INQUIRY, Inquiry.ProgressRecorded, text="Work has started")
    error = refused_unwritten(
        runtime, DomainError, correct(INQUIRY, first, "effective_date", date(2007, 10, 1))
    )
    assert error.code in ("progress_before_recommendation", "revision_breaks_rule")
    made = version_of(runtime, INQUIRY, Inquiry.RecommendationMade, number="4a")
    error = refused_unwritten(
        runtime, DomainError, correct(INQUIRY, made, "effective_date", date(2008, 2, 1))
    )
    assert error.code == "progress_before_recommendation"
    # An action due, or raised, before its meeting.
    raised = version_of(runtime, SUPPLIER_MEETING, SupplierMeeting.ActionRaised, number="1")
    refused_unwritten(
        runtime, DueBeforeMeeting, correct(SUPPLIER_MEETING, raised, "due_date", date(2007, 11, 1))
    )
    refused_unwritten(
        runtime,
        ChangeBeforeMeeting,
        correct(SUPPLIER_MEETING, raised, "effective_date", date(2007, 11, 1)),
    )
    assert not any(row["withdrawn"] for row in milestones(runtime).values())


def test_read_models_rebuilt_from_the_log_equal_those_that_followed_the_revisions(
    runtime: Runtime, clock: MovableClock, tmp_path: Path
) -> None:
    planned = version_of(runtime, PROJECT, Project.MilestonePlanned, key="training")
    # A key corrected: the milestone is another one, the first marked withdrawn.
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=planned,
        field="key",
        value="Staff training",
    )
    found = milestones(runtime)
    assert found["training"]["withdrawn"]
    assert (found["staff-training"]["withdrawn"], found["staff-training"]["title"]) == (
        False,
        "Start training",
    )
    assert found["staff-training"]["partnership"] == PARTNERSHIP
    assert items_alerting(runtime, PROJECT, MILESTONE_OVERDUE) == {"staff-training", "pilot-start"}
    lcc = version_of(runtime, PROJECT, Project.ProgressReported, authority=LCC)
    revise(runtime, clock, "withdraw_fact", record=PROJECT, version=lcc)
    first = version_of(runtime, INQUIRY, Inquiry.ProgressRecorded, text="Work has started")
    revise(runtime, clock, "withdraw_fact", record=INQUIRY, version=first)
    raised = version_of(runtime, SUPPLIER_MEETING, SupplierMeeting.ActionRaised, number="2")
    revise(runtime, clock, "withdraw_fact", record=SUPPLIER_MEETING, version=raised)
    revise(
        runtime,
        clock,
        "correct_fact",
        record=SUPPLIER_MEETING,
        version=1,
        field="topics",
        value=["CRM defects", "Test window"],
    )
    assert rows(runtime, supplier_meetings_register)[0]["topics"] == ["CRM defects", "Test window"]
    # The action withdrawn was the last: its number is given again, to an action afresh.
    again = runtime.app.raise_supplier_action(
        meeting=MEETING,
        text="Agree the test window, again",
        owner="Ruth Hawes",
        owner_side="authority",
        due_date=date(2007, 12, 11),
        envelope=envelope(MET, clock),
    )
    assert runtime.seen(again).number == "2"
    action = by(runtime, supplier_actions_register, "number")["2"]
    assert (action["text"], action["withdrawn"]) == ("Agree the test window, again", False)
    runtime.runner.catch_up()

    assert_rebuilds_equal_live(runtime, tmp_path, snapshot(runtime.store))


def test_a_record_corrected_as_a_whole_is_read_back_as_corrected(
    runtime: Runtime, clock: MovableClock
) -> None:
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=1,
        field="effective_date",
        value=date(2008, 6, 20),
    )
    revise(
        runtime,
        clock,
        "correct_fact",
        record=PROJECT,
        version=1,
        field="description",
        value="Pilot of the revised complaints procedure",
    )
    project = rows(runtime, projects_register)[0]
    assert (project["started_on"], project["description"]) == (
        date(2008, 6, 20),
        "Pilot of the revised complaints procedure",
    )
    revise(
        runtime,
        clock,
        "correct_fact",
        record=INQUIRY,
        version=1,
        field="terms_of_reference",
        value=["Access to services by telephone"],
    )
    inquiry = rows(runtime, inquiries_register)[0]
    assert inquiry["terms_of_reference"] == ["Access to services by telephone"]
    revise(
        runtime,
        clock,
        "correct_fact",
        record=SUPPLIER_MEETING,
        version=1,
        field="authority_attendees",
        value=[{"person": "Ruth Hawes", "authority": BURNLEY}],
    )
    meeting = rows(runtime, supplier_meetings_register)[0]
    assert meeting["authority_attendees"] == [{"person": "Ruth Hawes", "authority": BURNLEY}]
    # Its actions concern the authorities that attended, as now recorded.
    assert {
        tuple(row["authorities"]) for row in alert_rows(runtime, SUPPLIER_MEETING).values()
    } == {(BURNLEY,)}
