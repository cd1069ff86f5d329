"""Every request gets an id, on every line logged while it is served and in its answer's
`X-Request-ID` header, and one line when it is answered: method, path, status and time taken.

A caller's own `X-Request-ID` (a proxy's, say) is kept when it is short and plain; anything
else is replaced, so a header can neither forge log lines nor fill them.
"""

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable
from typing import Any

import structlog
from litestar.exceptions import HTTPException
from litestar.logging.config import BaseLoggingConfig
from litestar.types import ASGIApp, Logger, Message, Receive, Scope, Send
from litestar.types.callable_types import GetLogger

from partnership_graphql.log_lines import get_logger

REQUEST_ID_HEADER = "x-request-id"
REQUEST_ID_MAX = 64
_REQUEST_ID_SHAPE = re.compile(rf"[A-Za-z0-9._:-]{{1,{REQUEST_ID_MAX}}}", re.ASCII)
# A path is logged as far as this: enough for every route, not a page of an attacker's text.
PATH_MAX = 200

log = get_logger("partnership.requests")


def request_id_from(headers: Iterable[tuple[bytes, bytes]]) -> str:
    """The caller's id when it is sane, else a new one."""
    for name, value in headers:
        if name.lower() == REQUEST_ID_HEADER.encode():
            given = value.decode("latin-1")
            if _REQUEST_ID_SHAPE.fullmatch(given):
                return given
            break
    return uuid.uuid4().hex


def logged_path(scope: Scope) -> str:
    """The path alone: a query string can carry what is not ours to keep (a sign-in's code).
    Escaped where it is not printable, so that a decoded %0A cannot start a forged line."""
    path = str(scope.get("path", ""))[: PATH_MAX + 1]
    if not path.isprintable():
        path = path.encode("unicode_escape").decode("ascii")
    return path if len(path) <= PATH_MAX else path[:PATH_MAX] + "..."


class RequestLog:
    """ASGI middleware around the whole application, so that a request refused before routing
    (a 404, a 429) is given an id and logged too."""

    def __init__(self, app: ASGIApp, *, quiet_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        # Paths a scraper or probe polls: no line of their own (they still get an id).
        self.quiet_paths = quiet_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers", ()))
        status = 500
        header = (REQUEST_ID_HEADER.encode(), request_id.encode())

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                path = logged_path(scope)
                if path not in self.quiet_paths:
                    log.info(
                        "request",
                        method=scope.get("method"),
                        path=path,
                        status=status,
                        duration_ms=round((time.perf_counter() - started) * 1000, 2),
                    )


class LibraryLogging(BaseLoggingConfig):
    """Litestar logs through the standard library's "litestar" logger, which the process's
    own logging set-up formats (Litestar's default would install handlers of its own).

    An exception no handler caught is logged with its traceback; a refusal (a 4xx) is not a
    fault and is left to the request line."""

    def __init__(self) -> None:
        self.log_exceptions = "always"
        self.traceback_line_limit = -1
        self.disable_stack_trace = set()
        self.exception_logging_handler = _log_fault

    def configure(self) -> GetLogger:
        return logging.getLogger

    @staticmethod
    def set_level(logger: Any, level: int) -> None:
        # Levels are the process's to set (PARTNERSHIP_LOG_LEVEL), not the application's.
        return None


def _log_fault(logger: Logger, scope: Scope, _traceback: list[str]) -> None:
    error = sys.exc_info()[1]
    if isinstance(error, HTTPException) and error.status_code < 500:
        return
    logger.exception("unhandled_error", extra={"path": logged_path(scope)})
