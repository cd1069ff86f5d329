"""Prometheus metrics at /metrics: requests (Litestar's plugin), GraphQL operations, mutation
outcomes and how far each read model is behind the log.

Every label takes a bounded set of values: routes by their template, operations by a name
admitted to a fixed-size table (the rest, and the unnamed, are "other"), mutations by their
field in the schema, outcomes from a closed list. No query text is ever a label.
"""

import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from litestar import Response, get
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from strawberry.extensions import SchemaExtension

from graphql import FieldNode, OperationDefinitionNode
from partnership_graphql.context import off_the_loop
from partnership_graphql.log_lines import get_logger
from projections.runtime import Runtime

METRICS_PATH = "/metrics"
PREFIX = "partnership"
OTHER = "other"
# Operation names kept as labels of their own; a client naming more shares "other".
OPERATION_NAMES_MAX = 100
_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}", re.ASCII)
RECORDED = "recorded"
REPEATED = "repeated"
ERROR = "error"
# What a mutation field came to: recorded, answered as before under its idempotency key, or
# refused by category (the problem types of errors.py, and access refusals).
OUTCOMES = frozenset(
    {RECORDED, REPEATED, "invalid_input", "not_found", "conflict", "rule", "not_allowed", ERROR}
)
# Seconds: a page of the timeline takes milliseconds, a cold rebuild-time query seconds.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

log = get_logger("partnership.api")

# Registered once per process, in the registry Litestar's plugin exposes.
OPERATIONS = Counter(
    f"{PREFIX}_graphql_operations_total",
    "GraphQL operations answered, by operation name, type and whether errors were returned",
    ["operation", "type", "outcome"],
)
OPERATION_SECONDS = Histogram(
    f"{PREFIX}_graphql_operation_duration_seconds",
    "Time to answer a GraphQL operation, by operation name and type",
    ["operation", "type"],
    buckets=LATENCY_BUCKETS,
)
MUTATION_OUTCOMES = Counter(
    f"{PREFIX}_graphql_mutation_outcomes_total",
    "Mutation fields answered, by mutation and outcome (recorded, or why it was refused)",
    ["mutation", "outcome"],
)


class OperationNames:
    """Admits the first OPERATION_NAMES_MAX well-formed names it is shown; every other name
    is "other", so a client inventing names cannot grow the metrics without bound."""

    def __init__(self, capacity: int = OPERATION_NAMES_MAX) -> None:
        self.capacity = capacity
        self._admitted: set[str] = set()
        self._lock = threading.Lock()

    def label(self, name: str | None) -> str:
        if name is None or not _OPERATION_NAME.fullmatch(name):
            return OTHER
        if name in self._admitted:
            return name
        with self._lock:
            if len(self._admitted) >= self.capacity:
                return OTHER
            self._admitted.add(name)
        return name


OPERATION_NAMES = OperationNames()


def count_mutation(mutation: str, outcome: str) -> None:
    MUTATION_OUTCOMES.labels(mutation, outcome if outcome in OUTCOMES else ERROR).inc()


def operation_type(execution_context: Any) -> str:
    try:
        return str(execution_context.operation_type.value)
    except Exception:
        # No document: it did not parse.
        return "unknown"


def root_fields(execution_context: Any) -> dict[str, str]:
    """The operation's root fields, by the key they answer under (an alias, or the name)."""
    document = getattr(execution_context, "graphql_document", None)
    if document is None:
        return {}
    wanted = execution_context.operation_name
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if wanted is not None and (definition.name is None or definition.name.value != wanted):
            continue
        return {
            (selection.alias or selection.name).value: selection.name.value
            for selection in definition.selection_set.selections
            if isinstance(selection, FieldNode)
        }
    return {}


def operation_metrics(mutation_fields: frozenset[str]) -> type[SchemaExtension]:
    """The schema extension that counts and times every operation, and counts the mutations
    refused before they ran (by the access policy); `mutation_fields` bounds that label."""

    class OperationMetrics(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            started = time.perf_counter()
            yield
            elapsed = time.perf_counter() - started
            context = self.execution_context
            name = OPERATION_NAMES.label(context.operation_name)
            kind = operation_type(context)
            errors = getattr(getattr(context, "result", None), "errors", None) or ()
            OPERATIONS.labels(name, kind, ERROR if errors else "ok").inc()
            OPERATION_SECONDS.labels(name, kind).observe(elapsed)
            if kind == "mutation" and errors:
                self.refused_by_access(errors)

        def refused_by_access(self, errors: Any) -> None:
            fields = root_fields(self.execution_context)
            for error in errors:
                original = getattr(error, "original_error", None)
                path: list[Any] = list(error.path or ())
                if getattr(original, "category", None) != "not_allowed" or len(path) != 1:
                    continue
                mutation = fields.get(str(path[0]))
                if mutation is None or mutation not in mutation_fields:
                    continue
                count_mutation(mutation, "not_allowed")
                principal = getattr(self.execution_context.context, "principal", None)
                log.info(
                    "change_refused",
                    mutation=mutation,
                    outcome="not_allowed",
                    code=getattr(original, "code", None),
                    person_id=None if principal is None else principal.person_id,
                )

    return OperationMetrics


class ReadModelLag(Collector):
    """How far each read model is behind the log, read when Prometheus scrapes (on the
    scrape's worker thread): a few small queries, never on the event loop."""

    def __init__(self) -> None:
        self.runtime: Runtime | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        runtime = self.runtime
        if runtime is None:
            return
        try:
            statuses = runtime.runner.status()
        except Exception as error:
            # A scrape still answers with the other metrics; the failure is in the log.
            log.warning("read_model_status_failed", error=type(error).__name__)
            return
        behind = GaugeMetricFamily(
            f"{PREFIX}_read_model_lag_events",
            "Events in the log a read model has not yet projected",
            labels=["projection"],
        )
        seconds = GaugeMetricFamily(
            f"{PREFIX}_read_model_lag_seconds",
            "Recorded time between a read model's position and the head of the log",
            labels=["projection"],
        )
        stalled = GaugeMetricFamily(
            f"{PREFIX}_read_model_stalled",
            "1 while a read model is stopped on an event it cannot project",
            labels=["projection"],
        )
        for status in statuses:
            behind.add_metric([status.name], status.lag_events)
            seconds.add_metric([status.name], status.lag_seconds)
            stalled.add_metric([status.name], 0 if status.stall is None else 1)
        head = GaugeMetricFamily(f"{PREFIX}_log_head_position", "The last position in the log")
        head.add_metric([], statuses[0].head if statuses else runtime.app.head_position())
        yield from (behind, seconds, stalled, head)


READ_MODEL_LAG = ReadModelLag()
REGISTRY.register(READ_MODEL_LAG)


class MetricsController(PrometheusController):
    """Litestar's exposition, rendered on a worker thread: the read models' lag is read from
    the database while the scrape is rendered."""

    path = METRICS_PATH

    @get(include_in_schema=False)
    async def get(self) -> Response[bytes]:
        body: bytes = await off_the_loop(generate_latest, REGISTRY)
        return Response(body, status_code=200, headers={"Content-Type": CONTENT_TYPE_LATEST})


def request_metrics() -> PrometheusConfig:
    """Litestar's request rate and latency, labelled by route template (bounded)."""
    return PrometheusConfig(
        app_name=PREFIX,
        prefix=PREFIX,
        group_path=True,
        exclude=[METRICS_PATH],
        buckets=list(LATENCY_BUCKETS),
    )


def watch_read_models(runtime: Runtime) -> None:
    """Report this runtime's read models (a process serves one)."""
    READ_MODEL_LAG.runtime = runtime
