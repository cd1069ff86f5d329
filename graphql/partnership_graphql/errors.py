"""Domain errors become GraphQL results in this one place; anything unexpected is masked."""

import strawberry

from graphql import GraphQLError
from partnership.domain import DomainError


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


def should_mask_error(error: GraphQLError) -> bool:
    """Mask only what failed inside a resolver for a reason we did not foresee.

    Errors without a path come from parsing, validation or variable coercion (a malformed
    date, say): they describe the request, so the caller must see them as they are.
    """
    if error.path is None:
        return False
    return not isinstance(error.original_error, DomainError | GraphQLError)
