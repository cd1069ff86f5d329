"""GraphQL over HTTP's media types: which one a client accepts, and what status goes with it.

`application/json` is the legacy answer: any well-formed request is answered 200, its GraphQL
errors in the body. `application/graphql-response+json`, chosen by a client that lists it in
`Accept`, says more with the status: a request that never ran (it did not parse or validate,
or named no operation the document holds) is answered 400 with no `data` entry. A client that
accepts neither (nor a wildcard) is answered 406, in JSON, since that is what this API speaks.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import MediaType, Request, Response
from litestar.exceptions import MethodNotAllowedException
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

# How the middleware answers on its own: send, status, message, code; GraphQL-shaped.
Refuse = Callable[[Send, int, str, str], Awaitable[None]]

LEGACY_JSON = "application/json"
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
NOT_ACCEPTABLE = "not_acceptable"
METHOD_NOT_ALLOWED = "method_not_allowed"
# What the GraphQL endpoint answers to: browsers' OPTIONS is Litestar's own.
ALLOWED_METHODS = b"GET, POST"
# An Accept header is a short list; a longer one is not parsed (it is taken as "anything").
ACCEPT_MAX = 2_000


HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def error_body(message: str, code: str) -> bytes:
    """A response body shaped as GraphQL's own errors are."""
    return msgspec.json.encode({"errors": [{"message": message, "extensions": {"code": code}}]})


def method_not_allowed(
    request: Request[Any, Any, Any], error: MethodNotAllowedException
) -> Response[Any]:
    """The application's handler for a method a path does not take (PUT on /graphql, say):
    refused in GraphQL's shape, with the methods it does take."""
    offered = (error.headers or {}).get("allow", "")
    methods = [
        m for m in (part.strip().upper() for part in offered.split(",")) if m in HTTP_METHODS
    ]
    allowed = ", ".join(methods) or ALLOWED_METHODS.decode()
    return Response(
        error_body(f"{request.method} is not answered here; use {allowed}.", METHOD_NOT_ALLOWED),
        status_code=405,
        media_type=MediaType.JSON,
        headers={"allow": allowed},
    )


def _q(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                q = float(value.strip())
            except ValueError:
                return 0.0
            return q if 0.0 <= q <= 1.0 else 0.0
    return 1.0


def chosen_media_type(accept: str | None) -> str | None:
    """The media type to answer in, or None if the client accepts neither JSON type.

    No Accept header (or one too long to read) means application/json, as the spec asks of
    servers that still serve legacy clients; so does a bare wildcard."""
    if accept is None or not accept.strip() or len(accept) > ACCEPT_MAX:
        return LEGACY_JSON
    weights = {GRAPHQL_RESPONSE_JSON: 0.0, LEGACY_JSON: 0.0}
    wildcard = 0.0
    for part in accept.split(","):
        media, *parameters = part.split(";")
        media = media.strip().lower()
        q = _q(parameters)
        if media in weights:
            weights[media] = max(weights[media], q)
        elif media in ("*/*", "application/*"):
            wildcard = max(wildcard, q)
    best = max(weights.values())
    if best > 0.0:
        # A tie goes to the newer type: clients list it first to ask for it.
        if weights[GRAPHQL_RESPONSE_JSON] == best:
            return GRAPHQL_RESPONSE_JSON
        return LEGACY_JSON
    return LEGACY_JSON if wildcard > 0.0 else None


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def asks_for_a_page(scope: Scope) -> bool:
    """A browser asking for the query editor (GET, no query, HTML accepted): not GraphQL's to
    negotiate; it is answered with the editor where it is on, or a coded 404."""
    accept = _header(scope, b"accept") or ""
    return (
        scope.get("method") == "GET"
        and b"query=" not in scope.get("query_string", b"")
        and ("text/html" in accept or "*/*" in accept)
    )


def _is_request_error(body: bytes) -> bytes | None:
    """For a 200 answer whose operation never ran: the body without `data`; else None.

    Errors raised while executing carry a `path`; a request's errors (parse, validation,
    variable values, the document's limits) carry none, and leave `data` null."""
    if not body.startswith(b'{"data":null'):
        return None
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    errors = decoded.get("errors") if isinstance(decoded, dict) else None
    if not errors or any(isinstance(e, dict) and "path" in e for e in errors):
        return None
    decoded.pop("data", None)
    return msgspec.json.encode(decoded)


def negotiated(app: ASGIApp, refuse: Refuse) -> ASGIApp:
    """Middleware: 406 for an Accept it cannot meet; the chosen media type on every JSON answer;
    400 for a request error under application/graphql-response+json; Allow on every 405."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or asks_for_a_page(scope):
            await app(scope, receive, send)
            return
        media_type = chosen_media_type(_header(scope, b"accept"))
        if media_type is None:
            await refuse(
                send,
                406,
                "This API answers in application/graphql-response+json or application/json: "
                "accept one of them.",
                NOT_ACCEPTABLE,
            )
            return
        held: list[HTTPResponseStartEvent] = []
        # Inside the endpoint, a 405 answers a mutation sent by GET: only POST will do.
        allowed = b"POST" if scope.get("method") == "GET" else ALLOWED_METHODS

        async def answering(message: Message) -> None:
            if message["type"] == "http.response.start":
                held.append(message)
                return
            if message["type"] != "http.response.body" or not held:
                await send(message)
                return
            start = held.pop()
            if message.get("more_body", False):
                # A streamed answer is passed on as it is.
                await send(_relabelled(start, media_type, None, allowed))
                await send(message)
                return
            body = bytes(message.get("body", b""))
            if media_type == GRAPHQL_RESPONSE_JSON and start["status"] == 200:
                without_data = _is_request_error(body)
                if without_data is not None:
                    start = {**start, "status": 400}
                    body = without_data
            await send(_relabelled(start, media_type, body, allowed))
            await send({**message, "body": body})

        await app(scope, receive, answering)

    return middleware


def _relabelled(
    start: HTTPResponseStartEvent, media_type: str, body: bytes | None, allowed: bytes
) -> HTTPResponseStartEvent:
    """The response's head: JSON labelled as the media type chosen, the length of the body as
    sent, and the methods allowed on a 405."""
    headers = []
    for name, value in start.get("headers", []):
        lowered = bytes(name).lower()
        if lowered == b"content-type" and bytes(value).startswith(LEGACY_JSON.encode()):
            value = f"{media_type}; charset=utf-8".encode()
        elif lowered == b"content-length" and body is not None:
            continue
        headers.append((name, value))
    if body is not None:
        headers.append((b"content-length", str(len(body)).encode()))
    if start["status"] == 405 and not any(bytes(n).lower() == b"allow" for n, _ in headers):
        headers.append((b"allow", allowed))
    return {**start, "headers": headers}
