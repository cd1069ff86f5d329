"""The governing bodies register and the meetings' names and agenda, against both stores: what
the commands record is what the read side reads back, corrections included, and a rebuild in
small batches gives the same rows as one in a single batch."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from partnership.addresses import MeetingAddress
from partnership.commands.envelope import Envelope
from partnership.governance import governing_body_id
from partnership.meetings import meeting_id
from partnership.partnerships import PartnershipNotFound
from projections.bodies import GoverningBodiesProjection, governing_bodies
from projections.decisions import DecisionsRegisterProjection, meetings_register
from projections.read import EVERYTHING, NOTHING, BodyFilter, PageRequest, bodies_page, body_named
from projections.read.bodies import in_force, members_on
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from service.example_papers import CHORLEY, LCC, LSSCC
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_governance_commands import (
    CHAIR,
    JOINT_COMMITTEE,
    NEW_RULE,
    OLD_RULE,
    PANEL,
    SUB_GROUP,
    SUB_GROUP_TERMS,
    minutes,
)
from tests.integration.test_meeting_commands import (
    SEED_AGENDA,
    SEED_APOLOGIES,
    SEED_ATTENDEES,
    lsscc_bodies,
    record_seed_meeting,
)
from tests.integration.test_partnership_commands import FORMED, SUB_GROUP_DAY, paper

RULE_DAY = date(2007, 11, 20)
REMOVED = date(2009, 4, 1)
NEW_CHAIR_DAY = date(2007, 5, 17)


def runner_of(runtime: Runtime, batch_size: int = 500) -> ProjectionRunner:
    return ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[GoverningBodiesProjection(), DecisionsRegisterProjection()],
        batch_size=batch_size,
    )


def all_rows(runtime: Runtime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with runtime.store.reader.connect() as conn:
        bodies = conn.execute(select(governing_bodies).order_by(governing_bodies.c.body_id))
        meetings = conn.execute(select(meetings_register).order_by(meetings_register.c.meeting_id))
        return [dict(r) for r in bodies.mappings()], [dict(r) for r in meetings.mappings()]


def the_record(runtime: Runtime, now: Any) -> None:
    app = runtime.app
    lsscc_bodies(app, now)
    record_seed_meeting(app, now)
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(RULE_DAY), OFFICER, now),
    )
    app.remove_body_member(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        authority=LCC,
        reason="Left the partnership's committee",
        envelope=Envelope(paper(REMOVED), OFFICER, now),
    )
    app.appoint_chair(
        partnership=LSSCC,
        body=SUB_GROUP,
        person="Councillor Hasina Khan",
        authority=CHORLEY,
        envelope=Envelope(minutes(NEW_CHAIR_DAY), OFFICER, now),
    )
    app.adopt_terms_of_reference(
        partnership=LSSCC,
        body=SUB_GROUP,
        items=["To review the partnership.", "To report to the Panel."],
        envelope=Envelope(minutes(NEW_CHAIR_DAY), OFFICER, now),
    )
    meeting = MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY)
    app.correct_agenda_item_title(
        meeting=meeting,
        number="8",
        title="The way ahead",
        reason="Misread from the minutes",
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.correct_meeting(
        meeting=meeting,
        corrects_version=2,
        field="declarations",
        value=[{"person": CHAIR, "item": "6", "interest": "Member of the County Council"}],
        reason="The minutes were amended",
        envelope=Envelope(minutes(), OFFICER, now),
    )


def test_bodies_and_meetings_read_back_all_that_was_recorded(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock())
    # Names are looked up in what the timeline keeps of each creation: every read model.
    runtime.runner.catch_up()

    with runtime.store.reader.connect() as conn:
        # Names match whatever their case and spacing.
        sub_group = body_named(conn, f"  {LSSCC.upper()} ", "partnership  SUB-GROUP", EVERYTHING)
        joint = body_named(conn, LSSCC, JOINT_COMMITTEE, EVERYTHING)
        assert body_named(conn, LSSCC, "No such body", EVERYTHING) is None
        with pytest.raises(PartnershipNotFound):
            body_named(conn, LSSCC, SUB_GROUP, NOTHING)
        page = bodies_page(conn, BodyFilter(partnership=LSSCC), PageRequest(first=2))
        rest = bodies_page(
            conn, BodyFilter(partnership=LSSCC), PageRequest(first=2, after=page.cursors[-1])
        )
        unseen = bodies_page(conn, BodyFilter(), PageRequest(), visible=NOTHING)
        meeting = (
            conn.execute(
                select(meetings_register).where(
                    meetings_register.c.meeting_id
                    == str(meeting_id(LSSCC, SUB_GROUP, SUB_GROUP_DAY))
                )
            )
            .mappings()
            .one()
        )

    assert sub_group is not None
    assert joint is not None
    assert sub_group["body_id"] == str(governing_body_id(LSSCC, SUB_GROUP))
    assert (sub_group["name"], sub_group["kind"], sub_group["parent_body"]) == (
        SUB_GROUP,
        "scrutiny_sub_group",
        PANEL,
    )
    assert sub_group["established_on"] == SUB_GROUP_DAY
    assert [v["items"] for v in sub_group["terms_of_reference"]] == [
        SUB_GROUP_TERMS,
        ["To review the partnership.", "To report to the Panel."],
    ]
    assert [v["version"] for v in sub_group["terms_of_reference"]] == [1, 2]
    assert [(c["person"], c["authority"]) for c in sub_group["chairs"]] == [
        (CHAIR, CHORLEY),
        ("Councillor Hasina Khan", CHORLEY),
    ]
    assert in_force(sub_group["chairs"], SUB_GROUP_DAY)["person"] == CHAIR  # type: ignore[index]
    assert in_force(sub_group["chairs"], NEW_CHAIR_DAY)["person"] == "Councillor Hasina Khan"  # type: ignore[index]

    assert joint["established_on"] == FORMED
    assert [r["rule"] for r in joint["decision_rules"]] == [
        OLD_RULE.as_dict(),
        NEW_RULE.as_dict(),
    ]
    assert in_force(joint["decision_rules"], RULE_DAY)["rule"] == NEW_RULE.as_dict()  # type: ignore[index]
    assert in_force(joint["decision_rules"], date(2007, 11, 19))["rule"] == OLD_RULE.as_dict()  # type: ignore[index]
    [lcc] = [m for m in joint["memberships"] if m["authority"] == LCC]
    assert (lcc["removed_on"], lcc["removal_reason"]) == (
        REMOVED.isoformat(),
        "Left the partnership's committee",
    )
    assert LCC in {
        m["authority"] for m in members_on(joint["memberships"], REMOVED - date.resolution)
    }
    assert LCC not in {m["authority"] for m in members_on(joint["memberships"], REMOVED)}

    listed = [row["name"] for row in page.rows + rest.rows]
    assert listed == sorted([JOINT_COMMITTEE, PANEL, SUB_GROUP])
    assert page.has_next_page
    assert not rest.has_next_page
    assert unseen.rows == []

    assert meeting["attendee_list"] == [{"role": None, **a} for a in SEED_ATTENDEES]
    assert meeting["apology_list"] == SEED_APOLOGIES
    assert meeting["attendees"] == len(SEED_ATTENDEES)
    expected_agenda = [
        {"number": n, "title": "The way ahead" if n == "8" else t} for n, t in SEED_AGENDA
    ]
    assert meeting["agenda"] == expected_agenda
    assert meeting["declarations"] == [
        {"person": CHAIR, "item": "6", "interest": "Member of the County Council"}
    ]

    before = all_rows(runtime)
    runner_of(runtime, batch_size=5).rebuild()
    assert all_rows(runtime) == before
    runner_of(runtime).rebuild()
    assert all_rows(runtime) == before


def test_a_corrected_parent_body_is_read_back(runtime: Runtime, clock: MovableClock) -> None:
    now = clock()
    lsscc_bodies(runtime.app, now)
    runtime.app.correct_body(
        partnership=LSSCC,
        body=SUB_GROUP,
        corrects_version=1,
        field="parent_body",
        value=JOINT_COMMITTEE,
        reason="It reports to the Joint Committee",
        envelope=Envelope(minutes(), OFFICER, now),
    )
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        sub_group = body_named(conn, LSSCC, SUB_GROUP, EVERYTHING)
    assert sub_group is not None
    assert sub_group["parent_body"] == JOINT_COMMITTEE
