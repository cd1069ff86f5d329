"""Mutations: one per command. Expected failures are results, not errors.

The contract mutations live here, with what every area's mutations share: the runner that
takes a command off the event loop, the `RecordResult` they answer with, and the reading of
corrected values given as text. The other areas are in the mutations_*.py modules.
"""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Protocol, TypeVar, cast

import strawberry
from sqlalchemy import Connection
from strawberry.types import Info

from partnership import domain
from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.base import RepeatedResult
from partnership.commands.meetings import DecisionResult
from partnership.commands.supplier_meetings import NumberedResult
from partnership.contracts import ContractTerms
from partnership.domain import Actor, DomainError, Provenance
from partnership_graphql.answers import caught_up, unanswered
from partnership_graphql.context import context_of, off_the_loop
from partnership_graphql.errors import (
    Conflict,
    InvalidInput,
    NotFound,
    Problem,
    RuleBroken,
    problem_from,
)
from partnership_graphql.idempotency import IDEMPOTENCY, run_claimed
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.types import Contract, TimelineEntry
from projections import queries as read

EFFECTIVE_DATE = "When it happened in the world (not when you are recording it)."
SOURCE = "The paper it comes from: body, meeting date and item, or paper title and date."
EXPECTED_VERSION = "The contract version you last saw; the change is refused if it has moved on."
CORRECTS_VERSION = (
    "The version of the record whose fact was wrong (1 is the first fact recorded about it)."
)
CORRECTION_REASON = "Why the recorded fact was wrong, e.g. 'minuted as 90 days, entered as 180'."
CORRECTION = (
    "Put right a wrongly recorded fact. Nothing is edited or deleted: the correction is a "
    "new fact that names the one it corrects and why."
)


def version_seen(record: str) -> str:
    """The description of `expectedVersion` for changes to `record`."""
    return (
        f"The {record}'s version you last saw (the `version` a change to it returned); "
        "the change is refused if it has moved on."
    )


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


@limits_stated
@strawberry.input
class ExtendContractInput:
    reference: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@limits_stated
@strawberry.input
class NovateContractInput:
    reference: str
    new_supplier: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


@limits_stated
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


@limits_stated
@strawberry.input(description=CORRECTION)
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


@limits_stated
@strawberry.input
class TerminateContractInput:
    reference: str
    reason: str
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


R = TypeVar("R", bound=CommandResult)
T = TypeVar("T")
Command = Callable[[PartnershipApplication, Actor, datetime], CommandResult]


async def run_command(
    info: Info,
    command: Callable[[PartnershipApplication, Actor, datetime], R],
    answer: Callable[[Connection, R], T],
) -> T | Problem:
    """Run a command off the loop; answer from the read models once they reflect the change.

    The recorder is the request's actor, never a value from the input. Anything the domain
    refuses comes back as a Problem, and then nothing was written. Once a change is written,
    a failure to answer is a top-level error that names where it was recorded, so the caller
    knows not to send it again (or to resend it under the same idempotency key).
    """
    context = context_of(info)
    runtime = context.runtime

    def work() -> T | Problem:
        now = runtime.clock()
        try:
            result = run_claimed(
                info, context, now, lambda: command(runtime.app, context.actor, now)
            )
        except DomainError as error:
            return problem_from(error)
        recorded = cast(R, result)
        caught_up(runtime, recorded)
        # A later field of this request must not be answered from rows loaded before the change.
        context.loaders.forget_all()
        try:
            with runtime.store.reader.connect() as conn:
                return answer(conn, recorded)
        except Exception as error:
            raise unanswered(recorded, error) from error

    outcome: T | Problem = await off_the_loop(work)
    return outcome


def _contract_changed(conn: Connection, result: CommandResult) -> ContractChanged:
    row = read.contract_by_id(conn, result.aggregate_id)
    assert row is not None, "the register must hold a contract it has just seen"
    return ContractChanged(
        contract=Contract.from_row(row), version=result.version, position=result.position
    )


async def _run(info: Info, command: Command) -> ContractChanged | Problem:
    return await run_command(info, command, _contract_changed)


@strawberry.type(description=f"The fact was recorded. {IDEMPOTENCY}")
class Recorded:
    position: int = strawberry.field(description="Where the fact stands in the log.")
    version: int = strawberry.field(
        description="The version of the record it changed (the partnership, body, meeting, "
        "project …) that this change made: pass it as `expectedVersion` with the next change "
        "to that record."
    )
    number: str | None = strawberry.field(
        description="The number the record gave what was recorded, to refer to it next: a "
        "decision's number (e.g. '6.1'), a supplier action's or an escalation's. Null for "
        "other facts."
    )
    entry: TimelineEntry = strawberry.field(
        description="The fact as a line of the timeline. Where one change records two facts "
        "(a decision, and the earlier decision's note that this one supersedes it), the last."
    )


RecordResult = Annotated[
    Recorded | InvalidInput | NotFound | Conflict | RuleBroken,
    strawberry.union("RecordResult"),
]


def _recorded(conn: Connection, result: CommandResult) -> Recorded:
    found = read.timeline_entry(conn, result.position)
    assert found is not None, "the timeline must hold a fact it has just seen"
    row, authorities = found
    return Recorded(
        position=result.position,
        version=result.version,
        number=result.number if isinstance(result, RepeatedResult) else _number_of(result),
        entry=TimelineEntry.from_row(row, authorities),
    )


def _number_of(result: CommandResult) -> str | None:
    if isinstance(result, DecisionResult):
        return result.decision_number
    if isinstance(result, NumberedResult):
        return result.number
    return None


async def record(
    info: Info, command: Command, inputs: Mapping[str, str] | None = None
) -> RecordResult:
    """Run a command of the record and answer with the fact it recorded, or the Problem.

    `inputs` renames the fields a refusal names where the domain calls an input otherwise
    (a project is its "name" when started, but the `project` of every later input), so that
    a Problem always points at a field of the input the caller sent.
    """
    outcome = await run_command(info, command, _recorded)
    if isinstance(outcome, Problem) and inputs and outcome.field is not None:
        outcome.field = inputs.get(outcome.field, outcome.field)
    return cast(RecordResult, outcome)


def domain_code(member: Enum) -> str:
    """What the record holds for a GraphQL enum value (DISTRICT is recorded as district)."""
    return str(member.value)


class Provenanced(Protocol):
    effective_date: date
    source: str


def provenance_of(given: Provenanced) -> Provenance:
    return Provenance(given.effective_date, given.source)


# Corrected values arrive as text, whatever the field: these read them as the domain wants
# them. They raise the domain's own InvalidInput, so a malformed value is refused like any
# other input, naming the field "value".


def required_value(value: str | None, label: str) -> str:
    if value is None:
        raise domain.InvalidInput(f"Give the corrected {label}; it cannot be left empty.", "value")
    return value


def optional_value(value: str | None) -> str | None:
    """Blank means none: forms send an empty string for a cleared field."""
    return None if value is None or not value.strip() else value


def date_value(value: str | None, label: str) -> date | None:
    cleaned = optional_value(value)
    if cleaned is None:
        return None
    try:
        return date.fromisoformat(cleaned.strip())
    except ValueError:
        raise domain.InvalidInput(
            f"The {label} is a date written like 2011-10-31, not {value!r}.", "value"
        ) from None


def code_value(value: str | None, codes: type[Enum], label: str) -> str:
    """One of a closed set, as its GraphQL name (DISTRICT) or as recorded (district)."""
    given = required_value(value, label)
    wanted = "_".join(given.split()).lower()
    for member in codes:
        if wanted in (member.value, member.name.lower()):
            return str(member.value)
    names = ", ".join(member.name for member in codes)
    raise domain.InvalidInput(f"The {label} must be one of {names}, not {given!r}.", "value")


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
            digits = input.value.strip()
            # ASCII digits, few of them: int() would take "١٢" and choke on 5,000 digits.
            if not (digits.isascii() and digits.isdigit() and len(digits) <= 18):
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
