"""Delivery registers over both stores: the example's milestones, recommendations and the
Northgate meeting, a slipping milestone, overdue and stale queries, and rebuilds."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Table, select

from partnership.addresses import MilestoneAddress, SupplierMeetingAddress
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.projects import ACHIEVED, PLANNED, project_id
from partnership.recommendations import IMPLEMENTED, IN_PROGRESS, OPEN
from partnership.supplier_meetings import supplier_meeting_id
from projections.delivery import (
    DeliveryRegistersProjection,
    milestones_register,
    recommendations_register,
    supplier_actions_register,
)
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from service.example import INQUIRY, example_actor, load_example
from service.example_papers import BURNLEY, LSSCC, SCRUTINY_PANEL
from tests.conftest import OFFICER, MovableClock
from tests.integration.register_queries import (
    overdue_actions,
    overdue_milestones,
    stale_recommendations,
)

PILOT = "Complaints process pilot"
NORTHGATE = "Northgate"
MEETING_DAY = date(2007, 11, 20)
MEETING = "Weekly LCC and Northgate meeting"
SOURCE = "test paper"


def on(day: date) -> Provenance:
    return Provenance(day, SOURCE)


@pytest.fixture
def runner(runtime: Runtime, clock: MovableClock) -> ProjectionRunner:
    # A small batch size, so that a project's start and its milestones meet in different batches.
    found = ProjectionRunner(
        runtime.app, runtime.store, projections=[DeliveryRegistersProjection()], batch_size=7
    )
    load_example(runtime.app, example_actor(runtime.settings), clock())
    found.catch_up()
    return found


def rows(runtime: Runtime, table: Table) -> list[dict[str, Any]]:
    with runtime.store.reader.connect() as conn:
        ordered = select(table).order_by(*table.primary_key.columns)
        return [dict(row) for row in conn.execute(ordered).mappings()]


def by_key(runtime: Runtime, table: Table, column: str) -> dict[str, dict[str, Any]]:
    return {row[column]: row for row in rows(runtime, table)}


def test_example_milestones(runtime: Runtime, runner: ProjectionRunner) -> None:
    pilot = {
        key: row
        for key, row in by_key(runtime, milestones_register, "milestone_key").items()
        if row["project"] == PILOT
    }
    assert {key: row["current_due_date"] for key, row in pilot.items()} == {
        "training": date(2008, 7, 7),
        "pilot-start": date(2008, 7, 31),
        "pilot-review": date(2008, 8, 31),
    }
    training = pilot["training"]
    assert training["project_id"] == str(project_id(LSSCC, PILOT))
    assert training["partnership"] == LSSCC
    assert training["title"] == "Start training"
    assert training["authority"] == BURNLEY
    assert training["original_due_date"] == date(2008, 7, 7)
    assert training["slippage_days"] == 0
    assert training["status"] == PLANNED
    assert training["achieved_on"] is None
    assert training["due_dates"] == [
        {"due_date": "2008-07-07", "reason": None, "effective_date": "2008-07-09"}
    ]
    whole = by_key(runtime, milestones_register, "milestone_key")["phase-two-first-wave"]
    assert whole["authority"] is None
    assert whole["project"] == "CRM Front Office implementation"


def test_example_recommendations(runtime: Runtime, runner: ProjectionRunner) -> None:
    found = by_key(runtime, recommendations_register, "number")
    assert sorted(found) == ["4a", "4b", "4c", "4d", "5a", "5b", "5c", "5d", "5e", "5f"]
    assert {number: row["status"] for number, row in found.items()} == {
        "4a": IN_PROGRESS,
        "4b": IMPLEMENTED,
        "4c": IMPLEMENTED,
        "4d": IMPLEMENTED,
        "5a": IN_PROGRESS,
        "5b": OPEN,
        "5c": IN_PROGRESS,
        "5d": OPEN,
        "5e": IN_PROGRESS,
        "5f": IN_PROGRESS,
    }
    five_d = found["5d"]
    assert five_d["body"] == SCRUTINY_PANEL
    assert five_d["inquiry_title"] == INQUIRY
    assert five_d["made_on"] == date(2007, 11, 20)
    assert five_d["last_update_on"] == date(2007, 11, 20)
    assert five_d["updates"] == 2
    assert found["4c"]["updates"] == 2


def test_northgate_meeting_actions(
    runtime: Runtime, runner: ProjectionRunner, clock: MovableClock
) -> None:
    assert rows(runtime, supplier_actions_register) == []  # the papers give no actions
    app, now = runtime.app, clock()
    meeting = (NORTHGATE, MEETING_DAY, MEETING)
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(*meeting),
        text="Send the CRM defect log",
        owner="Northgate",
        owner_side="supplier",
        due_date=date(2007, 11, 27),
        envelope=Envelope(on(MEETING_DAY), OFFICER, now),
    )
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(*meeting),
        text="Agree the test window",
        owner="Ruth Hawes",
        owner_side="authority",
        due_date=date(2007, 12, 4),
        envelope=Envelope(on(MEETING_DAY), OFFICER, now),
    )
    version = app.get_supplier_meeting(SupplierMeetingAddress(*meeting)).version
    app.correct_supplier_action(
        meeting=SupplierMeetingAddress(*meeting),
        number="1",
        corrects_version=version - 1,
        field="due_date",
        value=date(2007, 11, 30),
        reason="misread the minutes",
        envelope=Envelope(on(date(2007, 11, 21)), OFFICER, now),
    )
    app.close_supplier_action(
        meeting=SupplierMeetingAddress(*meeting),
        number="2",
        outcome="Window agreed",
        envelope=Envelope(on(date(2007, 12, 3)), OFFICER, now),
    )
    runner.catch_up()

    found = by_key(runtime, supplier_actions_register, "number")
    first, second = found["1"], found["2"]
    assert first["meeting_id"] == str(supplier_meeting_id(*meeting))
    assert (first["supplier"], first["meeting_day"], first["meeting_title"]) == meeting
    assert (first["owner"], first["owner_side"]) == ("Northgate", "supplier")
    assert first["due_date"] == date(2007, 11, 30)
    assert (first["status"], first["closed_on"], first["outcome"]) == ("open", None, None)
    assert second["status"] == "closed"
    assert second["closed_on"] == date(2007, 12, 3)
    assert second["outcome"] == "Window agreed"
    with runtime.store.reader.connect() as conn:
        assert overdue_actions(conn, date(2007, 11, 29)) == []
        assert [a["number"] for a in overdue_actions(conn, date(2007, 12, 1))] == ["1"]
        assert [a["number"] for a in overdue_actions(conn, date(2008, 1, 1))] == ["1"]


def test_slipping_milestone_and_overdue(
    runtime: Runtime, runner: ProjectionRunner, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    with runtime.store.reader.connect() as conn:
        overdue = overdue_milestones(conn, date(2008, 7, 10))
    assert [m["milestone_key"] for m in overdue] == [
        "phase-two-first-wave",
        "greenspace-playgrounds-live",
        "training",
    ]

    app.replan_milestone(
        milestone=MilestoneAddress(LSSCC, PILOT, "pilot-start"),
        new_due_date=date(2008, 8, 15),
        reason="Trainers unavailable",
        envelope=Envelope(on(date(2008, 7, 20)), OFFICER, now),
    )
    app.replan_milestone(
        milestone=MilestoneAddress(LSSCC, PILOT, "pilot-start"),
        new_due_date=date(2008, 9, 1),
        reason="Build defects",
        envelope=Envelope(on(date(2008, 8, 10)), OFFICER, now),
    )
    app.record_milestone_achieved(
        milestone=MilestoneAddress(LSSCC, PILOT, "training"),
        achieved_on=date(2008, 7, 14),
        envelope=Envelope(on(date(2008, 7, 15)), OFFICER, now),
    )
    version = app.get_project(LSSCC, PILOT).version
    app.correct_milestone(
        milestone=MilestoneAddress(LSSCC, PILOT, "pilot-review"),
        corrects_version=version,
        field="title",
        value="Review the pilot with Green Spaces",
        reason="title abridged",
        envelope=Envelope(on(date(2008, 8, 11)), OFFICER, now),
    )
    runner.catch_up()

    found = by_key(runtime, milestones_register, "milestone_key")
    slipped = found["pilot-start"]
    assert slipped["original_due_date"] == date(2008, 7, 31)
    assert slipped["current_due_date"] == date(2008, 9, 1)
    assert slipped["slippage_days"] == 32
    assert slipped["status"] == PLANNED
    assert slipped["due_dates"] == [
        {"due_date": "2008-07-31", "reason": None, "effective_date": "2008-07-09"},
        {
            "due_date": "2008-08-15",
            "reason": "Trainers unavailable",
            "effective_date": "2008-07-20",
        },
        {"due_date": "2008-09-01", "reason": "Build defects", "effective_date": "2008-08-10"},
    ]
    assert (found["training"]["status"], found["training"]["achieved_on"]) == (
        ACHIEVED,
        date(2008, 7, 14),
    )
    assert found["pilot-review"]["title"] == "Review the pilot with Green Spaces"
    with runtime.store.reader.connect() as conn:
        on_aug_20 = [m["milestone_key"] for m in overdue_milestones(conn, date(2008, 8, 20))]
        on_sep_2 = [m["milestone_key"] for m in overdue_milestones(conn, date(2008, 9, 2))]
    # Training was achieved; the pilot's start slipped past both dates it had.
    assert on_aug_20 == ["phase-two-first-wave", "greenspace-playgrounds-live"]
    assert on_sep_2 == [
        "phase-two-first-wave",
        "greenspace-playgrounds-live",
        "pilot-review",
        "pilot-start",
    ]


def test_stale_recommendations(
    runtime: Runtime, runner: ProjectionRunner, clock: MovableClock
) -> None:
    with runtime.store.reader.connect() as conn:
        assert stale_recommendations(conn, date(2007, 12, 1), 180) == []
        stale = [r["number"] for r in stale_recommendations(conn, date(2008, 5, 20), 180)]
    assert stale == ["4a", "5a", "5b", "5c", "5d", "5e", "5f"]

    app, now = runtime.app, clock()
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5d",
        text="Work has begun",
        status=IN_PROGRESS,
        envelope=Envelope(on(date(2008, 3, 1)), OFFICER, now),
    )
    version = app.get_inquiry(SCRUTINY_PANEL, INQUIRY).version
    app.correct_recommendation(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="4a",
        corrects_version=version,
        field="text",
        value="A corrected wording",
        reason="typed wrongly",
        envelope=Envelope(on(date(2008, 3, 2)), OFFICER, now),
    )
    runner.catch_up()

    found = by_key(runtime, recommendations_register, "number")
    assert found["5d"]["status"] == IN_PROGRESS
    assert found["5d"]["last_update_on"] == date(2008, 3, 1)
    assert found["5d"]["updates"] == 3
    assert found["4a"]["text"] == "A corrected wording"
    assert found["4a"]["updates"] == 1
    with runtime.store.reader.connect() as conn:
        stale = [r["number"] for r in stale_recommendations(conn, date(2008, 5, 20), 180)]
    assert stale == ["4a", "5a", "5b", "5c", "5e", "5f"]


def test_rebuild_reproduces_the_rows(
    runtime: Runtime, runner: ProjectionRunner, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    app.replan_milestone(
        milestone=MilestoneAddress(LSSCC, PILOT, "training"),
        new_due_date=date(2008, 7, 21),
        reason="Room booked late",
        envelope=Envelope(on(date(2008, 7, 10)), OFFICER, now),
    )
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(NORTHGATE, MEETING_DAY, MEETING),
        text="Fix the search",
        owner="Northgate",
        owner_side="supplier",
        due_date=None,
        envelope=Envelope(on(MEETING_DAY), OFFICER, now),
    )
    runner.catch_up()
    tables = (milestones_register, recommendations_register, supplier_actions_register)
    before = [rows(runtime, table) for table in tables]
    assert all(before)
    runner.rebuild()
    assert [rows(runtime, table) for table in tables] == before
    # A runner with one large batch builds the same rows as the small batches did.
    whole = ProjectionRunner(
        runtime.app, runtime.store, projections=[DeliveryRegistersProjection()], batch_size=5000
    )
    whole.rebuild()
    assert [rows(runtime, table) for table in tables] == before
