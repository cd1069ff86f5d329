"""After a change is recorded: bringing the read models up to it, and saying so if they fail.

A recorded change cannot be taken back, so a failure after the save must never read as
"Unexpected error." (which a caller would take as "nothing happened" and resend). It is a
top-level error whose extensions name the code, the log position and the version the change
made.
"""

import logging

from graphql import GraphQLError
from partnership.commands.base import CommandResult
from projections.runtime import ReadModelsBehind, Runtime

log = logging.getLogger(__name__)

READ_MODELS_BEHIND = ReadModelsBehind.code
ANSWER_UNAVAILABLE = "recorded_answer_unavailable"


def caught_up(runtime: Runtime, result: CommandResult) -> None:
    """Read-your-writes, or a GraphQLError saying the change stands but is not yet readable."""
    try:
        runtime.seen(result)
    except ReadModelsBehind as behind:
        raise _recorded_error(
            str(behind), READ_MODELS_BEHIND, behind.position, behind.version
        ) from behind
    except Exception as error:
        log.exception("read models failed to catch up to position %s", result.position)
        failed = ReadModelsBehind(result.position, result.version, "they could not catch up")
        raise _recorded_error(
            str(failed), READ_MODELS_BEHIND, result.position, result.version
        ) from error


def unanswered(result: CommandResult, error: Exception) -> GraphQLError:
    """The error for a change recorded whose answer could not be read."""
    log.exception(
        "change recorded at position %s, its answer failed", result.position, exc_info=error
    )
    return _recorded_error(
        f"The change was recorded at log position {result.position} (version "
        f"{result.version}), but its answer could not be read. Do not send it again; look "
        "it up instead.",
        ANSWER_UNAVAILABLE,
        result.position,
        result.version,
    )


def _recorded_error(message: str, code: str, position: int, version: int) -> GraphQLError:
    return GraphQLError(
        message, extensions={"code": code, "position": position, "version": version}
    )
