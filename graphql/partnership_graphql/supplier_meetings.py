"""Supplier meetings read back: who came from the authorities and from the supplier, the topics,
the actions raised and the issues escalated."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from partnership.global_ids import Kind
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
from partnership_graphql.nodes import Node, node_id
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import SupplierAction
from partnership_graphql.registers import AS_OF
from projections import read
from projections.read.bodies import dated

MET_FROM = strawberry.argument(name="from", description="Only meetings on or after this day.")
MET_TO = strawberry.argument(description="Only meetings on or before this day.")


@strawberry.type(description="Someone who attended a supplier meeting for an authority.")
class AuthorityAttendee:
    person: str = strawberry.field(description="Their name, as recorded.")
    authority: str = strawberry.field(description="The authority they attended for.")


@strawberry.type(description="An issue from a supplier meeting passed up to a governing body.")
class SupplierEscalation:
    number: str = strawberry.field(description="Its number among the meeting's escalations.")
    text: str = strawberry.field(description="The issue, as recorded.")
    to_body: str = strawberry.field(description="The body it was escalated to, as recorded.")
    effective_date: date = strawberry.field(description="The day it was escalated.")


@strawberry.type(description="A meeting with a supplier, e.g. LCC's weekly meeting with Northgate.")
class SupplierMeeting(Node):
    supplier: str = strawberry.field(description="The supplier met, as recorded.")
    meeting_date: date = strawberry.field(description="The day of the meeting.")
    title: str = strawberry.field(description="The meeting's title, as recorded.")
    authority_attendees: list[AuthorityAttendee] = strawberry.field(
        description="Who came for the authorities, as last corrected."
    )
    supplier_attendees: list[str] = strawberry.field(
        description="Who came for the supplier, as last corrected."
    )
    topics: list[str] = strawberry.field(description="What was discussed, as last corrected.")
    withdrawn: bool = strawberry.field(
        description="Whether it was withdrawn as recorded in error: it stays, marked, with "
        "all its actions."
    )
    actions: list[SupplierAction] = strawberry.field(
        description="The actions it raised, in the order raised, each marked overdue or not "
        "on `asOf`."
    )
    escalations: list[SupplierEscalation] = strawberry.field(
        description="The issues it escalated, in the order recorded."
    )

    @classmethod
    def from_row(cls, row: Row, actions: list[Row], as_of: date) -> "SupplierMeeting":
        return cls(
            id=node_id(Kind.SUPPLIER_MEETING, row["meeting_id"]),
            supplier=row["supplier"],
            meeting_date=row["meeting_day"],
            title=row["title"],
            authority_attendees=[
                AuthorityAttendee(person=a["person"], authority=a["authority"])
                for a in row["authority_attendees"]
            ],
            supplier_attendees=list(row["supplier_attendees"]),
            topics=list(row["topics"]),
            withdrawn=bool(row.get("withdrawn")),
            actions=[SupplierAction.from_row(action, as_of) for action in actions],
            escalations=[
                SupplierEscalation(**escalation)
                for escalation in dated(row["escalations"], "effective_date")
            ],
        )


@strawberry.type
class SupplierMeetingsQuery:
    @strawberry.field(
        description="Meetings with suppliers that an authority you see attended, newest "
        f"first. {PAGING}"
    )
    async def supplier_meetings(
        self,
        info: Info,
        supplier: Annotated[
            str | None,
            strawberry.argument(
                description="Only meetings with this supplier, e.g. Northgate; one met at no "
                "supplier meeting you see is refused (supplier_not_found)."
            ),
        ] = None,
        from_: Annotated[date | None, MET_FROM] = None,
        to: Annotated[date | None, MET_TO] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SupplierMeeting]:
        day = day_asked(info, as_of)
        filters = read.SupplierMeetingFilter(supplier=supplier, meeting_from=from_, meeting_to=to)
        request = page_request(first, after, last, before)

        def question(conn: Any, seen: read.Visibility) -> tuple[read.Page[Row], dict[str, Any]]:
            page = read.supplier_meetings_page(conn, filters, request, visible=seen)
            actions = read.actions_of_meetings(conn, [row["meeting_id"] for row in page.rows])
            return page, actions

        page, actions = await read_as_asked(info, question)
        return Connection.of(
            page, lambda row: SupplierMeeting.from_row(row, actions.get(row["meeting_id"], []), day)
        )
