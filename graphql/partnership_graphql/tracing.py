"""OpenTelemetry traces, when a deployment turns them on: a span for each HTTP request
(Litestar's plugin) and, within it, for the GraphQL operation, its parsing, validation and
resolvers (strawberry's extension). Off, nothing of this is loaded or run.

Spans carry no query text and no argument values: inputs name people and papers.
"""

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any

from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import SpanKind
from strawberry.extensions import LifecycleStep, SchemaExtension
from strawberry.extensions.tracing import OpenTelemetryExtension

from partnership_graphql.log_lines import get_logger

SERVICE_NAME = "partnership-tracker"
CONSOLE = "console"
OTLP = "otlp"

log = get_logger("partnership.tracing")


class LoggedSpans(SpanExporter):
    """`console` tracing: each finished span as a line of the log, in the log's own format."""

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        for span in spans:
            context = span.context
            started, ended = span.start_time or 0, span.end_time or 0
            log.info(
                "span",
                span_name=span.name,
                trace_id=None if context is None else format(context.trace_id, "032x"),
                span_id=None if context is None else format(context.span_id, "016x"),
                parent_id=None if span.parent is None else format(span.parent.span_id, "016x"),
                duration_ms=round((ended - started) / 1_000_000, 2),
                status=span.status.status_code.name,
            )
        return SpanExportResult.SUCCESS


def tracer_provider(kind: str, endpoint: str | None) -> TracerProvider:
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if kind == CONSOLE:
        provider.add_span_processor(SimpleSpanProcessor(LoggedSpans()))
    elif kind == OTLP:
        # Imported here: only a deployment that sends traces needs the exporter.
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    else:
        raise ValueError(f"no such tracing: {kind!r}")
    return provider


def _no_arguments(_arguments: dict[str, Any], _info: Any) -> dict[str, Any]:
    return {}


def graphql_spans(provider: trace.TracerProvider) -> Callable[[], SchemaExtension]:
    """strawberry's extension, less the query text and the resolvers' arguments."""

    class GraphQLSpans(OpenTelemetryExtension):
        def on_operation(self) -> Generator[None, None, None]:
            name = self.execution_context.operation_name
            span = self._tracer.start_span(
                f"GraphQL Query: {name}" if name else "GraphQL Query", kind=SpanKind.SERVER
            )
            span.set_attribute("component", "graphql")
            self._span_holder[LifecycleStep.OPERATION] = span
            yield
            named = self.execution_context.operation_name
            if not name and named:
                span.update_name(f"GraphQL Query: {named}")
            span.end()

    def make() -> SchemaExtension:
        return GraphQLSpans(arg_filter=_no_arguments, tracer_provider=provider)

    return make


@dataclass(frozen=True)
class Tracing:
    """What an application needs to trace: the Litestar plugin and the schema extension."""

    plugin: OpenTelemetryPlugin
    extension: Callable[[], SchemaExtension]
    provider: trace.TracerProvider


def _without_query(span: Any, _scope: Any) -> None:
    """The request's span keeps its path alone: a query string may carry a sign-in's code."""
    attributes = getattr(span, "attributes", None) or {}
    for key in ("http.url", "url.full", "http.target"):
        if key in attributes:
            span.set_attribute(key, str(attributes[key]).split("?", 1)[0])
    if "url.query" in attributes:
        span.set_attribute("url.query", "")


def tracing_for(provider: trace.TracerProvider, quiet_paths: Sequence[str] = ()) -> Tracing:
    config = OpenTelemetryConfig(
        tracer_provider=provider,
        server_request_hook_handler=_without_query,
        exclude=list(quiet_paths),
        # No header is copied into a span, and the bodies' chunks get no spans of their own.
        exclude_spans=["receive", "send"],
    )
    return Tracing(OpenTelemetryPlugin(config), graphql_spans(provider), provider)
