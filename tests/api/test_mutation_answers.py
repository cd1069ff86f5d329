"""A mutation answers with what its own change made, and says so when it cannot answer."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from uuid import UUID

import pytest

from graphql import graphql_sync
from partnership.contracts import contract_id
from partnership_graphql.schema import build_schema
from projections import read
from projections.runtime import ReadModelsBehind, Runtime
from tests.api.conftest import OFFICER_ACTOR, GraphQLClient
from tests.api.test_graphql_http import AWARD, award_input
from tests.api.test_idempotency import VARY, send, vary_input
from tests.authorities import register_before_the_test


@pytest.fixture(autouse=True)
def authority_registered(request: pytest.FixtureRequest) -> None:
    """The authority the contracts below are awarded to, on a record begun empty."""
    register_before_the_test(request, award_input()["authority"])


def made_by(runtime: Runtime, position: int) -> tuple[UUID, int]:
    """Which record the event at `position` changed, and the version it made."""
    (notification,) = runtime.app.recorder.select_notifications(start=position, limit=1)
    assert notification.id == position
    return UUID(str(notification.originator_id)), notification.originator_version


def test_concurrent_changes_each_answer_with_the_version_their_own_event_made(
    runtime: Runtime, client: GraphQLClient
) -> None:
    send(client, AWARD, {"input": award_input()})

    def vary(n: int) -> dict[str, Any]:
        # Two saves of one version collide; the loser is told to retry, as a client would.
        while True:
            answer: dict[str, Any] = send(client, VARY, {"input": vary_input(f"Change {n}")})
            if answer["varyContract"].get("code") != "concurrent_change":
                return answer["varyContract"]

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(vary, range(24)))

    assert all(a["__typename"] == "Recorded" for a in answers), answers
    versions = [a["version"] for a in answers]
    assert sorted(versions) == list(range(2, 26))
    for answer in answers:
        assert made_by(runtime, answer["position"]) == (
            contract_id("BBC-TEL-2011"),
            answer["version"],
        )


def test_a_change_whose_read_models_fall_behind_says_where_it_was_recorded(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})
    at = runtime.app.head_position()

    def behind(result: Any) -> Any:
        raise ReadModelsBehind(result.position, result.version, "the timeline is stalled")

    monkeypatch.setattr(runtime, "seen", behind)
    body = client.post(VARY, {"input": vary_input()})

    (error,) = body["errors"]
    assert error["message"] != "Unexpected error."
    assert error["extensions"]["code"] == "recorded_read_models_behind"
    assert error["extensions"]["version"] == 2
    position = error["extensions"]["position"]
    assert position > at
    assert made_by(runtime, position) == (contract_id("BBC-TEL-2011"), 2)


def test_a_change_whose_catch_up_fails_unexpectedly_still_names_its_position(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})

    def broken(result: Any) -> Any:
        raise RuntimeError("the read-model database went away")

    monkeypatch.setattr(runtime, "seen", broken)
    (error,) = client.post(VARY, {"input": vary_input()})["errors"]

    assert error["extensions"]["code"] == "recorded_read_models_behind"
    assert made_by(runtime, error["extensions"]["position"])[1] == 2


def test_a_change_whose_answer_cannot_be_read_names_its_position(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    send(client, AWARD, {"input": award_input()})

    def broken(*_: Any) -> Any:
        raise RuntimeError("the read-model database went away")

    monkeypatch.setattr(read, "contract_by_id", broken)
    (error,) = client.post(VARY, {"input": vary_input()})["errors"]

    assert error["message"] != "Unexpected error."
    assert error["extensions"]["code"] == "recorded_answer_unavailable"
    assert error["extensions"]["version"] == 2
    assert made_by(runtime, error["extensions"]["position"])[1] == 2


MUTATION_FIELDS = """
{ __schema { mutationType { fields { name type { kind name ofType { kind name } } } } } }
"""
POSSIBLE_TYPES = """
query Members($name: String!) { __type(name: $name) { kind possibleTypes { name } } }
"""
RECORD_TYPES = {
    "Contract",
    "Authority",
    "Partnership",
    "GoverningBody",
    "Meeting",
    "Project",
    "Inquiry",
    "SupplierMeeting",
    "Practice",
    "Person",
    "Alert",
}


def introspected(query: str, **variables: Any) -> dict[str, Any]:
    answer = graphql_sync(
        build_schema(introspection=True)._schema, query, variable_values=variables
    )
    assert answer.errors is None, answer.errors
    assert answer.data is not None
    return answer.data


def test_every_mutation_answers_with_the_one_mutation_result() -> None:
    fields = introspected(MUTATION_FIELDS)["__schema"]["mutationType"]["fields"]
    assert len(fields) > 50
    answers = {
        field["name"]: (field["type"]["kind"], (field["type"]["ofType"] or {}).get("name"))
        for field in fields
    }
    assert {
        name: answer for name, answer in answers.items() if answer != ("NON_NULL", "MutationResult")
    } == {}

    members = introspected(POSSIBLE_TYPES, name="MutationResult")["__type"]
    assert members["kind"] == "UNION"
    assert {member["name"] for member in members["possibleTypes"]} == {
        "Recorded",
        "InvalidInput",
        "NotFound",
        "Conflict",
        "RuleBroken",
    }
    records = introspected(POSSIBLE_TYPES, name="ChangedRecord")["__type"]
    assert {member["name"] for member in records["possibleTypes"]} == RECORD_TYPES
    for retired in ("ContractResult", "RecordResult", "AcknowledgeAlertResult"):
        assert introspected(POSSIBLE_TYPES, name=retired)["__type"] is None, retired


# One answer shape for every mutation: what a client spreads whatever it changed.
ANSWER = """
    __typename
    ... on Recorded {
      position version
      record {
        __typename
        ... on Contract { reference endDate version }
        ... on GoverningBody { name chair { person authority } }
        ... on Meeting { body meetingDate status }
        ... on Project { name milestones { key currentDueDate } }
        ... on Alert { key level acknowledged acknowledgement { acknowledgedBy note } }
        ... on Authority { name kind }
        ... on Partnership { name purpose }
        ... on Inquiry { body title }
        ... on SupplierMeeting { supplier title }
        ... on Person { email authority }
      }
    }
    ... on Problem { code message field }
"""
LSSCC = "Lancashire Shared Services Contact Centre"
JOINT_COMMITTEE = "Joint Committee"
TELEPHONY = "Telephony system installation"
PAPER = {"effectiveDate": "2011-09-01", "source": "Officer's note of the change"}


def change(client: GraphQLClient, name: str, /, **given: Any) -> dict[str, Any]:
    """`name` run with `given`, answered in the one shape; it must have been recorded."""
    input_type = f"{name[0].upper()}{name[1:]}Input"
    document = f"mutation Run($input: {input_type}!) {{ {name}(input: $input) {{ {ANSWER} }} }}"
    answer: dict[str, Any] = client.data(document, {"input": given})[name]
    assert answer["__typename"] == "Recorded", answer
    return answer


def test_a_contract_change_answers_with_the_contract_as_it_now_stands(
    example: Runtime, client: GraphQLClient
) -> None:
    awarded = change(client, "awardContract", **award_input())
    assert awarded["record"] == {
        "__typename": "Contract",
        "reference": "BBC-TEL-2011",
        "endDate": "2014-03-31",
        "version": 1,
    }

    extended = change(
        client, "extendContract", reference="bbc-tel-2011", expectedVersion=1, **PAPER
    )

    # The new end date, from the answer itself: no second query.
    assert extended["record"]["endDate"] == "2015-03-31"
    assert extended["version"] == extended["record"]["version"] == 2
    assert extended["position"] == example.app.head_position()


def test_a_governance_change_answers_with_the_body(example: Runtime, client: GraphQLClient) -> None:
    chaired = change(
        client,
        "appointChair",
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        person="Ruth Hawes",
        authority="Chorley Borough Council",
        **PAPER,
    )
    assert chaired["record"]["__typename"] == "GoverningBody"
    assert chaired["record"]["name"] == JOINT_COMMITTEE
    assert chaired["record"]["chair"] == {
        "person": "Ruth Hawes",
        "authority": "Chorley Borough Council",
    }


def test_a_meeting_change_answers_with_the_meeting(example: Runtime, client: GraphQLClient) -> None:
    meeting = {"partnership": LSSCC, "body": JOINT_COMMITTEE, "meetingDate": "2011-12-12"}
    planned = change(client, "planMeeting", **meeting, **PAPER)
    assert planned["record"] == {
        "__typename": "Meeting",
        "body": JOINT_COMMITTEE,
        "meetingDate": "2011-12-12",
        "status": "PLANNED",
    }

    cancelled = change(
        client, "cancelMeeting", **meeting, reason="No business", expectedVersion=1, **PAPER
    )
    assert cancelled["record"]["status"] == "CANCELLED"


def test_a_project_change_answers_with_the_project(example: Runtime, client: GraphQLClient) -> None:
    planned = change(
        client,
        "planMilestone",
        partnership=LSSCC,
        project=TELEPHONY,
        key="Handsets delivered",
        title="Handsets delivered to every site",
        dueDate="2011-10-01",
        authority="Burnley Borough Council",
        **PAPER,
    )
    project = planned["record"]
    assert (project["__typename"], project["name"]) == ("Project", TELEPHONY)
    assert {"key": "handsets-delivered", "currentDueDate": "2011-10-01"} in project["milestones"]

    replanned = change(
        client,
        "replanMilestone",
        partnership=LSSCC,
        project=TELEPHONY,
        key="handsets-delivered",
        newDueDate="2011-10-15",
        reason="Courier delayed",
        expectedVersion=planned["version"],
        **PAPER,
    )
    due = {m["key"]: m["currentDueDate"] for m in replanned["record"]["milestones"]}
    assert due["handsets-delivered"] == "2011-10-15"


def test_an_alert_acknowledgement_answers_with_the_alert_acknowledged(
    example: Runtime, client: GraphQLClient
) -> None:
    key = "renewal:LSSCC-CRM-LCC:2011-06-03"
    done = change(client, "acknowledgeAlert", key=key, level="overdue", note="Report going")
    assert done["record"] == {
        "__typename": "Alert",
        "key": key,
        "level": "overdue",
        "acknowledged": True,
        "acknowledgement": {"acknowledgedBy": OFFICER_ACTOR.person, "note": "Report going"},
    }
    assert done["position"] == example.app.head_position()


BURNLEY = "Burnley Borough Council"
PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"


@pytest.mark.parametrize(
    ("name", "given", "shown"),
    [
        (
            "registerAuthority",
            {"name": "Pendle Borough Council", "kind": "DISTRICT"},
            {"__typename": "Authority", "name": "Pendle Borough Council", "kind": "DISTRICT"},
        ),
        (
            "formPartnership",
            {"name": "Pennine IT", "purpose": "Joint IT services."},
            {"__typename": "Partnership", "name": "Pennine IT", "purpose": "Joint IT services."},
        ),
        (
            "openInquiry",
            {"body": PANEL, "title": "Out-of-hours calls", "termsOfReference": ["Review."]},
            {"__typename": "Inquiry", "body": PANEL, "title": "Out-of-hours calls"},
        ),
        (
            "recordSupplierMeeting",
            {
                "supplier": "Civica",
                "meetingDate": "2011-09-01",
                "title": "Web chat kick-off",
                "authorityAttendees": [{"person": "Rob Dobson", "authority": BURNLEY}],
                "supplierAttendees": ["Account manager"],
                "topics": ["Go-live"],
            },
            {"__typename": "SupplierMeeting", "supplier": "Civica", "title": "Web chat kick-off"},
        ),
        (
            "registerPerson",
            {"name": "Casey New", "email": "casey.new@burnley.example", "authority": BURNLEY},
            {"__typename": "Person", "email": "casey.new@burnley.example", "authority": BURNLEY},
        ),
    ],
    ids=["authority", "partnership", "inquiry", "supplier-meeting", "person"],
)
def test_each_kind_of_record_is_read_back_as_its_own_question_reads_it(
    example: Runtime, client: GraphQLClient, name: str, given: dict[str, Any], shown: Any
) -> None:
    answer = change(client, name, **PAPER, **given)
    assert answer["record"] == shown


def test_the_record_is_read_only_when_the_answer_asks_for_it(
    runtime: Runtime, client: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unasked(*_: Any, **__: Any) -> Any:
        raise AssertionError("the record was read though the answer did not ask for it")

    monkeypatch.setattr(read, "contract_by_id", unasked)
    document = (
        "mutation ($input: AwardContractInput!) { awardContract(input: $input) "
        "{ __typename ... on Recorded { position version } } }"
    )
    body = client.post(document, {"input": award_input()})

    assert "errors" not in body, body
    assert body["data"]["awardContract"]["version"] == 1
