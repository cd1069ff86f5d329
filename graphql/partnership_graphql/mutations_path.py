"""The one path every mutation takes: the envelope made from the request, the command's
arguments read from the input, the command run off the loop under the request's idempotency
key, refusals as Problems, and the answer read once the read models show the change.
"""

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Protocol, TypeVar, cast

import strawberry
from sqlalchemy import Connection
from strawberry.types import Info

from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import DomainError, Provenance
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
from partnership_graphql.fact_log import observed_command
from partnership_graphql.idempotency import IDEMPOTENCY, claim_of
from partnership_graphql.mutations_parts import ENVELOPE_FIELDS, AddressPart
from partnership_graphql.types import TimelineEntry
from projections import read

if TYPE_CHECKING:
    from partnership_graphql.mutations_records import ChangedRecord

T = TypeVar("T")
Command = Callable[[PartnershipApplication, Envelope], CommandResult]
# How a change's record is read back for the person asking, where the change's own kind of
# record needs more than its id to be found (an alert, by its key and day).
ShowRecord = Callable[[Info], Awaitable[object | None]]


class Sent(Protocol):
    """A mutation's input: it says which paper the change comes from."""

    def provenance(self, now: datetime) -> Provenance: ...


def envelope_of(info: Info, sent: Sent) -> Envelope:
    """What the command carries besides its own fields, made once per mutation field: who
    asks (the request's actor, never a value from the input), the runtime's clock, the paper
    and expected version the input gives, and the claim of the request's idempotency key.

    Raises the domain's InvalidIdempotencyKey for a malformed key, as any other refusal.
    """
    context = context_of(info)
    now = context.runtime.clock()
    return Envelope(
        provenance=sent.provenance(now),
        actor=context.actor,
        now=now,
        expected_version=getattr(sent, "expected_version", None),
        claim=claim_of(info, context, now),
    )


def arguments_of(given: object) -> dict[str, Any]:
    """A command's keyword arguments from a mutation input, by the names of its fields.

    Enums become what the record holds, nested inputs plain mappings; the fields of an address
    part become the one value the command takes; the paper and version go to the envelope.
    An input whose fields the command takes otherwise says so in `command_arguments`.
    """
    taken = set(ENVELOPE_FIELDS)
    arguments: dict[str, Any] = {}
    if isinstance(given, AddressPart):
        part = next(p for p in type(given).__mro__ if "address" in vars(p))
        taken.update(field.name for field in dataclasses.fields(part))
        arguments[given.argument] = given.address()
    for field in dataclasses.fields(given):  # type: ignore[arg-type]
        if field.name not in taken:
            arguments[field.name] = _plain(getattr(given, field.name))
    adjust = getattr(given, "command_arguments", None)
    return arguments if adjust is None else cast(dict[str, Any], adjust(arguments))


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, list):
        return [_plain(each) for each in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def forward(command: Callable[..., CommandResult], given: object) -> Command:
    """`command` (a method of the application) with the input's fields as its arguments."""

    def send(app: PartnershipApplication, envelope: Envelope) -> CommandResult:
        return command(app, **arguments_of(given), envelope=envelope)

    return send


async def run_command(
    info: Info, sent: Sent, command: Command, answer: Callable[[Connection, CommandResult], T]
) -> T | Problem:
    """Run a command off the loop; answer from the read models once they reflect the change.

    Anything the domain refuses comes back as a Problem, and then nothing was written. Once a
    change is written, a failure to answer is a top-level error that names where it was
    recorded, so the caller knows not to send it again (or to resend it under the same
    idempotency key).
    """
    context = context_of(info)
    runtime = context.runtime

    def work() -> T | Problem:
        try:
            result = observed_command(
                info, sent, lambda: command(runtime.app, envelope_of(info, sent))
            )
        except DomainError as error:
            return problem_from(error)
        caught_up(runtime, result)
        # A later field of this request must not be answered from rows loaded before the change,
        # nor narrowed by what the person could see before it (a partnership just formed).
        context.loaders.forget_all()
        context.visibility = None
        try:
            with runtime.store.reader.connect() as conn:
                return answer(conn, result)
        except Exception as error:
            raise unanswered(result, error) from error

    outcome: T | Problem = await off_the_loop(work)
    return outcome


@strawberry.type(
    description=f"The change was recorded: where, the version it made, its timeline line and "
    f"the record it changed as that now reads. {IDEMPOTENCY}"
)
class Recorded:
    position: int = strawberry.field(description="Where the fact stands in the log.")
    version: int = strawberry.field(
        description="The version of the record it changed (the contract, partnership, body, "
        "meeting, project …) that this change made: pass it as `expectedVersion` with the next "
        "change to that record."
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
    changed: strawberry.Private[CommandResult]
    shown: strawberry.Private[ShowRecord | None] = None

    @strawberry.field(
        description="The record the change was made to (the contract, partnership, body, "
        "meeting, project, inquiry, supplier meeting, practice, authority, person or alert) as "
        "it now reads, later changes by others included: read as the questions read it, and "
        "null where you may not see it."
    )
    async def record(
        self, info: Info
    ) -> (
        Annotated["ChangedRecord", strawberry.lazy("partnership_graphql.mutations_records")] | None
    ):
        # The read types name the mutation inputs' enums, so they cannot be imported above.
        from partnership_graphql.mutations_records import record_as_it_reads

        changed = self.changed
        try:
            if self.shown is not None:
                return cast("ChangedRecord | None", await self.shown(info))
            return await record_as_it_reads(info, changed.aggregate_id)
        except Exception as error:
            raise unanswered(changed, error) from error


MutationResult = Annotated[
    Recorded | InvalidInput | NotFound | Conflict | RuleBroken,
    strawberry.union(
        "MutationResult",
        description="What every change answers: Recorded, or the Problem that refused it.",
    ),
]


def recorded(conn: Connection, result: CommandResult, shown: ShowRecord | None = None) -> Recorded:
    """The answer to a change the read models show: its timeline line, its record on demand."""
    found = read.timeline_entry(conn, result.position)
    assert found is not None, "the timeline must hold a fact it has just seen"
    row, authorities = found
    return Recorded(
        position=result.position,
        version=result.version,
        number=result.number,
        entry=TimelineEntry.from_row(row, authorities),
        changed=result,
        shown=shown,
    )


async def record(
    info: Info,
    command: Callable[..., CommandResult],
    given: Sent,
    inputs: Mapping[str, str] | None = None,
) -> MutationResult:
    """Send `given` to `command` and answer with the fact it recorded, or the Problem.

    `inputs` renames the fields a refusal names where the domain calls an input otherwise
    (a project is its "name" when started, but the `project` of every later input), so that
    a Problem always points at a field of the input the caller sent.
    """
    outcome = await run_command(info, given, forward(command, given), recorded)
    if isinstance(outcome, Problem) and inputs and outcome.field is not None:
        outcome.field = inputs.get(outcome.field, outcome.field)
    return cast(MutationResult, outcome)
