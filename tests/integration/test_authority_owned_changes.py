"""An authority's own body and project take every later change as a partnership's do, on both
stores: addressed by the authority's name (or its global id) where a partnership's would be,
kept apart from a partnership's body of the same name, and read back by the same questions."""

from datetime import date
from typing import Any

import pytest

from partnership.addresses import MeetingAddress, MilestoneAddress
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.global_ids import Kind, encode
from partnership.governance import GoverningBodyNotFound
from partnership.partnerships import NotAMember, PartnershipNotFound, authority_id
from partnership.voting import DecisionRule
from projections.read import (
    EVERYTHING,
    DecisionFilter,
    MeetingFilter,
    MilestoneFilter,
    PageRequest,
    Visibility,
    body_named,
    decisions_page,
    meetings_page,
    milestones_page,
    project_named,
)
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

BURNLEY = "Burnley Borough Council"
PENDLE = "Pendle Borough Council"
CHORLEY = "Chorley Borough Council"
PARTNERSHIP = "Lancashire Shared Services Contact Centre"
EXECUTIVE = "Executive"
PROJECT = "Channel shift"
SET_UP = date(2006, 5, 1)
MEETING_DAY = date(2007, 3, 14)


def sent(app_now: Any, day: date) -> Envelope:
    return Envelope(Provenance(day, "Executive minutes"), OFFICER, app_now)


def the_record(runtime: Runtime, clock: MovableClock) -> None:
    """Burnley's own Executive and project, beside a partnership with an Executive too."""
    app, now = runtime.app, clock()
    for name in (BURNLEY, PENDLE, CHORLEY):
        app.register_authority(name=name, kind="district", envelope=sent(now, SET_UP))
    app.form_partnership(name=PARTNERSHIP, purpose="Contact centre", envelope=sent(now, SET_UP))
    app.admit_member(
        partnership=PARTNERSHIP, authority=CHORLEY, role="lead", envelope=sent(now, SET_UP)
    )
    app.establish_body(
        partnership=PARTNERSHIP, name=EXECUTIVE, kind="executive", envelope=sent(now, SET_UP)
    )
    app.establish_body(
        authority=BURNLEY, name=EXECUTIVE, kind="executive", envelope=sent(now, SET_UP)
    )
    app.start_project(
        authority=BURNLEY,
        name=PROJECT,
        description="Move enquiries to the web",
        authorities=[BURNLEY],
        envelope=sent(now, SET_UP),
    )


def changed(runtime: Runtime, clock: MovableClock) -> None:
    """Every later change, each addressed by Burnley's name (in another case, or by id)."""
    app, now = runtime.app, clock()
    by_id = encode(Kind.AUTHORITY, authority_id(BURNLEY))
    app.adopt_terms_of_reference(
        partnership="burnley  BOROUGH council",
        body=EXECUTIVE,
        items=["Decide the council's budget proposals"],
        envelope=sent(now, date(2006, 6, 1)),
    )
    # An authority's own body answers to no partnership: Pendle, in none, may sit on it.
    for member in (BURNLEY, PENDLE):
        app.appoint_body_member(
            partnership=BURNLEY, body=EXECUTIVE, authority=member, envelope=sent(now, SET_UP)
        )
    app.appoint_chair(
        partnership=by_id,
        body=EXECUTIVE,
        person="Cllr Gordon Birtwistle",
        authority=BURNLEY,
        envelope=sent(now, SET_UP),
    )
    app.adopt_decision_rule(
        partnership=BURNLEY,
        body=EXECUTIVE,
        rule=DecisionRule(quorum=2),
        envelope=sent(now, SET_UP),
    )
    meeting = MeetingAddress(BURNLEY, EXECUTIVE, MEETING_DAY)
    app.record_meeting_held(
        meeting=meeting,
        attendees=[
            {"person": "Cllr Gordon Birtwistle", "authority": BURNLEY},
            {"person": "Cllr Mike Blomeley", "authority": PENDLE},
        ],
        apologies=[],
        declarations=[],
        envelope=sent(now, MEETING_DAY),
    )
    app.record_agenda_item(
        meeting=meeting, number="6", title="Revenue budget", envelope=sent(now, MEETING_DAY)
    )
    app.record_decision(
        meeting=MeetingAddress(by_id, EXECUTIVE, MEETING_DAY),
        item="6",
        wording="That the revenue budget be recommended to Full Council.",
        form="RESOLVED",
        votes={BURNLEY: "for", PENDLE: "for"},
        envelope=sent(now, MEETING_DAY),
    )
    milestone = MilestoneAddress(BURNLEY, PROJECT, "pilot-start")
    app.plan_milestone(
        milestone=milestone,
        title="Pilot starts",
        due_date=date(2007, 9, 1),
        authority=BURNLEY,
        envelope=sent(now, date(2007, 1, 10)),
    )
    app.report_progress(
        partnership=BURNLEY,
        project=PROJECT,
        authority=BURNLEY,
        stage="Pilot designed",
        envelope=sent(now, date(2007, 2, 1)),
    )


def test_an_authoritys_own_body_and_project_take_every_change_and_read_back(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    changed(runtime, clock)
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        body = body_named(conn, "BURNLEY borough council", EXECUTIVE, EVERYTHING)
        theirs = body_named(conn, PARTNERSHIP, EXECUTIVE, EVERYTHING)
        meetings = meetings_page(conn, MeetingFilter(partnership=BURNLEY), PageRequest())
        of_body = meetings_page(
            conn, MeetingFilter(partnership=BURNLEY, body="executive"), PageRequest()
        )
        partnership_meetings = meetings_page(
            conn, MeetingFilter(partnership=PARTNERSHIP), PageRequest()
        )
        decisions = decisions_page(conn, DecisionFilter(partnership=BURNLEY), PageRequest())
        milestones = milestones_page(conn, MilestoneFilter(partnership=BURNLEY), PageRequest())
        project = project_named(conn, BURNLEY, PROJECT)

    assert body is not None
    assert theirs is not None
    assert (body["partnership"], body["authority"]) == (None, BURNLEY)
    assert body["terms_of_reference"][0]["items"] == ["Decide the council's budget proposals"]
    assert [m["authority"] for m in body["memberships"]] == [BURNLEY, PENDLE]
    assert body["chairs"][0]["person"] == "Cllr Gordon Birtwistle"
    assert body["decision_rules"][0]["rule"]["quorum"] == 2
    # The partnership's Executive of the same name was left alone.
    assert (theirs["terms_of_reference"], theirs["memberships"], theirs["chairs"]) == ([], [], [])

    assert [(r["partnership"], r["authority"], r["body"]) for r in meetings.rows] == [
        (BURNLEY, BURNLEY, EXECUTIVE)
    ]
    held = meetings.rows[0]
    assert (held["status"], held["attendees"], held["members"]) == ("held", 2, [BURNLEY, PENDLE])
    assert held["agenda"] == [{"number": "6", "title": "Revenue budget"}]
    assert of_body.rows == meetings.rows
    assert partnership_meetings.rows == []
    assert [(d["decision"], d["outcome"], d["votes_for"]) for d in decisions.rows] == [
        ("6.1", decisions.rows[0]["outcome"], 2)
    ]
    assert decisions.rows[0]["authority"] == BURNLEY
    assert decisions.rows[0]["outcome"].lower().startswith("carried")

    assert [(m["partnership"], m["project"], m["milestone_key"]) for m in milestones.rows] == [
        (BURNLEY, PROJECT, "pilot-start")
    ]
    assert project is not None
    assert [m["milestone_key"] for m in project["milestones"]] == ["pilot-start"]
    assert [(p["authority"], p["stage"]) for p in project["progress"]] == [
        (BURNLEY, "Pilot designed")
    ]


def test_only_those_who_see_burnley_read_its_own_meetings_and_milestones(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    changed(runtime, clock)
    runtime.runner.catch_up()
    burnley_people = Visibility(False, authorities=frozenset({BURNLEY}))
    partnership_people = Visibility(
        False, partnerships=frozenset({PARTNERSHIP}), authorities=frozenset({CHORLEY})
    )
    with runtime.store.reader.connect() as conn:
        seen = meetings_page(
            conn, MeetingFilter(partnership=BURNLEY), PageRequest(), visible=burnley_people
        )
        milestones = milestones_page(
            conn, MilestoneFilter(partnership=BURNLEY), PageRequest(), visible=burnley_people
        )
        for question in (
            lambda: meetings_page(
                conn, MeetingFilter(partnership=BURNLEY), PageRequest(), visible=partnership_people
            ),
            lambda: decisions_page(
                conn, DecisionFilter(partnership=BURNLEY), PageRequest(), visible=partnership_people
            ),
            lambda: milestones_page(
                conn,
                MilestoneFilter(partnership=BURNLEY),
                PageRequest(),
                visible=partnership_people,
            ),
            lambda: body_named(conn, BURNLEY, EXECUTIVE, partnership_people),
        ):
            # Answered as an owner not on record: nothing says Burnley's Executive exists.
            with pytest.raises(PartnershipNotFound):
                question()
        # Nor do Burnley's people see the partnership's meetings through Burnley's name.
        with pytest.raises(PartnershipNotFound):
            meetings_page(
                conn, MeetingFilter(partnership=PARTNERSHIP), PageRequest(), visible=burnley_people
            )
    assert len(seen.rows) == 1
    assert len(milestones.rows) == 1


def test_a_partnerships_body_keeps_its_membership_rule_and_unknown_owners_are_refused(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    app, now = runtime.app, clock()
    # Addressed by the partnership's name, the partnership's Executive is the one changed,
    # and only its members may sit on it.
    with pytest.raises(NotAMember):
        app.appoint_body_member(
            partnership=PARTNERSHIP, body=EXECUTIVE, authority=PENDLE, envelope=sent(now, SET_UP)
        )
    # Pendle registered, but with no Executive of its own.
    with pytest.raises(GoverningBodyNotFound) as refused:
        app.adopt_terms_of_reference(
            partnership=PENDLE, body=EXECUTIVE, items=["Anything"], envelope=sent(now, SET_UP)
        )
    assert PENDLE in str(refused.value)
    with pytest.raises(GoverningBodyNotFound):
        app.plan_meeting(
            meeting=MeetingAddress("Fleet Town Council", EXECUTIVE, MEETING_DAY),
            envelope=sent(now, SET_UP),
        )
    # A meeting of Burnley's Executive and one of the partnership's on the same day are two.
    app.plan_meeting(
        meeting=MeetingAddress(BURNLEY, EXECUTIVE, MEETING_DAY), envelope=sent(now, SET_UP)
    )
    app.plan_meeting(
        meeting=MeetingAddress(PARTNERSHIP, EXECUTIVE, MEETING_DAY), envelope=sent(now, SET_UP)
    )
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        ours = meetings_page(conn, MeetingFilter(partnership=BURNLEY), PageRequest())
        theirs = meetings_page(conn, MeetingFilter(partnership=PARTNERSHIP), PageRequest())
    assert [(r["authority"], r["status"]) for r in ours.rows] == [(BURNLEY, "planned")]
    assert [(r["authority"], r["partnership"]) for r in theirs.rows] == [(None, PARTNERSHIP)]
