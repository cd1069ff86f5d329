"""The Litestar application: GraphQL (with an offline GraphiQL) and a health check."""

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import msgspec
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from litestar import Litestar, MediaType, Request, Response, get, post
from litestar.background_tasks import BackgroundTasks
from litestar.di import Provide
from litestar.status_codes import HTTP_200_OK
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.litestar import make_graphql_controller

from partnership_graphql import bodies
from partnership_graphql.context import Context, Loaders
from partnership_graphql.health import projection_health_handler
from partnership_graphql.ide import graphiql_assets_router, offline_graphiql_html
from partnership_graphql.schema import build_schema
from projections.runtime import Runtime

GRAPHQL_PATH = "/graphql"

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[Any]]


def create_app(runtime: Runtime, lifespan: Sequence[Lifespan] = ()) -> Litestar:
    def new_context() -> Context:
        return Context(
            runtime=runtime,
            actor=runtime.policy.default_actor,
            loaders=Loaders(runtime.store),
        )

    async def context_getter() -> Context:
        return new_context()

    base = make_graphql_controller(build_schema(), path=GRAPHQL_PATH, context_getter=context_getter)

    def sub_response() -> Response[Any]:
        # Where resolvers may set headers, cookies or a status for the real response.
        return Response({}, background=BackgroundTasks([]))

    class GraphQLController(base):  # type: ignore[valid-type,misc]
        # strawberry makes the sub-response on a worker thread: a thread hop on every request
        # for a constructor call.
        dependencies = {
            **base.dependencies,
            "response": Provide(sub_response, sync_to_thread=False),
        }
        # The body is read whole, within a size cap and a deadline, before anything else.
        middleware = [bodies.bounded_bodies]
        request_max_body_size = bodies.MAX_BODY_BYTES

        @post(status_code=HTTP_200_OK)
        async def handle_http_post(self, request: Request[Any, Any, Any]) -> Response[Any]:
            # strawberry's own handler is given its context, root value and sub-response by
            # dependency injection, which builds the three side by side in an anyio task group:
            # about 0.1 ms a request. Made here in line, as strawberry's getters make them; GET
            # requests still go through the getters.
            response = sub_response()
            self.temporal_response = response
            context = new_context()
            context.request = request
            context.response = response
            result: Response[Any] = await self.execute_request(
                request=request, context=context, root_value=None
            )
            return result

        async def execute_request(
            self, request: Request[Any, Any, Any], context: Any, root_value: Any
        ) -> Response[Any]:
            try:
                result: Response[Any] = await self.run(
                    request, context=context, root_value=root_value
                )
            except HTTPException as error:
                # strawberry answers these in plain text; clients expect GraphQL's shape.
                status, body = bodies.refusal_of(error)
                return Response(body, status_code=status, media_type=MediaType.JSON)
            return result

        async def parse_http_body(self, request: AsyncHTTPRequestAdapter) -> GraphQLRequestData:
            if request.method == "GET":
                return bodies.request_data(dict(request.query_params), from_query_string=True)
            content_type, _ = parse_content_type(request.content_type or "")
            if content_type != "application/json":
                raise bodies.BadRequest(
                    "Send the request as JSON, with Content-Type: application/json.",
                    bodies.UNSUPPORTED_CONTENT_TYPE,
                )
            return bodies.request_data(bodies.decode_json(await request.get_body()))

        def decode_json(self, data: str | bytes) -> object:
            return bodies.decode_json(data)

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

    return Litestar(
        route_handlers=[
            GraphQLController,
            graphiql_assets_router(),
            health,
            projection_health_handler(runtime),
        ],
        lifespan=list(lifespan),
    )
