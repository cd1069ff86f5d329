"""The Litestar application: GraphQL (with an offline GraphiQL) and a health check."""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec
from litestar import Litestar, MediaType, Request, Response, get
from strawberry.litestar import make_graphql_controller

from partnership_graphql.context import Context, Loaders, off_the_loop
from partnership_graphql.ide import graphiql_assets_router, offline_graphiql_html
from partnership_graphql.schema import build_schema
from projections.runtime import Runtime

GRAPHQL_PATH = "/graphql"

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[Any]]


def create_app(runtime: Runtime, lifespan: Sequence[Lifespan] = ()) -> Litestar:
    async def context_getter() -> Context:
        return Context(
            runtime=runtime,
            actor=runtime.settings.default_actor,
            loaders=Loaders(runtime.store),
        )

    base = make_graphql_controller(build_schema(), path=GRAPHQL_PATH, context_getter=context_getter)

    class GraphQLController(base):  # type: ignore[valid-type,misc]
        def encode_json(self, data: object) -> bytes:
            # msgspec, as Litestar's own responses use: the standard library's encoder took
            # as long as the page's query.
            return msgspec.json.encode(data)

        async def render_graphql_ide(self, request: Request[Any, Any, Any]) -> Response[str]:
            # strawberry's page pulls React and GraphiQL from a CDN; council networks are closed.
            return Response(offline_graphiql_html(GRAPHQL_PATH), media_type=MediaType.HTML)

    @get("/health", media_type=MediaType.JSON, sync_to_thread=False)
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    @get("/health/projections", media_type=MediaType.JSON)
    async def projection_health() -> dict[str, Any]:
        def read() -> dict[str, Any]:
            statuses = runtime.runner.status()
            return {
                "head": runtime.app.head_position(),
                "projections": {
                    status.name: {"position": status.position, "lag": status.lag_events}
                    for status in statuses
                },
            }

        result: dict[str, Any] = await off_the_loop(read)
        return result

    return Litestar(
        route_handlers=[GraphQLController, graphiql_assets_router(), health, projection_health],
        lifespan=list(lifespan),
    )
