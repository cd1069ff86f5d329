"""The decisions register against both stores: the example's minutes, a Joint Committee vote
completed by an electronic response, corrections, and a rebuild that gives the same rows."""

from datetime import date
from typing import Any

from sqlalchemy import select

from partnership.addresses import MeetingAddress
from partnership.commands.envelope import Envelope
from partnership.meetings import meeting_id
from partnership.voting import AS_RECORDED, CARRIED, INQUORATE, NOT_CARRIED
from projections.decisions import (
    DecisionsRegisterProjection,
    decisions_register,
    meetings_register,
)
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from service.example import example_actor, load_example
from service.example_papers import CHORLEY, LSSCC, SUB_GROUP
from tests.conftest import OFFICER, MovableClock
from tests.integration.register_queries import decisions_of_body, meeting_row
from tests.integration.test_governance_commands import JOINT_COMMITTEE, NEW_RULE
from tests.integration.test_meeting_commands import (
    ALL_FOR,
    JC_AFTER,
    JC_BEFORE,
    PENDLE,
    SEED_APOLOGIES,
    decide_jc,
    establish_sub_group,
    hold_joint_committee,
    lsscc_bodies,
    record_seed_meeting,
)
from tests.integration.test_partnership_commands import (
    SCRUTINY_DAY,
    SCRUTINY_PAPER,
    SUB_GROUP_DAY,
    form_lsscc,
    paper,
)

SUB_GROUP_2006 = date(2006, 10, 26)


def register_runner(runtime: Runtime, batch_size: int = 500) -> ProjectionRunner:
    return ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[DecisionsRegisterProjection()],
        batch_size=batch_size,
    )


def all_rows(runtime: Runtime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with runtime.store.reader.connect() as conn:
        meetings = conn.execute(
            select(meetings_register).order_by(meetings_register.c.meeting_id)
        ).mappings()
        meeting_rows = [dict(row) for row in meetings]
        decisions = conn.execute(
            select(decisions_register).order_by(
                decisions_register.c.meeting_id, decisions_register.c.decision
            )
        ).mappings()
        return meeting_rows, [dict(row) for row in decisions]


def test_the_example_sub_group_meeting_and_a_rebuild_that_gives_the_same_rows(
    runtime: Runtime, clock: MovableClock
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    # Small batches: a meeting's events are spread over several transactions.
    runner = register_runner(runtime, batch_size=7)
    runner.catch_up()

    key = str(meeting_id(LSSCC, SUB_GROUP, SUB_GROUP_2006))
    with runtime.store.reader.connect() as conn:
        meeting = meeting_row(conn, key)
        decisions = [d for d in decisions_of_body(conn, LSSCC, SUB_GROUP) if d["meeting_id"] == key]
        assert meeting_row(conn, "no such meeting") is None
    assert meeting is not None
    assert (meeting["status"], meeting["meeting_date"], meeting["sequence"]) == (
        "held",
        SUB_GROUP_2006,
        1,
    )
    assert meeting["declarations"] == []
    assert meeting["apologies"] == 1
    assert meeting["attendees"] >= 1
    assert meeting["rule"] is None
    assert len(decisions) == 6
    assert {d["outcome"] for d in decisions} == {AS_RECORDED}
    assert all(d["votes"] == {} and d["electronic_responses"] == {} for d in decisions)
    assert [d["recorded_position"] for d in decisions] == sorted(
        d["recorded_position"] for d in decisions
    )

    before = all_rows(runtime)
    assert before[1]
    runner.rebuild()
    assert all_rows(runtime) == before
    register_runner(runtime).rebuild()  # one big batch gives the same rows as many small ones
    assert all_rows(runtime) == before


def test_a_joint_committee_vote_completed_by_an_electronic_response(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    runner = register_runner(runtime)
    lsscc_bodies(app, now)
    hold_joint_committee(app, now, JC_BEFORE)
    before_change = decide_jc(app, now, JC_BEFORE, ALL_FOR)
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now),
    )
    hold_joint_committee(app, now, JC_AFTER)
    after_change = decide_jc(app, now, JC_AFTER, ALL_FOR)
    runner.catch_up()

    new_key = str(meeting_id(LSSCC, JOINT_COMMITTEE, JC_AFTER))
    with runtime.store.reader.connect() as conn:
        rows = decisions_of_body(conn, LSSCC, JOINT_COMMITTEE)
        meeting = meeting_row(conn, new_key)
    assert [(r["meeting_date"], r["decision"]) for r in rows] == [
        (JC_AFTER, after_change),
        (JC_BEFORE, before_change),
    ]
    # The old rule's quorum of four is not met by three; under the new one, with the response
    # window closed, three of seven is no majority of members.
    assert rows[1]["outcome"] == INQUORATE
    assert (rows[0]["outcome"], rows[0]["votes_for"]) == (NOT_CARRIED, 3)
    assert meeting is not None
    assert meeting["rule"] == NEW_RULE.as_dict()
    assert (meeting["attendees"], meeting["apologies"], meeting["declarations"]) == (3, 4, None)
    assert len(meeting["members"]) == 7

    received = date(2008, 3, 6)
    app.record_electronic_response(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
        decision_number=after_change,
        authority=PENDLE,
        vote="for",
        received_on=received,
        envelope=Envelope(paper(received, "E-mail from Pendle Borough Council"), OFFICER, now),
    )
    runner.catch_up()
    with runtime.store.reader.connect() as conn:
        row = decisions_of_body(conn, LSSCC, JOINT_COMMITTEE)[0]
    assert row["electronic_responses"] == {PENDLE: {"vote": "for", "received_on": "2008-03-06"}}
    assert row["votes"] == ALL_FOR
    assert (row["outcome"], row["votes_for"], row["votes_against"], row["abstentions"]) == (
        CARRIED,
        4,
        0,
        0,
    )
    assert row["last_position"] == app.head_position()

    before = all_rows(runtime)
    runner.rebuild()
    assert all_rows(runtime) == before


def test_corrections_of_attendance_and_wording_reach_the_register(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    runner = register_runner(runtime)
    form_lsscc(app, now)
    establish_sub_group(app, now)
    record_seed_meeting(app, now, apologies=[])
    runner.catch_up()
    key = str(meeting_id(LSSCC, SUB_GROUP, SUB_GROUP_DAY))
    with runtime.store.reader.connect() as conn:
        assert (meeting_row(conn, key) or {})["apologies"] == 0

    later = paper(date(2006, 11, 20), "Minutes confirmed at the next meeting (illustrative)")
    wording = "That Councillor Peter Baker be appointed as Chair of the Partnership Sub-Group."
    app.correct_decision_wording(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        decision_number="1.1",
        wording=wording,
        reason="Spelt as in the heading",
        envelope=Envelope(later, OFFICER, now),
    )
    version = app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY)).version
    app.correct_meeting(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        corrects_version=2,
        field="apologies",
        value=SEED_APOLOGIES,
        reason="Left out",
        envelope=Envelope(later, OFFICER, now, expected_version=version),
    )
    app.correct_meeting(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        corrects_version=2,
        field="declarations",
        value=[{"person": "Councillor Hasina Khan", "item": "6", "interest": "Personal"}],
        reason="Left out",
        envelope=Envelope(later, OFFICER, now, expected_version=version + 1),
    )
    runner.catch_up()
    with runtime.store.reader.connect() as conn:
        meeting = meeting_row(conn, key)
        decisions = {d["decision"]: d for d in decisions_of_body(conn, LSSCC, SUB_GROUP)}
    assert meeting is not None
    assert (meeting["apologies"], meeting["attendees"]) == (1, 4)
    assert meeting["declarations"] == [
        {"person": "Councillor Hasina Khan", "item": "6", "interest": "Personal"}
    ]
    assert meeting["last_position"] == app.head_position()
    assert decisions["1.1"]["wording"] == wording
    assert decisions["4.1"]["wording"].startswith("That the terms of reference")
    assert all(d["outcome"] == AS_RECORDED for d in decisions.values())
    assert CHORLEY in {a["authority"] for a in SEED_APOLOGIES}
