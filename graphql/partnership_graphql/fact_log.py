"""One log line for each change a mutation asks for: `fact_recorded` with where the fact stands
in the log, or `change_refused` with the refusal's code; and the mutation's outcome counted.

A line names the person by id alone: never a name, an e-mail address or the input's values.
"""

import time
from collections.abc import Callable
from typing import Any

from strawberry.types import Info

from partnership.commands.base import CommandResult, RepeatedResult
from partnership.domain import DomainError
from partnership_graphql.context import context_of
from partnership_graphql.log_lines import get_logger
from partnership_graphql.metrics import ERROR, RECORDED, REPEATED, count_mutation

log = get_logger("partnership.api")
# A natural key is logged as far as this: the domain's own limits are well within it.
KEY_MAX = 100


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def natural_key(given: object) -> str | None:
    """The contract reference a change names, if it names one: a record's key, not a person's."""
    reference = getattr(given, "reference", None)
    return reference[:KEY_MAX] if isinstance(reference, str) else None


def observed_command(
    info: Info[Any, Any], given: object, attempt: Callable[[], CommandResult]
) -> CommandResult:
    """Run `attempt` (a command, on a worker thread) and say what came of it."""
    mutation = info.field_name
    principal = context_of(info).principal
    person_id = None if principal is None else principal.person_id
    started = time.perf_counter()
    try:
        result = attempt()
    except DomainError as error:
        count_mutation(mutation, error.category)
        log.info(
            "change_refused",
            mutation=mutation,
            outcome=error.category,
            code=error.code,
            field=error.field,
            person_id=person_id,
            duration_ms=_ms(started),
        )
        raise
    except Exception:
        count_mutation(mutation, ERROR)
        raise
    repeated = isinstance(result, RepeatedResult)
    count_mutation(mutation, REPEATED if repeated else RECORDED)
    log.info(
        # Nothing new was recorded for a repeat: the first request's line named the fact.
        "change_repeated" if repeated else "fact_recorded",
        mutation=mutation,
        aggregate_id=str(result.aggregate_id),
        reference=natural_key(given),
        number=result.number,
        position=result.position,
        version=result.version,
        person_id=person_id,
        duration_ms=_ms(started),
    )
    return result
