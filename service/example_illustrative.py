"""Illustrative facts laid over the example partnership, for showing every question answered.

The seed papers record no Joint Committee vote, no slipped milestone, no supplier action and
no correction, so several of the named queries would answer nothing. These facts fill those
gaps. They are not from the papers: every one's source begins with "Illustrative:", so anyone
reading a fact, in any answer, can tell it apart from the record the papers support. The seed
story itself is left exactly as it is.
"""

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from partnership.addresses import (
    DecisionAddress,
    MeetingAddress,
    MilestoneAddress,
    SupplierMeetingAddress,
)
from partnership.application import CommandResult, PartnershipApplication
from partnership.application import PartnershipApplication as App
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Actor, Provenance
from service.example import INQUIRY, STORY, Step, fact, load_example
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC, SCRUTINY_PANEL

__all__ = ["ILLUSTRATIVE", "ILLUSTRATIVE_PREFIX", "load_example_with_illustrations"]

ILLUSTRATIVE_PREFIX = "Illustrative:"
JOINT_COMMITTEE = "Joint Committee"
PILOT = "Complaints process pilot"
SPRING, SUMMER, AUTUMN = date(2008, 3, 4), date(2008, 6, 10), date(2011, 10, 6)
SERVICE_REVIEW = SupplierMeetingAddress("Northgate", date(2011, 6, 15), "Quarterly CRM review")
TELEPHONY_SUPPORT = "ILLUSTRATIVE-TELEPHONY-BURNLEY"
# How far ahead of the day of loading the illustrative contract ends, and its notice period:
# its notice deadline then falls 110 days after that day, inside the first renewal alert.
TELEPHONY_ENDS_AFTER = timedelta(days=200)
TELEPHONY_NOTICE_DAYS = 90


def illustrative(day: date, what: str) -> Provenance:
    return Provenance(day, f"{ILLUSTRATIVE_PREFIX} {what}; not from the partnership's papers")


def member_for(authority: str) -> dict[str, str]:
    return {"person": f"Member for {authority}", "authority": authority}


def _joint_committee_meeting(
    day: date, present: tuple[str, ...], declarations: list[dict[str, str]]
) -> list[Step]:
    minutes = illustrative(day, f"invented Joint Committee minutes of {day:%-d %B %Y}")
    meeting = MeetingAddress(LSSCC, JOINT_COMMITTEE, day)
    return [
        fact(
            App.record_meeting_held,
            meeting=meeting,
            attendees=[{**member_for(a), "role": "Chair" if a == LCC else None} for a in present],
            apologies=[member_for(a) for a in (LCC, CHORLEY, BURNLEY) if a not in present],
            declarations=declarations,
            provenance=minutes,
        ),
        fact(
            App.record_agenda_item,
            meeting=meeting,
            number="5",
            title="CRM contract",
            provenance=minutes,
        ),
    ]


def _decision(day: date, wording: str, votes: dict[str, str], **more: Any) -> Step:
    return fact(
        App.record_decision,
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        item="5",
        wording=wording,
        form="RESOLVED",
        votes=votes,
        provenance=illustrative(day, f"invented Joint Committee minutes of {day:%-d %B %Y}"),
        **more,
    )


def _joint_committee() -> list[Step]:
    """A vote carried by an absent member's e-mail, its revision at the next meeting, a defeat,
    a correction of a decision's wording, a chair and a meeting planned ahead."""
    received = date(2008, 3, 10)
    return [
        fact(
            App.appoint_chair,
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            person=member_for(LCC)["person"],
            authority=LCC,
            provenance=illustrative(SPRING, "an invented chair of the Joint Committee"),
        ),
        *_joint_committee_meeting(SPRING, (LCC, CHORLEY), []),
        _decision(SPRING, "That the CRM contract be extended", {LCC: "for", CHORLEY: "against"}),
        _decision(SPRING, "That Northgate report monthly", {LCC: "for", CHORLEY: "for"}),
        fact(
            App.record_electronic_response,
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING),
            decision_number="5.1",
            authority=BURNLEY,
            vote="for",
            received_on=received,
            provenance=illustrative(received, "an invented e-mail from Burnley"),
        ),
        *_joint_committee_meeting(
            SUMMER,
            (LCC, CHORLEY, BURNLEY),
            [
                {
                    "person": member_for(BURNLEY)["person"],
                    "item": "5",
                    "interest": "A relative works for Northgate",
                }
            ],
        ),
        _decision(
            SUMMER,
            "That the extension be for six months",
            {LCC: "for", CHORLEY: "for", BURNLEY: "for"},
            supersedes=DecisionAddress(MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING), "5.1"),
            how="revised",
        ),
        _decision(
            SUMMER,
            "That the hub open on Saturdays",
            {LCC: "against", CHORLEY: "against", BURNLEY: "for"},
        ),
        fact(
            App.correct_decision_wording,
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING),
            decision_number="5.2",
            wording="That Northgate report on the CRM monthly",
            reason="The minutes as signed name the CRM",
            provenance=illustrative(SUMMER, "invented minutes of 10 June 2008, item 2"),
        ),
        fact(
            App.plan_meeting,
            meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, AUTUMN),
            provenance=illustrative(date(2011, 9, 1), "an invented meeting planned ahead"),
        ),
    ]


def _delivery() -> list[Step]:
    """The pilot's start slips twice and its training is achieved late; recommendation 5d gets
    a later update."""
    pilot_start = MilestoneAddress(LSSCC, PILOT, "pilot-start")
    return [
        *[
            fact(
                App.replan_milestone,
                milestone=pilot_start,
                new_due_date=due,
                reason=reason,
                provenance=illustrative(decided, "an invented re-plan of the pilot's start"),
            )
            for due, reason, decided in (
                (date(2008, 8, 15), "Trainers unavailable", date(2008, 7, 20)),
                (date(2008, 9, 1), "Build defects", date(2008, 8, 10)),
            )
        ],
        fact(
            App.record_milestone_achieved,
            milestone=MilestoneAddress(LSSCC, PILOT, "training"),
            achieved_on=date(2008, 7, 14),
            provenance=illustrative(date(2008, 7, 15), "an invented report of training begun"),
        ),
        fact(
            App.record_recommendation_progress,
            body=SCRUTINY_PANEL,
            inquiry=INQUIRY,
            number="5d",
            text="Work has begun",
            status="in_progress",
            reported_by_authority=LCC,
            provenance=illustrative(date(2008, 3, 1), "an invented progress update"),
        ),
    ]


def _supplier_review() -> list[Step]:
    """A supplier meeting Burnley attended, with an action overdue, one closed, one undated."""
    day = SERVICE_REVIEW.day
    notes = illustrative(day, "invented notes of a quarterly review with Northgate")
    steps: list[Step] = [
        fact(
            App.record_supplier_meeting,
            meeting=SERVICE_REVIEW,
            authority_attendees=[
                {"person": "Burnley contract manager", "authority": BURNLEY},
                {"person": "County contract manager", "authority": LCC},
            ],
            supplier_attendees=["Northgate account manager"],
            topics=["CRM service levels", "The back-to-back contract's extension"],
            provenance=notes,
        ),
    ]
    steps += [
        fact(
            App.raise_supplier_action,
            meeting=SERVICE_REVIEW,
            text=text,
            owner=owner,
            owner_side=side,
            due_date=due,
            provenance=notes,
        )
        for text, owner, side, due in (
            ("Send the quarterly CRM report", "Northgate", "supplier", date(2011, 7, 15)),
            ("Confirm the extension's terms", "Burnley", "authority", date(2011, 8, 1)),
            ("Fix the address search", "Northgate", "supplier", None),
        )
    ]
    steps.append(
        fact(
            App.close_supplier_action,
            meeting=SERVICE_REVIEW,
            number="2",
            outcome="Terms confirmed",
            provenance=illustrative(date(2011, 8, 1), "an invented note of the action closed"),
        )
    )
    return steps


def _renewal_due_soon(app: PartnershipApplication, actor: Actor, now: datetime) -> CommandResult:
    """A contract of Burnley's whose notice deadline falls a few months after the day the
    example is loaded, so that a renewal alert stands on the day it is first looked at (every
    contract of the papers ended in 2012). Loaded again later, it is already on record."""
    today = now.date()
    end = today + TELEPHONY_ENDS_AFTER
    start = end.replace(year=end.year - 3, day=1)
    terms = ContractTerms(
        reference=TELEPHONY_SUPPORT,
        title="Telephony system support (an invented contract)",
        supplier="Example Telecom Ltd",
        authority=BURNLEY,
        start_date=start,
        end_date=end,
        notice_period_days=TELEPHONY_NOTICE_DAYS,
        extension_options_months=(12,),
    )
    paper = illustrative(start, "an invented contract, dated from the day the example was loaded")
    return app.award_contract(terms=terms, envelope=Envelope(paper, actor, now))


ILLUSTRATIVE: tuple[Step, ...] = (
    *_joint_committee(),
    *_delivery(),
    *_supplier_review(),
    _renewal_due_soon,
)


def load_example_with_illustrations(
    app: PartnershipApplication, actor: Actor, now: datetime
) -> int:
    """Record the story, then the illustrative facts; either already recorded is skipped, so
    loading again adds nothing, and loading after a plain load adds only the illustrations.

    As `load_example` does, which facts are already there is found by telling the story and the
    illustrations to a throw-away in-memory record first. Returns how many facts were recorded.
    """
    recorded = load_example(app, actor, now)
    for step, (aggregate_id, version) in zip(
        ILLUSTRATIVE, _rehearse(actor, now)[len(STORY) :], strict=True
    ):
        if _version_of(app, aggregate_id) >= version:
            continue
        step(app, actor, now)
        recorded += 1
    return recorded


def _version_of(app: PartnershipApplication, aggregate_id: UUID) -> int:
    try:
        version: int = app.repository.get(aggregate_id).version
    except AggregateNotFoundError:
        return 0
    return version


def _rehearse(actor: Actor, now: datetime) -> list[tuple[UUID, int]]:
    rehearsal = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        results = [step(rehearsal, actor, now) for step in (*STORY, *ILLUSTRATIVE)]
    finally:
        rehearsal.close()
    return [(result.aggregate_id, result.version) for result in results]
