"""Domain errors become GraphQL results in this one place; anything unexpected is masked.

Every error a response carries has a stable `extensions.code` to branch on: a problem in a
result union has its `code` field, and each top-level error is given its code here (parse and
validation errors and the shape limits bring theirs, see documents.py and limits.py).
"""

from collections.abc import Iterator
from typing import Any

import strawberry
from strawberry.extensions import MaskErrors

from graphql import GraphQLError
from partnership.domain import DomainError
from projections.runtime import ReadModelsBehind

# A variable's value does not fit its type (a malformed date, a string for a number).
BAD_USER_INPUT = "BAD_USER_INPUT"
# A failure we did not foresee; its message is always "Unexpected error.".
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"
# A refusal raised as a GraphQL error by the API layer without a code of its own.
BAD_REQUEST = "BAD_REQUEST"


@strawberry.interface(description="Why a change was refused. Nothing was recorded.")
class Problem:
    code: str = strawberry.field(description="Stable code to branch on, e.g. end_before_start.")
    message: str = strawberry.field(description="What was wrong, in plain words.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")


@strawberry.type(description="The input was incomplete or inconsistent.")
class InvalidInput(Problem):
    pass


@strawberry.type(description="The thing named does not exist.")
class NotFound(Problem):
    pass


@strawberry.type(
    description="It already exists, or someone else changed it first: reload and retry."
)
class Conflict(Problem):
    pass


@strawberry.type(description="The change breaks a rule of the record, e.g. no option left.")
class RuleBroken(Problem):
    pass


PROBLEM_TYPES: dict[str, type[Problem]] = {
    "invalid_input": InvalidInput,
    "not_found": NotFound,
    "conflict": Conflict,
    "rule": RuleBroken,
}


def problem_from(error: DomainError) -> Problem:
    problem_type = PROBLEM_TYPES.get(error.category, RuleBroken)
    return problem_type(code=error.code, message=error.message, field=error.field)


_EXPECTED = (DomainError, ReadModelsBehind, GraphQLError)


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only what failed for a reason we did not foresee.

    Errors without a path come from parsing, validation or variable coercion (a malformed
    date, say): they describe the request, so the caller must see them as they are. Only such
    an error pointing at no part of the document and caused by an exception of ours is a
    fault (an extension that failed), not the request's.
    """
    original = error.original_error
    if error.path is None:
        return not error.nodes and original is not None and not isinstance(original, _EXPECTED)
    return not isinstance(original, _EXPECTED)


def error_extensions(error: GraphQLError) -> dict[str, Any]:
    """The code (and, where known, the field or log position) a client branches on."""
    original = error.original_error
    if isinstance(original, DomainError):
        extensions: dict[str, Any] = {"code": original.code}
        if original.field is not None:
            extensions["field"] = original.field
        return extensions
    if isinstance(original, ReadModelsBehind):
        return {"code": original.code, "position": original.position, "version": original.version}
    if error.path is None:
        # Parse and validation errors came with their codes: what is left is coercion.
        return {"code": BAD_USER_INPUT}
    return {"code": BAD_REQUEST}


class CodedErrors(MaskErrors):
    """MaskErrors, giving every error left its stable code."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=should_mask_error)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL_SERVER_ERROR}
        return masked

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            if not (error.extensions or {}).get("code"):
                error.extensions = {**(error.extensions or {}), **error_extensions(error)}
