"""The Idempotency-Key header over real HTTP: a resend is answered, not redone."""

from datetime import timedelta
from typing import Any

import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import WEEKLY, mutation, paper
from tests.api.test_graphql_http import AWARD, award_input
from tests.authorities import register_before_the_test
from tests.conftest import MovableClock

pytestmark = pytest.mark.store_agnostic

ANSWER = """
    __typename
    ... on Recorded { version position record { ... on Contract { reference version supplier } } }
    ... on Problem { code message field }
"""
VARY = f"""
mutation Vary($input: VaryContractInput!) {{ varyContract(input: $input) {{ {ANSWER} }} }}
"""
VARY_TWICE = f"""
mutation VaryTwice($first: VaryContractInput!, $second: VaryContractInput!) {{
  first: varyContract(input: $first) {{ {ANSWER} }}
  second: varyContract(input: $second) {{ {ANSWER} }}
}}
"""


@pytest.fixture(autouse=True)
def authority_registered(request: pytest.FixtureRequest) -> None:
    """The authority the contract below is awarded to, on a record begun empty."""
    register_before_the_test(request, award_input()["authority"])


def vary_input(description: str = "Support hours extended") -> dict[str, Any]:
    return {
        "reference": "BBC-TEL-2011",
        "description": description,
        "effectiveDate": "2011-06-01",
        "source": "Burnley Executive, 1 June 2011, item 4",
    }


def send(
    client: GraphQLClient, query: str, variables: dict[str, Any], key: str | bytes | None = None
) -> dict[str, Any]:
    headers = {} if key is None else {"Idempotency-Key": key}
    response = client.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert not body.get("errors"), body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def head(runtime: Runtime) -> int:
    return runtime.app.head_position()


def awarded(client: GraphQLClient) -> None:
    answer = send(client, AWARD, {"input": award_input()})["awardContract"]
    assert answer["__typename"] == "Recorded", answer


def test_a_resend_with_the_same_key_gets_the_first_answer_and_records_nothing(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    first = send(client, VARY, {"input": vary_input()}, key="vary-1")["varyContract"]
    assert first["__typename"] == "Recorded", first
    at = head(runtime)

    again = send(client, VARY, {"input": vary_input()}, key="vary-1")["varyContract"]

    assert head(runtime) == at
    assert again == first
    assert (again["version"], again["position"]) == (2, first["position"])


def test_a_resend_reports_the_first_version_while_the_record_shows_it_as_it_is_now(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    first = send(client, VARY, {"input": vary_input()}, key="vary-1")["varyContract"]
    send(client, VARY, {"input": vary_input("Another change")})

    again = send(client, VARY, {"input": vary_input()}, key="vary-1")["varyContract"]

    assert (again["version"], again["position"]) == (first["version"], first["position"])
    assert again["record"]["version"] == first["version"] + 1


def test_the_same_key_with_a_different_change_is_refused(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    send(client, VARY, {"input": vary_input()}, key="vary-1")
    at = head(runtime)

    refused = send(client, VARY, {"input": vary_input("Something else")}, key="vary-1")

    assert refused["varyContract"]["__typename"] == "Conflict"
    assert refused["varyContract"]["code"] == "idempotency_key_reused"
    assert head(runtime) == at


def test_without_a_key_a_resend_records_the_change_twice(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    at = head(runtime)

    first = send(client, VARY, {"input": vary_input()})["varyContract"]
    second = send(client, VARY, {"input": vary_input()})["varyContract"]

    assert head(runtime) == at + 2
    assert (first["version"], second["version"]) == (2, 3)


def test_one_key_covers_each_change_of_a_request_by_its_alias(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    variables = {"first": vary_input("First change"), "second": vary_input("Second change")}
    first = send(client, VARY_TWICE, variables, key="batch-1")
    assert sorted([first["first"]["version"], first["second"]["version"]]) == [2, 3]
    at = head(runtime)

    again = send(client, VARY_TWICE, variables, key="batch-1")

    assert head(runtime) == at
    for alias in ("first", "second"):
        made = (first[alias]["version"], first[alias]["position"])
        assert (again[alias]["version"], again[alias]["position"]) == made
        # Each answer shows the contract as it stands now, after both changes.
        assert again[alias]["record"]["version"] == 3


def test_a_key_may_be_used_again_after_24_hours(
    runtime: Runtime, client: GraphQLClient, clock: MovableClock
) -> None:
    awarded(client)
    send(client, VARY, {"input": vary_input()}, key="vary-1")
    clock.now += timedelta(hours=24)

    later = send(client, VARY, {"input": vary_input("A later change")}, key="vary-1")

    assert later["varyContract"]["__typename"] == "Recorded"
    assert later["varyContract"]["version"] == 3


def test_a_malformed_key_is_refused_and_nothing_is_recorded(
    runtime: Runtime, client: GraphQLClient
) -> None:
    awarded(client)
    at = head(runtime)
    for key in ["x" * 201, "caf\u00e9".encode(), b"tab\there"]:
        refused = send(client, VARY, {"input": vary_input()}, key=key)["varyContract"]
        assert (refused["__typename"], refused["code"]) == (
            "InvalidInput",
            "invalid_idempotency_key",
        )
    assert head(runtime) == at
    accepted = send(client, VARY, {"input": vary_input()}, key="x" * 200)["varyContract"]
    assert accepted["__typename"] == "Recorded"


def test_acknowledging_an_alert_again_under_its_key_gets_the_first_answer(
    runtime: Runtime, client: GraphQLClient
) -> None:
    # Its notice deadline is a month off on the test clock's day, so it alerts.
    send(client, AWARD, {"input": award_input(endDate="2011-12-31")})
    alerts = client.data("{ alerts { edges { node { key level } } } }")["alerts"]["edges"]
    assert alerts, "the contract alerts"
    mutation = """
    mutation Ack($input: AcknowledgeAlertInput!) {
      acknowledgeAlert(input: $input) {
        __typename ... on Recorded { position } ... on Problem { code }
      }
    }"""
    first = alerts[0]["node"]
    variables = {"input": {"key": first["key"], "level": first["level"]}}
    first = send(client, mutation, variables, key="ack-1")["acknowledgeAlert"]
    assert first["__typename"] == "Recorded", first
    at = head(runtime)

    again = send(client, mutation, variables, key="ack-1")["acknowledgeAlert"]

    assert again == first
    assert head(runtime) == at


def test_a_resend_answers_the_number_the_first_answer_gave(
    example: Runtime, client: GraphQLClient
) -> None:
    meeting = {"supplier": "Northgate", "meetingDate": "2011-09-01", "title": WEEKLY}
    send(
        client,
        mutation("recordSupplierMeeting"),
        {"input": {**meeting, "topics": ["Telephony integration"], **paper("2011-09-01")}},
    )
    action = {
        **meeting,
        "text": "Send the integration test plan",
        "owner": "Northgate",
        "ownerSide": "SUPPLIER",
        "dueDate": "2011-09-30",
        **paper("2011-09-01"),
    }
    raised = [
        send(client, mutation("raiseSupplierAction"), {"input": action}, key="raise-1")
        for _ in range(2)
    ]
    assert raised[0] == raised[1]
    assert raised[0]["raiseSupplierAction"]["number"] == "1"

    # Closing names the action's number, but gives nothing a number: both answers say null.
    close = {**meeting, "number": "1", "outcome": "Plan received", **paper("2011-09-02")}
    closed = [
        send(client, mutation("closeSupplierAction"), {"input": close}, key="close-1")
        for _ in range(2)
    ]
    assert closed[0] == closed[1]
    assert closed[0]["closeSupplierAction"]["number"] is None
