"""`node(id:)`: any record by its global id, answered as the query of its own kind answers it.

A record the asker may not see is answered exactly as an id that names nothing, and so is an
id that is no id at all: a coded NotFound (`node_not_found`), never a silent null, as a name
not on record is in every other look-up.
"""

from collections.abc import Callable
from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from access.policy import RULES, refusal
from partnership.domain import InvalidInput
from partnership.global_ids import GLOBAL_ID_MAX, GlobalIdNotFound, Kind, decode
from partnership_graphql.context import Row, context_of
from partnership_graphql.governing_bodies import GoverningBody
from partnership_graphql.inquiries import Inquiry
from partnership_graphql.nodes import Node
from partnership_graphql.partnerships import Authority, Partnership
from partnership_graphql.people import Person
from partnership_graphql.projects import Project
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import Decision, Meeting
from partnership_graphql.supplier_meetings import SupplierMeeting
from partnership_graphql.types import Contract
from projections import read

# Each kind's type, made from the row `read.node_row` answers, judged on the day asked about.
_TYPES: dict[Kind, Callable[[Row, date], Node]] = {
    Kind.CONTRACT: lambda row, _: Contract.from_row(row),
    Kind.GOVERNING_BODY: lambda row, _: GoverningBody.from_row(row),
    Kind.MEETING: Meeting.from_row,
    Kind.DECISION: Decision.from_row,
    Kind.PROJECT: Project.from_row,
    Kind.INQUIRY: lambda row, _: Inquiry.from_row(row),
    Kind.PARTNERSHIP: lambda row, _: Partnership.from_row(row),
    Kind.AUTHORITY: lambda row, _: Authority.from_row(row, row["memberships"]),
    Kind.SUPPLIER_MEETING: lambda row, day: SupplierMeeting.from_row(row, row["actions"], day),
    Kind.PERSON: lambda row, _: Person.from_row(row, row["grants"]),
}


@strawberry.type
class NodeQuery:
    @strawberry.field(
        description="Any record by its global id (a `Node`'s `id`), as the query of its own "
        "kind answers it (a person only for those who may list people); an id that names "
        "nothing you see is refused (node_not_found)."
    )
    async def node(
        self,
        info: Info,
        id: Annotated[
            strawberry.ID,
            strawberry.argument(description=f"A global id (at most {GLOBAL_ID_MAX} characters)."),
        ],
    ) -> Node | None:
        text = str(id)
        if len(text) > GLOBAL_ID_MAX:
            raise InvalidInput(f"An id has at most {GLOBAL_ID_MAX} characters.", "id")
        found = decode(text)
        if found is None:
            raise GlobalIdNotFound(text, None, "id")
        context = context_of(info)
        if found.kind is Kind.PERSON and refusal(RULES["person"], context.principal, None):
            raise GlobalIdNotFound(text, None, "id")
        day = day_asked(info, None)
        row = await read_as_asked(info, lambda conn, seen: read.node_row(conn, found, seen))
        if row is None:
            raise GlobalIdNotFound(text, None, "id")
        return _TYPES[found.kind](row, day)
