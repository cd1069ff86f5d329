"""Recurring practices: recording one (a weekly supplier meeting, from a day, until further
notice or a last day), ending it, and reading them back."""

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from partnership import practices
from partnership.application import PartnershipApplication as Commands
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import Row
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import ChangeInput, StatedInput, shared_parts_last
from partnership_graphql.mutations_path import MutationResult, record
from partnership_graphql.read_whole import read_as_asked
from projections import read

PRACTICE = "The practice's name, as it was recorded."


@strawberry.enum(description="What kind of practice it is.")
class PracticeKind(Enum):
    SUPPLIER_MEETING = strawberry.enum_value(
        practices.SUPPLIER_MEETING, description="A standing meeting with a supplier."
    )
    OTHER = strawberry.enum_value(practices.OTHER, description="Any other recurring practice.")


@strawberry.enum(description="How often a practice recurs.")
class CadenceName(Enum):
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"
    QUARTERLY = strawberry.enum_value("quarterly", description="Every three months.")
    EVERY_N_WEEKS = strawberry.enum_value(
        practices.EVERY_N_WEEKS, description="Every `every` weeks."
    )
    EVERY_N_MONTHS = strawberry.enum_value(
        practices.EVERY_N_MONTHS, description="Every `every` months."
    )


@strawberry.enum(description="The unit a cadence counts in.")
class CadenceUnit(Enum):
    WEEK = practices.WEEK
    MONTH = practices.MONTH


@limits_stated
@shared_parts_last
@strawberry.input(
    description="A recurring practice, e.g. a weekly supplier meeting with Liberata from "
    "2008-04-01 until further notice."
)
class RecordPracticeInput(StatedInput):
    name: str = strawberry.field(
        description="Its name, e.g. Weekly supplier meeting with Liberata; it identifies the "
        "practice for good."
    )
    kind: PracticeKind
    authorities: list[str] = strawberry.field(
        description="The authorities taking part, each registered, named as registered."
    )
    suppliers: list[str] = strawberry.field(
        default_factory=list,
        description="The suppliers it is held with, as the papers name them; a supplier "
        "meeting needs one.",
    )
    cadence: CadenceName
    every: int | None = strawberry.field(
        default=None,
        description="For EVERY_N_WEEKS (1 to 52) or EVERY_N_MONTHS (1 to 12): how many; "
        "leave out for the other cadences.",
    )
    starts_on: date = strawberry.field(description="The first day of the practice.")
    ends_on: date | None = strawberry.field(
        default=None,
        description="Its last day, if one is set; leave out for until further notice.",
    )
    effective_date: date = strawberry.field(
        description="The day it was agreed, as the paper recording it says."
    )


@limits_stated
@shared_parts_last
@strawberry.input(description="A recurring practice stopping.")
class EndPracticeInput(ChangeInput):
    name: str = strawberry.field(description=PRACTICE)
    ends_on: date = strawberry.field(
        description="Its last day; not before it started. A last day set when it was recorded "
        "may be brought forward or put back; an ending, once recorded, is final."
    )
    reason: str = strawberry.field(description="Why it stopped, as the paper gives it.")
    effective_date: date = strawberry.field(description="The day the ending was agreed.")
    expected_version: int | None = strawberry.field(
        default=None,
        description="The practice's version you last saw (the `version` a change to it "
        "returned); the change is refused if it has moved on.",
    )


@strawberry.type(description="How often a practice recurs.")
class Cadence:
    name: CadenceName = strawberry.field(
        description="WEEKLY, FORTNIGHTLY, MONTHLY or QUARTERLY where one fits, else "
        "EVERY_N_WEEKS or EVERY_N_MONTHS."
    )
    every: int = strawberry.field(description="How many units between one time and the next.")
    unit: CadenceUnit = strawberry.field(description="What it counts in.")
    text: str = strawberry.field(description="In words, e.g. weekly, or every 6 weeks.")

    @classmethod
    def of(cls, every: int, unit: str) -> "Cadence":
        cadence = practices.Cadence(every, unit)
        text = cadence.describe()
        counted = practices.EVERY_N_WEEKS if unit == practices.WEEK else practices.EVERY_N_MONTHS
        name = text if text in practices.NAMED_CADENCES else counted
        return cls(name=CadenceName(name), every=every, unit=CadenceUnit(unit), text=text)


@strawberry.type(
    description="A recurring practice between authorities (and suppliers), from its first day "
    "to its last or until further notice."
)
class Practice:
    name: str = strawberry.field(description="Its name, as recorded.")
    kind: PracticeKind = strawberry.field(description="What kind of practice it is.")
    authorities: list[str] = strawberry.field(
        description="The authorities taking part, as registered, in the order recorded."
    )
    suppliers: list[str] = strawberry.field(description="The suppliers it is held with.")
    cadence: Cadence = strawberry.field(description="How often it recurs.")
    starts_on: date = strawberry.field(description="Its first day.")
    ends_on: date | None = strawberry.field(
        description="Its last day, as planned or as ended; null until further notice."
    )
    ending_reason: str | None = strawberry.field(
        description="Why it stopped, once an ending is recorded; null before."
    )
    recorded_on: date = strawberry.field(description="The day it was agreed, as recorded.")

    @classmethod
    def from_row(cls, row: Row) -> "Practice":
        return cls(
            name=row["name"],
            kind=PracticeKind(row["kind"]),
            authorities=list(row["authorities"]),
            suppliers=list(row["suppliers"]),
            cadence=Cadence.of(row["cadence_every"], row["cadence_unit"]),
            starts_on=row["starts_on"],
            ends_on=row["ends_on"],
            ending_reason=row["ending_reason"],
            recorded_on=row["recorded_on"],
        )


@strawberry.type
class PracticesQuery:
    @strawberry.field(
        description="Recurring practices that an authority you see takes part in, by name. "
        f"{PAGING}"
    )
    async def practices(
        self,
        info: Info,
        authority: Annotated[
            str | None,
            strawberry.argument(
                description="Only those this authority takes part in, named as registered (in "
                "any case); one not on record is refused (authority_not_found)."
            ),
        ] = None,
        supplier: Annotated[
            str | None,
            strawberry.argument(
                description="Only those held with this supplier (in any case); one no practice "
                "you see is held with is refused (supplier_not_found)."
            ),
        ] = None,
        kind: Annotated[
            PracticeKind | None, strawberry.argument(description="Only practices of this kind.")
        ] = None,
        running_on: Annotated[
            date | None,
            strawberry.argument(
                description="Only those running that day: started by then, not ended before."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Practice]:
        filters = read.PracticeFilter(
            authority=authority,
            supplier=supplier,
            kind=None if kind is None else str(kind.value),
            running_on=running_on,
        )
        request = page_request(first, after, last, before)

        def question(conn: Any, seen: read.Visibility) -> read.Page[Row]:
            return read.practices_page(conn, filters, request, visible=seen)

        page = await read_as_asked(info, question)
        return Connection.of(page, Practice.from_row)


@strawberry.type
class PracticesMutation:
    @strawberry.mutation(
        description="Record a recurring practice, e.g. a weekly supplier meeting, with its "
        "parties, cadence and dates."
    )
    async def record_practice(self, info: Info, input: RecordPracticeInput) -> MutationResult:
        return await record(info, Commands.record_practice, input)

    @strawberry.mutation(description="Record that a recurring practice stops, and why.")
    async def end_practice(self, info: Info, input: EndPracticeInput) -> MutationResult:
        return await record(info, Commands.end_practice, input)
