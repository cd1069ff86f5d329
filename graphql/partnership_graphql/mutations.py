"""Mutations: one per command. Expected failures are results, not errors.

The contract mutations live here; the other areas are in the mutations_*.py modules, the
input parts they share in mutations_parts.py, and the one path every mutation takes (the
envelope, the command run under the idempotency key, the answer) in mutations_path.py.
"""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import strawberry
from sqlalchemy import Connection
from strawberry.types import Info

from partnership import domain
from partnership.application import CommandResult, PartnershipApplication
from partnership.contracts import ContractTerms
from partnership_graphql.errors import Conflict, InvalidInput, NotFound, RuleBroken
from partnership_graphql.idempotency import IDEMPOTENCY
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    CORRECTION,
    ChangeInput,
    StatedInput,
    shared_parts_last,
)
from partnership_graphql.mutations_path import Sent, forward, run_command
from partnership_graphql.types import Contract
from projections import read

EXPECTED_VERSION = "The contract version you last saw; the change is refused if it has moved on."


@strawberry.type(description=f"The change was recorded. {IDEMPOTENCY}")
class ContractChanged:
    contract: Contract = strawberry.field(
        description="The contract as it now stands (later changes by others included)."
    )
    version: int = strawberry.field(
        description="The contract's version this change made: pass it as `expectedVersion` "
        "with your next change to it."
    )
    position: int = strawberry.field(description="Where this change stands in the log.")


ContractResult = Annotated[
    ContractChanged | InvalidInput | NotFound | Conflict | RuleBroken,
    strawberry.union("ContractResult"),
]


@limits_stated
@shared_parts_last
@strawberry.input
class AwardContractInput(StatedInput):
    reference: str = strawberry.field(description="The contract's reference, unique for good.")
    title: str
    supplier: str
    authority: str = strawberry.field(description="The contracting authority.")
    start_date: date
    end_date: date
    notice_period_days: int = strawberry.field(
        description="Days of notice before the end date a renewal decision must be given."
    )
    value: Decimal | None = None
    extension_options_months: list[int] = strawberry.field(
        default_factory=list,
        description="Pre-agreed extension options, each a length in months, in order.",
    )
    head_contract_reference: str | None = strawberry.field(
        default=None, description="For a back-to-back contract, the head contract it mirrors."
    )
    auto_renews: bool = strawberry.field(
        default=False, description="Whether it renews automatically unless notice is given."
    )

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        given["extension_options_months"] = tuple(given["extension_options_months"])
        return {"terms": ContractTerms(**given)}


@strawberry.input
class ContractChangeInput(ChangeInput):
    reference: str

    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input
class ExtendContractInput(ContractChangeInput):
    pass


@limits_stated
@shared_parts_last
@strawberry.input
class NovateContractInput(ContractChangeInput):
    new_supplier: str


@limits_stated
@shared_parts_last
@strawberry.input
class VaryContractInput(ContractChangeInput):
    description: str = strawberry.field(description="What was agreed to change.")
    new_end_date: date | None = None
    new_value: Decimal | None = None


@strawberry.enum(description="What of a contract's record can be corrected.")
class ContractCorrectableField(Enum):
    TITLE = "title"
    NOTICE_PERIOD_DAYS = "notice_period_days"
    VALUE = "value"


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectContractInput(ContractChangeInput):
    corrects_version: int = strawberry.field(
        description="The contract version whose fact was wrong (1 is the award)."
    )
    field: ContractCorrectableField
    value: str = strawberry.field(description="The right value, as text (a number for days).")
    reason: str

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        if self.field is ContractCorrectableField.NOTICE_PERIOD_DAYS:
            digits = self.value.strip()
            # ASCII digits, few of them: int() would take "١٢" and choke on 5,000 digits.
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
                raise domain.InvalidInput(
                    f"A notice period is a whole number of days, not {self.value!r}.", "value"
                )
            given["value"] = int(digits)
        return given


@limits_stated
@shared_parts_last
@strawberry.input
class TerminateContractInput(ContractChangeInput):
    reason: str


def _contract_changed(conn: Connection, result: CommandResult) -> ContractChanged:
    row = read.contract_by_id(conn, result.aggregate_id)
    assert row is not None, "the register must hold a contract it has just seen"
    return ContractChanged(
        contract=Contract.from_row(row), version=result.version, position=result.position
    )


async def _contract(info: Info, command: Any, input: Sent) -> ContractResult:
    return await run_command(  # type: ignore[return-value]
        info, input, forward(command, input), _contract_changed
    )


Commands = PartnershipApplication


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record a contract's award.")
    async def award_contract(self, info: Info, input: AwardContractInput) -> ContractResult:
        return await _contract(info, Commands.award_contract, input)

    @strawberry.mutation(description="Exercise the contract's next extension option.")
    async def extend_contract(self, info: Info, input: ExtendContractInput) -> ContractResult:
        return await _contract(info, Commands.extend_contract, input)

    @strawberry.mutation(description="Record that the supplier changed while the contract runs on.")
    async def novate_contract(self, info: Info, input: NovateContractInput) -> ContractResult:
        return await _contract(info, Commands.novate_contract, input)

    @strawberry.mutation(
        description="Record an agreed variation, which may move the end date or value."
    )
    async def vary_contract(self, info: Info, input: VaryContractInput) -> ContractResult:
        return await _contract(info, Commands.vary_contract, input)

    @strawberry.mutation(description="Record that the contract was terminated, and why.")
    async def terminate_contract(self, info: Info, input: TerminateContractInput) -> ContractResult:
        return await _contract(info, Commands.terminate_contract, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about a contract.")
    async def correct_contract(self, info: Info, input: CorrectContractInput) -> ContractResult:
        return await _contract(info, Commands.correct_contract, input)
