"""Putting a meeting's record right: its date, its attendance, a decision recorded in error, or
the whole meeting; the meetings and decisions registers and the access scopes follow. On both
stores."""

from datetime import date
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import select

from partnership.addresses import DecisionAddress, MeetingAddress
from partnership.commands.envelope import Envelope
from partnership.domain import DomainError, Provenance
from partnership.meetings import (
    Meeting,
    MeetingAlreadyRecorded,
    MeetingDateTaken,
    MeetingNotFound,
    PresentAndApologised,
    meeting_id,
)
from partnership.revisions import RecordWithdrawn, RevisionBreaksRule
from projections.decisions import decisions_register, meetings_register
from projections.read.scopes import scope_of_meeting
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_governance_commands import JOINT_COMMITTEE, NEW_RULE
from tests.integration.test_meeting_commands import (
    ALL_FOR,
    JC_AFTER,
    JC_LATER,
    PRESENT,
    decide_jc,
    hold_joint_committee,
    jc_paper,
    lsscc_bodies,
)
from tests.integration.test_partnership_commands import (
    BURNLEY,
    LSSCC,
    OTHER_DISTRICTS,
    SCRUTINY_DAY,
    SCRUTINY_PAPER,
    paper,
)

CHECKED = date(2011, 8, 1)
MOVED_TO = date(2008, 3, 11)
AT_FIRST = MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER)
MOVED = MeetingAddress(LSSCC, JOINT_COMMITTEE, MOVED_TO)
KEY = meeting_id(LSSCC, JOINT_COMMITTEE, JC_AFTER)


@pytest.fixture(autouse=True)
def joint_committee_met(runtime: Runtime, clock: MovableClock) -> None:
    """The Joint Committee of 4 March 2008, under the rule of the revised constitution, with
    one decision (5.1)."""
    lsscc_bodies(runtime.app, clock())
    runtime.app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, clock()),
    )
    hold_joint_committee(runtime.app, clock(), JC_AFTER)
    decide_jc(runtime.app, clock(), JC_AFTER, ALL_FOR)
    runtime.runner.catch_up()


def revise(runtime: Runtime, clock: MovableClock, command: str, **given: Any) -> None:
    envelope = Envelope(Provenance(CHECKED, "Minutes checked, August 2011"), OFFICER, clock())
    runtime.seen(
        getattr(runtime.app, command)(
            reason="As the signed minutes say", envelope=envelope, **given
        )
    )


def version_of(runtime: Runtime, key: UUID, kind: type, **matching: Any) -> int:
    """The version at which the meeting's fact of `kind` (with `matching` fields) was recorded."""
    for fact in runtime.app.repository.event_store.get(key):
        if type(fact) is kind and all(getattr(fact, k) == v for k, v in matching.items()):
            return int(fact.originator_version)
    raise LookupError(f"no {kind.__qualname__} {matching}")


def meeting_row(runtime: Runtime, key: UUID = KEY) -> dict[str, Any]:
    table = meetings_register
    with runtime.store.reader.connect() as conn:
        found = conn.execute(select(table).where(table.c.meeting_id == str(key))).mappings()
        return dict(found.one())


def decision_rows(runtime: Runtime, key: UUID = KEY) -> dict[str, dict[str, Any]]:
    table = decisions_register
    with runtime.store.reader.connect() as conn:
        found = conn.execute(select(table).where(table.c.meeting_id == str(key))).mappings()
        return {row["decision"]: dict(row) for row in found}


def refused_unwritten(runtime: Runtime, error: type[DomainError], change: Any) -> DomainError:
    before = runtime.app.head_position()
    with pytest.raises(error) as raised:
        change()
    assert runtime.app.head_position() == before
    return raised.value


def test_a_meeting_date_corrected_finds_the_meeting_by_the_new_date_and_not_the_old(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    revise(
        runtime, clock, "correct_fact", record=KEY, version=1, field="meeting_date", value=MOVED_TO
    )

    moved = app.get_meeting(MOVED)
    assert (moved.id, moved.meeting_date) == (KEY, MOVED_TO)
    with pytest.raises(MeetingNotFound):
        app.get_meeting(AT_FIRST)
    row = meeting_row(runtime)
    assert (row["meeting_date"], row["status"], row["withdrawn"]) == (MOVED_TO, "held", False)
    assert decision_rows(runtime)["5.1"]["meeting_date"] == MOVED_TO
    with runtime.store.reader.connect() as conn:
        assert scope_of_meeting(conn, LSSCC, JOINT_COMMITTEE, MOVED_TO) is not None
        assert scope_of_meeting(conn, LSSCC.upper(), JOINT_COMMITTEE, MOVED_TO) is not None
        assert scope_of_meeting(conn, LSSCC, JOINT_COMMITTEE, JC_AFTER) is None
        held_on = conn.execute(
            select(timeline_entries.c.effective_date).where(
                timeline_entries.c.kind == "MEETING_HELD"
            )
        ).scalar_one()
    # What the meeting decided took effect on its day, and moves with it.
    assert held_on == MOVED_TO
    # The meeting takes further facts under its date; its first date stays its own.
    number = decide_jc(app, clock(), MOVED_TO, ALL_FOR, wording="That the review report back")
    runtime.runner.catch_up()
    assert decision_rows(runtime)[number]["meeting_date"] == MOVED_TO
    refused_unwritten(
        runtime,
        MeetingAlreadyRecorded,
        lambda: app.plan_meeting(
            meeting=AT_FIRST, envelope=Envelope(jc_paper(JC_AFTER), OFFICER, clock())
        ),
    )
    # Put back where it was first recorded, it is found there again and no longer moved.
    revise(
        runtime, clock, "correct_fact", record=KEY, version=1, field="meeting_date", value=JC_AFTER
    )
    assert app.get_meeting(AT_FIRST).id == KEY
    with pytest.raises(MeetingNotFound):
        app.get_meeting(MOVED)
    assert meeting_row(runtime)["meeting_date"] == JC_AFTER


def test_a_date_another_meeting_holds_is_refused(runtime: Runtime, clock: MovableClock) -> None:
    hold_joint_committee(runtime.app, clock(), JC_LATER)
    runtime.runner.catch_up()
    refused_unwritten(
        runtime,
        MeetingDateTaken,
        lambda: revise(
            runtime,
            clock,
            "correct_fact",
            record=KEY,
            version=1,
            field="meeting_date",
            value=JC_LATER,
        ),
    )
    assert meeting_row(runtime)["meeting_date"] == JC_AFTER


def test_moving_a_meeting_after_an_electronic_response_it_had_is_refused(
    runtime: Runtime, clock: MovableClock
) -> None:
    absent = OTHER_DISTRICTS[0]
    runtime.app.record_electronic_response(
        meeting=AT_FIRST,
        decision_number="5.1",
        authority=absent,
        vote="for",
        received_on=date(2008, 3, 6),
        envelope=Envelope(jc_paper(date(2008, 3, 6)), OFFICER, clock()),
    )
    error = refused_unwritten(
        runtime,
        RevisionBreaksRule,
        lambda: revise(
            runtime,
            clock,
            "correct_fact",
            record=KEY,
            version=1,
            field="meeting_date",
            value=MOVED_TO,
        ),
    )
    assert absent in str(error)


def test_a_decision_recorded_in_error_is_withdrawn_and_marked_unless_a_supersession_names_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    wrong = decide_jc(app, clock(), JC_AFTER, ALL_FOR, wording="Entered against the wrong meeting")
    revised = decide_jc(
        app,
        clock(),
        JC_AFTER,
        ALL_FOR,
        wording="That the review also cover the CRM support contract",
        supersedes=DecisionAddress(AT_FIRST, "5.1"),
        how="revised",
    )
    hold_joint_committee(app, clock(), JC_LATER)
    later_key = meeting_id(LSSCC, JOINT_COMMITTEE, JC_LATER)
    decide_jc(
        app,
        clock(),
        JC_LATER,
        ALL_FOR,
        supersedes=DecisionAddress(AT_FIRST, revised),
        wording="That the review be closed",
    )
    runtime.runner.catch_up()

    revise(
        runtime,
        clock,
        "withdraw_fact",
        record=KEY,
        version=version_of(runtime, KEY, Meeting.DecisionRecorded, number=wrong),
    )
    rows = decision_rows(runtime)
    assert rows[wrong]["withdrawn"] is True
    assert [n for n, row in sorted(rows.items()) if not row["withdrawn"]] == ["5.1", revised]
    assert wrong not in app.get_meeting(AT_FIRST).decisions
    # A link in a chain of supersessions stays: the meeting's own, or another meeting's.
    for number in ("5.1", revised):
        refused_unwritten(
            runtime,
            RevisionBreaksRule,
            lambda number=number: revise(
                runtime,
                clock,
                "withdraw_fact",
                record=KEY,
                version=version_of(runtime, KEY, Meeting.DecisionRecorded, number=number),
            ),
        )
    refused_unwritten(
        runtime,
        RevisionBreaksRule,
        lambda: revise(
            runtime,
            clock,
            "withdraw_fact",
            record=later_key,
            version=version_of(runtime, later_key, Meeting.DecisionRecorded),
        ),
    )
    assert not any(row["withdrawn"] for row in decision_rows(runtime, later_key).values())


def test_an_attendee_list_corrected_moves_the_counts_and_keeps_the_votes_present(
    runtime: Runtime, clock: MovableClock
) -> None:
    held = version_of(runtime, KEY, Meeting.Held)
    counted = decision_rows(runtime)["5.1"]["outcome"]
    present = [{"person": f"Member for {a}", "authority": a} for a in PRESENT]
    deputy = {"person": "Deputy member", "authority": OTHER_DISTRICTS[1], "role": None}
    revise(
        runtime,
        clock,
        "correct_fact",
        record=KEY,
        version=held,
        field="attendees",
        value=[*present, deputy],
    )
    row = meeting_row(runtime)
    assert (row["attendees"], row["apologies"]) == (4, 4)
    assert row["attendee_list"][-1] == deputy
    assert decision_rows(runtime)["5.1"]["outcome"] == counted
    # Burnley voted, so its member was there; one apologising cannot be present too.
    without_burnley = [p for p in present if p["authority"] != BURNLEY]
    refused_unwritten(
        runtime,
        RevisionBreaksRule,
        lambda: revise(
            runtime,
            clock,
            "correct_fact",
            record=KEY,
            version=held,
            field="attendees",
            value=without_burnley,
        ),
    )
    apologised = {"person": f"Member for {OTHER_DISTRICTS[0]}", "authority": OTHER_DISTRICTS[0]}
    refused_unwritten(
        runtime,
        PresentAndApologised,
        lambda: revise(
            runtime,
            clock,
            "correct_fact",
            record=KEY,
            version=held,
            field="attendees",
            value=[*present, apologised],
        ),
    )
    assert meeting_row(runtime)["attendees"] == 4


def test_a_decision_wording_corrected_reads_corrected_in_the_register(
    runtime: Runtime, clock: MovableClock
) -> None:
    decided = version_of(runtime, KEY, Meeting.DecisionRecorded, number="5.1")
    counted = decision_rows(runtime)["5.1"]["outcome"]
    wording = "That the CRM contract arrangements be reviewed by March 2009"
    revise(
        runtime, clock, "correct_fact", record=KEY, version=decided, field="wording", value=wording
    )
    row = decision_rows(runtime)["5.1"]
    assert (row["wording"], row["outcome"], row["votes_for"], row["withdrawn"]) == (
        wording,
        counted,
        3,
        False,
    )


def test_a_whole_meeting_withdrawn_is_marked_with_its_decisions(
    runtime: Runtime, clock: MovableClock
) -> None:
    revise(runtime, clock, "withdraw_fact", record=KEY, version=1)
    assert meeting_row(runtime)["withdrawn"] is True
    assert [row["withdrawn"] for row in decision_rows(runtime).values()] == [True]
    with pytest.raises(RecordWithdrawn):
        runtime.app.get_meeting(AT_FIRST)
