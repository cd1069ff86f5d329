"""`/metrics`: requests, GraphQL operations, mutation outcomes and read-model lag, each series
moving as requests are answered; labels bounded; never rate limited; off when turned off."""

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from partnership_graphql.app import ApiOptions
from partnership_graphql.metrics import OTHER, OperationNames
from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient, serving

pytestmark = pytest.mark.store_agnostic

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]

REGISTER = (
    "mutation Register($input: RegisterAuthorityInput!) { registerAuthority(input: $input) "
    "{ __typename } }"
)
PROBE = "query MetricsProbe { contracts(first: 1) { edges { node { reference } } } }"


def scrape(server: str) -> Samples:
    response = httpx.get(f"{server}/metrics", timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sum of the samples named `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, found), v in samples.items() if n == name and wanted <= found)


def register(name: str) -> dict[str, object]:
    return {
        "query": REGISTER,
        "variables": {
            "input": {
                "name": name,
                "kind": "DISTRICT",
                "effectiveDate": "2006-04-01",
                "source": "Test paper",
            }
        },
    }


def test_the_named_series_are_there_and_move(
    runtime: Runtime, server: str, client: GraphQLClient
) -> None:
    before = scrape(server)
    client.data(PROBE)
    client.data(PROBE)
    client.http.post("/graphql", json=register("Burnley Borough Council"))
    client.http.post("/graphql", json=register("Burnley Borough Council"))
    httpx.post(f"{server}/graphql", json=register("Pendle Borough Council"), timeout=30)
    after = scrape(server)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert moved("partnership_requests_total", path="/graphql") == 5
    assert moved("partnership_request_duration_seconds_count", path="/graphql") == 5
    assert moved("partnership_graphql_operations_total", operation="MetricsProbe") == 2
    assert moved("partnership_graphql_operation_duration_seconds_count", type="query") >= 2
    assert moved("partnership_graphql_operations_total", operation="Register") == 3
    outcomes = {
        outcome: moved(
            "partnership_graphql_mutation_outcomes_total",
            mutation="registerAuthority",
            outcome=outcome,
        )
        for outcome in ("recorded", "conflict", "not_allowed")
    }
    assert outcomes == {"recorded": 1, "conflict": 1, "not_allowed": 1}

    lag = {
        dict(labels)["projection"]: v
        for (name, labels), v in after.items()
        if name == "partnership_read_model_lag_events"
    }
    assert set(lag) == {status.name for status in runtime.runner.status()}
    assert set(lag.values()) == {0}
    assert value(after, "partnership_log_head_position") == runtime.app.head_position()


def test_no_query_text_becomes_a_label(server: str, client: GraphQLClient) -> None:
    client.data("{ contracts(first: 1) { edges { node { reference } } } }")
    labels = {label for (_, found) in scrape(server) for pair in found for label in pair}
    assert not any("{" in label or "contracts(" in label for label in labels)


def test_operation_names_past_the_table_share_one_label() -> None:
    names = OperationNames(capacity=2)
    assert [names.label(n) for n in ("A", "B", "C", "A", None, "bad name", "x" * 65)] == [
        "A",
        "B",
        OTHER,
        "A",
        OTHER,
        OTHER,
        OTHER,
    ]


def test_metrics_are_never_rate_limited(runtime: Runtime) -> None:
    options = ApiOptions(requests_per_minute=2)
    with serving(runtime, options=options) as url:
        answers = [httpx.get(f"{url}/metrics", timeout=30).status_code for _ in range(5)]
        limited = [
            httpx.get(f"{url}/graphql", params={"query": "{ __typename }"}, timeout=30).status_code
            for _ in range(3)
        ]
    assert answers == [200] * 5
    assert 429 in limited


def test_metrics_can_be_turned_off(runtime: Runtime) -> None:
    with serving(runtime, options=ApiOptions(metrics=False)) as url:
        assert httpx.get(f"{url}/metrics", timeout=30).status_code == 404
