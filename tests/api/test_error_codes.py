"""Every error a response carries has a stable `extensions.code`, so a client can tell an
expected refusal from a fault and branch on which."""

from typing import Any

import pytest
import strawberry

from partnership.domain import InvalidInput
from partnership_graphql.documents import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_TOKENS
from partnership_graphql.errors import CodedErrors
from projections.runtime import ReadModelsBehind, Runtime
from tests.api.conftest import GraphQLClient

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example]

ENTRY = (
    "position effectiveDate kind summary subject authorities source recordedBy body "
    "recordedAt recordedById recordedByAuthority subjectType contractReference"
)
PAGE = "timeline(first: 100) { edges { cursor node { " + ENTRY + " } } }"


def errors_of(client: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> list:
    body = client.post(query, variables)
    errors: list[dict[str, Any]] = body.get("errors") or []
    assert errors, body
    return errors


def nested(levels: int) -> str:
    inner = "reference"
    for _ in range(levels):
        inner = f"headContract {{ {inner} }}"
    return f'query Nested {{ contract(reference: "X") {{ {inner} }} }}'


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ contracts { reference ", None, "GRAPHQL_PARSE_FAILED"),
        ("{ contracts { noSuchField } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (nested(8), None, "query_too_deep"),
        (
            "{ " + " ".join(f"c{i}: projectionStatus {{ name }}" for i in range(21)) + " }",
            None,
            "too_many_aliases",
        ),
        ("{ " + " ".join(f"p{i}: {PAGE}" for i in range(15)) + " }", None, "query_too_costly"),
        ("{ contracts { " + "reference " * MAX_DOCUMENT_TOKENS + "} }", None, "too_many_tokens"),
        ("{ contracts { reference } }" + " " * MAX_DOCUMENT_BYTES, None, "document_too_large"),
        (
            "query ($n: Int) { timeline(first: $n) { edges { cursor } } }",
            {"n": "many"},
            "BAD_USER_INPUT",
        ),
        (
            "query ($d: Date!) { renewalsDue(asOf: $d) { edges { cursor } } }",
            {"d": "2011-13-40"},
            "BAD_USER_INPUT",
        ),
    ],
    ids=[
        "parse",
        "validation",
        "depth",
        "aliases",
        "cost",
        "tokens",
        "bytes",
        "coercion",
        "malformed-date",
    ],
)
def test_each_refusal_of_a_request_has_its_code(
    runtime: Runtime,
    client: GraphQLClient,
    query: str,
    variables: dict[str, Any] | None,
    code: str,
) -> None:
    errors = errors_of(client, query, variables)
    assert {error["extensions"]["code"] for error in errors} == {code}, errors
    assert all("Unexpected error" not in error["message"] for error in errors)


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ("first: 500", "first"),
        ('after: "not-a-cursor"', "after"),
        ('filter: { effectiveFrom: "2011-01-01", effectiveTo: "2010-01-01" }', "effectiveTo"),
    ],
    ids=["page-size", "cursor", "date-range"],
)
def test_a_refusal_by_a_resolver_has_the_domain_code_and_field(
    runtime: Runtime, client: GraphQLClient, arguments: str, field: str
) -> None:
    [error] = errors_of(client, f"{{ timeline({arguments}) {{ edges {{ cursor }} }} }}")
    assert error["extensions"] == {"code": "invalid_input", "field": field}
    assert error["path"] == ["timeline"]


@pytest.mark.writes
def test_an_unexpected_failure_is_masked_with_its_code(
    runtime: Runtime, client: GraphQLClient
) -> None:
    from projections.contracts import contracts_register

    runtime.store.drop_tables([contracts_register])
    [error] = errors_of(client, '{ contract(reference: "X") { reference } }')
    assert error["message"] == "Unexpected error."
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "contracts_register" not in str(error)


# The mapping itself, on a schema whose resolvers raise each kind of error on demand: a
# mutation whose read models fall behind is hard to bring about on purpose through the app.


@strawberry.type
class Query:
    @strawberry.field
    def behind(self) -> int:
        raise ReadModelsBehind(position=42, version=3, reason="the database went away")

    @strawberry.field
    def refused(self) -> int:
        raise InvalidInput("The title is too long.", "title")

    @strawberry.field
    def broken(self) -> int:
        raise RuntimeError("SELECT secrets FROM somewhere")


CODED = strawberry.Schema(query=Query, extensions=[CodedErrors])


@pytest.mark.parametrize(
    ("field", "message", "extensions"),
    [
        (
            "behind",
            None,
            {"code": "recorded_read_models_behind", "position": 42, "version": 3},
        ),
        ("refused", "The title is too long.", {"code": "invalid_input", "field": "title"}),
        ("broken", "Unexpected error.", {"code": "INTERNAL_SERVER_ERROR"}),
    ],
)
def test_errors_raised_in_resolvers_are_coded_in_one_place(
    field: str, message: str | None, extensions: dict[str, Any]
) -> None:
    result = CODED.execute_sync(f"{{ {field} }}")
    assert result.errors is not None
    [error] = [error.formatted for error in result.errors]
    assert error["extensions"] == extensions
    if message is not None:
        assert error["message"] == message
    else:
        assert "log position 42" in error["message"]
