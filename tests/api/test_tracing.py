"""Traces, when turned on: a GraphQL request makes a span for the HTTP request and, within it,
for the operation, with no query text or argument values; off, no tracing is loaded."""

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from partnership_graphql.app import ApiOptions
from partnership_graphql.tracing import tracing_for
from projections.runtime import Runtime
from service.settings import Settings
from service.telemetry import tracing_of
from tests.api.conftest import OFFICER_TOKEN, serving

pytestmark = pytest.mark.store_agnostic

QUERY = (
    "query TracedContracts($first: Int!) { contracts(first: $first) "
    '{ edges { node { reference } } } } # secret-looking "comment"'
)


def test_a_graphql_request_makes_spans_without_its_query(runtime: Runtime) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    options = ApiOptions(requests_per_minute=None, tracing=tracing_for(provider))
    with serving(runtime, options=options) as url:
        response = httpx.post(
            f"{url}/graphql?token=not-for-spans",
            json={"query": QUERY, "variables": {"first": 7}},
            headers={"Authorization": f"Bearer {OFFICER_TOKEN}"},
            timeout=30,
        )
    assert response.status_code == 200, response.text
    spans = {span.name: span for span in exporter.get_finished_spans()}
    operation = spans["GraphQL Query: TracedContracts"]
    server = next(
        span
        for span in spans.values()
        if span.kind.name == "SERVER" and span is not operation and span.parent is None
    )
    assert operation.context.trace_id == server.context.trace_id
    assert "GraphQL Parsing" in spans
    assert "GraphQL Validation" in spans
    assert "GraphQL Resolving: contracts" in spans
    everything = repr([dict(span.attributes or {}) for span in spans.values()])
    assert "secret-looking" not in everything
    assert "not-for-spans" not in everything
    assert "graphql.param" not in everything


def test_tracing_is_off_unless_asked_for() -> None:
    assert tracing_of(Settings()) is None
    assert tracing_of(Settings(tracing="console")) is not None
