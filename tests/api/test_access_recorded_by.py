"""Every mutation, recorded over HTTP by someone allowed to make it: each event it writes names
the signed-in person (their name, id and authority), whatever names the input carries."""

from collections.abc import Iterator
from typing import Any

import pytest

from graphql import get_named_type
from partnership.contracts import contract_id
from partnership.global_ids import Kind, encode
from partnership_graphql.schema import build_schema
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC, SCRUTINY_PANEL
from tests.api.access_world import (
    DEMO,
    SCRUTINY_SECRETARY,
    Someone,
    World,
    beside_the_example,
    open_world,
)

pytestmark = pytest.mark.store_agnostic

ROSSENDALE = "Rossendale Borough Council"
TRUST = "Rossendale Leisure Partnership"
BOARD = {"partnership": LSSCC, "body": "Programme Board"}
HELD = {**BOARD, "meetingDate": "2011-08-15"}
WEB_CHAT = {"partnership": LSSCC, "project": "Web chat"}
INQUIRY = {"body": SCRUTINY_PANEL, "inquiry": "Out-of-hours calls"}
CONTRACT = {"reference": "BURNLEY-WEB-1"}
CONTRACT_ID = encode(Kind.CONTRACT, contract_id(CONTRACT["reference"]))
KICK_OFF = {"supplier": "Civica", "meetingDate": "2011-09-01", "title": "Web chat kick-off"}
NEWCOMER = "casey.new@rossendale.example"
WHY = {"reason": "Recorded wrongly"}

Step = tuple[str, str, dict[str, Any]]

# Who records each change, and a valid input for it, in an order the record accepts. The
# inputs name other people (a chair, attendees, a newcomer): none of them is the recorder.
STEPS: list[Step] = [
    ("admin", "registerAuthority", {"name": ROSSENDALE, "kind": "DISTRICT"}),
    (
        "admin",
        "correctAuthority",
        {"name": ROSSENDALE, "correctsVersion": 1, "field": "KIND", "value": "unitary", **WHY},
    ),
    ("admin", "formPartnership", {"name": TRUST, "purpose": "Leisure services in Rossendale."}),
    ("admin", "admitMember", {"partnership": TRUST, "authority": ROSSENDALE, "role": "LEAD"}),
    ("admin", "admitMember", {"partnership": TRUST, "authority": LCC, "role": "PARTNER"}),
    ("admin", "changeMemberRole", {"partnership": TRUST, "authority": ROSSENDALE, "role": "HOST"}),
    ("admin", "giveMemberRole", {"partnership": TRUST, "authority": ROSSENDALE, "role": "LEAD"}),
    ("admin", "takeMemberRole", {"partnership": TRUST, "authority": ROSSENDALE, "role": "HOST"}),
    (
        "admin",
        "recordMemberLeaving",
        {"partnership": TRUST, "authority": LCC, "reason": "Own arrangements"},
    ),
    (
        "admin",
        "correctPartnership",
        {
            "partnership": TRUST,
            "correctsVersion": 1,
            "field": "PURPOSE",
            "value": "Leisure and culture in Rossendale.",
            **WHY,
        },
    ),
    ("admin", "stateVision", {"partnership": TRUST, "visionStatement": "Active residents."}),
    (
        "admin",
        "establishBody",
        {"partnership": TRUST, "name": "Trust Board", "kind": "PARTNERSHIP_BOARD"},
    ),
    ("admin", "registerPerson", {"name": "Casey New", "email": NEWCOMER, "authority": ROSSENDALE}),
    (
        "admin",
        "grantRole",
        {"email": NEWCOMER, "role": "BOARD_MEMBER", "scopeKind": "PARTNERSHIP", "scope": TRUST},
    ),
    ("admin", "revokeGrant", {"email": NEWCOMER, "grantId": "1", "reason": "Left the post"}),
    ("secretary", "stateVision", {"partnership": LSSCC, "visionStatement": "One front door."}),
    (
        "secretary",
        "establishBody",
        {"partnership": LSSCC, "name": "Customer Panel", "kind": "OFFICER_GROUP"},
    ),
    (
        "secretary",
        "adoptTermsOfReference",
        {**BOARD, "items": ["Steer the programme."], "effectiveDate": "2011-08-01"},
    ),
    (
        "secretary",
        "adoptDecisionRule",
        {
            **BOARD,
            "quorum": 2,
            "voting": "MAJORITY_OF_VOTES_CAST",
            "electronicResponseDays": 14,
            "effectiveDate": "2011-08-01",
        },
    ),
    *(
        (
            "secretary",
            "appointBodyMember",
            {**BOARD, "authority": member, "effectiveDate": "2011-08-01"},
        )
        for member in (LCC, CHORLEY, BURNLEY)
    ),
    (
        "secretary",
        "appointChair",
        {**BOARD, "person": "Jo Smith", "authority": CHORLEY, "effectiveDate": "2011-08-01"},
    ),
    (
        "secretary",
        "correctBody",
        {**BOARD, "correctsVersion": 1, "field": "PARENT_BODY", "value": "Joint Committee", **WHY},
    ),
    ("secretary", "planMeeting", {**BOARD, "meetingDate": "2011-10-03"}),
    ("secretary", "cancelMeeting", {**BOARD, "meetingDate": "2011-10-03", "reason": "No business"}),
    (
        "secretary",
        "recordMeetingHeld",
        {
            **HELD,
            "attendees": [
                {"person": "Jo Smith", "authority": CHORLEY, "role": "Chair"},
                {"person": "Ruth Hawes", "authority": LCC},
            ],
            "apologies": [{"person": "Rob Dobson", "authority": BURNLEY}],
            "declarations": [],
            "effectiveDate": "2011-08-15",
        },
    ),
    (
        "secretary",
        "recordAgendaItem",
        {**HELD, "number": "1", "title": "Web chat", "effectiveDate": "2011-08-15"},
    ),
    (
        "secretary",
        "correctAgendaItemTitle",
        {**HELD, "number": "1", "title": "Web chat pilot", **WHY},
    ),
    (
        "secretary",
        "recordDecision",
        {
            **HELD,
            "item": "1",
            "wording": "That the web chat pilot go ahead.",
            "form": "RESOLVED",
            "votes": [
                {"authority": CHORLEY, "vote": "FOR"},
                {"authority": LCC, "vote": "AGAINST"},
                {"authority": BURNLEY, "vote": "ABSENT"},
            ],
            "effectiveDate": "2011-08-15",
        },
    ),
    (
        "secretary",
        "recordElectronicResponse",
        {
            **HELD,
            "decisionNumber": "1.1",
            "authority": BURNLEY,
            "vote": "FOR",
            "receivedOn": "2011-08-20",
            "effectiveDate": "2011-08-20",
        },
    ),
    (
        "secretary",
        "correctDecisionWording",
        {**HELD, "decisionNumber": "1.1", "wording": "That the pilot go ahead.", **WHY},
    ),
    (
        "secretary",
        "correctMeeting",
        {
            **HELD,
            "correctsVersion": 1,
            "field": "DECLARATIONS",
            "declarations": [{"person": "Jo Smith", "item": "1", "interest": "Personal"}],
            **WHY,
        },
    ),
    ("secretary", "removeBodyMember", {**BOARD, "authority": BURNLEY, "reason": "Left the board"}),
    (
        "secretary",
        "startProject",
        {
            "partnership": LSSCC,
            "name": "Web chat",
            "description": "Chat on the website.",
            "authorities": [CHORLEY],
        },
    ),
    *(
        (
            "secretary",
            "planMilestone",
            {
                **WEB_CHAT,
                "key": key,
                "title": key.title(),
                "dueDate": "2011-10-01",
                "authority": CHORLEY,
            },
        )
        for key in ("pilot", "launch")
    ),
    (
        "secretary",
        "replanMilestone",
        {**WEB_CHAT, "key": "pilot", "newDueDate": "2011-10-15", "reason": "Late kit"},
    ),
    (
        "secretary",
        "recordMilestoneAchieved",
        {**WEB_CHAT, "key": "pilot", "achievedOn": "2011-09-02", "effectiveDate": "2011-09-02"},
    ),
    (
        "secretary",
        "recordMilestoneMissed",
        {**WEB_CHAT, "key": "launch", "reason": "Supplier late"},
    ),
    ("secretary", "reportProgress", {**WEB_CHAT, "authority": CHORLEY, "stage": "piloting"}),
    (
        "secretary",
        "correctProject",
        {**WEB_CHAT, "correctsVersion": 1, "field": "DESCRIPTION", "value": "Web chat.", **WHY},
    ),
    (
        "secretary",
        "correctMilestone",
        {
            **WEB_CHAT,
            "key": "pilot",
            "correctsVersion": 2,
            "field": "TITLE",
            "value": "Pilot run",
            **WHY,
        },
    ),
    (
        "scrutiny_secretary",
        "openInquiry",
        {
            "body": SCRUTINY_PANEL,
            "title": INQUIRY["inquiry"],
            "termsOfReference": ["Review calls."],
        },
    ),
    (
        "scrutiny_secretary",
        "makeRecommendation",
        {**INQUIRY, "number": "1", "text": "Answer out of hours.", "ownerAuthority": CHORLEY},
    ),
    (
        "scrutiny_secretary",
        "recordRecommendationProgress",
        {
            **INQUIRY,
            "number": "1",
            "text": "Rota agreed.",
            "status": "IN_PROGRESS",
            "reportedByAuthority": CHORLEY,
        },
    ),
    (
        "scrutiny_secretary",
        "correctRecommendation",
        {
            **INQUIRY,
            "number": "1",
            "correctsVersion": 2,
            "field": "TEXT",
            "value": "Answer at night.",
            **WHY,
        },
    ),
    (
        "scrutiny_secretary",
        "correctInquiry",
        {
            "body": SCRUTINY_PANEL,
            "title": INQUIRY["inquiry"],
            "correctsVersion": 1,
            "field": "TERMS_OF_REFERENCE",
            "termsOfReference": ["Review calls at night."],
            **WHY,
        },
    ),
    ("scrutiny_secretary", "closeInquiry", {"body": SCRUTINY_PANEL, "title": INQUIRY["inquiry"]}),
    (
        "procurement_officer",
        "awardContract",
        {
            **CONTRACT,
            "title": "Web chat service",
            "supplier": "Civica",
            "authority": BURNLEY,
            "startDate": "2011-09-01",
            "endDate": "2013-08-31",
            "noticePeriodDays": 90,
            "value": "12000.00",
            "extensionOptionsMonths": [12],
        },
    ),
    ("procurement_officer", "extendContract", CONTRACT),
    ("procurement_officer", "novateContract", {**CONTRACT, "newSupplier": "Civica UK"}),
    (
        "procurement_officer",
        "varyContract",
        {**CONTRACT, "description": "More seats", "newValue": "13000.00"},
    ),
    (
        "procurement_officer",
        "correctContract",
        {**CONTRACT, "correctsVersion": 1, "field": "TITLE", "value": "Web chat", **WHY},
    ),
    ("procurement_officer", "terminateContract", {**CONTRACT, "reason": "Service withdrawn"}),
    (
        "procurement_officer",
        "correctFact",
        {"record": CONTRACT_ID, "version": 1, "field": "supplier", "value": "Civica", **WHY},
    ),
    ("procurement_officer", "withdrawFact", {"record": CONTRACT_ID, "version": 1, **WHY}),
    (
        "procurement_officer",
        "recordPractice",
        {
            "name": "Civica weekly call",
            "kind": "SUPPLIER_MEETING",
            "authorities": [BURNLEY],
            "suppliers": ["Civica"],
            "cadence": "WEEKLY",
            "startsOn": "2011-09-01",
        },
    ),
    (
        "procurement_officer",
        "endPractice",
        {"name": "Civica weekly call", "endsOn": "2011-09-01", "reason": "Moved to e-mail"},
    ),
    (
        "procurement_officer",
        "recordSupplierMeeting",
        {
            **KICK_OFF,
            "authorityAttendees": [{"person": "Rob Dobson", "authority": BURNLEY}],
            "supplierAttendees": ["Account manager"],
            "topics": ["Go-live"],
        },
    ),
    (
        "procurement_officer",
        "raiseSupplierAction",
        {
            **KICK_OFF,
            "text": "Send the plan",
            "owner": "Civica",
            "ownerSide": "SUPPLIER",
            "dueDate": "2011-09-30",
        },
    ),
    (
        "procurement_officer",
        "correctSupplierAction",
        {
            **KICK_OFF,
            "number": "1",
            "correctsVersion": 2,
            "field": "DUE_DATE",
            "value": "2011-09-16",
            **WHY,
        },
    ),
    (
        "procurement_officer",
        "closeSupplierAction",
        {**KICK_OFF, "number": "1", "outcome": "Plan received"},
    ),
    (
        "procurement_officer",
        "escalateSupplierIssue",
        {**KICK_OFF, "text": "Go-live at risk", "partnership": LSSCC, "toBody": "Programme Board"},
    ),
    (
        "procurement_officer",
        "correctSupplierMeeting",
        {
            **KICK_OFF,
            "correctsVersion": 1,
            "field": "TOPICS",
            "topics": ["Go-live", "Training"],
            **WHY,
        },
    ),
    ("secretary", "acknowledgeAlert", {"alert": "Milestone 'Start training'"}),
    ("procurement_officer", "acknowledgeAlert", {"alert": "Milestone 'Pilot under way'"}),
]

PAPER = {"effectiveDate": "2011-09-01", "source": "Officer's note of the change"}
SCHEMA = build_schema(introspection=True)._schema
MUTATIONS = SCHEMA.mutation_type.fields if SCHEMA.mutation_type else {}
# What each kind of success says of itself.
SUCCESS = {
    "Recorded": "position entry { recordedBy recordedById recordedByAuthority }",
}


def document(operation: str) -> str:
    answer_type = get_named_type(MUTATIONS[operation].type)
    members = {member.name for member in SCHEMA.get_possible_types(answer_type)}
    [success] = set(SUCCESS) & members
    kind = get_named_type(MUTATIONS[operation].args["input"].type).name
    problem = "... on Problem { code message field }"
    answer = f"__typename ... on {success} {{ {SUCCESS[success]} }} {problem}"
    return f"mutation Change($input: {kind}!) {{ {operation}(input: $input) {{ {answer} }} }}"


def sent(world: World, operation: str, given: dict[str, Any]) -> dict[str, Any]:
    if operation != "acknowledgeAlert":
        return {**PAPER, **given}
    alerts = world.client("auditor").data(
        "{ alerts(first: 100) { edges { node { key level subject } } } }"
    )["alerts"]["edges"]
    [(key, level)] = [
        (edge["node"]["key"], edge["node"]["level"])
        for edge in alerts
        if edge["node"]["subject"].startswith(given["alert"])
    ]
    return {"key": key, "level": level, "note": "Seen; chasing it"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(
        tmp_path_factory.mktemp("recorded-by"),
        people=(SCRUTINY_SECRETARY,),
        setup=beside_the_example,
    ) as opened:
        yield opened


def test_every_mutation_of_the_schema_is_recorded_here() -> None:
    assert {operation for _, operation, _ in STEPS} == set(MUTATIONS)


def events_between(world: World, after: int, upto: int) -> list[Any]:
    app = world.runtime.app
    told = app.recorder.select_notifications(start=after + 1, limit=upto - after)
    return [app.mapper.to_domain_event(notification) for notification in told]


def test_each_change_names_the_signed_in_person_who_made_it(world: World) -> None:
    for key, operation, given in STEPS:
        someone: Someone = world.people[key]
        before = world.head()
        body = world.client(key).post(document(operation), {"input": sent(world, operation, given)})
        assert not body.get("errors"), (operation, body)
        answer = body["data"][operation]
        assert answer["__typename"] in SUCCESS, (key, operation, answer)
        after = world.head()
        assert answer["position"] == after > before, operation
        events = events_between(world, before, after)
        assert events, operation
        for event in events:
            assert (event.recorded_by, event.recorded_by_id, event.recorded_by_authority) == (
                someone.name,
                someone.person_id,
                someone.authority,
            ), (operation, type(event).__qualname__)
        if "entry" in answer:
            assert answer["entry"] == {
                "recordedBy": someone.name,
                "recordedById": someone.person_id,
                "recordedByAuthority": someone.authority,
            }, operation
    the_timeline_and_people_agree_on_who_recorded_it(world)


def the_timeline_and_people_agree_on_who_recorded_it(world: World) -> None:
    admin = DEMO["admin"]
    person = world.client("auditor").data(
        "query ($email: String!) { person(email: $email) { personId name authority } }",
        {"email": admin.email},
    )["person"]
    assert person == {
        "personId": admin.person_id,
        "name": admin.name,
        "authority": admin.authority,
    }
    registered = world.client("auditor").data(
        '{ timeline(filter: {text: "Trust Board"}, first: 5) { edges { node { recordedById } } } }'
    )["timeline"]["edges"]
    assert registered
    assert {edge["node"]["recordedById"] for edge in registered} == {person["personId"]}


@pytest.mark.parametrize(
    "claimed",
    [{"recordedBy": "Someone Else"}, {"recordedById": "system:example"}, {"actor": "x"}],
    ids=["recorded-by", "recorded-by-id", "actor"],
)
def test_an_input_cannot_say_who_recorded_it(world: World, claimed: dict[str, str]) -> None:
    before = world.head()
    given = {"name": "Wyre Borough Council", "kind": "DISTRICT", **PAPER, **claimed}
    body = world.client("admin").post(document("registerAuthority"), {"input": given})
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] in ("GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT")
    assert next(iter(claimed)) in error["message"]
    assert world.head() == before
