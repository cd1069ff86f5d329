"""What a hostile client sends over HTTP gets a coded refusal, never "Unexpected error.", and
a refused change leaves the log where it was."""

import base64
import json
from typing import Any

import pytest

from projections.runtime import Runtime
from service.example_papers import LSSCC
from tests.api.conftest import GraphQLClient
from tests.authorities import register_before_the_test

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example]

AWARD = """
mutation Award($input: AwardContractInput!) {
  awardContract(input: $input) {
    __typename
    ... on Recorded { position record { ... on Contract { reference } } }
    ... on Problem { code message field }
  }
}
"""

CORRECT = """
mutation Correct($input: CorrectContractInput!) {
  correctContract(input: $input) {
    __typename
    ... on Recorded { position }
    ... on Problem { code message field }
  }
}
"""


def award_input(**changes: Any) -> dict[str, Any]:
    given: dict[str, Any] = {
        "reference": "LCC/CRM/1",
        "title": "CRM",
        "supplier": "SX3",
        "authority": "Lancashire County Council",
        "startDate": "2004-12-01",
        "endDate": "2011-11-30",
        "noticePeriodDays": 180,
        "effectiveDate": "2004-12-01",
        "source": "Executive minutes",
        "value": "1250000.50",
    }
    given.update(changes)
    return given


@pytest.fixture(autouse=True)
def authority_registered(request: pytest.FixtureRequest) -> None:
    """The authority the contracts below are awarded to, on a record begun empty."""
    register_before_the_test(request, award_input()["authority"])


def never_unexpected(body: dict[str, Any]) -> None:
    assert "Unexpected error." not in json.dumps(body), body


HOSTILE_AWARDS: dict[str, tuple[dict[str, Any], str]] = {
    "notice period of 2147483647 days": ({"noticePeriodDays": 2_147_483_647}, "noticePeriodDays"),
    "300-character supplier": ({"supplier": "S" * 300}, "supplier"),
    "NUL byte in a title": ({"title": "CRM\x00"}, "title"),
    "1,000-character reference": ({"reference": "R" * 1_000}, "reference"),
    "value longer than 40 characters": ({"value": "1" * 41}, "value"),
    "year 76 with 2,226,430 days' notice": (
        {"startDate": "0076-01-01", "noticePeriodDays": 2_226_430},
        "startDate",
    ),
    "contract ending 9999-12-31": ({"endDate": "9999-12-31"}, "endDate"),
    "value NaN": ({"value": "NaN"}, "value"),
    "value Infinity": ({"value": "Infinity"}, "value"),
    "value 1E+400": ({"value": "1E+400"}, "value"),
    "value of 50 digits": ({"value": "9" * 50}, "value"),
    "negative value": ({"value": "-1"}, "value"),
    "value below the penny": ({"value": "0.001"}, "value"),
}


@pytest.mark.parametrize("finding", list(HOSTILE_AWARDS))
def test_a_hostile_award_is_refused_with_its_code_and_field(
    runtime: Runtime, client: GraphQLClient, finding: str
) -> None:
    changes, field = HOSTILE_AWARDS[finding]
    head = runtime.app.head_position()
    body = client.post(AWARD, {"input": award_input(**changes)})
    never_unexpected(body)
    result = body["data"]["awardContract"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "InvalidInput",
        "invalid_input",
        field,
    )
    assert runtime.app.head_position() == head


@pytest.mark.writes
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("NOTICE_PERIOD_DAYS", "2147483647"),
        ("NOTICE_PERIOD_DAYS", "²"),
        ("NOTICE_PERIOD_DAYS", "9" * 5_000),
        ("VALUE", "NaN"),
        ("VALUE", "1E+400"),
        ("TITLE", "CRM\x00"),
    ],
)
def test_a_hostile_correction_is_refused_like_the_original(
    runtime: Runtime, client: GraphQLClient, field: str, value: str
) -> None:
    awarded = client.data(AWARD, {"input": award_input()})["awardContract"]
    assert awarded["__typename"] == "Recorded"
    head = runtime.app.head_position()
    correction = {
        "reference": "LCC/CRM/1",
        "correctsVersion": 1,
        "field": field,
        "value": value,
        "reason": "Typed wrongly",
        "effectiveDate": "2005-01-10",
        "source": "Executive minutes",
    }
    body = client.post(CORRECT, {"input": correction})
    never_unexpected(body)
    result = body["data"]["correctContract"]
    assert (result["__typename"], result["code"], result["field"]) == (
        "InvalidInput",
        "invalid_input",
        "value",
    )
    assert runtime.app.head_position() == head


QUERIES: dict[str, tuple[str, str]] = {
    "alerts in 9999": ('{ alerts(asOf: "9999-12-31") { edges { cursor } } }', "asOf"),
    "alerts in year 1": ('{ alerts(asOf: "0001-01-01") { edges { cursor } } }', "asOf"),
    "renewals in 9999 over a huge horizon": (
        '{ renewalsDue(asOf: "9999-12-31", withinDays: 2147483647) { edges { cursor } } }',
        "asOf",
    ),
    "renewals over a huge horizon": (
        "{ renewalsDue(withinDays: 2147483647) { edges { cursor } } }",
        "withinDays",
    ),
    "renewals over a negative horizon": (
        "{ renewalsDue(withinDays: -1) { edges { cursor } } }",
        "withinDays",
    ),
    "timeline from year 1": (
        '{ timeline(filter: {effectiveFrom: "0001-01-01"}) { edges { cursor } } }',
        "effectiveFrom",
    ),
    "timeline to 9999": (
        '{ timeline(filter: {effectiveTo: "9999-12-31"}) { edges { cursor } } }',
        "effectiveTo",
    ),
    "decisions from year 1": (
        '{ decisions(partnership: "LSS", from: "0001-01-01") { edges { cursor } } }',
        "from",
    ),
    "meetings to 9999": (
        '{ meetings(partnership: "LSS", to: "9999-12-31") { edges { cursor } } }',
        "to",
    ),
    "decisions as of 9999": (
        '{ decisions(partnership: "LSS", asOf: "9999-12-31") { edges { cursor } } }',
        "asOf",
    ),
    "milestones as of 9999": (
        '{ milestones(partnership: "LSS", asOf: "9999-12-31", overdueOnly: true) '
        "{ edges { cursor } } }",
        "asOf",
    ),
    "recommendations as of year 1": (
        '{ recommendations(asOf: "0001-01-01") { edges { cursor } } }',
        "asOf",
    ),
    # PostgreSQL cannot compare text holding NUL: asked about, it must be refused, not fail.
    "timeline of a partnership named with NUL": (
        '{ timeline(filter: {partnership: "LSS\\u0000"}) { edges { cursor } } }',
        "partnership",
    ),
    "timeline text with NUL": (
        '{ timeline(filter: {text: "extended\\u0000"}) { edges { cursor } } }',
        "text",
    ),
    "decisions of a partnership named with NUL": (
        '{ decisions(partnership: "LSS\\u0000") { edges { cursor } } }',
        "partnership",
    ),
    "contracts of an authority named with NUL": (
        '{ contracts(authority: "LCC\\u0000") { edges { cursor } } }',
        "authority",
    ),
    "supplier actions as of 9999": (
        '{ supplierActions(asOf: "9999-12-31", overdueOnly: true) { edges { cursor } } }',
        "asOf",
    ),
}


@pytest.mark.parametrize("finding", list(QUERIES))
def test_a_query_date_or_number_outside_the_record_gets_a_coded_error(
    client: GraphQLClient, finding: str
) -> None:
    query, field = QUERIES[finding]
    body = client.post(query)
    never_unexpected(body)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "invalid_input", error
    assert error["extensions"]["field"] == field, error


@pytest.mark.writes
def test_the_record_answers_ordinary_questions_after_every_refusal(
    runtime: Runtime, client: GraphQLClient
) -> None:
    for changes, _ in HOSTILE_AWARDS.values():
        never_unexpected(client.post(AWARD, {"input": award_input(**changes)}))
    for query, _ in QUERIES.values():
        never_unexpected(client.post(query))
    awarded = client.data(AWARD, {"input": award_input()})["awardContract"]
    assert awarded["__typename"] == "Recorded"
    found = client.data(
        '{ renewalsDue(asOf: "2011-06-01", withinDays: 180) '
        "{ edges { node { contract { reference } } } } }"
    )
    due = found["renewalsDue"]["edges"]
    assert [r["node"]["contract"]["reference"] for r in due] == ["LCC/CRM/1"]


def forged_cursor(list_name: str, key: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps([list_name, key]).encode()).decode()


# Cursors shaped as the lists give them out, each with a part its column cannot hold.
FORGED_CURSORS: dict[str, tuple[str, str]] = {
    "contracts, lone surrogate": (
        "contracts",
        forged_cursor("contracts", ["2011-06-03", "\ud800", "x"]),
    ),
    "contracts, NUL": ("contracts", forged_cursor("contracts", ["2011-06-03", "LCC\x00", "x"])),
    "contracts, reference too long": (
        "contracts",
        forged_cursor("contracts", ["2011-06-03", "R" * 1_000, "x"]),
    ),
    "meetings, lone surrogate": (
        "meetings",
        forged_cursor("meetings", ["2008-01-01", "\ud800", 1]),
    ),
    "meetings, NUL": ("meetings", forged_cursor("meetings", ["2008-01-01", "Joint\x00", 1])),
    "meetings, sequence beyond 32 bits": (
        "meetings",
        forged_cursor("meetings", ["2008-01-01", "Joint Committee", 2**62]),
    ),
}
CURSOR_QUERIES = {
    "contracts": "query ($c: String) { contracts(%s: $c) { edges { cursor } } }",
    "meetings": "query ($c: String) { meetings(partnership: "
    f'"{LSSCC}", %s: $c) {{ edges {{ cursor }} }} }}',
}


# Stores of its own, on each store: the shared example is on SQLite only, and a cursor's part
# fails differently on each database.
@pytest.mark.writes
@pytest.mark.both_stores
def test_a_cursor_part_no_column_can_hold_gets_a_coded_error_on_each_store(
    example: Runtime, client: GraphQLClient
) -> None:
    for finding, (list_name, cursor) in FORGED_CURSORS.items():
        for argument in ("after", "before"):
            body = client.post(CURSOR_QUERIES[list_name] % argument, {"c": cursor})
            never_unexpected(body)
            (error,) = body["errors"]
            assert error["extensions"]["code"] == "invalid_input", (finding, error)
            assert error["extensions"]["field"] == argument, (finding, error)
    # The lists still answer after every refusal.
    assert client.data(f'{{ meetings(partnership: "{LSSCC}") {{ edges {{ cursor }} }} }}')[
        "meetings"
    ]
