"""Back-to-back contracts over real HTTP, signed in as Burnley's procurement officer on the
example: the head contract's changes alert them, and each contract says where it stands by the
calendar and who its counterparty is."""

from collections.abc import Iterator
from typing import Any

import pytest

from service.example import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, LCC
from tests.api.access_world import World, open_world

pytestmark = pytest.mark.store_agnostic

OFFICER = "procurement_officer"  # the example's: Burnley's
HEAD_CHANGES = """
query ($all: Boolean) {
  alerts(categories: [HEAD_CONTRACT_CHANGED], includeAcknowledged: $all) {
    edges { node {
      key category level keyDate subject title authority authorities contractReference
      headContractReference acknowledged
    } }
  }
}
"""
ACKNOWLEDGE = """
mutation ($input: AcknowledgeAlertInput!) {
  acknowledgeAlert(input: $input) {
    __typename
    ... on Recorded { record { ... on Alert { key acknowledged } } }
    ... on Problem { code message }
  }
}
"""
CONTRACT = """
query ($reference: String!, $asOf: Date) {
  contract(reference: $reference) {
    reference status counterparty calendarStatus(asOf: $asOf)
    today: calendarStatus
  }
}
"""
REGISTER = """
query ($status: ContractCalendarStatus, $asOf: Date) {
  contracts(calendarStatus: $status, asOf: $asOf) {
    edges { node { reference counterparty } }
  }
}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("contract-links")) as opened:
        yield opened


def head_changes(world: World, include_acknowledged: bool = False) -> list[dict[str, Any]]:
    found = world.client(OFFICER).data(HEAD_CHANGES, {"all": include_acknowledged})
    return [edge["node"] for edge in found["alerts"]["edges"]]


def test_the_district_s_officer_is_alerted_to_each_change_of_the_head_contract(
    world: World,
) -> None:
    found = head_changes(world)
    assert [(a["keyDate"], a["title"]) for a in found] == [
        ("2006-10-26", f"Head contract {HEAD_CRM} novated from SX3 to Northgate"),
        (
            "2007-11-20",
            f"Head contract {HEAD_CRM} varied: Revised contract arrangements; the "
            "inter-authority agreement and constitution were revised to reflect new "
            "decision-making arrangements",
        ),
    ]
    for alert in found:
        assert alert["category"] == "HEAD_CONTRACT_CHANGED"
        assert alert["level"] == "changed"
        assert (alert["contractReference"], alert["headContractReference"]) == (
            BURNLEY_CRM,
            HEAD_CRM,
        )
        assert (alert["authority"], alert["authorities"]) == (BURNLEY, [BURNLEY, LCC])
        assert alert["subject"] == f"Change to head contract {HEAD_CRM} of contract {BURNLEY_CRM}"

    first = found[0]
    answer = world.client(OFFICER).data(
        ACKNOWLEDGE, {"input": {"key": first["key"], "level": "changed", "note": "Seen"}}
    )["acknowledgeAlert"]
    assert answer == {
        "__typename": "Recorded",
        "record": {"key": first["key"], "acknowledged": True},
    }
    assert [a["key"] for a in head_changes(world)] == [found[1]["key"]]
    assert [a["acknowledged"] for a in head_changes(world, True)] == [True, False]


def test_a_contract_stands_by_the_calendar_beside_its_recorded_status(world: World) -> None:
    client = world.client(OFFICER)

    def contract(reference: str, as_of: str | None = None) -> dict[str, Any]:
        found: dict[str, Any] = client.data(CONTRACT, {"reference": reference, "asOf": as_of})
        return found["contract"]

    # The clock's day is 2 Sep 2011: the head contract's notice deadline (3 Jun) has passed.
    assert contract(HEAD_CRM) == {
        "reference": HEAD_CRM,
        "status": "ACTIVE",
        "counterparty": None,
        "calendarStatus": "IN_NOTICE_PERIOD",
        "today": "IN_NOTICE_PERIOD",
    }
    assert contract(HEAD_CRM, "2011-06-03")["calendarStatus"] == "ACTIVE"
    assert contract(HEAD_CRM, "2011-11-30")["calendarStatus"] == "IN_NOTICE_PERIOD"
    assert contract(HEAD_CRM, "2011-12-01")["calendarStatus"] == "EXPIRED"
    burnley = contract(BURNLEY_CRM, "2011-12-01")
    assert (burnley["counterparty"], burnley["calendarStatus"]) == (LCC, "ACTIVE")


def test_the_register_filters_by_the_calendar_and_names_counterparties(world: World) -> None:
    client = world.client(OFFICER)

    def register(status: str, as_of: str) -> list[dict[str, Any]]:
        found = client.data(REGISTER, {"status": status, "asOf": as_of})
        return [edge["node"] for edge in found["contracts"]["edges"]]

    assert register("EXPIRED", "2011-12-01") == [{"reference": HEAD_CRM, "counterparty": None}]
    assert register("ACTIVE", "2011-12-01") == [{"reference": BURNLEY_CRM, "counterparty": LCC}]
    assert register("TERMINATED", "2011-12-01") == []
    body = client.post(REGISTER, {"status": "EXPIRED", "asOf": "0001-01-01"})
    assert body["errors"][0]["extensions"]["code"] == "invalid_input"
