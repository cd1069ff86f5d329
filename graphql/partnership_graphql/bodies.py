"""What a GraphQL request may send: a bounded body, read within a deadline, shaped as GraphQL
expects; anything else is refused with a GraphQL-shaped error and a stable code.

A client that sends its headers and then dribbles its body (or stops sending) would otherwise
hold a connection and a request task for as long as it likes; hundreds of such clients stay
open at no cost to them. The body is therefore read whole, up to a size cap, before the
request is handled, and a body not complete within the deadline is answered 408 and the
connection closed.
"""

import asyncio
import json
from collections.abc import Mapping
from typing import Any, NoReturn

from cross_web import HTTPException
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError

# error_body and method_not_allowed are the application's too: it reaches them through here.
from partnership_graphql.negotiation import error_body, method_not_allowed, negotiated

__all__ = ["error_body", "method_not_allowed"]

# The largest request body accepted, in bytes: a document at its cap (100 KB) with the largest
# input the domain accepts, many times over.
MAX_BODY_BYTES = 1_048_576
# Seconds a client has to send the whole body once its headers have arrived.
BODY_READ_TIMEOUT = 10.0

# Stable codes in `extensions.code`.
BODY_TOO_LARGE = "body_too_large"
BODY_TIMEOUT = "body_timeout"
BODY_NOT_JSON = "body_not_json"
BODY_NOT_OBJECT = "body_not_object"
UNSUPPORTED_CONTENT_TYPE = "unsupported_content_type"
QUERY_MISSING = "query_missing"
QUERY_NOT_STRING = "query_not_string"
VARIABLES_NOT_OBJECT = "variables_not_object"
EXTENSIONS_NOT_OBJECT = "extensions_not_object"
OPERATION_NAME_NOT_STRING = "operation_name_not_string"
OPERATION_NOT_FOUND = "operation_not_found"
OPERATION_NOT_ALLOWED = "operation_not_allowed"
BAD_REQUEST = "BAD_REQUEST"
TOO_MANY_VARIABLE_VALUES = "too_many_variable_values"
# Variables are coerced to their types on the event loop, value by value: half a million list
# items in a body under the size cap held every request up for most of a second. The largest
# change the record takes (a meeting's 200 attendees, each a few fields) needs a few thousand.
MAX_VARIABLE_VALUES = 10_000

_METHODS_WITH_BODIES = frozenset({"POST", "PUT", "PATCH"})


class BadRequest(HTTPException):
    """A request GraphQL cannot read, with the code a client branches on."""

    def __init__(self, message: str, code: str, status_code: int = 400) -> None:
        super().__init__(status_code, message)
        self.code = code


# Refusals whose status GraphQL over HTTP names: a body in a media type not accepted, and a
# mutation sent by GET.
_STATUS_OF_CODE = {UNSUPPORTED_CONTENT_TYPE: 415, OPERATION_NOT_ALLOWED: 405}


def refusal_of(error: HTTPException) -> tuple[int, bytes]:
    """Status and body for a request refused before it could run."""
    cause = error.__cause__
    code = getattr(error, "code", None) or _code_of_cause(cause)
    error.status_code = _STATUS_OF_CODE.get(code, error.status_code)
    if code == BAD_REQUEST and error.status_code == 404:
        # strawberry's answer to a browser asking for the query editor where it is off.
        code = PAGE_NOT_FOUND
        error.reason = "There is no page here: send a GraphQL query by POST, or by GET as `query`."
    message = error.reason
    if code == OPERATION_NOT_ALLOWED:
        message = "A mutation changes the record: send it by POST, not GET."
    if isinstance(cause, CannotGetOperationTypeError):
        message = (
            "The document holds several operations: name the one to run in `operationName`."
            if cause.operation_name is None
            else f"The document has no operation named {cause.operation_name!r}."
        )
    return error.status_code, error_body(message, code)


PAGE_NOT_FOUND = "page_not_found"


def _code_of_cause(cause: BaseException | None) -> str:
    if isinstance(cause, CannotGetOperationTypeError):
        return OPERATION_NOT_FOUND
    if isinstance(cause, InvalidOperationTypeError):
        return OPERATION_NOT_ALLOWED
    if isinstance(cause, MissingQueryError):
        return QUERY_MISSING
    return BAD_REQUEST


# Reading the body.


async def _refuse(send: Send, status: int, message: str, code: str) -> None:
    body = error_body(message, code)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                # The rest of the body was never read: the connection cannot carry another
                # request.
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _too_large(size: str) -> str:
    return f"The request body is {size} bytes; at most {MAX_BODY_BYTES:,} are accepted."


class _TooLarge(Exception):
    pass


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None if the client went away."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        if chunk:
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _TooLarge
            chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def bounded_bodies(app: ASGIApp) -> ASGIApp:
    """Middleware: read the body whole, within the size cap and the deadline, then pass it on;
    and answer in the media type the client accepts (negotiation.py)."""
    return negotiated(_bounded_bodies(app), _refuse)


def _bounded_bodies(app: ASGIApp) -> ASGIApp:

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") not in _METHODS_WITH_BODIES:
            await app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > MAX_BODY_BYTES:
            await _refuse(send, 413, _too_large(f"{declared:,}"), BODY_TOO_LARGE)
            return
        try:
            async with asyncio.timeout(BODY_READ_TIMEOUT):
                body = await _read_body(receive)
        except TimeoutError:
            message = (
                f"The request body did not arrive within {BODY_READ_TIMEOUT:g} seconds. "
                "Send the whole request at once."
            )
            await _refuse(send, 408, message, BODY_TIMEOUT)
            return
        except _TooLarge:
            await _refuse(send, 413, _too_large("over that"), BODY_TOO_LARGE)
            return
        if body is None:
            return
        replayed = False

        whole: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return whole

        await app(scope, replay, send)

    return middleware


# Reading what the body says.


def _refuse_json() -> NoReturn:
    raise BadRequest(
        "The request body is not valid JSON (UTF-8 text). Send "
        '{"query": "...", "variables": {...}} with Content-Type: application/json.',
        BODY_NOT_JSON,
    )


def _no_constant(name: str) -> NoReturn:
    raise ValueError(name)  # NaN and Infinity are not JSON


def decode_json(data: str | bytes) -> Any:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError among them
        _refuse_json()


def request_data(data: object, *, from_query_string: bool = False) -> GraphQLRequestData:
    """One operation's query, variables, name and extensions, each of the right kind."""
    if not isinstance(data, Mapping):
        raise BadRequest(
            "The request body must be one JSON object with a `query`, not "
            f"{_kind(data)}. Batches of operations are not accepted.",
            BODY_NOT_OBJECT,
        )
    query = data.get("query")
    if query is None or query == "":
        raise BadRequest("The request has no `query`: send the GraphQL document.", QUERY_MISSING)
    if not isinstance(query, str):
        raise BadRequest(f"`query` must be a string, not {_kind(query)}.", QUERY_NOT_STRING)
    variables = data.get("variables")
    if from_query_string and isinstance(variables, str):
        variables = _decoded_parameter(variables, "variables", VARIABLES_NOT_OBJECT)
    if not isinstance(variables, dict | None):
        raise BadRequest(
            f"`variables` must be an object, not {_kind(variables)}.", VARIABLES_NOT_OBJECT
        )
    if variables is not None and _more_values_than(variables, MAX_VARIABLE_VALUES):
        raise BadRequest(
            f"`variables` hold more than {MAX_VARIABLE_VALUES:,} values; no change or question "
            "needs so many. Send less at once.",
            TOO_MANY_VARIABLE_VALUES,
        )
    extensions = data.get("extensions")
    if from_query_string and isinstance(extensions, str):
        extensions = _decoded_parameter(extensions, "extensions", EXTENSIONS_NOT_OBJECT)
    if not isinstance(extensions, dict | None):
        raise BadRequest(
            f"`extensions` must be an object, not {_kind(extensions)}.", EXTENSIONS_NOT_OBJECT
        )
    operation_name = data.get("operationName")
    if not isinstance(operation_name, str | None):
        raise BadRequest(
            f"`operationName` must be a string, not {_kind(operation_name)}.",
            OPERATION_NAME_NOT_STRING,
        )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=operation_name,
        extensions=extensions,
        protocol="http",
    )


def _more_values_than(variables: Mapping[str, Any], limit: int) -> bool:
    """Whether the variables hold more than `limit` values; stops counting at the limit."""
    pending: list[Any] = [variables]
    counted = 0
    while pending:
        value = pending.pop()
        counted += 1
        if counted > limit:
            return True
        if isinstance(value, Mapping):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return False


def _decoded_parameter(value: str, name: str, code: str) -> Any:
    if not value:
        return None
    try:
        return json.loads(value, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadRequest(f"`{name}` must be a JSON object.", code) from None


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "an array"
    return "an object"
