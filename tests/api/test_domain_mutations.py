"""Every command of the record as a mutation, over real HTTP: what it records, what it refuses,
and that the very next query already shows it."""

from enum import Enum
from typing import Any

import pytest

from partnership import (
    governance,
    meetings,
    partnerships,
    projects,
    recommendations,
    supplier_meetings,
)
from partnership import voting as voting_rules
from partnership_graphql import (
    mutations_governance,
    mutations_meetings,
    mutations_partnerships,
    mutations_projects,
    mutations_scrutiny,
    mutations_suppliers,
)
from projections.runtime import Runtime
from tests.api.conftest import OFFICER_ACTOR, GraphQLClient

pytestmark = pytest.mark.store_agnostic

RESULT = """
    __typename
    ... on Recorded {
      position version number
      entry { position kind summary effectiveDate subject authorities source recordedBy }
    }
    ... on Problem { code message field }
"""

KINDS = """
query Kinds($kinds: [EventKind!]) {
  timeline(filter: {kinds: $kinds}, first: 20) {
    edges { node { position kind summary effectiveDate authorities } }
  }
}
"""

PENNINE = "Pennine Lancashire IT Services"
BURNLEY = "Burnley Borough Council"
PENDLE = "Pendle Borough Council"
BLACKBURN = "Blackburn with Darwen Borough Council"
GROUP = "IT Managers Group"
HELD_ON = "2011-08-15"

LSSCC = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
TELEPHONY = "Telephony system installation"
PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"
INQUIRY = "Contact Centre Efficiencies and Partnership with Lancashire County Council"
WEEKLY = "Weekly LCC and Northgate meeting"


def mutation(name: str) -> str:
    input_type = f"{name[0].upper()}{name[1:]}Input"
    return f"mutation Run($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT} }} }}"


def run(client: GraphQLClient, name: str, /, **given: Any) -> dict[str, Any]:
    result: dict[str, Any] = client.data(mutation(name), {"input": given})[name]
    return result


def recorded(client: GraphQLClient, name: str, /, **given: Any) -> dict[str, Any]:
    result = run(client, name, **given)
    assert result["__typename"] == "Recorded", result
    return result


def paper(day: str, source: str = "Test paper") -> dict[str, str]:
    return {"effectiveDate": day, "source": source}


def kinds_shown(client: GraphQLClient, *kinds: str) -> list[dict[str, Any]]:
    edges = client.data(KINDS, {"kinds": list(kinds)})["timeline"]["edges"]
    return [edge["node"] for edge in edges]


def test_a_meeting_and_its_decision_recorded_through_the_api_show_at_once(
    runtime: Runtime, client: GraphQLClient
) -> None:
    founding = paper("2011-06-01", "PLACE report, 1 June 2011")
    for name, kind in ((BURNLEY, "DISTRICT"), (PENDLE, "DISTRICT"), (BLACKBURN, "UNITARY")):
        recorded(client, "registerAuthority", name=name, kind=kind, **founding)
    formed = recorded(
        client,
        "formPartnership",
        name=PENNINE,
        purpose="Joint working on IT services across Pennine Lancashire.",
        **founding,
    )
    assert formed["version"] == 1
    assert formed["entry"]["kind"] == "PARTNERSHIP_FORMED"
    version = formed["version"]
    for authority, role in ((BURNLEY, "LEAD"), (PENDLE, "PARTNER"), (BLACKBURN, "PARTNER")):
        admitted = recorded(
            client,
            "admitMember",
            partnership=PENNINE,
            authority=authority.lower(),  # joins under its registered name, however typed
            role=role,
            expectedVersion=version,
            **founding,
        )
        version = admitted["version"]
    assert admitted["entry"]["summary"] == f"{BLACKBURN} joined {PENNINE} as partner"
    assert version == 4

    body = {"partnership": PENNINE, "body": GROUP}
    established = recorded(
        client, "establishBody", partnership=PENNINE, name=GROUP, kind="OFFICER_GROUP", **founding
    )
    assert established["entry"]["summary"] == f"{GROUP} (officer group) established in {PENNINE}"
    rule = recorded(
        client,
        "adoptDecisionRule",
        **body,
        quorum=2,
        voting="MAJORITY_OF_VOTES_CAST",
        electronicResponseDays=14,
        **founding,
    )
    assert rule["entry"]["summary"] == (
        f"{GROUP}: decision rule adopted: quorum 2, majority of votes cast, absent members "
        "may respond electronically within 14 days"
    )
    for authority in (BURNLEY, PENDLE, BLACKBURN):
        recorded(client, "appointBodyMember", **body, authority=authority, **founding)
    chair = recorded(
        client, "appointChair", **body, person="Jo Smith", authority=BURNLEY, **founding
    )
    assert chair["version"] == 6  # established, rule, three members, chair

    stale = run(
        client,
        "appointChair",
        **body,
        person="Someone Else",
        authority=PENDLE,
        expectedVersion=5,
        **founding,
    )
    assert (stale["__typename"], stale["code"], stale["field"]) == (
        "Conflict",
        "concurrent_change",
        "expectedVersion",
    )

    meeting = {**body, "meetingDate": HELD_ON}
    planned = recorded(client, "planMeeting", **meeting, **paper("2011-07-01"))
    assert planned["entry"]["summary"] == f"{GROUP} meeting of 15 Aug 2011 scheduled"
    minutes = paper(HELD_ON, "IT Managers Group minutes, 15 August 2011")
    held = recorded(
        client,
        "recordMeetingHeld",
        **meeting,
        attendees=[
            {"person": "Jo Smith", "authority": BURNLEY, "role": "Chair"},
            {"person": "Sam Patel", "authority": PENDLE},
        ],
        apologies=[{"person": "Alex Brown", "authority": BLACKBURN}],
        declarations=[],
        expectedVersion=planned["version"],
        **minutes,
    )
    assert held["entry"]["summary"] == (
        f"{GROUP} meeting of 15 Aug 2011 held: 2 present, 1 apology, no interests declared"
    )
    recorded(
        client, "recordAgendaItem", **meeting, number="4", title="Joint working plan", **minutes
    )
    decided = recorded(
        client,
        "recordDecision",
        **meeting,
        item="4",
        wording="That the joint working action plan be adopted.",
        form="RESOLVED",
        votes=[
            {"authority": BURNLEY, "vote": "FOR"},
            {"authority": PENDLE, "vote": "AGAINST"},
            {"authority": BLACKBURN, "vote": "ABSENT"},
        ],
        **minutes,
    )
    assert decided["number"] == "4.1"
    assert decided["entry"]["kind"] == "MEETING_DECISION_RECORDED"
    assert decided["entry"]["effectiveDate"] == HELD_ON
    assert decided["entry"]["authorities"] == sorted([BURNLEY, PENDLE, BLACKBURN])
    assert decided["entry"]["recordedBy"] == OFFICER_ACTOR.person
    responded = recorded(
        client,
        "recordElectronicResponse",
        **meeting,
        decisionNumber=decided["number"],
        authority=BLACKBURN,
        vote="FOR",
        receivedOn="2011-08-20",
        **paper("2011-08-20", "E-mail from Blackburn with Darwen, 20 August 2011"),
    )
    assert responded["number"] is None

    # Read-your-writes: the query right after the mutations already shows them.
    shown = kinds_shown(client, "MEETING_DECISION_RECORDED", "MEETING_ELECTRONIC_RESPONSE_RECORDED")
    assert [node["position"] for node in shown] == [responded["position"], decided["position"]]
    assert shown[1]["summary"] == (
        f"{GROUP} meeting of 15 Aug 2011, item 4: RESOLVED: That the joint working action plan "
        f"be adopted. ({BLACKBURN} absent, {BURNLEY} for, {PENDLE} against)"
    )
    assert shown[0]["summary"] == (
        f"{GROUP} meeting of 15 Aug 2011, decision 4.1: {BLACKBURN} responded electronically "
        "(for) on 20 Aug 2011"
    )
    assert runtime.app.head_position() == responded["position"]


def test_milestones_recommendations_and_supplier_actions_are_recorded_and_shown(
    example: Runtime, client: GraphQLClient
) -> None:
    project = {"partnership": LSSCC, "project": TELEPHONY}
    planned = recorded(
        client,
        "planMilestone",
        **project,
        key="Handsets delivered",
        title="Handsets delivered to every site",
        dueDate="2011-09-01",
        authority="burnley borough council",
        **paper("2011-09-01", "Burnley report, 1 September 2011"),
    )
    assert planned["entry"]["summary"] == (
        f"Project {TELEPHONY}: milestone 'Handsets delivered to every site' ({BURNLEY}) "
        "planned for 1 Sep 2011"
    )
    replanned = recorded(
        client,
        "replanMilestone",
        **project,
        key="handsets-delivered",
        newDueDate="2011-09-02",
        reason="Courier delayed",
        expectedVersion=planned["version"],
        **paper("2011-09-01"),
    )
    assert replanned["version"] == planned["version"] + 1
    assert replanned["entry"]["summary"] == (
        f"Project {TELEPHONY}: milestone handsets-delivered moved from 1 Sep 2011 to "
        "2 Sep 2011: Courier delayed"
    )
    achieved = recorded(
        client,
        "recordMilestoneAchieved",
        **project,
        key="handsets-delivered",
        achievedOn="2011-09-02",
        **paper("2011-09-02"),
    )

    inquiry = {"body": PANEL, "inquiry": INQUIRY}
    made = recorded(
        client,
        "makeRecommendation",
        **inquiry,
        number="6 (a)",
        text="Publish the partnership's call-handling figures each quarter.",
        ownerAuthority="lancashire county council",
        **paper("2011-09-01"),
    )
    assert made["entry"]["summary"].startswith(
        f"Inquiry '{INQUIRY}': recommendation 6a (owner {LCC}): Publish"
    )
    progress = recorded(
        client,
        "recordRecommendationProgress",
        **inquiry,
        number="6a",
        text="First figures published.",
        status="IN_PROGRESS",
        reportedByAuthority=LCC,
        **paper("2011-09-02"),
    )
    assert progress["entry"]["summary"] == (
        f"Inquiry '{INQUIRY}': progress on recommendation 6a ({LCC}): First figures "
        "published. [status now in progress]"
    )
    assert progress["entry"]["authorities"] == [LCC]

    meeting = {"supplier": "Northgate", "meetingDate": "2011-09-01", "title": WEEKLY}
    held = recorded(
        client,
        "recordSupplierMeeting",
        **meeting,
        authorityAttendees=[{"person": "Ruth Hawes", "authority": "lancashire county council"}],
        supplierAttendees=["Account manager"],
        topics=["Telephony integration"],
        **paper("2011-09-01", "Notes of the weekly meeting, 1 September 2011"),
    )
    assert held["entry"]["authorities"] == [LCC]
    raised = recorded(
        client,
        "raiseSupplierAction",
        **meeting,
        text="Send the integration test plan",
        owner="Northgate",
        ownerSide="SUPPLIER",
        dueDate="2011-09-30",
        **paper("2011-09-01"),
    )
    assert raised["number"] == "1"
    escalated = recorded(
        client,
        "escalateSupplierIssue",
        **meeting,
        text="Telephony integration is behind plan",
        partnership=LSSCC,
        toBody="programme board",
        **paper("2011-09-01"),
    )
    assert escalated["number"] == "1"
    assert escalated["entry"]["summary"].endswith(
        "issue escalated to Programme Board: Telephony integration is behind plan"
    )

    head = example.app.head_position()
    malformed = run(
        client,
        "correctSupplierAction",
        **meeting,
        number=raised["number"],
        correctsVersion=raised["version"],
        field="DUE_DATE",
        value="end of September",
        reason="Minuted as mid-September",
        **paper("2011-09-02"),
    )
    assert (malformed["__typename"], malformed["code"], malformed["field"]) == (
        "InvalidInput",
        "invalid_input",
        "value",
    )
    assert "'end of September'" in malformed["message"]
    assert example.app.head_position() == head  # nothing was written
    corrected = recorded(
        client,
        "correctSupplierAction",
        **meeting,
        number=raised["number"],
        correctsVersion=raised["version"],
        field="DUE_DATE",
        value="2011-09-16",
        reason="Minuted as mid-September",
        **paper("2011-09-02"),
    )
    assert corrected["entry"]["kind"] == "SUPPLIER_MEETING_ACTION_CORRECTED"
    closed = recorded(
        client,
        "closeSupplierAction",
        **meeting,
        number="1",
        outcome="Test plan received",
        expectedVersion=corrected["version"],
        **paper("2011-09-02"),
    )

    shown = kinds_shown(
        client,
        "PROJECT_MILESTONE_ACHIEVED",
        "INQUIRY_PROGRESS_RECORDED",
        "SUPPLIER_MEETING_ACTION_CLOSED",
    )
    newest = {node["kind"]: node for node in shown[:3]}
    assert newest["PROJECT_MILESTONE_ACHIEVED"]["position"] == achieved["position"]
    assert newest["PROJECT_MILESTONE_ACHIEVED"]["summary"] == (
        f"Project {TELEPHONY}: milestone handsets-delivered achieved on 2 Sep 2011"
    )
    assert newest["INQUIRY_PROGRESS_RECORDED"]["position"] == progress["position"]
    assert newest["SUPPLIER_MEETING_ACTION_CLOSED"]["summary"] == (
        f"{WEEKLY} with Northgate on 1 Sep 2011: action 1 closed: Test plan received"
    )
    assert newest["SUPPLIER_MEETING_ACTION_CLOSED"]["position"] == closed["position"]


REFUSED = [
    (
        "admitMember",
        {"partnership": "No Such Partnership", "authority": LCC, "role": "PARTNER"},
        ("NotFound", "partnership_not_found", "partnership"),
    ),
    (
        "planMeeting",
        {"partnership": LSSCC, "body": "Nowhere Board", "meetingDate": "2011-10-01"},
        ("NotFound", "governing_body_not_found", "body"),
    ),
    (
        "planMilestone",
        {
            "partnership": LSSCC,
            "project": "No Such Project",
            "key": "go-live",
            "title": "Go live",
            "dueDate": "2011-12-01",
        },
        ("NotFound", "project_not_found", "project"),
    ),
    (
        "stateVision",
        {"partnership": LSSCC, "visionStatement": "Shared services", "expectedVersion": 1},
        ("Conflict", "concurrent_change", "expectedVersion"),
    ),
    (
        "registerAuthority",
        {"name": "burnley  borough council", "kind": "DISTRICT"},
        ("Conflict", "authority_already_registered", "name"),
    ),
    (
        "cancelMeeting",
        {
            "partnership": LSSCC,
            "body": "Partnership Sub-Group",
            "meetingDate": "2006-10-26",
            "reason": "Entered by mistake",
        },
        ("RuleBroken", "meeting_already_held", None),
    ),
    (
        "recordDecision",
        {
            "partnership": LSSCC,
            "body": "Partnership Sub-Group",
            "meetingDate": "2006-10-26",
            "item": "9",
            "wording": "Noted",
            "form": "NOTED",
            "votes": [
                {"authority": "Chorley Borough Council", "vote": "FOR"},
                {"authority": "chorley borough council", "vote": "AGAINST"},
            ],
            "effectiveDate": "2006-10-26",
        },
        ("InvalidInput", "invalid_input", "votes"),
    ),
    (
        "correctMeeting",
        {
            "partnership": LSSCC,
            "body": "Partnership Sub-Group",
            "meetingDate": "2006-10-26",
            "correctsVersion": 2,
            "field": "ATTENDEES",
            "apologies": [],
            "reason": "Apologies were minuted wrongly",
        },
        ("InvalidInput", "invalid_input", "apologies"),
    ),
    (
        "correctBody",
        {
            "partnership": LSSCC,
            "body": "Programme Board",
            "correctsVersion": 1,
            "field": "KIND",
            "value": "steering group",
            "reason": "Wrong kind",
        },
        ("InvalidInput", "invalid_input", "value"),
    ),
]


def test_refusals_are_typed_answers_and_bad_values_fail_validation_writing_nothing(
    example: Runtime, client: GraphQLClient
) -> None:
    head = example.app.head_position()
    for name, given, expected in REFUSED:
        result = run(client, name, **{**paper("2011-09-01"), **given})
        assert (result["__typename"], result["code"], result["field"]) == expected, name
        assert len(result["message"]) > 20, name
    assert example.app.head_position() == head

    body = client.post(
        mutation("registerAuthority"),
        {
            "input": {
                "name": "Pendle Borough Council",
                "kind": "METROPOLITAN",
                **paper("2011-09-01"),
            }
        },
    )
    assert body.get("data") is None
    message = body["errors"][0]["message"]
    assert "METROPOLITAN" in message
    assert "AuthorityKind" in message
    assert "Unexpected error" not in message

    vote = {"authority": "Chorley Borough Council", "vote": "MAYBE"}
    body = client.post(
        mutation("recordDecision"),
        {
            "input": {
                "partnership": LSSCC,
                "body": "Partnership Sub-Group",
                "meetingDate": "2006-10-26",
                "item": "9",
                "wording": "Noted",
                "form": "NOTED",
                "votes": [vote],
                **paper("2006-10-26"),
            }
        },
    )
    assert "MAYBE" in body["errors"][0]["message"]
    assert "Vote" in body["errors"][0]["message"]
    assert example.app.head_position() == head


@pytest.mark.parametrize(
    ("graphql_enum", "domain_values"),
    [
        (mutations_partnerships.AuthorityKind, partnerships.AUTHORITY_KINDS),
        (mutations_partnerships.MemberRole, partnerships.MEMBER_ROLES),
        (
            mutations_partnerships.AuthorityCorrectableField,
            tuple(partnerships.Authority.correctable_fields),
        ),
        (
            mutations_partnerships.PartnershipCorrectableField,
            tuple(partnerships.Partnership.correctable_fields),
        ),
        (mutations_governance.BodyKind, governance.BODY_KINDS),
        (mutations_governance.VotingRule, voting_rules.VOTING_RULES),
        (
            mutations_governance.BodyCorrectableField,
            tuple(governance.GoverningBody.correctable_fields),
        ),
        (mutations_meetings.Vote, voting_rules.VOTES),
        (mutations_meetings.DecisionForm, meetings.DECISION_FORMS),
        (mutations_meetings.Supersession, meetings.SUPERSESSIONS),
        (mutations_meetings.MeetingCorrectableField, tuple(meetings.Meeting.correctable_fields)),
        (
            mutations_projects.ProjectCorrectableField,
            tuple(projects.Project.correctable_fields),
        ),
        (mutations_projects.MilestoneCorrectableField, projects.MILESTONE_CORRECTABLE_FIELDS),
        (mutations_scrutiny.RecommendationStatus, recommendations.STATUSES),
        (
            mutations_scrutiny.InquiryCorrectableField,
            tuple(recommendations.Inquiry.correctable_fields),
        ),
        (
            mutations_scrutiny.RecommendationCorrectableField,
            recommendations.RECOMMENDATION_CORRECTABLE_FIELDS,
        ),
        (mutations_suppliers.OwnerSide, supplier_meetings.OWNER_SIDES),
        (
            mutations_suppliers.SupplierActionCorrectableField,
            supplier_meetings.ACTION_CORRECTABLE_FIELDS,
        ),
        (
            mutations_suppliers.SupplierMeetingCorrectableField,
            tuple(supplier_meetings.SupplierMeeting.correctable_fields),
        ),
    ],
    ids=lambda value: getattr(value, "__name__", "values"),
)
def test_each_closed_set_offers_exactly_what_the_domain_accepts(
    graphql_enum: type[Enum], domain_values: tuple[str, ...]
) -> None:
    assert sorted(str(member.value) for member in graphql_enum) == sorted(domain_values)


SUB_GROUP_MEETING = {
    "partnership": LSSCC,
    "body": "Partnership Sub-Group",
    "meetingDate": "2006-10-26",
}
PENNINE_GROUP = {"partnership": PENNINE, "body": "Pennine Lancashire IT Managers Group"}
NEW_INQUIRY = {"body": PANEL, "title": "Out-of-hours calls"}
# Every command the tests above leave out, in an order the record accepts, with the kind of
# fact each must record: a wrongly wired argument shows up as a refusal or a wrong kind.
EVERY_OTHER_COMMAND: list[tuple[str, dict[str, Any], str]] = [
    ("registerAuthority", {"name": PENDLE, "kind": "DISTRICT"}, "AUTHORITY_REGISTERED"),
    (
        "correctAuthority",
        {"name": PENDLE, "correctsVersion": 1, "field": "KIND", "value": "unitary"},
        "AUTHORITY_CORRECTED",
    ),
    (
        "admitMember",
        {"partnership": PENNINE, "authority": PENDLE, "role": "PARTNER"},
        "PARTNERSHIP_MEMBER_ADMITTED",
    ),
    (
        "changeMemberRole",
        {"partnership": PENNINE, "authority": PENDLE, "role": "HOST"},
        "PARTNERSHIP_MEMBER_ROLE_CHANGED",
    ),
    (
        "stateVision",
        {"partnership": PENNINE, "visionStatement": "One IT service for Pennine Lancashire."},
        "PARTNERSHIP_VISION_STATED",
    ),
    (
        "correctPartnership",
        {
            "partnership": PENNINE,
            "correctsVersion": 1,
            "field": "PURPOSE",
            "value": "Joint working on IT services.",
        },
        "PARTNERSHIP_CORRECTED",
    ),
    (
        "adoptTermsOfReference",
        {**PENNINE_GROUP, "items": ["Carry out the joint working action plan."]},
        "GOVERNING_BODY_TERMS_OF_REFERENCE_ADOPTED",
    ),
    (
        "appointBodyMember",
        {**PENNINE_GROUP, "authority": PENDLE},
        "GOVERNING_BODY_MEMBER_APPOINTED",
    ),
    (
        "correctBody",
        {**PENNINE_GROUP, "correctsVersion": 1, "field": "KIND", "value": "PROGRAMME_BOARD"},
        "GOVERNING_BODY_CORRECTED",
    ),
    (
        "planMeeting",
        {**PENNINE_GROUP, "meetingDate": "2011-09-20", "sequence": 2},
        "MEETING_REGISTERED",
    ),
    (
        "cancelMeeting",
        {**PENNINE_GROUP, "meetingDate": "2011-09-20", "sequence": 2, "reason": "No business"},
        "MEETING_CANCELLED",
    ),
    (
        "removeBodyMember",
        {**PENNINE_GROUP, "authority": PENDLE, "reason": "Left the partnership"},
        "GOVERNING_BODY_MEMBER_REMOVED",
    ),
    (
        "recordMemberLeaving",
        {"partnership": PENNINE, "authority": PENDLE, "reason": "Own arrangements"},
        "PARTNERSHIP_MEMBER_LEFT",
    ),
    (
        "correctAgendaItemTitle",
        {**SUB_GROUP_MEETING, "number": "9", "title": "Dates of meetings", "reason": "Typo"},
        "MEETING_AGENDA_ITEM_TITLE_CORRECTED",
    ),
    (
        "correctDecisionWording",
        {
            **SUB_GROUP_MEETING,
            "decisionNumber": "9.1",
            "wording": "That the Democratic Services Officer arrange the next meeting.",
            "reason": "Minutes misread",
        },
        "MEETING_DECISION_WORDING_CORRECTED",
    ),
    (
        "correctMeeting",
        {
            **SUB_GROUP_MEETING,
            "correctsVersion": 2,
            "field": "DECLARATIONS",
            "declarations": [
                {"person": "Councillor Hasina Khan", "item": "6", "interest": "Personal"}
            ],
            "reason": "A declaration was left out",
        },
        "MEETING_CORRECTED",
    ),
    (
        "recordDecision",
        {
            **SUB_GROUP_MEETING,
            "item": "8",
            "wording": "That the visit to the hub be on a Friday in December.",
            "form": "AGREED",
            "supersedes": {"meetingDate": "2006-10-26", "decision": "8.1"},
            "how": "REVISED",
            "effectiveDate": "2006-10-26",
        },
        # Saved with it, last: the earlier decision's pointer to this one.
        "MEETING_SUPERSESSION_RECORDED",
    ),
    (
        "startProject",
        {
            "partnership": PENNINE,
            "name": "Shared service desk",
            "description": "One service desk for the partners.",
            "authorities": [BURNLEY],
        },
        "PROJECT_STARTED",
    ),
    (
        "recordMilestoneMissed",
        {"partnership": LSSCC, "project": TELEPHONY, "key": "complete", "reason": "Supplier"},
        "PROJECT_MILESTONE_MISSED",
    ),
    (
        "reportProgress",
        {
            "partnership": LSSCC,
            "project": TELEPHONY,
            "authority": BURNLEY,
            "stage": "testing",
        },
        "PROJECT_PROGRESS_REPORTED",
    ),
    (
        "correctProject",
        {
            "partnership": LSSCC,
            "project": TELEPHONY,
            "correctsVersion": 1,
            "field": "DESCRIPTION",
            "value": "Install and test the new telephony system.",
        },
        "PROJECT_CORRECTED",
    ),
    (
        "correctMilestone",
        {
            "partnership": LSSCC,
            "project": TELEPHONY,
            "key": "complete",
            "correctsVersion": 2,
            "field": "AUTHORITY",
            "value": None,
        },
        "PROJECT_MILESTONE_CORRECTED",
    ),
    (
        "openInquiry",
        {**NEW_INQUIRY, "termsOfReference": ["Review out-of-hours call handling."]},
        "INQUIRY_OPENED",
    ),
    (
        "correctInquiry",
        {
            **NEW_INQUIRY,
            "correctsVersion": 1,
            "field": "TERMS_OF_REFERENCE",
            "termsOfReference": ["Review out-of-hours call handling.", "Report by March."],
        },
        "INQUIRY_CORRECTED",
    ),
    ("closeInquiry", NEW_INQUIRY, "INQUIRY_CLOSED"),
    (
        "correctRecommendation",
        {
            "body": PANEL,
            "inquiry": INQUIRY,
            "number": "4a",
            "correctsVersion": 2,
            "field": "OBJECTIVE",
            "value": "",
        },
        "INQUIRY_RECOMMENDATION_CORRECTED",
    ),
    (
        "correctSupplierMeeting",
        {
            "supplier": "Northgate",
            "meetingDate": "2007-11-20",
            "title": WEEKLY,
            "correctsVersion": 1,
            "field": "TOPICS",
            "topics": ["CRM implementation", "Telephony"],
        },
        "SUPPLIER_MEETING_CORRECTED",
    ),
]


def test_every_other_command_records_its_own_kind_of_fact(
    example: Runtime, client: GraphQLClient
) -> None:
    for name, given, kind in EVERY_OTHER_COMMAND:
        correction = {"reason": "Recorded wrongly"} if name.startswith("correct") else {}
        result = run(client, name, **{**paper("2011-09-01"), **correction, **given})
        assert result["__typename"] == "Recorded", (name, result)
        assert result["entry"]["kind"] == kind, name
        assert result["position"] == example.app.head_position(), name
