"""The Litestar application: GraphQL (with an offline GraphiQL), sign-in, a health check, and
what makes it observable: request ids and request lines, metrics and (when on) traces."""

import hashlib
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from litestar import Litestar, MediaType, Request, Response, Router, get, post
from litestar.background_tasks import BackgroundTasks
from litestar.di import Provide
from litestar.exceptions import MethodNotAllowedException, TooManyRequestsException
from litestar.middleware.rate_limit import RateLimitConfig, get_remote_address
from litestar.status_codes import HTTP_200_OK
from strawberry.http import GraphQLRequestData
from strawberry.http.parse_content_type import parse_content_type
from strawberry.litestar import make_graphql_controller

from access.authentication import Authenticated, bearer_token
from access.errors import AuthenticationFailed
from access.tokens import parse_token
from partnership_graphql import bodies
from partnership_graphql.context import Context, Loaders
from partnership_graphql.health import (
    HEALTH_PATHS_PATTERN,
    live_health_handler,
    projection_health_handler,
    ready_health_handler,
)
from partnership_graphql.ide import graphiql_assets_router, offline_graphiql_html
from partnership_graphql.metrics import (
    METRICS_PATH,
    MetricsController,
    operation_metrics,
    request_metrics,
    watch_read_models,
)
from partnership_graphql.request_log import LibraryLogging, RequestLog
from partnership_graphql.schema import build_schema
from partnership_graphql.signed_in import (
    CSRF_STATE,
    RATE_LIMITED,
    SESSION_COOKIE,
    Identification,
)
from projections.runtime import Runtime

if TYPE_CHECKING:
    from partnership_graphql.tracing import Tracing

GRAPHQL_PATH = "/graphql"

Lifespan = Callable[[Litestar], AbstractAsyncContextManager[Any]]


@dataclass(frozen=True)
class ApiOptions:
    """What a deployment turns on: the developer's tools are off unless enabled."""

    graphiql: bool = False
    introspection: bool = False
    # Requests a minute for each API token (or, without one, each address); None: no limit.
    requests_per_minute: int | None = 600
    # Prometheus metrics at /metrics.
    metrics: bool = True
    # OpenTelemetry spans for requests and GraphQL operations; None: none are made.
    tracing: "Tracing | None" = None
    # /health/ready fails while a read model is more than this many events behind the log.
    ready_max_lag_events: int = 1_000


def create_app(
    runtime: Runtime,
    identification: Identification,
    *,
    options: ApiOptions | None = None,
    sign_in: Router | None = None,
    lifespan: Sequence[Lifespan] = (),
) -> Litestar:
    options = options or ApiOptions()

    def new_context(authenticated: Authenticated | None) -> Context:
        context = Context(
            runtime=runtime,
            principal=None if authenticated is None else authenticated.principal,
            visibility=None if authenticated is None else authenticated.visibility,
            loaders=None,  # type: ignore[arg-type]
        )
        context.loaders = Loaders(runtime.store, context.visible)
        return context

    async def context_getter() -> Context:
        # Only for requests that bypass the handlers below; they are treated as anonymous.
        return new_context(None)

    schema = build_schema(introspection=options.introspection)
    if options.metrics:
        mutations = (
            frozenset(schema._schema.mutation_type.fields)
            if schema._schema.mutation_type
            else frozenset()
        )
        schema.extensions = (*schema.extensions, operation_metrics(mutations))
    if options.tracing is not None:
        schema.extensions = (*schema.extensions, options.tracing.extension)
    base = make_graphql_controller(
        schema,
        path=GRAPHQL_PATH,
        context_getter=context_getter,
        graphql_ide="graphiql" if options.graphiql else None,
    )

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
            # about 0.1 ms a request. Made here in line, as strawberry's getters make them.
            return await self.answer(request)

        @get(status_code=HTTP_200_OK)
        async def handle_http_get(self, request: Request[Any, Any, Any]) -> Response[Any]:
            return await self.answer(request)

        async def answer(self, request: Request[Any, Any, Any]) -> Response[Any]:
            response = sub_response()
            self.temporal_response = response
            try:
                authenticated = await identification.signed_in(request)
            except HTTPException as error:
                return refused(error)
            context = new_context(authenticated)
            context.request = request
            context.response = response
            return await self.execute_request(request=request, context=context, root_value=None)

        async def execute_request(
            self, request: Request[Any, Any, Any], context: Any, root_value: Any
        ) -> Response[Any]:
            try:
                result: Response[Any] = await self.run(
                    request, context=context, root_value=root_value
                )
            except HTTPException as error:
                return refused(error)
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
            token = request.state.get(CSRF_STATE)
            return Response(
                offline_graphiql_html(GRAPHQL_PATH, csrf_token=token),
                media_type=MediaType.HTML,
                # The page carries the session's CSRF token: never kept by a cache.
                headers={"Cache-Control": "no-store"},
            )

    handlers: list[Any] = [
        GraphQLController,
        live_health_handler(),
        ready_health_handler(runtime, options.ready_max_lag_events),
        projection_health_handler(runtime),
    ]
    if options.graphiql:
        handlers.append(graphiql_assets_router())
    if sign_in is not None:
        handlers.append(sign_in)
    middleware: list[Any] = []
    if options.metrics:
        handlers.append(MetricsController)
        # Outside the limiter, so that requests it refuses are counted too.
        middleware.append(request_metrics().middleware)
        watch_read_models(runtime)
    if options.requests_per_minute is not None:
        middleware.append(
            RateLimitConfig(
                rate_limit=("minute", options.requests_per_minute),
                identifier_for_request=rate_limit_identity,
                # Probes and scrapers poll; they must never be told to wait.
                exclude=[HEALTH_PATHS_PATTERN, METRICS_PATH],
            ).middleware
        )
    app = Litestar(
        route_handlers=handlers,
        middleware=middleware,
        exception_handlers={
            TooManyRequestsException: too_many_requests,
            # Refused while routing, before the endpoint's own middleware could answer.
            MethodNotAllowedException: bodies.method_not_allowed,
        },
        lifespan=list(lifespan),
        openapi_config=None,
        logging_config=LibraryLogging(),
        plugins=[] if options.tracing is None else [options.tracing.plugin],
    )
    # Around everything Litestar does, so that a request refused before routing is logged too.
    app.asgi_handler = RequestLog(app.asgi_handler, quiet_paths=frozenset({METRICS_PATH}))
    return app


def refused(error: HTTPException) -> Response[Any]:
    # strawberry answers these in plain text; clients expect GraphQL's shape.
    status, body = bodies.refusal_of(error)
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if status == 401 else None
    return Response(body, status_code=status, media_type=MediaType.JSON, headers=headers)


def rate_limit_identity(request: Request[Any, Any, Any]) -> str:
    """Each API token has its own allowance, however its header is spelt; so has each browser
    session. A request without credentials shares its address's.

    Keyed by the token's id (its public half) or a digest of the cookie, so the limiter's
    store never holds a secret. A made-up token has an id of its own too: it is the address's
    allowance of failed credentials (`Identification`) that stops a stream of them.
    """
    authorization = request.headers.get("authorization")
    if authorization is not None:
        try:
            token_id, _ = parse_token(bearer_token(authorization))
        except AuthenticationFailed:
            return "address:" + get_remote_address(request)
        return "token:" + token_id
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return "session:" + hashlib.sha256(cookie.encode()).hexdigest()
    return "address:" + get_remote_address(request)


def too_many_requests(
    request: Request[Any, Any, Any], error: TooManyRequestsException
) -> Response[Any]:
    body = bodies.error_body(
        "Too many requests from this token or address; wait a minute and try again.",
        RATE_LIMITED,
    )
    return Response(
        body,
        status_code=error.status_code,
        media_type=MediaType.JSON,
        headers=dict(error.headers or {}),
    )
