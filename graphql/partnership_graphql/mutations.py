"""Mutations: one per command. Expected failures are results, not errors."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from partnership.application import CommandResult, PartnershipApplication
from partnership.contracts import ContractTerms
from partnership.domain import Actor, DomainError, Provenance
from partnership_graphql.context import context_of, off_the_loop
from partnership_graphql.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Problem,
    RuleBroken,
    problem_from,
)
from partnership_graphql.types import Contract
from projections import queries as read

EFFECTIVE_DATE = "When it happened in the world (not when you are recording it)."
SOURCE = "The paper it comes from: body, meeting date and item, or paper title and date."
EXPECTED_VERSION = "The contract version you last saw; the change is refused if it has moved on."


@strawberry.type(description="The change was recorded.")
class ContractChanged:
    contract: Contract = strawberry.field(description="The contract as it now stands.")
    position: int = strawberry.field(description="Where the change stands in the log.")


ContractResult = Annotated[
    ContractChanged | InvalidInput | NotFound | Conflict | RuleBroken,
    strawberry.union("ContractResult"),
]


@strawberry.input
class AwardContractInput:
    reference: str = strawberry.field(description="The contract's reference, unique for good.")
    title: str
    supplier: str
    authority: str = strawberry.field(description="The contracting authority.")
    start_date: date
    end_date: date
    notice_period_days: int = strawberry.field(
        description="Days of notice before the end date a renewal decision must be given."
    )
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
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


@strawberry.input
class ExtendContractInput:
    reference: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input
class NovateContractInput:
    reference: str
    new_supplier: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input
class VaryContractInput:
    reference: str
    description: str = strawberry.field(description="What was agreed to change.")
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    new_end_date: date | None = None
    new_value: Decimal | None = None
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.enum(description="What of a contract's record can be corrected.")
class ContractCorrectableField(Enum):
    TITLE = "title"
    NOTICE_PERIOD_DAYS = "notice_period_days"
    VALUE = "value"


@strawberry.input(
    description="Put right a wrongly recorded fact. Nothing is edited or deleted: the "
    "correction is a new fact that names the one it corrects and why."
)
class CorrectContractInput:
    reference: str
    corrects_version: int = strawberry.field(
        description="The contract version whose fact was wrong (1 is the award)."
    )
    field: ContractCorrectableField
    value: str = strawberry.field(description="The right value, as text (a number for days).")
    reason: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@strawberry.input
class TerminateContractInput:
    reference: str
    reason: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


Command = Callable[[PartnershipApplication, Actor, datetime], CommandResult]


async def _run(info: Info, command: Command) -> ContractChanged | Problem:
    """Run a command off the loop; answer from the read model once it reflects the change."""
    context = context_of(info)
    runtime = context.runtime

    def work() -> ContractChanged | Problem:
        try:
            result = runtime.seen(command(runtime.app, context.actor, runtime.clock()))
        except DomainError as error:
            return problem_from(error)
        with runtime.store.reader.connect() as conn:
            row = read.contract_by_id(conn, result.aggregate_id)
        assert row is not None, "the register must hold a contract it has just seen"
        return ContractChanged(contract=Contract.from_row(row), position=result.position)

    outcome: ContractChanged | Problem = await off_the_loop(work)
    return outcome


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record a contract's award.")
    async def award_contract(self, info: Info, input: AwardContractInput) -> ContractResult:
        terms = ContractTerms(
            reference=input.reference,
            title=input.title,
            supplier=input.supplier,
            authority=input.authority,
            start_date=input.start_date,
            end_date=input.end_date,
            notice_period_days=input.notice_period_days,
            value=input.value,
            extension_options_months=tuple(input.extension_options_months),
            head_contract_reference=input.head_contract_reference,
            auto_renews=input.auto_renews,
        )
        provenance = Provenance(input.effective_date, input.source)
        return await _run(  # type: ignore[return-value]
            info, lambda app, actor, now: app.award_contract(terms, provenance, actor, now)
        )

    @strawberry.mutation(description="Exercise the contract's next extension option.")
    async def extend_contract(self, info: Info, input: ExtendContractInput) -> ContractResult:
        provenance = Provenance(input.effective_date, input.source)
        return await _run(  # type: ignore[return-value]
            info,
            lambda app, actor, now: app.extend_contract(
                input.reference, provenance, actor, now, input.expected_version
            ),
        )

    @strawberry.mutation(description="Record that the supplier changed while the contract runs on.")
    async def novate_contract(self, info: Info, input: NovateContractInput) -> ContractResult:
        provenance = Provenance(input.effective_date, input.source)
        return await _run(  # type: ignore[return-value]
            info,
            lambda app, actor, now: app.novate_contract(
                input.reference,
                input.new_supplier,
                provenance,
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Record an agreed variation, which may move the end date or value."
    )
    async def vary_contract(self, info: Info, input: VaryContractInput) -> ContractResult:
        provenance = Provenance(input.effective_date, input.source)
        return await _run(  # type: ignore[return-value]
            info,
            lambda app, actor, now: app.vary_contract(
                input.reference,
                input.description,
                provenance,
                actor,
                now,
                new_end_date=input.new_end_date,
                new_value=input.new_value,
                expected_version=input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record that the contract was terminated, and why.")
    async def terminate_contract(self, info: Info, input: TerminateContractInput) -> ContractResult:
        provenance = Provenance(input.effective_date, input.source)
        return await _run(  # type: ignore[return-value]
            info,
            lambda app, actor, now: app.terminate_contract(
                input.reference, input.reason, provenance, actor, now, input.expected_version
            ),
        )

    @strawberry.mutation(description="Correct a wrongly recorded fact about a contract.")
    async def correct_contract(
        self,
        info: Info,
        input: CorrectContractInput,
    ) -> ContractResult:
        provenance = Provenance(input.effective_date, input.source)
        field = input.field.value
        value: object = input.value
        if field == "notice_period_days":
            if not input.value.strip().isdigit():
                return InvalidInput(
                    code="invalid_input",
                    message=f"A notice period is a whole number of days, not {input.value!r}.",
                    field="value",
                )
            value = int(input.value)
        return await _run(  # type: ignore[return-value]
            info,
            lambda app, actor, now: app.correct_contract(
                input.reference,
                input.corrects_version,
                field,
                value,
                input.reason,
                provenance,
                actor,
                now,
                input.expected_version,
            ),
        )
