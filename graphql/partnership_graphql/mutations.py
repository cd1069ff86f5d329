"""Mutations: one per command. Expected failures are results, not errors.

The contract mutations live here; the other areas are in the mutations_*.py modules, the
input parts they share in mutations_parts.py, and the one path every mutation takes (the
envelope, the command run under the idempotency key, the answer) in mutations_path.py.
"""

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import domain, paper_dates
from partnership.application import PartnershipApplication
from partnership.contracts import ContractTerms
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    CORRECTION,
    ChangeInput,
    StatedInput,
    shared_parts_last,
)
from partnership_graphql.mutations_path import MutationResult, record
from partnership_graphql.types import PeriodUnit

EXPECTED_VERSION = "The contract version you last saw; the change is refused if it has moved on."


@strawberry.input(description="A period as the contract states it, e.g. 3 MONTHS.")
class PeriodInput:
    amount: int = strawberry.field(description=paper_dates.PERIOD_LIMIT)
    unit: PeriodUnit


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
    notice_period_days: int | None = strawberry.field(
        default=None,
        description="Days of notice before the end date a renewal decision must be given; "
        "a shorthand for noticePeriod in DAYS. Give this or noticePeriod.",
    )
    notice_period: PeriodInput | None = strawberry.field(
        default=None,
        description="The notice period as the contract states it, e.g. 3 MONTHS: months count "
        "on the calendar (3 months before 30 November is 30 August). Give this or "
        "noticePeriodDays.",
    )
    value: Decimal | None = None
    extension_options_months: list[int] = strawberry.field(
        default_factory=list,
        description="Pre-agreed extension options, each a length in calendar months, in order "
        "(an option of 12 months from 31 January ends on 31 January; from 29 February, on 28 "
        "February).",
    )
    head_contract_reference: str | None = strawberry.field(
        default=None, description="For a back-to-back contract, the head contract it mirrors."
    )
    auto_renews: bool = strawberry.field(
        default=False, description="Whether it renews automatically unless notice is given."
    )

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        given["extension_options_months"] = tuple(given["extension_options_months"])
        period = given.pop("notice_period")
        if period is not None and given["notice_period_days"] is not None:
            raise domain.InvalidInput(
                "Give the notice period once: noticePeriod or noticePeriodDays, not both.",
                "noticePeriod",
            )
        if period is None and given["notice_period_days"] is None:
            raise domain.InvalidInput(
                "Give the notice period: noticePeriod (e.g. 3 MONTHS) or noticePeriodDays.",
                "noticePeriod",
            )
        if period is not None:
            given["notice_period_days"] = period["amount"]
            given["notice_period_unit"] = period["unit"]
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
    NOTICE_PERIOD = "notice_period"
    VALUE = "value"


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectContractInput(ContractChangeInput):
    corrects_version: int = strawberry.field(
        description="The contract version whose fact was wrong (1 is the award)."
    )
    field: ContractCorrectableField
    value: str = strawberry.field(
        description="The right value, as text: a number for days; for NOTICE_PERIOD, a period "
        "such as '3 months', '2 weeks' or '92 days' (or leave it empty and give noticePeriod)."
    )
    reason: str
    notice_period: PeriodInput | None = strawberry.field(
        default=None, description="For NOTICE_PERIOD: the right notice period, e.g. 3 MONTHS."
    )

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        period = given.pop("notice_period")
        if period is not None and self.field is not ContractCorrectableField.NOTICE_PERIOD:
            raise domain.InvalidInput(
                "noticePeriod is given only when correcting NOTICE_PERIOD.", "noticePeriod"
            )
        if self.field is ContractCorrectableField.NOTICE_PERIOD_DAYS:
            digits = self.value.strip()
            # ASCII digits, few of them: int() would take "١٢" and choke on 5,000 digits.
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
                raise domain.InvalidInput(
                    f"A notice period is a whole number of days, not {self.value!r}.", "value"
                )
            # As amount and unit: a period in months corrected to days becomes days.
            given["field"] = ContractCorrectableField.NOTICE_PERIOD.value
            given["value"] = {"amount": int(digits), "unit": paper_dates.DAYS}
        elif self.field is ContractCorrectableField.NOTICE_PERIOD:
            if period is None:
                read = paper_dates.Period.read(self.value, "value", "The notice period")
                period = {"amount": read.amount, "unit": read.unit}
            elif self.value.strip():
                raise domain.InvalidInput(
                    "Give the corrected notice period once: in value or in noticePeriod.",
                    "noticePeriod",
                )
            given["value"] = period
        return given


@limits_stated
@shared_parts_last
@strawberry.input
class TerminateContractInput(ContractChangeInput):
    reason: str


Commands = PartnershipApplication


@strawberry.type
class Mutation:
    @strawberry.mutation(description="Record a contract's award.")
    async def award_contract(self, info: Info, input: AwardContractInput) -> MutationResult:
        return await record(info, Commands.award_contract, input)

    @strawberry.mutation(description="Exercise the contract's next extension option.")
    async def extend_contract(self, info: Info, input: ExtendContractInput) -> MutationResult:
        return await record(info, Commands.extend_contract, input)

    @strawberry.mutation(description="Record that the supplier changed while the contract runs on.")
    async def novate_contract(self, info: Info, input: NovateContractInput) -> MutationResult:
        return await record(info, Commands.novate_contract, input)

    @strawberry.mutation(
        description="Record an agreed variation, which may move the end date or value."
    )
    async def vary_contract(self, info: Info, input: VaryContractInput) -> MutationResult:
        return await record(info, Commands.vary_contract, input)

    @strawberry.mutation(description="Record that the contract was terminated, and why.")
    async def terminate_contract(self, info: Info, input: TerminateContractInput) -> MutationResult:
        return await record(info, Commands.terminate_contract, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about a contract.")
    async def correct_contract(self, info: Info, input: CorrectContractInput) -> MutationResult:
        return await record(info, Commands.correct_contract, input)
