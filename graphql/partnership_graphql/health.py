"""How current the read models are, for load balancers and monitors.

`/health/projections` answers 503 while any read model is stalled on an event it cannot
project, naming it, so that a monitor raises the alarm rather than a reader finding stale rows.
"""

from typing import Any

from litestar import MediaType, Response, get
from litestar.handlers import HTTPRouteHandler
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from partnership_graphql.context import off_the_loop
from projections.read import Stall
from projections.runtime import Runtime


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
    @get("/health/projections", media_type=MediaType.JSON)
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
