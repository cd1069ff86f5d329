"""Governing bodies read back: a partnership's bodies, and one body with its terms of reference,
members, chairs and decision rules as they stood on any day, its parent and its meetings."""

from datetime import date
from typing import Annotated, Any, TypeVar

import sqlalchemy
import strawberry
from strawberry.types import Info

from partnership.domain import InvalidInput, NotFound
from partnership.global_ids import Kind
from partnership.governance import GoverningBodyNotFound, authority_body_id
from partnership.limits import check_date
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
from partnership_graphql.mutations_governance import BodyKind, VotingRule
from partnership_graphql.nodes import Node, node_id, not_found
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import Meeting
from partnership_graphql.search import NameSearch
from projections import read
from projections.read.bodies import dated, in_force, members_on

T = TypeVar("T")

AS_OF_DAY = strawberry.argument(description="The day asked about; default today.")


@strawberry.type(description="One version of a body's terms of reference.")
class TermsOfReference:
    version: int = strawberry.field(description="1 for the first adopted, then 2, 3…")
    items: list[str] = strawberry.field(description="Its items, in their order.")
    effective_date: date = strawberry.field(description="The day it took effect.")


@strawberry.type(description="An authority's membership of a body, from appointment to removal.")
class BodyMembership:
    authority: str = strawberry.field(description="The member authority.")
    appointed_on: date = strawberry.field(description="The day it became a member.")
    removed_on: date | None = strawberry.field(
        description="The day it stopped being one; null while it is still a member."
    )
    removal_reason: str | None = strawberry.field(description="Why it was removed, if it was.")


@strawberry.type(description="A chair of a body, from the day they were appointed.")
class BodyChair:
    person: str = strawberry.field(description="The chair's name.")
    authority: str = strawberry.field(description="The authority the chair acts for.")
    effective_date: date = strawberry.field(
        description="The day they took the chair; it passes to the next chair appointed."
    )


@strawberry.type(description="A decision rule a body adopted, from the day it took effect.")
class BodyDecisionRule:
    quorum: int = strawberry.field(
        description="How many member authorities must take part for a vote to count."
    )
    voting: VotingRule = strawberry.field(description="How the votes decide a question.")
    electronic_response_days: int | None = strawberry.field(
        description="Days after a meeting absent members have to respond; null if they "
        "cannot respond electronically."
    )
    effective_date: date = strawberry.field(description="The day it took effect.")


@strawberry.type(
    description="A partnership's committee, board, panel or group, or an authority's own body "
    "(a district's Executive, a scrutiny panel)."
)
class GoverningBody(Node):
    partnership: str | None = strawberry.field(
        description="The partnership it belongs to; null for an authority's own body."
    )
    authority: str | None = strawberry.field(
        description="The authority it belongs to, for a body of one authority alone; null for "
        "a partnership's body."
    )
    name: str = strawberry.field(description="Its name, as established.")
    kind: BodyKind = strawberry.field(description="What kind of body it is.")
    established_on: date = strawberry.field(description="The day it was established.")
    withdrawn: bool = strawberry.field(
        description="Withdrawn as recorded in error: it stays on the record, marked, and takes "
        "no further change."
    )
    parent_body: str | None = strawberry.field(
        description="The name of the body it reports to, as recorded; null if none."
    )
    terms_of_reference: list[TermsOfReference] = strawberry.field(
        description="Every version of its terms of reference, in the order adopted."
    )
    chairs: list[BodyChair] = strawberry.field(
        description="Every chair appointed, in the order recorded."
    )
    decision_rules: list[BodyDecisionRule] = strawberry.field(
        description="Every decision rule adopted, in the order recorded."
    )
    row: strawberry.Private[Row]

    @strawberry.field(
        description="Its member authorities: on `asOf` if given, else every membership it "
        "has had, in the order appointed."
    )
    def members(
        self, info: Info, as_of: Annotated[date | None, AS_OF_DAY] = None
    ) -> list[BodyMembership]:
        memberships = self.row["memberships"]
        chosen = (
            dated(memberships, "appointed_on", "removed_on")
            if as_of is None
            else members_on(memberships, check_date(as_of, "asOf", "The day asked about"))
        )
        return [BodyMembership(**membership) for membership in chosen]

    @strawberry.field(description="The chair on `asOf` (default today); null if none yet.")
    def chair(
        self, info: Info, as_of: Annotated[date | None, AS_OF_DAY] = None
    ) -> BodyChair | None:
        found = in_force(self.row["chairs"], day_asked(info, as_of))
        return None if found is None else BodyChair(**found)

    @strawberry.field(
        description="The decision rule in force on `asOf` (default today); null if it had none."
    )
    def decision_rule(
        self, info: Info, as_of: Annotated[date | None, AS_OF_DAY] = None
    ) -> BodyDecisionRule | None:
        found = in_force(self.row["decision_rules"], day_asked(info, as_of))
        return None if found is None else _rule(found)

    @strawberry.field(
        description="The terms of reference in force on `asOf` (default today); null if none."
    )
    def terms_of_reference_in_force(
        self, info: Info, as_of: Annotated[date | None, AS_OF_DAY] = None
    ) -> TermsOfReference | None:
        found = in_force(self.row["terms_of_reference"], day_asked(info, as_of))
        return None if found is None else TermsOfReference(**found)

    @strawberry.field(
        description="The body it reports to; null if none, or if that body is not on record."
    )
    async def parent(self, info: Info) -> "GoverningBody | None":
        parent = self.parent_body
        if parent is None:
            return None
        partnership, authority = self.partnership, self.authority
        found = await read_as_asked(
            info, lambda conn, seen: _body_if_any(conn, partnership, authority, parent, seen)
        )
        return None if found is None else GoverningBody.from_row(found)

    @strawberry.field(description=f"Its meetings, newest first. {PAGING}")
    async def meetings(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        request = page_request(first, after, last, before)
        day = day_asked(info, None)
        # An authority's own body's meetings are asked for by the authority's name.
        owner = self.partnership if self.partnership is not None else self.authority
        filters = read.MeetingFilter(partnership=str(owner), body=self.name)
        page = await read_as_asked(
            info, lambda conn, seen: read.meetings_page(conn, filters, request, visible=seen)
        )
        return Connection.of(page, lambda row: Meeting.from_row(row, day))

    @classmethod
    def from_row(cls, row: Row) -> "GoverningBody":
        return cls(
            id=node_id(Kind.GOVERNING_BODY, row["body_id"]),
            partnership=row["partnership"],
            authority=row["authority"],
            name=row["name"],
            kind=BodyKind(row["kind"]),
            established_on=row["established_on"],
            withdrawn=bool(row.get("withdrawn")),
            parent_body=row["parent_body"],
            terms_of_reference=[
                TermsOfReference(**version)
                for version in dated(row["terms_of_reference"], "effective_date")
            ],
            chairs=[BodyChair(**chair) for chair in dated(row["chairs"], "effective_date")],
            decision_rules=[_rule(rule) for rule in dated(row["decision_rules"], "effective_date")],
            row=row,
        )


def _rule(adopted: dict[str, Any]) -> BodyDecisionRule:
    rule = adopted["rule"]
    return BodyDecisionRule(
        quorum=rule["quorum"],
        voting=VotingRule(rule["voting"]),
        electronic_response_days=rule.get("electronic_response_days"),
        effective_date=adopted["effective_date"],
    )


def _body_if_any(
    conn: sqlalchemy.Connection,
    partnership: str | None,
    authority: str | None,
    name: str,
    visible: read.Visibility,
) -> Row | None:
    try:
        if partnership is None:
            assert authority is not None, "a body belongs to a partnership or to an authority"
            key = str(authority_body_id(authority, name))
            return read.bodies_by_id(conn, [key], visible=visible).get(key)
        return read.body_named(conn, partnership, name, visible)
    except (NotFound, InvalidInput):
        # A parent named as recorded need not be a body on record, nor a name one could ask.
        return None


PARTNERSHIP = strawberry.argument(
    description="The partnership, named as recorded (in any case), e.g. Lancashire Shared "
    "Services Contact Centre; one not on record is refused (partnership_not_found)."
)

BODY_OWNER = strawberry.argument(
    description="The partnership, named as recorded (in any case), e.g. Lancashire Shared "
    "Services Contact Centre; or, for an authority's own body, the authority's name, e.g. "
    "Burnley Borough Council (the partnership's body is found first). One not on record is "
    "refused (partnership_not_found)."
)

OWNING_AUTHORITY = strawberry.argument(
    description="Only the bodies of this authority alone (its Executive, its panels), named "
    "as registered (in any case); one not on record is refused (authority_not_found)."
)


@strawberry.type
class BodiesQuery:
    @strawberry.field(
        description="Governing bodies, by the partnership (or authority) they belong to and "
        "then by name: of one partnership or one authority if given, else every body you "
        f"see. {PAGING}"
    )
    async def bodies(
        self,
        info: Info,
        partnership: Annotated[str | None, PARTNERSHIP] = None,
        authority: Annotated[str | None, OWNING_AUTHORITY] = None,
        search: NameSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[GoverningBody]:
        filters = read.BodyFilter(partnership=partnership, authority=authority, search=search)
        request = page_request(first, after, last, before)
        page = await read_as_asked(
            info, lambda conn, seen: read.bodies_page(conn, filters, request, visible=seen)
        )
        return Connection.of(page, GoverningBody.from_row)

    @strawberry.field(
        description="One governing body of a partnership, or an authority's own, named in any "
        "case and spacing; one its owner has not established is refused "
        "(governing_body_not_found)."
    )
    async def body(
        self,
        info: Info,
        partnership: Annotated[str, BODY_OWNER],
        name: Annotated[
            str, strawberry.argument(description="The body's name, e.g. Joint Committee.")
        ],
    ) -> GoverningBody | None:
        row = await read_as_asked(
            info, lambda conn, seen: read.body_named(conn, partnership, name, seen)
        )
        if row is None:
            raise not_found(GoverningBodyNotFound(partnership, name), "name")
        return GoverningBody.from_row(row)
