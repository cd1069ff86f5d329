"""The example partnership: the story the seed papers tell, as the events a clerk would record.

Every fact names the paper it came from. Where a paper leaves a fact out (an exact date, a
start date, a response window), the source note says so and what was assumed, rather than
passing an invention off as found. Effective dates that no paper gives are the date of the
paper that first shows the fact to be true ("as known on").
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError

from partnership.access import system_actor
from partnership.addresses import MeetingAddress, MilestoneAddress, SupplierMeetingAddress
from partnership.application import CommandResult, PartnershipApplication
from partnership.application import PartnershipApplication as App
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, Provenance
from partnership.voting import MAJORITY_OF_VOTES_CAST, DecisionRule
from service.example_contracts import BURNLEY_CRM, CONTRACT_STORY, HEAD_CRM
from service.example_papers import (
    BURNLEY,
    BURNLEY_2008,
    BURNLEY_2011,
    BURNLEY_EXECUTIVE_2008,
    CHORLEY,
    LCC,
    LSSCC,
    MINUTES_2006,
    PENNINE_IT,
    RECOMMENDATIONS,
    SCRUTINY_PANEL,
    SUB_GROUP,
    UPDATE_2007,
)
from service.settings import Settings

Step = Callable[[PartnershipApplication, Actor, datetime], CommandResult]
__all__ = ["BURNLEY_CRM", "HEAD_CRM", "STORY", "load_example"]

D2006 = date(2006, 10, 26)
D2007 = date(2007, 11, 20)
D2008 = date(2008, 7, 9)
D2011 = date(2011, 9, 1)

OBJECTIVE = "Objective/Key Issue 2: Partnership Working"
INQUIRY = "Contact Centre Efficiencies and Partnership with Lancashire County Council"
SUB_GROUP_TERMS = [
    "To review the Lancashire Shared Services Contact Centre partnership arrangements.",
    "To assess whether the Council is achieving the desired benefits of partnership working, "
    "for example, procurement, single point of access to services.",
    "To identify possible improvements.",
    "To report on the findings and make recommendations to the Corporate and Customer "
    "Overview and Scrutiny Panel.",
]


def fact(
    command: Callable[..., CommandResult],
    *,
    provenance: Provenance,
    expected_version: int | None = None,
    **arguments: Any,
) -> Step:
    """One step of the story: a command with its arguments and paper, waiting for who and when."""

    def record(app: PartnershipApplication, actor: Actor, now: datetime) -> CommandResult:
        envelope = Envelope(provenance, actor, now, expected_version)
        return command(app, **arguments, envelope=envelope)

    return record


def on(day: date, source: str) -> Provenance:
    return Provenance(day, source)


def minutes(item: str) -> str:
    return f"{MINUTES_2006}, item {item}"


def update(number: str) -> str:
    return f"{UPDATE_2007}, recommendation {number}"


def _authorities_and_partnership() -> list[Step]:
    as_known = (
        f"{minutes('6')}; the date of registration is not in the papers, so the date of "
        "the first paper naming the authority is used"
    )
    return [
        fact(App.register_authority, name=LCC, kind="county", provenance=on(D2006, as_known)),
        fact(App.register_authority, name=CHORLEY, kind="district", provenance=on(D2006, as_known)),
        fact(App.register_authority, name=BURNLEY, kind="district", provenance=on(D2006, as_known)),
        fact(
            App.form_partnership,
            name=LSSCC,
            purpose="A virtual contact centre network between the County and the six districts, so "
            "that the County answers a district's calls when its lines are busy; in a second "
            "phase, the County and districts deliver services for each other.",
            provenance=on(
                D2006,
                f"{minutes('6')}: 'a virtual network between the County and the six districts "
                "enabling calls to be answered by the County if all the lines were busy at a "
                "District'; when the partnership was formed is not stated, and only two of "
                "the six districts (Chorley, Burnley) are named in the papers.",
            ),
        ),
        fact(
            App.admit_member,
            partnership=LSSCC,
            authority=LCC,
            role="lead",
            provenance=on(D2006, f"{minutes('6')}: the hub is at the County"),
        ),
        fact(
            App.admit_member,
            partnership=LSSCC,
            authority=CHORLEY,
            role="partner",
            provenance=on(D2006, f"{minutes('6')}; joining date not stated"),
        ),
        fact(
            App.admit_member,
            partnership=LSSCC,
            authority=BURNLEY,
            role="partner",
            provenance=on(
                D2006,
                f"{minutes('6')} ('the six districts'); Burnley is named as a partner by its "
                f"back-to-back CRM contract ({BURNLEY_2011}); joining date not stated",
            ),
        ),
        fact(
            App.state_vision,
            partnership=LSSCC,
            vision_statement=(
                "A three-year vision with an associated action plan; its initial aim is to "
                "implement Front Office, and it provides for aiming at shared information "
                "services."
            ),
            provenance=on(
                D2007,
                f"{update('4a')} and 5a: 'A three year vision statement has been agreed with "
                "an associated action plan'; the statement's own words are not reproduced, so "
                "this is the paper's description of it; the date it was agreed is not stated.",
            ),
        ),
    ]


def _joint_committee_and_boards() -> list[Step]:
    revised = f"{update('4b')}: 'Governance arrangements and terms of reference for the Joint "
    revised += "Committee have been revised and agreed'; the date is not stated"
    return [
        fact(
            App.establish_body,
            partnership=LSSCC,
            name="Joint Committee",
            kind="joint_committee",
            parent_body=None,
            provenance=on(D2007, f"{update('4b')}; the date it was set up is not stated"),
        ),
        fact(
            App.establish_body,
            partnership=LSSCC,
            name="Programme Board",
            kind="programme_board",
            parent_body=None,
            provenance=on(D2007, f"{update('4c')}; the date it was set up is not stated"),
        ),
        fact(
            App.establish_body,
            partnership=LSSCC,
            name="Partnership Board",
            kind="partnership_board",
            parent_body=None,
            provenance=on(D2007, f"{update('4c')}; the date it was set up is not stated"),
        ),
        fact(
            App.adopt_terms_of_reference,
            partnership=LSSCC,
            body="Joint Committee",
            items=["The revised terms of reference (their text is not reproduced in the papers)."],
            provenance=on(D2007, revised),
        ),
        *[
            fact(
                App.appoint_body_member,
                partnership=LSSCC,
                body="Joint Committee",
                authority=member,
                provenance=on(
                    D2007,
                    f"{update('4d')}: the Joint Committee's members are the partners; "
                    "the papers do not list them, so the named partners are recorded",
                ),
            )
            for member in (LCC, CHORLEY, BURNLEY)
        ],
        fact(
            App.adopt_decision_rule,
            partnership=LSSCC,
            body="Joint Committee",
            rule=DecisionRule(quorum=0, voting=MAJORITY_OF_VOTES_CAST, electronic_response_days=14),
            provenance=on(
                D2007,
                f"{update('4d')}: 'the quorum is changed to a majority vote system with absent "
                "partners given the opportunity to respond electronically'; 'the inter "
                "authority agreement and constitution was also revised to reflect new "
                "decision making arrangements'; the response window is not stated (14 days "
                "assumed for the example) and no quorum remains.",
            ),
        ),
    ]


def _scrutiny_sub_group() -> list[Step]:
    held = on(D2006, MINUTES_2006)
    agenda = [
        ("1", "Appointment of Chair"),
        ("2", "Apologies for absence"),
        ("3", "Declarations of any interests"),
        ("4", "Terms of reference"),
        (
            "5",
            "Report to LCC Executive Cabinet: Audit Commission performance summary report "
            "on customer access",
        ),
        (
            "6",
            "Report to LCC Executive Cabinet: Overview and Scrutiny: Shared Services "
            "Contact Centre review",
        ),
        ("7", "Report to LCC Executive Cabinet: Customer Access Strategy"),
        ("8", "The way forward"),
        ("9", "Dates of future meetings"),
    ]
    decisions = [
        (
            "1",
            "RESOLVED",
            "That Councillor Peter Baker be appointed as Chair of the Partnership Sub Group.",
        ),
        (
            "4",
            "AGREED",
            "That the terms of reference be as follows: "
            + " ".join(f"({n}) {t}" for n, t in enumerate(SUB_GROUP_TERMS, 1)),
        ),
        (
            "6",
            "AGREED",
            "(1) To visit the hub at Lancashire County Council and ask for "
            "reassurance on the future of the project as a whole, in particular "
            "relating to the contractual arrangements and the relationship with "
            "Lancashire County Council; (2) to talk with other Partners to "
            "ascertain their views.",
        ),
        (
            "7",
            "AGREED",
            "That an update on the Chorley Customer Access Strategy be presented "
            "to a future meeting.",
        ),
        (
            "8",
            "AGREED",
            "(1) That a visit to the hub be arranged for a Friday in November; "
            "(2) that representatives from two Partner Councils be interviewed; "
            "(3) that Councillor Edgerley and Councillor Walker be interviewed.",
        ),
        (
            "9",
            "AGREED",
            "That the Democratic Services Officer arrange the date of the next meeting.",
        ),
    ]

    def councillor(name: str, role: str | None = None) -> dict[str, str | None]:
        return {
            "person": f"Councillor {name}",
            "authority": CHORLEY,
            "role": role,
        }

    steps: list[Step] = [
        fact(
            App.establish_body,
            partnership=LSSCC,
            name=SCRUTINY_PANEL,
            kind="scrutiny_panel",
            parent_body=None,
            provenance=on(
                D2006,
                f"{MINUTES_2006}: the Sub-Group reports to the Panel; Chorley's own "
                "scrutiny panel, recorded under the partnership it scrutinises",
            ),
        ),
        fact(
            App.establish_body,
            partnership=LSSCC,
            name=SUB_GROUP,
            kind="scrutiny_sub_group",
            parent_body=SCRUTINY_PANEL,
            provenance=on(D2006, f"{minutes('4')}; the date it was set up is not stated"),
        ),
        fact(
            App.appoint_body_member,
            partnership=LSSCC,
            body=SUB_GROUP,
            authority=CHORLEY,
            provenance=on(D2006, f"{MINUTES_2006}: Chorley councillors"),
        ),
        fact(
            App.adopt_terms_of_reference,
            partnership=LSSCC,
            body=SUB_GROUP,
            items=SUB_GROUP_TERMS,
            provenance=on(D2006, minutes("4")),
        ),
        fact(
            App.appoint_chair,
            partnership=LSSCC,
            body=SUB_GROUP,
            person="Councillor Peter Baker",
            authority=CHORLEY,
            provenance=on(D2006, minutes("1")),
        ),
        fact(
            App.record_meeting_held,
            meeting=MeetingAddress(LSSCC, SUB_GROUP, D2006),
            attendees=[
                councillor("Peter Baker", "Chair"),
                councillor("Hasina Khan"),
                councillor("Andrew Birchall"),
                {"person": "Miss June Molyneaux", "authority": CHORLEY, "role": None},
            ],
            apologies=[{"person": "Councillor Geoffrey Russell", "authority": CHORLEY}],
            declarations=[],
            provenance=held,
        ),
    ]
    steps += [
        fact(
            App.record_agenda_item,
            meeting=MeetingAddress(LSSCC, SUB_GROUP, D2006),
            number=number,
            title=title,
            provenance=held,
        )
        for number, title in agenda
    ]
    steps += [
        fact(
            App.record_decision,
            meeting=MeetingAddress(LSSCC, SUB_GROUP, D2006),
            item=item,
            wording=words,
            form=form,
            votes={},
            provenance=on(D2006, f"{minutes(item)}; the minutes record no votes"),
        )
        for item, form, words in decisions
    ]
    return steps


def _inquiry() -> list[Step]:
    steps: list[Step] = [
        fact(
            App.open_inquiry,
            body=SCRUTINY_PANEL,
            title=INQUIRY,
            terms_of_reference=SUB_GROUP_TERMS,
            provenance=on(
                D2006, f"{minutes('4')}: the Sub-Group's terms of reference for the inquiry"
            ),
        ),
    ]
    made = (
        "{paper}; the date the recommendation was made is not in the papers, so it is "
        "recorded as known on the monitoring report's date"
    )
    for recommendation in RECOMMENDATIONS:
        number, text = recommendation.number, recommendation.text
        owner = LCC if any(u.by_county for u in recommendation.updates) else None
        steps.append(
            fact(
                App.make_recommendation,
                body=SCRUTINY_PANEL,
                inquiry=INQUIRY,
                number=number,
                text=text,
                owner_authority=owner,
                objective=OBJECTIVE,
                provenance=on(D2007, made.format(paper=update(number))),
            )
        )
        for progress in recommendation.updates:
            steps.append(
                fact(
                    App.record_recommendation_progress,
                    body=SCRUTINY_PANEL,
                    inquiry=INQUIRY,
                    number=number,
                    text=progress.text,
                    status=progress.status,
                    reported_by_authority=LCC if progress.by_county else None,
                    provenance=on(D2007, update(number)),
                )
            )
    return steps


def _supplier_meeting() -> list[Step]:
    return [
        fact(
            App.record_supplier_meeting,
            meeting=SupplierMeetingAddress("Northgate", D2007, "Weekly LCC and Northgate meeting"),
            authority_attendees=[],
            supplier_attendees=[],
            topics=["Progress and difficulties with the CRM implementation"],
            provenance=on(
                D2007,
                f"{update('4c')}: 'LCC also have weekly meetings with Northgate'; no single "
                "meeting's date, attendees or actions are given, so one entry records the "
                "practice as known on the report's date.",
            ),
        ),
    ]


def _projects() -> list[Step]:
    front_office = "CRM Front Office implementation"
    pilot = "Complaints process pilot"
    strategy = "Customer Access Strategy"
    telephony = "Telephony system installation"
    as_known = "; the start date is not in the papers, so the paper's date is used"
    return [
        fact(
            App.start_project,
            partnership=LSSCC,
            name=front_office,
            description="Implement the Front Office CRM across the partners, each at its own pace.",
            authorities=[LCC, CHORLEY, BURNLEY],
            provenance=on(D2006, f"{minutes('6')}{as_known}"),
        ),
        fact(
            App.report_progress,
            partnership=LSSCC,
            project=front_office,
            authority=CHORLEY,
            stage="developing its CRM independently",
            note="The Partners were all at different stages of implementation; each was able to "
            "develop its CRM independently.",
            provenance=on(D2006, minutes("6")),
        ),
        fact(
            App.plan_milestone,
            milestone=MilestoneAddress(LSSCC, front_office, "phase-two-first-wave"),
            title="County and Chorley first to deliver services for each other (phase two)",
            due_date=date(2007, 2, 28),
            authority=None,
            provenance=on(D2006, f"{minutes('6')}: 'by February 2007' (end of February taken)"),
        ),
        fact(
            App.report_progress,
            partnership=LSSCC,
            project=front_office,
            authority=LCC,
            stage="implementing Front Office",
            note="On target.",
            provenance=on(D2007, update("4a")),
        ),
        fact(
            App.plan_milestone,
            milestone=MilestoneAddress(LSSCC, front_office, "greenspace-playgrounds-live"),
            title="Greenspace playgrounds processes live through Front Office",
            due_date=date(2008, 7, 1),
            authority=BURNLEY,
            provenance=on(
                D2008, f"{BURNLEY_2008}, B3a: 'by the beginning of July 08' (1 July taken)"
            ),
        ),
        fact(
            App.start_project,
            partnership=LSSCC,
            name=pilot,
            description="Pilot the revised complaints process in the CRM with Green Spaces.",
            authorities=[BURNLEY],
            provenance=on(D2008, f"{BURNLEY_2008}, B3d{as_known}"),
        ),
        fact(
            App.report_progress,
            partnership=LSSCC,
            project=pilot,
            authority=BURNLEY,
            stage="build almost complete",
            note="Green Spaces identified as the pilot service.",
            provenance=on(D2008, f"{BURNLEY_2008}, B3d"),
        ),
        *[
            fact(
                App.plan_milestone,
                milestone=MilestoneAddress(LSSCC, pilot, key),
                title=title,
                due_date=due,
                authority=BURNLEY,
                provenance=on(D2008, f"{BURNLEY_2008}, B3d: {why}"),
            )
            for key, title, due, why in (
                (
                    "training",
                    "Start training",
                    date(2008, 7, 7),
                    "'start training at the beginning of July' (7 July taken)",
                ),
                (
                    "pilot-start",
                    "Pilot under way",
                    date(2008, 7, 31),
                    "'commence the pilot by the end of that month'",
                ),
                (
                    "pilot-review",
                    "Review the pilot",
                    date(2008, 8, 31),
                    "'review the pilot following a one month trial'",
                ),
            )
        ],
        fact(
            App.start_project,
            partnership=LSSCC,
            name=strategy,
            description="A three-year Customer Access Strategy for Contact Burnley.",
            authorities=[BURNLEY],
            provenance=on(D2008, f"{BURNLEY_2008}, B3a{as_known}"),
        ),
        fact(
            App.plan_milestone,
            milestone=MilestoneAddress(LSSCC, strategy, "first-draft"),
            title="First draft available",
            due_date=date(2008, 9, 30),
            authority=BURNLEY,
            provenance=on(
                D2008,
                f"{BURNLEY_2008}, B3a: 'First draft to be available by "
                "September' (end of September taken)",
            ),
        ),
        fact(
            App.start_project,
            partnership=LSSCC,
            name=telephony,
            description="Install the new telephony system.",
            authorities=[BURNLEY],
            provenance=on(D2011, f"{BURNLEY_2011}{as_known}"),
        ),
        fact(
            App.plan_milestone,
            milestone=MilestoneAddress(LSSCC, telephony, "complete"),
            title="Installation complete",
            due_date=date(2011, 10, 31),
            authority=BURNLEY,
            provenance=on(
                D2011, f"{BURNLEY_2011}: 'on schedule to be completed by the end of October'"
            ),
        ),
        fact(
            App.report_progress,
            partnership=LSSCC,
            project=telephony,
            authority=BURNLEY,
            stage="installing",
            note=(
                "Progressing to plan and on schedule; service units are being engaged on "
                "deployment."
            ),
            provenance=on(D2011, BURNLEY_2011),
        ),
    ]


def _burnley_executive() -> list[Step]:
    executive = "Burnley Executive"
    return [
        fact(
            App.establish_body,
            partnership=LSSCC,
            name=executive,
            kind="executive",
            parent_body=None,
            provenance=on(
                date(2008, 6, 24),
                f"{BURNLEY_EXECUTIVE_2008}; Burnley's own Executive, recorded "
                "under the partnership whose services its decisions "
                "concern",
            ),
        ),
        fact(
            App.plan_meeting,
            meeting=MeetingAddress(LSSCC, executive, date(2008, 6, 24)),
            provenance=on(
                date(2008, 6, 24),
                f"{BURNLEY_EXECUTIVE_2008}: the report is to this meeting; "
                "its minutes are not among the papers",
            ),
        ),
        fact(
            App.record_agenda_item,
            meeting=MeetingAddress(LSSCC, executive, date(2008, 6, 24)),
            number="1",
            title=(
                "Corporate Customer Service Charter: the Executive is asked to approve the "
                "charter in Appendix 1 (the decision itself is not in the papers)"
            ),
            provenance=on(date(2008, 6, 24), BURNLEY_EXECUTIVE_2008),
        ),
    ]


def _pennine_lancashire() -> list[Step]:
    paper = f"{BURNLEY_2011}, PF3a"
    return [
        fact(
            App.form_partnership,
            name=PENNINE_IT,
            purpose="Joint working on IT services across Pennine Lancashire: specialist support, "
            "shared posts, joint procurement of IT systems and joint training.",
            provenance=on(
                D2011, f"{paper}; the formation date and the other members are not stated"
            ),
        ),
        fact(
            App.admit_member,
            partnership=PENNINE_IT,
            authority=BURNLEY,
            role="partner",
            provenance=on(D2011, paper),
        ),
        fact(
            App.establish_body,
            partnership=PENNINE_IT,
            name="Pennine Lancashire IT Managers Group",
            kind="officer_group",
            parent_body=None,
            provenance=on(
                D2011,
                f"{paper}: 'The plan will now be implemented through the Pennine "
                "Lancashire IT Managers Group'",
            ),
        ),
        fact(
            App.start_project,
            partnership=PENNINE_IT,
            name="IT Services Joint Working Action Plan",
            description=(
                "Approved by PLACE; implemented through the Pennine Lancashire IT Managers Group."
            ),
            authorities=[BURNLEY],
            provenance=on(
                D2011,
                f"{paper}: 'The Pennine Lancashire Information Technology (IT) Services "
                "Joint Working Action Plan has been approved by PLACE'; the date of "
                "PLACE's approval is not stated",
            ),
        ),
    ]


STORY: tuple[Step, ...] = (
    *_authorities_and_partnership(),
    *CONTRACT_STORY,
    *_joint_committee_and_boards(),
    *_scrutiny_sub_group(),
    *_inquiry(),
    *_supplier_meeting(),
    *_projects(),
    *_burnley_executive(),
    *_pennine_lancashire(),
)


def load_example(app: PartnershipApplication, actor: Actor, now: datetime) -> int:
    """Record the story; facts already recorded are skipped, so loading twice adds nothing.

    Which facts are already there is found by first telling the story to a throw-away
    in-memory record: each step's aggregate and the version it leaves it at. A step whose
    aggregate is already at that version in the real record has been recorded before.
    Returns how many facts this call recorded.
    """
    recorded = 0
    for step, (aggregate_id, version) in zip(STORY, _rehearse(actor, now), strict=True):
        try:
            current: int = app.repository.get(aggregate_id).version
        except AggregateNotFoundError:
            current = 0
        if current >= version:
            continue
        step(app, actor, now)
        recorded += 1
    return recorded


def _rehearse(actor: Actor, now: datetime) -> list[tuple[UUID, int]]:
    rehearsal = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    try:
        results = [step(rehearsal, actor, now) for step in STORY]
    finally:
        rehearsal.close()
    return [(result.aggregate_id, result.version) for result in results]


def example_actor(settings: Settings) -> Actor:
    """Who the record names for the example's facts: the system, loading the example."""
    return system_actor("example", settings.system_authority)
