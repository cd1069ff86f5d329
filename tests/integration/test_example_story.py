"""The example partnership: the seed papers' story, loaded once, told in effective-date order."""

from datetime import date

from partnership.addresses import MeetingAddress
from partnership.voting import AS_RECORDED
from projections.read import TimelineFilter, timeline_page
from projections.runtime import Runtime
from service.example import example_actor, load_example
from service.example_papers import (
    BURNLEY,
    CHORLEY,
    LCC,
    LSSCC,
    SCRUTINY_PANEL,
    SUB_GROUP,
)
from tests.conftest import MovableClock

INQUIRY = "Contact Centre Efficiencies and Partnership with Lancashire County Council"


def whole_timeline(runtime: Runtime) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    after = None
    with runtime.store.reader.connect() as conn:
        while True:
            page = timeline_page(conn, TimelineFilter(), 100, after)
            rows += page.rows
            if not page.has_next_page:
                return rows
            after = page.cursors[-1]


def test_the_story_loads_once_and_reads_in_effective_date_order(
    runtime: Runtime, clock: MovableClock
) -> None:
    actor = example_actor(runtime.settings)
    assert load_example(runtime.app, actor, clock()) > 80
    head = runtime.app.head_position()
    assert load_example(runtime.app, actor, clock()) == 0
    assert runtime.app.head_position() == head
    runtime.runner.catch_up()

    rows = whole_timeline(runtime)
    logged = runtime.app.recorder.select_notifications(start=1, limit=10**6)
    assert len(rows) == len(logged)
    dates = [row["effective_date"] for row in rows]
    assert dates == sorted(dates, reverse=True)
    assert dates[-1] == date(2004, 12, 1)
    assert dates[0] == date(2011, 9, 1)
    assert all(str(row["source"]).strip() for row in rows)
    kinds = {str(row["kind"]) for row in rows}
    assert {
        "AUTHORITY_REGISTERED",
        "PARTNERSHIP_FORMED",
        "PARTNERSHIP_MEMBER_ADMITTED",
        "PARTNERSHIP_VISION_STATED",
        "PARTNERSHIP_BODY_ESTABLISHED",
        "GOVERNING_BODY_ESTABLISHED",
        "GOVERNING_BODY_TERMS_OF_REFERENCE_ADOPTED",
        "GOVERNING_BODY_MEMBER_APPOINTED",
        "GOVERNING_BODY_CHAIR_APPOINTED",
        "GOVERNING_BODY_DECISION_RULE_ADOPTED",
        "MEETING_REGISTERED",
        "MEETING_HELD",
        "MEETING_AGENDA_ITEM_RECORDED",
        "MEETING_DECISION_RECORDED",
        "INQUIRY_OPENED",
        "INQUIRY_RECOMMENDATION_MADE",
        "INQUIRY_PROGRESS_RECORDED",
        "SUPPLIER_MEETING_RECORDED",
        "PROJECT_STARTED",
        "PROJECT_MILESTONE_PLANNED",
        "PROJECT_PROGRESS_REPORTED",
        "CONTRACT_AWARDED",
        "CONTRACT_NOVATED",
        "CONTRACT_VARIED",
        "CONTRACT_EXTENDED",
    } <= kinds
    # Where a paper leaves a fact out, the source says so instead of inventing it.
    assert any("not stated" in str(row["source"]) for row in rows)


def test_the_sub_group_meeting_is_recorded_as_minuted(
    runtime: Runtime, clock: MovableClock
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    meeting = runtime.app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, date(2006, 10, 26)))
    assert next(a["person"] for a in meeting.attendees) == "Councillor Peter Baker"
    assert meeting.apologies == [{"person": "Councillor Geoffrey Russell", "authority": CHORLEY}]
    assert meeting.declarations == []  # "No Member disclosed any interests"
    assert sorted(meeting.decisions) == ["1.1", "4.1", "6.1", "7.1", "8.1", "9.1"]
    assert meeting.outcome("1.1").outcome == AS_RECORDED
    body = runtime.app.get_body(LSSCC, SUB_GROUP)
    assert body.parent_body == SCRUTINY_PANEL
    assert body.chair_on(date(2006, 10, 26))["person"] == "Councillor Peter Baker"
    committee = runtime.app.get_body(LSSCC, "Joint Committee")
    rule = committee.rule_on(date(2007, 11, 20))
    assert rule is not None
    assert rule.electronic_response_days == 14
    assert committee.rule_on(date(2007, 11, 19)) is None


def test_recommendations_and_contracts_carry_the_papers_facts(
    runtime: Runtime, clock: MovableClock
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    inquiry = runtime.app.get_inquiry(SCRUTINY_PANEL, INQUIRY)
    assert sorted(inquiry.recommendations) == [
        "4a",
        "4b",
        "4c",
        "4d",
        "5a",
        "5b",
        "5c",
        "5d",
        "5e",
        "5f",
    ]
    assert inquiry.status_of("4d") == "implemented"
    assert inquiry.status_of("5d") == "open"
    assert inquiry.recommendations["4c"]["owner_authority"] == LCC
    burnley = runtime.app.get_contract("LSSCC-CRM-BURNLEY")
    assert (burnley.supplier, burnley.end_date) == ("Northgate", date(2012, 11, 30))
    partnership = runtime.app.get_partnership(LSSCC)
    assert partnership.member_authorities(date(2007, 1, 1)) == sorted([LCC, CHORLEY, BURNLEY])
    pilot = runtime.app.get_project(LSSCC, "Complaints process pilot")
    assert pilot.current_due_date("pilot-start") == date(2008, 7, 31)
