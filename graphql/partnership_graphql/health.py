"""Whether this process is up, whether it is ready to answer, and how current the read models
are: for load balancers, orchestrators and monitors.

`/health/live` (and `/health`) answers 200 while the process serves, touching no database.
`/health/ready` answers 200 when the event store and the read models answer, no read model is
stalled or too far behind, and (on PostgreSQL) a projector and a scheduler are elected; else
503, with a reason for each thing that is not so (`readiness.py`).
`/health/projections` answers 503 while any read model is stalled on an event it cannot
project, naming it, so that a monitor raises the alarm rather than a reader finding stale rows.
"""

from typing import Any

from litestar import MediaType, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from partnership_graphql.context import off_the_loop
from partnership_graphql.readiness import Readiness
from projections.read import Stall
from projections.runtime import Runtime

LIVE_PATHS = ["/health", "/health/live"]
READY_PATH = "/health/ready"
PROJECTIONS_PATH = "/health/projections"
# Exactly these paths are outside the rate limit (Litestar matches the pattern anywhere in a
# path, so it is anchored): a probe must never be refused for asking too often.
HEALTH_PATHS_PATTERN = r"^/health(/live|/ready|/projections)?$"


def live_health_handler() -> HTTPRouteHandler:
    @get(LIVE_PATHS, media_type=MediaType.JSON, sync_to_thread=False)
    def live() -> dict[str, Any]:
        return {"status": "ok"}

    return live


def ready_health_handler(runtime: Runtime, max_lag_events: int) -> HTTPRouteHandler:
    readiness = Readiness(runtime, max_lag_events)

    @get(READY_PATH, media_type=MediaType.JSON)
    async def ready() -> Response[dict[str, Any]]:
        body = await readiness.answer()
        code = HTTP_200_OK if body["status"] == "ready" else HTTP_503_SERVICE_UNAVAILABLE
        # A probe wants today's answer, never a cache's.
        return Response(body, status_code=code, headers={"Cache-Control": "no-store"})

    return ready


def stall_json(stall: Stall) -> dict[str, Any]:
    return {
        "position": stall.position,
        "eventType": stall.event_name,
        "eventTopic": stall.event_type,
        "error": stall.error,
        "since": stall.since.isoformat(),
        "lastAttempt": stall.last_attempt.isoformat(),
        "attempts": stall.attempts,
    }


def projection_health_handler(runtime: Runtime) -> HTTPRouteHandler:
    @get(PROJECTIONS_PATH, media_type=MediaType.JSON)
    async def projection_health() -> Response[dict[str, Any]]:
        def read() -> dict[str, Any]:
            statuses = runtime.runner.status()
            stalled = [status.name for status in statuses if status.stall is not None]
            return {
                "status": "stalled" if stalled else "ok",
                "stalled": stalled,
                "head": statuses[0].head if statuses else runtime.app.head_position(),
                "projections": {
                    status.name: {
                        "position": status.position,
                        "lag": status.lag_events,
                        "stall": None if status.stall is None else stall_json(status.stall),
                    }
                    for status in statuses
                },
            }

        body: dict[str, Any] = await off_the_loop(read)
        code = HTTP_503_SERVICE_UNAVAILABLE if body["stalled"] else HTTP_200_OK
        return Response(body, status_code=code)

    return projection_health
