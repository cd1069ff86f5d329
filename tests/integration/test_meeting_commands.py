"""Meeting commands: minutes recorded end to end, rules as they stood on
the day, electronic responses, supersession across meetings, and refusals that write nothing."""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

import pytest

from partnership.addresses import DecisionAddress, MeetingAddress
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.governance import ChangeBeforeEstablishment, GoverningBodyNotFound
from partnership.meetings import (
    AgendaItemAlreadyRecorded,
    AgendaItemNotFound,
    DecisionAlreadySuperseded,
    DecisionNotFound,
    EffectiveDateMismatch,
    ElectronicResponsesNotAllowed,
    Meeting,
    MeetingAlreadyHeld,
    MeetingAlreadyRecorded,
    MeetingCancelled,
    MeetingNotFound,
    MeetingNotHeld,
    MemberNotAbsent,
    NotAMember,
    PresentAndApologised,
    ResponseAfterDeadline,
    VoterNotPresent,
    meeting_id,
)
from partnership.partnerships import OutOfDateOrder
from partnership.voting import AS_RECORDED, AWAITING_RESPONSES, CARRIED, INQUORATE, NOT_CARRIED
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_governance_commands import (
    CHAIR,
    IT_MANAGERS,
    JOINT_COMMITTEE,
    NEW_RULE,
    OLD_RULE,
    PANEL,
    PENNINE,
    PENNINE_DAY,
    PENNINE_PAPER,
    SUB_GROUP,
    establish_joint_committee,
    establish_sub_group,
    form_pennine,
    minutes,
)
from tests.integration.test_partnership_commands import (
    BLACKBURN,
    BURNLEY,
    CHORLEY,
    LCC,
    LSSCC,
    LSSCC_MEMBERS,
    SCRUTINY_DAY,
    SCRUTINY_PAPER,
    SUB_GROUP_DAY,
    form_lsscc,
    paper,
    refused,
)

pytestmark = pytest.mark.store_agnostic

PENDLE = "Pendle Borough Council"

# The Partnership Sub-Group of 26 October 2006 (seed 003).
SEED_ATTENDEES = [
    {"person": CHAIR, "authority": CHORLEY, "role": "Chair"},
    {"person": "Councillor Hasina Khan", "authority": CHORLEY},
    {"person": "Councillor Andrew Birchall", "authority": CHORLEY},
    {"person": "Councillor Miss June Molyneaux", "authority": CHORLEY},
]
SEED_APOLOGIES = [{"person": "Councillor Geoffrey Russell", "authority": CHORLEY}]
REPORT = "Consideration of the report to Lancashire County Council Executive Cabinet - "
SEED_AGENDA = [
    ("1", "Appointment of Chair"),
    ("2", "Apologies for absence"),
    ("3", "Declarations of any interests"),
    ("4", "Terms of reference"),
    ("5", REPORT + "Audit Commission Performance Summary Report on Customer Access"),
    ("6", REPORT + "Overview and Scrutiny - Shared Services Contact Centre Review"),
    ("7", REPORT + "Customer Access Strategy"),
    ("8", "The way forward"),
    ("9", "Dates of future meetings"),
]
SEED_DECISIONS = [
    ("1", "RESOLVED",
     "That Councillor Peter Baker be appointed as Chair of the Partnership Sub Group."),
    ("4", "AGREED", "That the terms of reference be as follows: to review the Lancashire Shared "
     "Services Contact Centre partnership arrangements; to assess whether the Council is "
     "achieving the desired benefits of partnership working; to identify possible improvements; "
     "to report on the findings and make recommendations to the Corporate and Customer "
     "Overview and Scrutiny Panel."),
    ("6", "AGREED", "To visit the hub at Lancashire County Council and ask for reassurance on the "
     "future of the project as a whole, in particular relating to the contractual arrangements "
     "and the relationship with Lancashire County Council."),
    ("6", "AGREED", "To talk with other Partners to ascertain their views."),
    ("7", "AGREED", "That an update on the Chorley Customer Access Strategy be presented to a "
     "future meeting."),
    ("8", "AGREED", "That a visit to the hub be arranged for a Friday in November, with a tour and "
     "an opportunity to speak to an officer and a Councillor involved in the project."),
    ("8", "AGREED", "That representatives from two Partner Councils be interviewed to give "
     "feedback on the Partnership and progress with the project."),
    ("8", "AGREED", "That Councillor Edgerley and Councillor Walker be interviewed to give "
     "feedback on the Partnership and progress with the project."),
    ("9", "AGREED", "That the Democratic Services Officer would arrange the date of the next "
     "meeting to discuss the questions to be raised during the visit to the hub."),
]  # fmt: skip

# Joint Committee meetings: the papers give no dates, so these are illustrative, one on each
# side of the rule change of 20 November 2007 (and one more for a later revision).
JC_BEFORE = date(2007, 6, 14)
JC_AFTER = date(2008, 3, 4)
JC_LATER = date(2008, 6, 10)
JC_MINUTES = "Joint Committee minutes (illustrative date)"
JC_AFTER_MEETING = (LSSCC, JOINT_COMMITTEE, JC_AFTER)
JC_LATER_MEETING = (LSSCC, JOINT_COMMITTEE, JC_LATER)
PRESENT = (LCC, CHORLEY, BURNLEY)


def record_seed_meeting(
    app: PartnershipApplication, now: datetime, apologies: list[dict[str, Any]] | None = None
) -> list[str]:
    """The meeting, its agenda and its decisions as the minutes give them; the numbers given."""
    app.record_meeting_held(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        attendees=SEED_ATTENDEES,
        apologies=SEED_APOLOGIES if apologies is None else apologies,
        declarations=[],
        envelope=Envelope(minutes(), OFFICER, now),
    )
    for number, title in SEED_AGENDA:
        app.record_agenda_item(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
            number=number,
            title=title,
            envelope=Envelope(minutes(), OFFICER, now),
        )
    return [
        app.record_decision(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
            item=item,
            wording=wording,
            form=form,
            votes={},
            envelope=Envelope(minutes(), OFFICER, now),
        ).number
        for item, form, wording in SEED_DECISIONS
    ]


def jc_paper(day: date) -> Provenance:
    return paper(day, JC_MINUTES)


def hold_joint_committee(app: PartnershipApplication, now: datetime, day: date) -> None:
    """LCC, Chorley and Burnley present; the other four send apologies."""
    app.record_meeting_held(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        attendees=[{"person": f"Member for {a}", "authority": a} for a in PRESENT],
        apologies=[
            {"person": f"Member for {a}", "authority": a} for a in LSSCC_MEMBERS if a not in PRESENT
        ],
        declarations=None,
        envelope=Envelope(jc_paper(day), OFFICER, now),
    )
    app.record_agenda_item(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        number="5",
        title="CRM contract",
        envelope=Envelope(jc_paper(day), OFFICER, now),
    )


def decide_jc(
    app: PartnershipApplication, now: datetime, day: date, votes: dict[str, str], **more: Any
) -> str:
    wording = more.pop("wording", "That the CRM contract arrangements be reviewed")
    item = more.pop("item", "5")
    return app.record_decision(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        item=item,
        wording=wording,
        form="RESOLVED",
        votes=votes,
        **more,
        envelope=Envelope(jc_paper(day), OFFICER, now),
    ).number


ALL_FOR = {LCC: "for", CHORLEY: "for", BURNLEY: "for"}


def lsscc_bodies(app: PartnershipApplication, now: datetime) -> None:
    form_lsscc(app, now)
    establish_joint_committee(app, now)
    establish_sub_group(app, now)


# The Partnership Sub-Group of 26 October 2006, end to end


def test_the_sub_group_meeting_of_26_october_2006_is_recorded_from_its_minutes(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    establish_sub_group(app, now)
    body = app.get_body(LSSCC, SUB_GROUP)
    assert body.parent_body == PANEL
    chair = body.chair_on(SUB_GROUP_DAY)
    assert chair is not None
    assert chair["person"] == CHAIR
    before = app.head_position()

    numbers = record_seed_meeting(app, now)

    assert app.head_position() > before
    assert numbers == ["1.1", "4.1", "6.1", "6.2", "7.1", "8.1", "8.2", "8.3", "9.1"]
    # Read back from the store by a second application, as another process would.
    reader = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        meeting = reader.get_meeting(
            MeetingAddress(
                "lancashire shared services contact centre", "partnership  sub-group", SUB_GROUP_DAY
            )
        )
    finally:
        reader.close()
    assert (meeting.partnership, meeting.body, meeting.status) == (LSSCC, SUB_GROUP, "held")
    assert meeting.attendees == [{"role": None, **row} for row in SEED_ATTENDEES]
    assert meeting.apologies == SEED_APOLOGIES
    assert meeting.declarations == []  # none declared, which differs from "not recorded"
    # The body as it stood that day: Chorley its only member, and no decision rule recorded.
    assert (meeting.members, meeting.rule) == ([CHORLEY], None)
    assert meeting.agenda == dict(SEED_AGENDA)
    assert [meeting.decisions[n]["form"] for n in numbers] == [f for _, f, _ in SEED_DECISIONS]
    assert meeting.decisions["6.2"]["wording"] == SEED_DECISIONS[3][2]
    for number in numbers:
        assert meeting.outcome(number).outcome == AS_RECORDED
    assert meeting.version == 2 + len(SEED_AGENDA) + len(SEED_DECISIONS)


def test_votes_from_a_non_member_are_refused_and_nothing_is_written(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    establish_sub_group(app, now)
    record_seed_meeting(app, now)
    version = app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY)).version
    error = refused(
        app,
        InvalidInput,
        lambda: app.record_decision(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
            item="9",
            wording="That the hub visit be on a Friday",
            form="AGREED",
            votes={CHORLEY: "for", LCC: "for"},
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        "votes",
    )
    assert LCC in error.message
    meeting = app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY))
    assert meeting.version == version
    assert "9.2" not in meeting.decisions


# The Joint Committee's change of rule (recommendation 4d)


def test_the_joint_committee_rule_change_applies_only_to_meetings_after_it(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
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
    after_change = decide_jc(app, now, JC_AFTER, {a.lower(): v for a, v in ALL_FOR.items()})

    old = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_BEFORE))
    assert old.rule_snapshot == OLD_RULE
    assert old.members == sorted(LSSCC_MEMBERS)
    # Three of a quorum of four took part: the old meeting stays inquorate after the change.
    assert old.outcome(before_change).outcome == INQUORATE
    refused(
        app,
        ElectronicResponsesNotAllowed,
        lambda: app.record_electronic_response(
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_BEFORE),
            decision_number=before_change,
            authority=PENDLE,
            vote="for",
            received_on=date(2007, 6, 15),
            envelope=Envelope(paper(date(2007, 6, 15), "E-mail from Pendle"), OFFICER, now),
        ),
    )

    new = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER))
    assert new.rule_snapshot == NEW_RULE
    assert new.decisions[after_change]["votes"] == ALL_FOR  # recorded under members' names
    assert new.outcome(after_change, as_of=JC_AFTER).outcome == AWAITING_RESPONSES
    # Three of seven is no majority of members, once the week for responses is over.
    assert new.outcome(after_change, as_of=date(2008, 3, 12)).outcome == NOT_CARRIED
    received = date(2008, 3, 6)
    before = app.head_position()
    result = app.record_electronic_response(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
        decision_number=after_change,
        authority="pendle borough council",
        vote="for",
        received_on=received,
        envelope=Envelope(
            paper(received, "E-mail from Pendle Borough Council"),
            OFFICER,
            now,
            expected_version=new.version,
        ),
    )
    assert result.position == app.head_position() > before
    new = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER))
    assert new.decisions[after_change]["electronic_responses"] == {
        PENDLE: {"vote": "for", "received_on": received}
    }
    tally = new.outcome(after_change, as_of=date(2008, 3, 12))
    assert (tally.outcome, tally.votes_for, tally.members) == (CARRIED, 4, 7)
    assert app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_BEFORE)).outcome(
        before_change
    ).outcome == (INQUORATE)

    late = date(2008, 3, 12)
    for attempt, error, field in [
        (
            lambda: app.record_electronic_response(
                meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
                decision_number=after_change,
                authority="Hyndburn Borough Council",
                vote="for",
                received_on=late,
                envelope=Envelope(paper(late, "E-mail"), OFFICER, now),
            ),
            ResponseAfterDeadline,
            "receivedOn",
        ),
        (
            lambda: app.record_electronic_response(
                meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
                decision_number=after_change,
                authority="Hyndburn Borough Council",
                vote="for",
                received_on=received,
                envelope=Envelope(paper(date(2008, 3, 7), "E-mail"), OFFICER, now),
            ),
            EffectiveDateMismatch,
            "effectiveDate",
        ),
        (
            lambda: app.record_electronic_response(
                meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
                decision_number=after_change,
                authority=LCC,
                vote="against",
                received_on=received,
                envelope=Envelope(paper(received, "E-mail"), OFFICER, now),
            ),
            MemberNotAbsent,
            "authority",
        ),
        (
            lambda: app.record_electronic_response(
                meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
                decision_number=after_change,
                authority=BLACKBURN,
                vote="for",
                received_on=received,
                envelope=Envelope(paper(received, "E-mail"), OFFICER, now),
            ),
            NotAMember,
            "authority",
        ),
        (
            lambda: app.record_electronic_response(
                meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
                decision_number="5.9",
                authority=PENDLE,
                vote="for",
                received_on=received,
                envelope=Envelope(paper(received, "E-mail"), OFFICER, now),
            ),
            DecisionNotFound,
            "decisionNumber",
        ),
    ]:
        refused(app, error, attempt, field)


# Supersession


def supersession_world(app: PartnershipApplication, now: datetime) -> str:
    lsscc_bodies(app, now)
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now),
    )
    hold_joint_committee(app, now, JC_BEFORE)
    hold_joint_committee(app, now, JC_AFTER)
    first = decide_jc(app, now, JC_AFTER, ALL_FOR, wording="That the CRM contract be extended")
    hold_joint_committee(app, now, JC_LATER)
    return first


def test_a_supersession_chain_across_two_meetings_reads_both_ways_after_reload(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    first = supersession_world(app, now)
    old_version = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER)).version
    before = app.head_position()
    revised = app.record_decision(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_LATER),
        item="5",
        wording="That the extension be for six months",
        form="RESOLVED",
        votes=ALL_FOR,
        supersedes=DecisionAddress(MeetingAddress(LSSCC, "joint committee", JC_AFTER), first),
        how="revised",
        envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
    )
    assert revised.position == app.head_position() > before
    assert revised.number == "5.1"
    assert revised.aggregate_id == meeting_id(LSSCC, JOINT_COMMITTEE, JC_LATER)
    # Superseded again within the later meeting: a chain of three decisions over two meetings.
    final = decide_jc(
        app,
        now,
        JC_LATER,
        {},
        wording="That the extension be rescinded",
        supersedes=DecisionAddress(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_LATER), "5.1"),
    )
    assert final == "5.2"

    reader = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        old = reader.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER))
        assert old.version == old_version + 1  # only the pointer to its successor was added
        # Forwards, from the first decision to the one in force.
        step = old.superseded_by(first)
        assert step is not None
        assert old.decision(first)["superseded_how"] == "revised"
        later: Meeting = reader.repository.get(UUID(step["meeting_id"]))
        assert (later.meeting_date, step["decision"]) == (JC_LATER, "5.1")
        assert later.superseded_by("5.1") == {"meeting_id": str(later.id), "decision": "5.2"}
        assert later.decision("5.1")["superseded_how"] == "superseded"
        assert later.superseded_by("5.2") is None
        # Backwards, from the decision in force to the first.
        assert later.supersedes("5.2") == {"meeting_id": str(later.id), "decision": "5.1"}
        back = later.supersedes("5.1")
        assert back == {"meeting_id": str(old.id), "decision": first}
        assert old.supersedes(first) is None
        assert old.decision(first)["wording"] == "That the CRM contract be extended"
    finally:
        reader.close()


@pytest.mark.parametrize(
    ("supersedes", "how", "day", "error", "field"),
    [
        (DecisionAddress(MeetingAddress(*JC_AFTER_MEETING), "5.1"), "superseded", JC_LATER,
         DecisionAlreadySuperseded, "supersedes"),
        (DecisionAddress(MeetingAddress(*JC_LATER_MEETING), "5.1"), "superseded", JC_AFTER,
         OutOfDateOrder, "supersedes"),
        (DecisionAddress(MeetingAddress(*JC_AFTER_MEETING, 2), "5.1"), "superseded",
         JC_LATER, MeetingNotFound, "supersedes"),
        (DecisionAddress(MeetingAddress(*JC_LATER_MEETING), "5.7"), "superseded", JC_LATER,
         DecisionNotFound, "supersedes"),
        (DecisionAddress(MeetingAddress(*JC_LATER_MEETING), "5.1"), "replaced", JC_LATER,
         InvalidInput, "how"),
    ],
    ids=["already-superseded", "earlier-meeting", "unknown-meeting", "unknown-decision",
         "bad-how"],
)  # fmt: skip
def test_a_refused_supersession_writes_neither_meeting(
    runtime: Runtime,
    clock: MovableClock,
    supersedes: DecisionAddress,
    how: str,
    day: date,
    error: type[DomainError],
    field: str,
) -> None:
    app, now = runtime.app, clock()
    first = supersession_world(app, now)
    decide_jc(
        app,
        now,
        JC_LATER,
        {},
        supersedes=DecisionAddress(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER), first),
    )
    days = (JC_AFTER, JC_LATER)
    versions = [app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, d)).version for d in days]
    refused(app, error, lambda: decide_jc(app, now, day, {}, supersedes=supersedes, how=how), field)
    assert [
        app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, d)).version for d in days
    ] == versions


@pytest.mark.both_stores
def test_a_supersession_losing_a_race_on_the_old_meeting_saves_neither(
    runtime: Runtime, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another officer changes the old meeting mid-command: the new decision is not saved."""
    app, now = runtime.app, clock()
    first = supersession_world(app, now)
    other_office = PartnershipApplication(env=runtime.settings.event_store_env())
    original = Meeting.record_supersession

    def after_the_other_officer(meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        other_office.record_agenda_item(
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER),
            number="6",
            title="Any other business",
            envelope=Envelope(jc_paper(JC_AFTER), OFFICER, now),
        )
        original(meeting, *args, **kwargs)

    monkeypatch.setattr(Meeting, "record_supersession", after_the_other_officer)
    try:
        with pytest.raises(ConcurrentChange):
            decide_jc(
                app,
                now,
                JC_LATER,
                {},
                supersedes=DecisionAddress(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER), first),
            )
    finally:
        other_office.close()
    assert app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_LATER)).decisions == {}
    old = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_AFTER))
    assert old.superseded_by(first) is None
    assert old.agenda["6"] == "Any other business"


# Planning, cancelling and corrections


def test_a_meeting_planned_ahead_is_later_marked_held_with_the_body_as_it_then_stood(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    form_pennine(app, now)
    for authority in (BURNLEY, BLACKBURN):
        app.appoint_body_member(
            partnership=PENNINE,
            body=IT_MANAGERS,
            authority=authority,
            envelope=Envelope(paper(PENNINE_DAY), OFFICER, now),
        )
    day, planned_on = date(2011, 10, 20), paper(PENNINE_DAY, PENNINE_PAPER)
    before = app.head_position()
    planned = app.plan_meeting(
        meeting=MeetingAddress(PENNINE, "pennine lancashire it managers group", day),
        envelope=Envelope(planned_on, OFFICER, now),
    )
    assert planned.position == app.head_position() > before
    meeting = app.get_meeting(MeetingAddress(PENNINE, IT_MANAGERS, day))
    assert (meeting.status, meeting.body, meeting.meeting_date) == ("planned", IT_MANAGERS, day)
    second = date(2011, 11, 17)
    app.plan_meeting(
        meeting=MeetingAddress(PENNINE, IT_MANAGERS, second),
        envelope=Envelope(planned_on, OFFICER, now),
    )
    cancelled = app.cancel_meeting(
        meeting=MeetingAddress(PENNINE, IT_MANAGERS, second),
        reason="Illustrative: not needed",
        envelope=Envelope(paper(date(2011, 9, 2)), OFFICER, now, expected_version=1),
    )
    assert cancelled.position == app.head_position()
    assert app.get_meeting(MeetingAddress(PENNINE, IT_MANAGERS, second)).cancellation_reason == (
        "Illustrative: not needed"
    )

    clock.set_day(date(2011, 10, 21))
    notes = paper(day, "IT Managers Group notes, 20 October 2011 (illustrative)")
    attendees = [{"person": "Head of ICT", "authority": BURNLEY}]
    held = app.record_meeting_held(
        meeting=MeetingAddress(PENNINE, IT_MANAGERS, day),
        attendees=attendees,
        apologies=[],
        declarations=None,
        envelope=Envelope(notes, OFFICER, clock(), expected_version=1),
    )
    assert held.aggregate_id == planned.aggregate_id
    meeting = app.get_meeting(MeetingAddress(PENNINE, IT_MANAGERS, day))
    assert (meeting.status, meeting.version) == ("held", 2)
    assert meeting.members == [BLACKBURN, BURNLEY]
    assert meeting.declarations is None
    clock.set_day(date(2011, 11, 18))
    refused(
        app,
        MeetingCancelled,
        lambda: app.record_meeting_held(
            meeting=MeetingAddress(PENNINE, IT_MANAGERS, second),
            attendees=attendees,
            apologies=[],
            declarations=None,
            envelope=Envelope(paper(second), OFFICER, clock()),
        ),
    )


def test_corrections_replace_titles_wording_and_lists_keeping_what_was_first_recorded(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    establish_sub_group(app, now)
    record_seed_meeting(app, now, apologies=[])  # the apology was missed at first
    first = app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY))
    later = paper(date(2006, 11, 20), "Minutes confirmed at the next meeting (illustrative)")
    app.correct_agenda_item_title(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        number="4",
        title="Terms of Reference",
        reason="Capitals as on the agenda",
        envelope=Envelope(later, OFFICER, now),
    )
    app.correct_decision_wording(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        decision_number="1.1",
        wording="That Councillor Peter Baker be appointed as Chair of the Partnership Sub-Group.",
        reason="Spelt as in the heading",
        envelope=Envelope(later, OFFICER, now),
    )
    before = app.head_position()
    result = app.correct_meeting(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        corrects_version=2,
        field="apologies",
        value=SEED_APOLOGIES,
        reason="The apology from Councillor Russell was left out",
        envelope=Envelope(later, OFFICER, now, expected_version=first.version + 2),
    )
    assert result.position == app.head_position() > before
    meeting = app.get_meeting(MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY))
    assert meeting.version == first.version + 3
    assert meeting.agenda["4"] == "Terms of Reference"
    assert meeting.decisions["1.1"]["wording"].endswith("Partnership Sub-Group.")
    assert meeting.apologies == SEED_APOLOGIES
    # What the record said before the corrections is still there for the auditor.
    as_first: Meeting = app.repository.get(meeting.id, version=first.version)
    assert (as_first.agenda["4"], as_first.apologies) == ("Terms of reference", [])
    assert as_first.decisions["1.1"]["wording"] == SEED_DECISIONS[0][2]


# Refusals


def refusal_world(app: PartnershipApplication, now: datetime) -> None:
    """The seed meeting, a Joint Committee meeting under the new rule, and one planned."""
    lsscc_bodies(app, now)
    record_seed_meeting(app, now)
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now),
    )
    hold_joint_committee(app, now, JC_AFTER)
    decide_jc(app, now, JC_AFTER, ALL_FOR)
    app.plan_meeting(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, JC_LATER),
        envelope=Envelope(jc_paper(date(2008, 3, 4)), OFFICER, now),
    )


SEED = (LSSCC, SUB_GROUP, SUB_GROUP_DAY)
JC = (LSSCC, JOINT_COMMITTEE, JC_AFTER)
PLANNED = (LSSCC, JOINT_COMMITTEE, JC_LATER)
SOMEONE = [{"person": "Member for Lancashire County Council", "authority": LCC}]
Attempt = Callable[[PartnershipApplication, datetime], Any]

REFUSALS: list[tuple[str, Attempt, type[DomainError], str | None]] = [
    (
        "plan-future-provenance",
        lambda app, now: app.plan_meeting(
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, date(2011, 12, 1)),
            envelope=Envelope(jc_paper(date(2011, 9, 3)), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "plan-unknown-body",
        lambda app, now: app.plan_meeting(
            meeting=MeetingAddress(LSSCC, "Programme Board", date(2011, 12, 1)),
            envelope=Envelope(jc_paper(date(2011, 9, 1)), OFFICER, now),
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "plan-twice",
        lambda app, now: app.plan_meeting(
            meeting=MeetingAddress(*PLANNED),
            envelope=Envelope(jc_paper(date(2008, 3, 5)), OFFICER, now),
        ),
        MeetingAlreadyRecorded,
        "meetingDate",
    ),
    (
        "plan-before-establishment",
        lambda app, now: app.plan_meeting(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, date(2006, 9, 1)),
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        ChangeBeforeEstablishment,
        "meetingDate",
    ),
    (
        "plan-sequence-zero",
        lambda app, now: app.plan_meeting(
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, date(2011, 12, 1), 0),
            envelope=Envelope(jc_paper(date(2011, 9, 1)), OFFICER, now),
        ),
        InvalidInput,
        "sequence",
    ),
    (
        "held-on-another-date",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(*PLANNED),
            attendees=SOMEONE,
            apologies=[],
            declarations=None,
            envelope=Envelope(jc_paper(date(2008, 6, 11)), OFFICER, now),
        ),
        EffectiveDateMismatch,
        "effectiveDate",
    ),
    (
        "held-in-the-future",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, date(2011, 9, 5)),
            attendees=SOMEONE,
            apologies=[],
            declarations=None,
            envelope=Envelope(jc_paper(date(2011, 9, 5)), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "held-twice",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(*SEED),
            attendees=SEED_ATTENDEES,
            apologies=[],
            declarations=[],
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        MeetingAlreadyHeld,
        None,
    ),
    (
        "present-and-apologised",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(*PLANNED),
            attendees=SOMEONE,
            apologies=SOMEONE,
            declarations=None,
            envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
        ),
        PresentAndApologised,
        "apologies",
    ),
    (
        "nobody-present",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(*PLANNED),
            attendees=[],
            apologies=[],
            declarations=None,
            envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
        ),
        InvalidInput,
        "attendees",
    ),
    (
        "held-by-unknown-body",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(LSSCC, "Programme Board", JC_LATER),
            attendees=SOMEONE,
            apologies=[],
            declarations=None,
            envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "held-before-establishment",
        lambda app, now: app.record_meeting_held(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, date(2006, 9, 1)),
            attendees=SEED_ATTENDEES,
            apologies=[],
            declarations=[],
            envelope=Envelope(minutes(date(2006, 9, 1)), OFFICER, now),
        ),
        ChangeBeforeEstablishment,
        "meetingDate",
    ),
    (
        "cancel-held",
        lambda app, now: app.cancel_meeting(
            meeting=MeetingAddress(*SEED),
            reason="Too late",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        MeetingAlreadyHeld,
        None,
    ),
    (
        "cancel-unknown",
        lambda app, now: app.cancel_meeting(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, date(2006, 11, 24)),
            reason="Not needed",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        MeetingNotFound,
        "body",
    ),
    (
        "agenda-item-twice",
        lambda app, now: app.record_agenda_item(
            meeting=MeetingAddress(*SEED),
            number="9",
            title="Any other business",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        AgendaItemAlreadyRecorded,
        "number",
    ),
    (
        "agenda-of-unknown-meeting",
        lambda app, now: app.record_agenda_item(
            meeting=MeetingAddress(LSSCC, SUB_GROUP, date(2006, 11, 24)),
            number="1",
            title="Visit",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        MeetingNotFound,
        "body",
    ),
    (
        "title-of-unknown-item",
        lambda app, now: app.correct_agenda_item_title(
            meeting=MeetingAddress(*SEED),
            number="10",
            title="Any other business",
            reason="Missed",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        AgendaItemNotFound,
        "number",
    ),
    (
        "decision-at-planned-meeting",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*PLANNED),
            item="5",
            wording="Agreed",
            form="AGREED",
            votes={},
            envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
        ),
        MeetingNotHeld,
        None,
    ),
    (
        "decision-off-the-agenda",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*SEED),
            item="10",
            wording="Agreed",
            form="AGREED",
            votes={},
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        AgendaItemNotFound,
        "item",
    ),
    (
        "vote-of-absent-member",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*JC),
            item="5",
            wording="Agreed",
            form="RESOLVED",
            votes={PENDLE: "for"},
            envelope=Envelope(jc_paper(JC_AFTER), OFFICER, now),
        ),
        VoterNotPresent,
        "votes",
    ),
    (
        "vote-given-twice",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*JC),
            item="5",
            wording="Agreed",
            form="RESOLVED",
            votes={LCC: "for", LCC.upper(): "against"},
            envelope=Envelope(jc_paper(JC_AFTER), OFFICER, now),
        ),
        InvalidInput,
        "votes",
    ),
    (
        "bad-form",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*SEED),
            item="9",
            wording="Agreed",
            form="DECIDED",
            votes={},
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        InvalidInput,
        "form",
    ),
    (
        "decision-on-another-date",
        lambda app, now: app.record_decision(
            meeting=MeetingAddress(*SEED),
            item="9",
            wording="Agreed",
            form="AGREED",
            votes={},
            envelope=Envelope(minutes(date(2006, 10, 27)), OFFICER, now),
        ),
        EffectiveDateMismatch,
        "effectiveDate",
    ),
    (
        "response-without-rule",
        lambda app, now: app.record_electronic_response(
            meeting=MeetingAddress(*SEED),
            decision_number="1.1",
            authority=CHORLEY,
            vote="for",
            received_on=SUB_GROUP_DAY,
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        ElectronicResponsesNotAllowed,
        None,
    ),
    (
        "wording-of-unknown-decision",
        lambda app, now: app.correct_decision_wording(
            meeting=MeetingAddress(*SEED),
            decision_number="9.2",
            wording="Agreed",
            reason="Missed",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        DecisionNotFound,
        "decisionNumber",
    ),
    (
        "uncorrectable-field",
        lambda app, now: app.correct_meeting(
            meeting=MeetingAddress(*SEED),
            corrects_version=2,
            field="agenda",
            value={},
            reason="Wrong",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
    (
        "correct-planned-meeting",
        lambda app, now: app.correct_meeting(
            meeting=MeetingAddress(*PLANNED),
            corrects_version=1,
            field="attendees",
            value=SOMEONE,
            reason="Wrong",
            envelope=Envelope(jc_paper(JC_LATER), OFFICER, now),
        ),
        MeetingNotHeld,
        None,
    ),
    (
        "correct-into-present-and-apologised",
        lambda app, now: app.correct_meeting(
            meeting=MeetingAddress(*SEED),
            corrects_version=2,
            field="apologies",
            value=SEED_ATTENDEES[1:2],
            reason="Wrong",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        PresentAndApologised,
        "apologies",
    ),
    (
        "stale",
        lambda app, now: app.record_agenda_item(
            meeting=MeetingAddress(*SEED),
            number="10",
            title="Any other business",
            envelope=Envelope(minutes(), OFFICER, now, expected_version=2),
        ),
        ConcurrentChange,
        "expectedVersion",
    ),
]


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_refused_meeting_commands_write_nothing(
    runtime: Runtime,
    clock: MovableClock,
    attempt: Attempt,
    error: type[DomainError],
    field: str | None,
) -> None:
    app, now = runtime.app, clock()
    refusal_world(app, now)
    versions = [app.get_meeting(MeetingAddress(*key)).version for key in (SEED, JC, PLANNED)]
    refused(app, error, lambda: attempt(app, now), field)
    assert [
        app.get_meeting(MeetingAddress(*key)).version for key in (SEED, JC, PLANNED)
    ] == versions


def test_an_authority_that_left_the_partnership_has_no_vote_on_its_bodies(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    lsscc_bodies(app, now)
    left_on = date(2008, 3, 31)
    app.record_member_leaving(
        partnership=LSSCC,
        authority=BURNLEY,
        reason="Left the partnership",
        envelope=Envelope(paper(left_on), OFFICER, now),
    )
    meeting_day = date(2008, 6, 2)
    hold_joint_committee(app, now, meeting_day)
    meeting = app.get_meeting(MeetingAddress(LSSCC, JOINT_COMMITTEE, meeting_day))
    assert BURNLEY not in meeting.members
    assert LCC in meeting.members
    before = app.head_position()
    with pytest.raises(DomainError) as raised:
        decide_jc(app, now, meeting_day, {LCC: "for", BURNLEY: "for"})
    assert raised.value.field == "votes"
    assert app.head_position() == before
