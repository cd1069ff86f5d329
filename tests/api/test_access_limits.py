"""What a deployment serves with `ApiOptions()` as it stands: no introspection, no GraphiQL,
the query limits, and a rate limit for each token."""

import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager

import httpx
import pytest

from access.tokens import TOKEN_PREFIX
from partnership_graphql.app import ApiOptions
from partnership_graphql.schema import MAX_ALIASES, MAX_QUERY_DEPTH
from partnership_graphql.signed_in import Identification
from tests.api.access_world import World, open_world
from tests.api.conftest import GraphQLClient, serving

pytestmark = pytest.mark.store_agnostic

# Small, so the limit is reached in a handful of requests.
RATE = 5
READ = "{ contracts(first: 1) { edges { node { reference } } } }"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("limits"), options=ApiOptions()) as opened:
        yield opened


def test_the_defaults_are_a_production_deployment_s() -> None:
    defaults = ApiOptions()
    assert not defaults.graphiql
    assert not defaults.introspection
    assert defaults.requests_per_minute is not None


def test_introspection_is_refused(world: World) -> None:
    for query in ("{ __schema { types { name } } }", '{ __type(name: "Contract") { name } }'):
        body = world.client("auditor").post(query)
        assert body.get("data") is None, body
        assert "introspection" in body["errors"][0]["message"].lower()
        assert body["errors"][0]["extensions"]["code"]
    # Naming an object's type is not introspecting the schema.
    assert world.client("auditor").data("{ __typename }") == {"__typename": "Query"}


def test_graphiql_is_not_served(world: World) -> None:
    for client in (world.http(), world.client("admin").http):
        page = client.get("/graphql", headers={"Accept": "text/html"})
        assert page.status_code == 404
        assert page.json()["errors"][0]["extensions"]["code"] == "page_not_found"
        assert "graphiql" not in page.text.lower()
        assert not page.headers.get("content-type", "").startswith("text/html")


def test_too_many_aliases_are_refused(world: World) -> None:
    def aliased(count: int) -> str:
        return "{ " + " ".join(f"a{i}: __typename" for i in range(count)) + " }"

    client = world.client("auditor")
    assert not client.post(aliased(MAX_ALIASES)).get("errors")
    body = client.post(aliased(MAX_ALIASES + 1))
    assert MAX_ALIASES + 1 == 16
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "too_many_aliases"


def test_a_query_nested_too_deep_is_refused(world: World) -> None:
    def nested(depth: int) -> str:
        # `reference` under depth - 1 head contracts stands at `depth`.
        inner = "reference"
        for _ in range(depth - 1):
            inner = f"headContract {{ {inner} }}"
        return f'query Nested {{ contract(reference: "LSSCC-CRM-BURNLEY") {{ {inner} }} }}'

    client = world.client("auditor")
    assert not client.post(nested(MAX_QUERY_DEPTH)).get("errors")
    body = client.post(nested(MAX_QUERY_DEPTH + 1))
    assert MAX_QUERY_DEPTH + 1 == 9
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "query_too_deep"


def rate_limited(world: World) -> AbstractContextManager[str]:
    """The same record, served again with a small rate limit of its own."""
    options = ApiOptions(requests_per_minute=RATE)
    identification = Identification(world.authenticator, failures_per_minute=RATE)
    return serving(world.runtime, identification, options)


def test_the_rate_limit_is_each_token_s_own(world: World) -> None:
    with rate_limited(world) as url:
        greedy = GraphQLClient(url, world.tokens["auditor"])
        patient = GraphQLClient(url, world.tokens["board_member"])
        try:
            for _ in range(RATE):
                assert greedy.http.post("/graphql", json={"query": READ}).status_code == 200
            refused = greedy.http.post("/graphql", json={"query": READ})
            assert refused.status_code == 429
            assert refused.json()["errors"][0]["extensions"]["code"] == "rate_limited"
            assert world.tokens["auditor"] not in refused.text
            # Another token has its own allowance, whole.
            for _ in range(RATE):
                answered = patient.http.post("/graphql", json={"query": READ})
                assert answered.status_code == 200
                assert answered.json()["data"]["contracts"]["edges"]
            assert patient.http.post("/graphql", json={"query": READ}).status_code == 429
        finally:
            greedy.http.close()
            patient.http.close()


def test_a_token_spelled_another_way_shares_its_allowance(world: World) -> None:
    token = world.tokens["auditor"]
    with rate_limited(world) as url, httpx.Client(base_url=url) as client:
        for _ in range(RATE):
            sent = client.post("/graphql", json={"query": READ}, headers=bearer(f"Bearer {token}"))
            assert sent.status_code == 200
        # The Authenticator takes each of these as the same token.
        for spelling in (f"bearer {token}", f"BEARER {token}", f"Bearer  {token}"):
            again = client.post("/graphql", json={"query": READ}, headers=bearer(spelling))
            assert again.status_code == 429, spelling.split()[0]


def test_made_up_tokens_share_their_address_s_allowance(world: World) -> None:
    with rate_limited(world) as url, httpx.Client(base_url=url) as client:
        answers = [
            client.post("/graphql", json={"query": READ}, headers=bearer(made_up_token()))
            for _ in range(RATE + 1)
        ]
    assert [answer.status_code for answer in answers] == [401] * RATE + [429]


def bearer(authorization: str) -> dict[str, str]:
    return {"Authorization": authorization}


def made_up_token() -> str:
    return f"Bearer {TOKEN_PREFIX}{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"
