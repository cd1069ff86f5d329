"""OpenTelemetry tracing as settings ask for it: nothing at all by default."""

from typing import TYPE_CHECKING

from service.settings import Settings

if TYPE_CHECKING:
    from partnership_graphql.tracing import Tracing


def tracing_of(settings: Settings) -> "Tracing | None":
    if settings.tracing == "off":
        return None
    # Imported here: a process that does not trace loads none of OpenTelemetry.
    from partnership_graphql.metrics import METRICS_PATH
    from partnership_graphql.tracing import tracer_provider, tracing_for

    provider = tracer_provider(settings.tracing, settings.otlp_endpoint)
    return tracing_for(provider, quiet_paths=[METRICS_PATH])
