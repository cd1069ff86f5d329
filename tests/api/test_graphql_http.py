"""The API through real HTTP: the operations users run, mutations, and clear errors."""

import json
from pathlib import Path
from typing import Any

import pytest

from projections.runtime import Runtime
from tests.api.conftest import OFFICER_ACTOR, GraphQLClient
from tests.api.test_registers_api import nodes

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example]

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"

TIMELINE = """
query Timeline($filter: TimelineFilter, $first: Int = 20, $after: String) {
  timeline(filter: $filter, first: $first, after: $after) {
    edges { cursor node { position effectiveDate kind summary contractReference authorities
                          recordedBy recordedByAuthority source } }
    pageInfo { hasNextPage endCursor }
  }
}
"""

RESULT_FIELDS = """
    __typename
    ... on Recorded { position record { ... on Contract { reference endDate supplier version
                                                          extensionOptionsLeft noticeDeadline } } }
    ... on Problem { code message field }
"""

AWARD = f"""
mutation Award($input: AwardContractInput!) {{ awardContract(input: $input) {{ {RESULT_FIELDS} }} }}
"""
EXTEND = f"""
mutation Extend($input: ExtendContractInput!) {{
  extendContract(input: $input) {{ {RESULT_FIELDS} }}
}}
"""
NOVATE = f"""
mutation Novate($input: NovateContractInput!) {{
  novateContract(input: $input) {{ {RESULT_FIELDS} }}
}}
"""


def operation(path: str) -> str:
    return (OPERATIONS / path).read_text(encoding="utf-8")


def award_input(**changes: Any) -> dict[str, Any]:
    values = {
        "reference": "BBC-TEL-2011",
        "title": "Telephony system",
        "supplier": "Mitel",
        "authority": "Burnley Borough Council",
        "startDate": "2011-04-01",
        "endDate": "2014-03-31",
        "noticePeriodDays": 90,
        "value": "48000.00",
        "extensionOptionsMonths": [12, 12],
        "effectiveDate": "2011-03-15",
        "source": "Burnley Executive, 15 March 2011, item 7",
    }
    values.update(changes)
    return values


def timeline_positions(client: GraphQLClient, page_size: int = 100) -> list[int]:
    """Every entry, following the cursor page by page."""
    seen: list[int] = []
    after = None
    while True:
        page = client.data(TIMELINE, {"first": page_size, "after": after})["timeline"]
        seen += [edge["node"]["position"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return seen
        after = page["pageInfo"]["endCursor"]


def timeline_count(client: GraphQLClient) -> int:
    return len(timeline_positions(client))


def logged_events(runtime: Runtime) -> int:
    return len(runtime.app.recorder.select_notifications(start=1, limit=10**6))


def test_the_contract_timeline_operation_tells_the_crm_story(
    example: Runtime, client: GraphQLClient
) -> None:
    edges = client.data(operation("board/contract_timeline.graphql"))["timeline"]["edges"]
    assert [(e["node"]["effectiveDate"], e["node"]["kind"]) for e in edges] == [
        ("2011-09-01", "CONTRACT_EXTENDED"),
        ("2006-10-26", "CONTRACT_NOVATED"),
        ("2004-12-01", "CONTRACT_AWARDED"),
    ]
    latest = edges[0]["node"]
    assert latest["summary"] == "Contract LSSCC-CRM-BURNLEY extended by 12 months to 30 Nov 2012"
    assert latest["authorities"] == ["Burnley Borough Council", "Lancashire County Council"]
    assert "Burnley Borough Council, report to Full Council, 1 September 2011" in latest["source"]
    assert "not stated" in latest["source"]


def test_the_renewals_operation_finds_the_county_contract_due(
    example: Runtime, client: GraphQLClient
) -> None:
    due = nodes(client.data(operation("procurement/renewals_due.graphql"))["renewalsDue"])
    assert due == [
        {
            "daysUntilNoticeDeadline": 2,
            "contract": {
                "reference": "LSSCC-CRM-LCC",
                "authority": "Lancashire County Council",
                "supplier": "Northgate",
                "endDate": "2011-11-30",
                "noticeDeadline": "2011-06-03",
                "extensionOptionsLeft": [],
            },
        }
    ]


def test_the_register_operation_shows_novations_and_back_to_back_links(
    example: Runtime, client: GraphQLClient
) -> None:
    listed = client.data(operation("procurement/contracts_register.graphql"))["contracts"]
    contracts = nodes(listed)
    by_reference = {c["reference"]: c for c in contracts}
    assert set(by_reference) == {"LSSCC-CRM-LCC", "LSSCC-CRM-BURNLEY"}
    burnley = by_reference["LSSCC-CRM-BURNLEY"]
    assert burnley["supplierHistory"] == [
        {"supplier": "SX3", "from": "2004-12-01", "until": "2006-10-26"},
        {"supplier": "Northgate", "from": "2006-10-26", "until": None},
    ]
    assert burnley["headContractReference"] == "LSSCC-CRM-LCC"
    assert burnley["linkedContracts"] == []
    assert (burnley["endDate"], burnley["noticeDeadline"]) == ("2012-11-30", "2012-09-01")
    assert burnley["extensionOptionsLeft"] == []
    county = by_reference["LSSCC-CRM-LCC"]
    assert county["version"] == 3
    assert county["linkedContracts"] == [
        {"reference": "LSSCC-CRM-BURNLEY", "authority": "Burnley Borough Council"}
    ]


@pytest.mark.writes
def test_a_mutation_shows_in_the_very_next_query(example: Runtime, client: GraphQLClient) -> None:
    awarded = client.data(AWARD, {"input": award_input()})["awardContract"]
    assert awarded["__typename"] == "Recorded"
    extended = client.data(
        EXTEND,
        {
            "input": {
                "reference": "bbc-tel-2011",
                "effectiveDate": "2011-09-01",
                "source": "Burnley Executive, 1 September 2011",
                "expectedVersion": 1,
            }
        },
    )["extendContract"]
    assert extended["__typename"] == "Recorded"
    assert extended["record"]["endDate"] == "2015-03-31"
    assert extended["record"]["extensionOptionsLeft"] == [12]
    latest = client.data(TIMELINE, {"first": 1})["timeline"]["edges"][0]["node"]
    assert latest["kind"] == "CONTRACT_EXTENDED"
    assert latest["contractReference"] == "BBC-TEL-2011"
    # Who recorded it comes from the server's identity, never from the mutation's input.
    assert latest["recordedBy"] == OFFICER_ACTOR.person


@pytest.mark.parametrize(
    ("query", "variables", "typename", "code", "field"),
    [
        (EXTEND, {"reference": "NO-SUCH-CONTRACT"}, "NotFound", "contract_not_found", "reference"),
        (AWARD, award_input(endDate="2010-01-01"), "InvalidInput", "end_before_start", "endDate"),
        (
            AWARD,
            award_input(reference="LSSCC-CRM-LCC"),
            "Conflict",
            "contract_already_awarded",
            "reference",
        ),
        (
            AWARD,
            award_input(effectiveDate="2099-01-01"),
            "InvalidInput",
            "invalid_input",
            "effectiveDate",
        ),
        (
            EXTEND,
            {"reference": "LSSCC-CRM-BURNLEY", "expectedVersion": 2},
            "Conflict",
            "concurrent_change",
            "expectedVersion",
        ),
        (
            EXTEND,
            {"reference": "LSSCC-CRM-BURNLEY"},
            "RuleBroken",
            "no_extension_option_left",
            None,
        ),
        (
            NOVATE,
            {"reference": "LSSCC-CRM-LCC", "newSupplier": "northgate"},
            "RuleBroken",
            "supplier_unchanged",
            "newSupplier",
        ),
    ],
    ids=[
        "unknown",
        "end-before-start",
        "second-award",
        "future",
        "stale",
        "no-option",
        "same-supplier",
    ],
)
def test_bad_input_gets_a_clear_typed_answer_and_writes_nothing(
    example: Runtime,
    client: GraphQLClient,
    query: str,
    variables: dict[str, Any],
    typename: str,
    code: str,
    field: str | None,
) -> None:
    before = timeline_count(client)
    given = {"effectiveDate": "2011-09-01", "source": "Test paper", **variables}
    result = next(iter(client.data(query, {"input": given}).values()))
    assert (result["__typename"], result["code"], result["field"]) == (typename, code, field)
    assert len(result["message"]) > 20
    assert timeline_count(client) == before


def test_a_malformed_date_is_refused_with_a_readable_error(
    example: Runtime, client: GraphQLClient
) -> None:
    before = timeline_count(client)
    body = client.post(AWARD, {"input": award_input(startDate="2011-13-40")})
    assert body.get("data") is None
    message = body["errors"][0]["message"]
    assert "2011-13-40" in message
    assert "Unexpected error" not in message
    assert timeline_count(client) == before


def test_pages_follow_the_cursor_without_gaps_or_repeats(
    example: Runtime, client: GraphQLClient
) -> None:
    seen = timeline_positions(client, page_size=7)
    assert len(seen) == len(set(seen)) == logged_events(example)
    assert len(seen) > 7 * 3  # several pages were followed


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"first": 500}, "between 1 and 100"),
        ({"after": "not-a-cursor"}, "cursor"),
        ({"filter": {"effectiveFrom": "2011-01-01", "effectiveTo": "2010-01-01"}}, "ends before"),
        ({"filter": {"kinds": ["CONTRACT_EXPLODED"]}}, "CONTRACT_EXPLODED"),
    ],
)
def test_bad_timeline_arguments_get_clear_errors(
    example: Runtime, client: GraphQLClient, variables: dict[str, Any], expected: str
) -> None:
    body = client.post(TIMELINE, variables)
    assert expected in body["errors"][0]["message"]


TIMELINE_EITHER_WAY = """
query Timeline($filter: TimelineFilter, $first: Int, $after: String, $last: Int,
               $before: String, $order: TimelineOrder = NEWEST_FIRST) {
  timeline(filter: $filter, first: $first, after: $after, last: $last, before: $before,
           order: $order) {
    edges { node { position effectiveDate summary body } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


def test_the_timeline_pages_back_and_reads_oldest_first(
    example: Runtime, client: GraphQLClient
) -> None:
    def page(**variables: Any) -> dict[str, Any]:
        timeline: dict[str, Any] = client.data(TIMELINE_EITHER_WAY, variables)["timeline"]
        return timeline

    sub_group = {"body": "Partnership Sub-Group", "text": "agreed"}
    first = page(filter=sub_group, first=3, order="OLDEST_FIRST")
    dates = [edge["node"]["effectiveDate"] for edge in first["edges"]]
    assert dates == sorted(dates)
    assert dates[0] == "2006-10-26"
    assert all(edge["node"]["body"] == "Partnership Sub-Group" for edge in first["edges"])
    assert all("agreed" in edge["node"]["summary"].lower() for edge in first["edges"])
    assert first["pageInfo"]["hasNextPage"]
    assert not first["pageInfo"]["hasPreviousPage"]

    second = page(
        filter=sub_group, first=3, after=first["pageInfo"]["endCursor"], order="OLDEST_FIRST"
    )
    assert second["pageInfo"]["hasPreviousPage"]
    back = page(
        filter=sub_group, last=3, before=second["pageInfo"]["startCursor"], order="OLDEST_FIRST"
    )
    assert back["edges"] == first["edges"]
    assert not back["pageInfo"]["hasPreviousPage"]
    assert back["pageInfo"]["hasNextPage"]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"first": 5, "last": 5}, "not both at once"),
        ({"last": 101}, "between 1 and 100"),
        ({"last": 5, "before": "bm9wZQ=="}, "without `before`"),
        ({"filter": {"text": "  "}}, "Search text"),
        ({"order": "SIDEWAYS"}, "SIDEWAYS"),
    ],
)
def test_bad_paging_and_filters_get_clear_errors(
    example: Runtime, client: GraphQLClient, variables: dict[str, Any], expected: str
) -> None:
    body = client.post(TIMELINE_EITHER_WAY, variables)
    assert expected in body["errors"][0]["message"]


def test_queries_with_too_many_aliases_are_refused(example: Runtime, client: GraphQLClient) -> None:
    listed = "contracts { edges { node { reference } } }"
    fine = "{ " + " ".join(f"c{i}: {listed}" for i in range(3)) + " }"
    assert not client.post(fine).get("errors")
    greedy = "{ " + " ".join(f"c{i}: {listed}" for i in range(40)) + " }"
    body = client.post(greedy)
    assert "aliases" in body["errors"][0]["message"]


def test_a_query_nested_deeper_than_the_limit_is_refused(
    example: Runtime, client: GraphQLClient
) -> None:
    def nested(levels: int) -> str:
        # A back-to-back contract's head is a contract too: links go as deep as asked.
        inner = "reference"
        for _ in range(levels):
            inner = f"headContract {{ {inner} }}"
        return f'query Nested {{ contract(reference: "LSSCC-CRM-BURNLEY") {{ {inner} }} }}'

    # Depth counts from the root field: reference, under seven heads, stands at depth 8.
    assert not client.post(nested(7)).get("errors")
    body = client.post(nested(8))
    assert body["data"] is None
    [error] = body["errors"]
    assert "'Nested' exceeds maximum operation depth of 8" in error["message"]
    assert error["extensions"] == {"code": "query_too_deep"}


def test_a_query_that_would_read_too_much_is_refused_before_it_runs(
    example: Runtime, client: GraphQLClient
) -> None:
    entry = (
        "position effectiveDate kind summary subject authorities source recordedBy body "
        "recordedAt recordedById recordedByAuthority subjectType contractReference"
    )
    page = "timeline(first: 100) { edges { cursor node { " + entry + " } } }"
    assert not client.post("{ " + page + " }").get("errors")
    greedy = "{ " + " ".join(f"p{i}: {page}" for i in range(15)) + " }"
    body = client.post(greedy)
    assert body["data"] is None
    assert "more than the 20,000 allowed" in body["errors"][0]["message"]


def test_graphiql_is_served_at_the_graphql_path(example: Runtime, client: GraphQLClient) -> None:
    page = client.http.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "graphiql" in page.text.lower()
    assert "unpkg.com" not in page.text


def test_a_query_sent_by_get_answers_as_by_post(example: Runtime, client: GraphQLClient) -> None:
    # POST and GET reach their context by different routes; both must answer alike.
    variables = {"filter": {"contract": "LSSCC-CRM-LCC"}, "first": 2}
    by_post = client.data(TIMELINE, variables)
    by_get = client.http.get(
        "/graphql", params={"query": TIMELINE, "variables": json.dumps(variables)}
    )
    assert by_get.status_code == 200, by_get.text
    assert by_get.json()["data"] == by_post
    assert len(by_post["timeline"]["edges"]) == 2


def test_a_mutation_by_get_and_a_body_that_is_not_json_are_refused(
    example: Runtime, client: GraphQLClient
) -> None:
    before = logged_events(example)
    mutation = client.http.get(
        "/graphql",
        params={"query": AWARD, "variables": json.dumps({"input": award_input()})},
    )
    assert mutation.status_code == 405  # GraphQL over HTTP's answer to a mutation by GET
    assert mutation.headers["allow"] == "POST"
    assert "GET" in mutation.text
    assert logged_events(example) == before
    broken = client.http.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400
    assert "JSON" in broken.text


@pytest.mark.writes
def test_unexpected_failures_are_masked_not_leaked(example: Runtime, client: GraphQLClient) -> None:
    from projections.contracts import contracts_register

    # A broken read model is not the caller's fault, and its SQL is none of their business.
    example.store.drop_tables([contracts_register])
    body = client.post('{ contract(reference: "X") { reference } }')
    assert [error["message"] for error in body["errors"]] == ["Unexpected error."]
    assert "contracts_register" not in str(body)


CORRECT = f"""
mutation Correct($input: CorrectContractInput!) {{
  correctContract(input: $input) {{ {RESULT_FIELDS} }}
}}
"""


@pytest.mark.writes
def test_a_correction_is_a_new_fact_naming_what_it_corrects(
    example: Runtime, client: GraphQLClient
) -> None:
    before = timeline_count(client)
    corrected = client.data(
        CORRECT,
        {
            "input": {
                "reference": "LSSCC-CRM-LCC",
                "correctsVersion": 1,
                "field": "NOTICE_PERIOD_DAYS",
                "value": "90",
                "reason": "Minuted as 90 days, entered as 180",
                "effectiveDate": "2011-09-01",
                "source": "Joint Committee minutes",
            }
        },
    )["correctContract"]
    assert corrected["__typename"] == "Recorded"
    assert corrected["record"]["noticeDeadline"] == "2011-09-01"
    assert timeline_count(client) == before + 1
    history = client.data(TIMELINE, {"filter": {"contract": "LSSCC-CRM-LCC"}, "first": 100})[
        "timeline"
    ]["edges"]
    kinds = [edge["node"]["kind"] for edge in history]
    assert kinds.count("CONTRACT_CORRECTED") == 1
    assert kinds.count("CONTRACT_AWARDED") == 1  # the original fact is still there
    refused = client.data(
        CORRECT,
        {
            "input": {
                "reference": "LSSCC-CRM-LCC",
                "correctsVersion": 1,
                "field": "NOTICE_PERIOD_DAYS",
                "value": "ninety",
                "reason": "x",
                "effectiveDate": "2011-09-01",
                "source": "x",
            }
        },
    )["correctContract"]
    assert (refused["__typename"], refused["field"]) == ("InvalidInput", "value")
    no_such_fact = client.data(
        CORRECT,
        {
            "input": {
                "reference": "LSSCC-CRM-LCC",
                "correctsVersion": 9,
                "field": "TITLE",
                "value": "CRM",
                "reason": "x",
                "effectiveDate": "2011-09-01",
                "source": "x",
            }
        },
    )["correctContract"]
    assert (no_such_fact["__typename"], no_such_fact["field"]) == (
        "InvalidInput",
        "correctsVersion",
    )


def test_projection_status_is_a_query(example: Runtime, client: GraphQLClient) -> None:
    status = client.data("{ projectionStatus { name position head lagEvents lagSeconds } }")
    rows = {row["name"]: row for row in status["projectionStatus"]}
    assert set(rows) == {
        "timeline",
        "contracts_register",
        "decisions_register",
        "governing_bodies",
        "delivery_registers",
        "alerts",
        "people",
        "partnerships_register",
        "supplier_meetings_register",
        "practices_register",
    }
    head = example.app.head_position()
    assert all((r["position"], r["head"], r["lagEvents"]) == (head, head, 0) for r in rows.values())


@pytest.mark.writes
def test_a_later_mutation_in_one_request_sees_what_an_earlier_one_changed(
    example: Runtime, client: GraphQLClient
) -> None:
    both = """
    mutation Both($head: AwardContractInput!, $mirror: AwardContractInput!) {
      head: awardContract(input: $head) {
        ... on Recorded { record { ... on Contract { linkedContracts { reference } } } }
      }
      mirror: awardContract(input: $mirror) {
        ... on Recorded {
          record { ... on Contract { headContract { linkedContracts { reference } } } }
        }
      }
    }
    """
    found = client.data(
        both,
        {
            "head": award_input(reference="HEAD-1"),
            "mirror": award_input(reference="B2B-1", headContractReference="HEAD-1"),
        },
    )
    assert found["head"]["record"]["linkedContracts"] == []
    # The head's links were loaded empty by the first mutation; the second must not reuse them.
    assert found["mirror"]["record"]["headContract"]["linkedContracts"] == [{"reference": "B2B-1"}]


def test_a_forged_cursor_is_refused_not_failed(example: Runtime, client: GraphQLClient) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b"2008-01-01|99999999999999999999999").decode()
    body = client.post(TIMELINE, {"after": forged})
    assert "not one this service gave out" in body["errors"][0]["message"]
