"""Correcting any recorded fact, or withdrawing it as recorded in error, named by its record's
id and the version it was recorded at (both on every timeline entry)."""

import re
from typing import Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from partnership.application import PartnershipApplication as Commands
from partnership.commands.revisions import RecordNotFound
from partnership.domain import InvalidInput
from partnership.global_ids import GLOBAL_ID_MAX, decode
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import ChangeInput
from partnership_graphql.mutations_path import MutationResult, record

RECORD = (
    "The record's id: the `id` of a contract, body, meeting, project, inquiry, partnership, "
    "authority or supplier meeting, or a timeline entry's `recordId`."
)
VERSION = (
    "Which of the record's facts: the version it was recorded at (a timeline entry's "
    "`version`; 1 is the first fact recorded about it)."
)
FIELD = (
    "The fact's field that was wrong, as the fact names it, e.g. effectiveDate, source, "
    "authority, startDate, endDate, newSupplier, title. A refusal lists the fields the fact "
    "has (at most 64 characters). A field that identifies the record (a contract's "
    "reference, a body's name) is not corrected: withdraw the record and record it again."
)
VALUE = (
    "What it should have been: text, a whole number, true or false, a date as YYYY-MM-DD, an "
    "amount of money as text, or a list; null to clear a field that may be empty."
)
REASON = "Why the recorded fact was wrong, e.g. 'minuted as 90 days, entered as 180'."
WITHDRAW_REASON = "Why the fact was recorded in error, e.g. 'entered against the wrong contract'."
# Field names are identifiers: anything longer or stranger names no field of any fact.
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")


@limits_stated
@strawberry.input(
    description="Put right one field of a recorded fact, its effective date included. Nothing "
    "is edited or deleted: the correction is a new fact that names the one it corrects and "
    "why. The record's rules are checked again with the corrected fact, and a correction that "
    "would break one is refused with the reason."
)
class CorrectFactInput(ChangeInput):
    record: strawberry.ID = strawberry.field(description=RECORD)
    version: int = strawberry.field(description=VERSION)
    field: str = strawberry.field(description=FIELD)
    value: JSON | None = strawberry.field(description=VALUE)
    reason: str = strawberry.field(description=REASON)

    def command_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {
            **arguments,
            "record": _aggregate_of(self.record),
            "field": _field_name(self.field),
        }


@limits_stated
@strawberry.input(
    description="Withdraw a fact recorded in error. It stays in the log and in the timeline, "
    "marked withdrawn, and the record reads as if it had never been recorded; withdrawing a "
    "record's first fact (version 1) withdraws the record, which then takes no further change "
    "and raises no alert."
)
class WithdrawFactInput(ChangeInput):
    record: strawberry.ID = strawberry.field(description=RECORD)
    version: int = strawberry.field(description=VERSION)
    reason: str = strawberry.field(description=WITHDRAW_REASON)

    def command_arguments(self, arguments: dict[str, Any]) -> dict[str, Any]:
        return {**arguments, "record": _aggregate_of(self.record)}


def _aggregate_of(record_id: str) -> Any:
    named = decode(record_id) if len(record_id) <= GLOBAL_ID_MAX else None
    if named is None:
        raise RecordNotFound()
    return named.aggregate_id


def _field_name(name: str) -> str:
    """The fact's field as the record keeps it (effectiveDate is effective_date)."""
    if not _FIELD_NAME.fullmatch(name):
        raise InvalidInput(f"{name[:64]!r} is not the name of a field.", "field")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


@strawberry.type
class RevisionMutations:
    @strawberry.mutation(description="Correct one field of any recorded fact.")
    async def correct_fact(self, info: Info, input: CorrectFactInput) -> MutationResult:
        return await record(info, Commands.correct_fact, input)

    @strawberry.mutation(description="Withdraw a fact, or a whole record, recorded in error.")
    async def withdraw_fact(self, info: Info, input: WithdrawFactInput) -> MutationResult:
        return await record(info, Commands.withdraw_fact, input)
