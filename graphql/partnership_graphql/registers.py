"""The registers a board member, procurement officer or auditor pages through: decisions,
meetings, milestones, scrutiny recommendations and supplier actions."""

from collections.abc import Callable
from datetime import date
from enum import Enum
from typing import Annotated, TypeVar

import strawberry
from sqlalchemy import Connection
from strawberry.types import Info

from partnership.domain import InvalidInput
from partnership.limits import check_date
from partnership_graphql.context import Row, context_of, off_the_loop
from partnership_graphql.mutations_scrutiny import RecommendationStatus
from partnership_graphql.register_types import (
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Milestone,
    MilestoneStatus,
    Recommendation,
    RegisterConnection,
    RegisterEdge,
    RegisterPageInfo,
    SupplierAction,
    SupplierActionStatus,
)
from projections import registers_read as read
from projections.queries import MAX_PAGE_SIZE

DEFAULT_PAGE_SIZE = 20

Node = TypeVar("Node")

PARTNERSHIP = strawberry.argument(
    description="The partnership, named as recorded, e.g. Lancashire Shared Services Contact "
    "Centre."
)
BODY = strawberry.argument(
    description="Only this governing body, named as recorded, e.g. Joint Committee."
)
MEETING_FROM = strawberry.argument(name="from", description="Only meetings on or after this day.")
MEETING_TO = strawberry.argument(description="Only meetings on or before this day.")
AS_OF = strawberry.argument(
    description="The day to judge it on (overdue, awaiting responses, days since); default today."
)
FIRST = strawberry.argument(description=f"How many rows to give, 1 to {MAX_PAGE_SIZE}.")
AFTER = strawberry.argument(
    description="Go on after this row: the `endCursor` of the page before (or an edge's `cursor`)."
)
OVERDUE_ONLY = strawberry.argument(description="Only those overdue on `asOf`.")


@strawberry.type
class RegistersQuery:
    @strawberry.field(
        description="What a partnership's bodies decided: newest meeting first, each meeting's "
        f"decisions in the order of its minutes. At most {MAX_PAGE_SIZE} a page; follow "
        "`pageInfo.endCursor`."
    )
    async def decisions(
        self,
        info: Info,
        partnership: Annotated[str, PARTNERSHIP],
        body: Annotated[str | None, BODY] = None,
        from_: Annotated[date | None, MEETING_FROM] = None,
        to: Annotated[date | None, MEETING_TO] = None,
        outcome: Annotated[
            DecisionOutcome | None,
            strawberry.argument(
                description="Only decisions with this outcome by the votes and electronic "
                "responses received so far (AWAITING_RESPONSES cannot be asked for: it "
                "depends on the day, so read each decision's `outcome` instead)."
            ),
        ] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        first: Annotated[int, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = None,
    ) -> RegisterConnection[Decision]:
        if outcome is DecisionOutcome.AWAITING_RESPONSES:
            raise InvalidInput(
                "`outcome` cannot be AWAITING_RESPONSES: that depends on the day asked "
                "about. Leave `outcome` out and read each decision's outcome instead.",
                "outcome",
            )
        filters = read.DecisionFilter(
            partnership=partnership,
            body=body,
            meeting_from=from_,
            meeting_to=to,
            outcome=_value(outcome),
        )
        day = _day(info, as_of)
        page = await _read(info, lambda conn: read.decisions_page(conn, filters, first, after))
        return _connection(page, lambda row: Decision.from_row(row, day))

    @strawberry.field(
        description="A partnership's meetings, newest first. At most "
        f"{MAX_PAGE_SIZE} a page; follow `pageInfo.endCursor`."
    )
    async def meetings(
        self,
        info: Info,
        partnership: Annotated[str, PARTNERSHIP],
        body: Annotated[str | None, BODY] = None,
        from_: Annotated[date | None, MEETING_FROM] = None,
        to: Annotated[date | None, MEETING_TO] = None,
        status: Annotated[
            MeetingStatus | None, strawberry.argument(description="Only meetings in this state.")
        ] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        first: Annotated[int, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = None,
    ) -> RegisterConnection[Meeting]:
        filters = read.MeetingFilter(
            partnership=partnership,
            body=body,
            meeting_from=from_,
            meeting_to=to,
            status=_value(status),
        )
        day = _day(info, as_of)
        page = await _read(info, lambda conn: read.meetings_page(conn, filters, first, after))
        return _connection(page, lambda row: Meeting.from_row(row, day))

    @strawberry.field(
        description="A partnership's project milestones, soonest current due date first, "
        "with how far each has slipped and whether it is overdue on `asOf`. At most "
        f"{MAX_PAGE_SIZE} a page; follow `pageInfo.endCursor`."
    )
    async def milestones(
        self,
        info: Info,
        partnership: Annotated[str, PARTNERSHIP],
        project: Annotated[
            str | None,
            strawberry.argument(description="Only this project, named as recorded."),
        ] = None,
        status: Annotated[
            MilestoneStatus | None,
            strawberry.argument(description="Only milestones in this state."),
        ] = None,
        overdue_only: Annotated[bool, OVERDUE_ONLY] = False,
        as_of: Annotated[date | None, AS_OF] = None,
        first: Annotated[int, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = None,
    ) -> RegisterConnection[Milestone]:
        day = _day(info, as_of)
        filters = read.MilestoneFilter(
            partnership=partnership,
            project=project,
            status=_value(status),
            overdue_on=day if overdue_only else None,
        )
        page = await _read(info, lambda conn: read.milestones_page(conn, filters, first, after))
        return _connection(page, lambda row: Milestone.from_row(row, day))

    @strawberry.field(
        description="Scrutiny recommendations by body, inquiry and number, with how long each "
        f"has gone without a progress update on `asOf`. At most {MAX_PAGE_SIZE} a page; "
        "follow `pageInfo.endCursor`."
    )
    async def recommendations(
        self,
        info: Info,
        body: Annotated[
            str | None,
            strawberry.argument(description="Only this scrutiny body's, named as recorded."),
        ] = None,
        inquiry: Annotated[
            str | None,
            strawberry.argument(description="Only this inquiry's, titled as it was opened."),
        ] = None,
        status: Annotated[
            RecommendationStatus | None,
            strawberry.argument(description="Only recommendations in this state."),
        ] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        first: Annotated[int, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = None,
    ) -> RegisterConnection[Recommendation]:
        filters = read.RecommendationFilter(body=body, inquiry=inquiry, status=_value(status))
        day = _day(info, as_of)
        page = await _read(
            info, lambda conn: read.recommendations_page(conn, filters, first, after)
        )
        return _connection(page, lambda row: Recommendation.from_row(row, day))

    @strawberry.field(
        description="Actions raised at meetings with suppliers: by supplier, then in the "
        f"order raised, each marked overdue or not on `asOf`. At most {MAX_PAGE_SIZE} a page; "
        "follow `pageInfo.endCursor`."
    )
    async def supplier_actions(
        self,
        info: Info,
        supplier: Annotated[
            str | None,
            strawberry.argument(description="Only this supplier's, e.g. Northgate."),
        ] = None,
        status: Annotated[
            SupplierActionStatus | None,
            strawberry.argument(description="Only actions in this state."),
        ] = None,
        overdue_only: Annotated[bool, OVERDUE_ONLY] = False,
        as_of: Annotated[date | None, AS_OF] = None,
        first: Annotated[int, FIRST] = DEFAULT_PAGE_SIZE,
        after: Annotated[str | None, AFTER] = None,
    ) -> RegisterConnection[SupplierAction]:
        day = _day(info, as_of)
        filters = read.SupplierActionFilter(
            supplier=supplier,
            status=_value(status),
            overdue_on=day if overdue_only else None,
        )
        page = await _read(
            info, lambda conn: read.supplier_actions_page(conn, filters, first, after)
        )
        return _connection(page, lambda row: SupplierAction.from_row(row, day))


def _value(chosen: Enum | None) -> str | None:
    # str(): strawberry.enum_value members type their value as its definition, not the text.
    return None if chosen is None else str(chosen.value)


def _day(info: Info, as_of: date | None) -> date:
    """The day asked about; within the record's dates, so that no sum of days leaves them."""
    if as_of is not None:
        return check_date(as_of, "asOf", "The day asked about")
    return context_of(info).runtime.clock().date()


async def _read(info: Info, query: Callable[[Connection], read.Page]) -> read.Page:
    store = context_of(info).runtime.store

    def fetch() -> read.Page:
        with store.reader.connect() as conn:
            return query(conn)

    page: read.Page = await off_the_loop(fetch)
    return page


def _connection(page: read.Page, node: Callable[[Row], Node]) -> RegisterConnection[Node]:
    return RegisterConnection(
        edges=[
            RegisterEdge(cursor=cursor, node=node(row))
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ],
        page_info=RegisterPageInfo(
            has_next_page=page.has_next_page,
            end_cursor=page.cursors[-1] if page.cursors else None,
        ),
    )
