"""Correcting and withdrawing facts over real HTTP, as Burnley's procurement officer on the
example: a fact is found on the timeline, put right by its record's id and version, and the
answer carries the record as it now reads. Who may revise what follows the record's own
correction."""

from collections.abc import Iterator
from typing import Any

import pytest

from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from tests.api.access_world import World, open_world

pytestmark = pytest.mark.store_agnostic

OFFICER = "procurement_officer"  # the example's: Burnley's
ENTRIES = """
query ($contract: String!) {
  timeline(filter: {contract: $contract}, order: OLDEST_FIRST, first: 50) {
    edges { node { kind summary recordId version effectiveDate withdrawnReason revisedAt } }
  }
}
"""
CORRECT = """
mutation ($input: CorrectFactInput!) {
  correctFact(input: $input) {
    __typename
    ... on Recorded {
      position version
      record { ... on Contract { reference title startDate status } }
      entry { kind summary }
    }
    ... on Problem { code message field }
  }
}
"""
WITHDRAW = """
mutation ($input: WithdrawFactInput!) {
  withdrawFact(input: $input) {
    __typename
    ... on Recorded { record { ... on Contract { reference status calendarStatus } } }
    ... on Problem { code message field }
  }
}
"""
EXTEND = """
mutation ($input: ExtendContractInput!) {
  extendContract(input: $input) { __typename ... on Problem { code } }
}
"""
PAPER = {"effectiveDate": "2011-08-01", "source": "Contracts register check, August 2011"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("revisions")) as opened:
        yield opened


def entries(world: World, reference: str) -> list[dict[str, Any]]:
    found = world.client(OFFICER).data(ENTRIES, {"contract": reference})
    return [edge["node"] for edge in found["timeline"]["edges"]]


def award_of(world: World, reference: str) -> dict[str, Any]:
    return next(e for e in entries(world, reference) if e["kind"] == "CONTRACT_AWARDED")


def correct(world: World, who: str, **given: Any) -> dict[str, Any]:
    answer = world.client(who).data(CORRECT, {"input": {**PAPER, **given}})
    return dict(answer["correctFact"])


def test_a_fact_found_on_the_timeline_is_corrected_by_its_record_and_version(
    world: World,
) -> None:
    award = award_of(world, BURNLEY_CRM)
    answer = correct(
        world,
        OFFICER,
        record=award["recordId"],
        version=award["version"],
        field="title",
        value="Customer relationship management (back-to-back)",
        reason="Title copied from the wrong line of the schedule",
    )
    assert answer["__typename"] == "Recorded"
    assert answer["record"]["title"] == "Customer relationship management (back-to-back)"
    assert answer["entry"]["kind"] == "CONTRACT_FACT_CORRECTED"
    assert award_of(world, BURNLEY_CRM)["revisedAt"] == answer["position"]


def test_a_date_correction_that_breaks_a_rule_is_refused_with_the_reason(world: World) -> None:
    award = award_of(world, BURNLEY_CRM)
    answer = correct(
        world,
        OFFICER,
        record=award["recordId"],
        version=1,
        field="startDate",
        value="2099-01-01",
        reason="Typed the wrong year",
    )
    assert (answer["__typename"], answer["code"]) == ("InvalidInput", "end_before_start")


@pytest.mark.parametrize(
    ("given", "code", "field"),
    [
        ({"field": "reference", "value": "X/1"}, "fact_not_revisable", "field"),
        ({"field": "colour", "value": "blue"}, "fact_not_revisable", "field"),
        ({"field": "drop table", "value": "x"}, "invalid_input", "field"),
        ({"field": "endDate", "value": "30 November"}, "invalid_input", "value"),
        ({"field": "title", "value": "x", "version": 999}, "invalid_input", "version"),
    ],
)
def test_what_cannot_be_corrected_is_a_coded_refusal_naming_the_input(
    world: World, given: dict[str, Any], code: str, field: str
) -> None:
    award = award_of(world, BURNLEY_CRM)
    answer = correct(
        world, OFFICER, **{"record": award["recordId"], "version": 1, "reason": "r", **given}
    )
    assert (answer.get("code"), answer.get("field")) == (code, field)


def test_a_record_id_that_names_nothing_is_not_found(world: World) -> None:
    answer = correct(
        world, OFFICER, record="bm90IGFuIGlk", version=1, field="title", value="x", reason="r"
    )
    assert answer["code"] == "record_not_found"


def test_only_who_may_correct_the_record_may_revise_its_facts(world: World) -> None:
    head = award_of(world, HEAD_CRM)
    asked = {
        "input": {
            **PAPER,
            "record": head["recordId"],
            "version": 1,
            "field": "title",
            "value": "x",
            "reason": "r",
        }
    }
    # Burnley's officer is party to the contract under it, not to the head contract itself.
    refused = world.client(OFFICER).post(CORRECT, asked)
    assert refused["errors"][0]["extensions"]["code"] == "not_allowed"
    refused = world.client("secretary").post(CORRECT, asked)
    assert refused["errors"][0]["extensions"]["code"] == "not_allowed"


def test_a_contract_withdrawn_is_marked_and_takes_no_further_change(world: World) -> None:
    award = award_of(world, BURNLEY_CRM)
    answer = world.client(OFFICER).data(
        WITHDRAW,
        {
            "input": {
                **PAPER,
                "record": award["recordId"],
                "version": 1,
                "reason": "Awarded in error: recorded twice",
            }
        },
    )["withdrawFact"]
    assert answer["record"] == {
        "reference": BURNLEY_CRM,
        "status": "WITHDRAWN",
        "calendarStatus": "WITHDRAWN",
    }
    assert award_of(world, BURNLEY_CRM)["withdrawnReason"] == "Awarded in error: recorded twice"
    refused = world.client(OFFICER).data(EXTEND, {"input": {**PAPER, "reference": BURNLEY_CRM}})[
        "extendContract"
    ]
    assert refused["code"] == "record_withdrawn"
