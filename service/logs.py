"""One log format for every process: structlog renders every line, the standard library's
loggers (uvicorn's, Litestar's, strawberry's and the product's own) included.

Lines go to stderr alone: readable at a terminal, or one JSON object a line with
PARTNERSHIP_LOG_FORMAT=json. Whatever the format, a value under a key that names a secret is
never written, nor is anything shaped like an API token or a credential header.
"""

import logging
import re
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from service.settings import Settings, SettingsError

# Any key naming one of these is redacted, however it is spelt (Authorization, csrf_token,
# set-cookie, client_secret ...).
SECRET_KEY_PARTS = ("authorization", "cookie", "password", "token", "secret", "csrf")
REDACTED = "[redacted]"
# An API token (access/tokens.py) or a credential header's value, wherever it turns up in a
# message: a refusal that quotes its input, say.
_SECRET_SHAPES = re.compile(
    r"ptk_[0-9a-fA-F]+_[A-Za-z0-9_-]+|\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+", re.ASCII
)
# Loggers that libraries set up with handlers of their own: theirs are removed so that every
# line goes through the one handler on the root logger.
LIBRARY_LOGGERS = (
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "litestar",
    "strawberry",
    "strawberry.execution",
    "apscheduler",
    "partnership",
)
READING_ORDER = ("timestamp", "level", "event", "logger", "request_id")
# How deep a nested value is searched for secrets: log values are shallow.
_REDACT_DEPTH = 4


def redact_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """A safety net: no token, password, cookie or secret key reaches the log by mistake."""
    redacted = _redacted(event_dict, 0)
    assert isinstance(redacted, dict)
    return redacted


def _secret_key(key: object) -> bool:
    if not isinstance(key, str):
        return False
    lowered = key.lower()
    return any(part in lowered for part in SECRET_KEY_PARTS)


def _redacted(value: Any, depth: int) -> Any:
    if isinstance(value, str):
        return _SECRET_SHAPES.sub(REDACTED, value)
    if depth >= _REDACT_DEPTH:
        return value
    if isinstance(value, Mapping):
        return {
            key: REDACTED if _secret_key(key) else _redacted(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redacted(item, depth + 1) for item in value)
    return value


def _drop_color_message(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    # uvicorn repeats each message with terminal colour codes for its own formatter.
    event_dict.pop("color_message", None)
    return event_dict


def _in_reading_order(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    # When, how bad and what first; then the rest as it was given.
    first = {key: event_dict.pop(key) for key in READING_ORDER if key in event_dict}
    return {**first, **event_dict}


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.add_log_level,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
        _drop_color_message,
    ]


def _renderers(log_format: str, stream: TextIO) -> list[Processor]:
    if log_format == "json":
        return [
            structlog.processors.format_exc_info,
            redact_secrets,
            _in_reading_order,
            structlog.processors.JSONRenderer(sort_keys=False),
        ]
    return [
        redact_secrets,
        structlog.dev.ConsoleRenderer(colors=stream.isatty()),
    ]


class _StandardError(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is when a line is written, not when logging was set
    up: a caller that swaps stderr for a while (a test runner, a captured command) and then
    closes its stand-in leaves no handler writing to a closed stream."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route structlog and the standard library's logging to `stream` (stderr), in the one
    format settings ask for. Safe to call again: it replaces what it set up before."""
    out = stream if stream is not None else sys.stderr
    shared = _shared_processors()
    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *_renderers(settings.log_format, out),
        ],
    )
    handler = logging.StreamHandler(out) if stream is not None else _StandardError()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        for old in list(library.handlers):
            library.removeHandler(old)
        library.propagate = True
        library.setLevel(logging.NOTSET)
    # The product's own request line replaces uvicorn's access log (which has no request id
    # and would print query strings).
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)


def configure_logging_from_env(verbose: bool = False) -> None:
    """At a command's start, before it reads its settings in full: a setting that does not
    hold is reported by the command itself, in the default format meanwhile."""
    try:
        settings = Settings.from_env()
    except SettingsError:
        settings = Settings()
    if verbose:
        settings = replace(settings, log_level="DEBUG")
    configure_logging(settings)
