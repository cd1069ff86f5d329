"""The registers a board member, procurement officer or auditor pages through: decisions,
meetings, milestones, scrutiny recommendations and supplier actions."""

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from partnership.domain import InvalidInput
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.mutations_scrutiny import RecommendationStatus
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.register_types import (
    Decision,
    DecisionOutcome,
    Meeting,
    MeetingStatus,
    Milestone,
    MilestoneStatus,
    Recommendation,
    SupplierAction,
    SupplierActionStatus,
)
from projections import read

PARTNERSHIP = strawberry.argument(
    description="The partnership, named as recorded (in any case), e.g. Lancashire Shared "
    "Services Contact Centre; or, for an authority's own bodies and projects (their meetings, "
    "decisions and milestones), the authority's name, e.g. Burnley Borough Council (a "
    "partnership's record is found first). One not on record is refused "
    "(partnership_not_found)."
)
BODY = strawberry.argument(
    description="Only this governing body, named as recorded, e.g. Joint Committee; one not "
    "on record is refused (governing_body_not_found)."
)
MEETING_FROM = strawberry.argument(name="from", description="Only meetings on or after this day.")
MEETING_TO = strawberry.argument(description="Only meetings on or before this day.")
AS_OF = strawberry.argument(
    description="The day to judge it on (overdue, awaiting responses, days since); default today."
)
OVERDUE_ONLY = strawberry.argument(description="Only those overdue on `asOf`.")


@strawberry.type
class RegistersQuery:
    @strawberry.field(
        description="What a partnership's bodies decided: newest meeting first, each meeting's "
        f"decisions in the order of its minutes. {PAGING}"
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
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Decision]:
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
        day = day_asked(info, as_of)
        page = await read_as_asked(
            info,
            lambda conn, visible: read.decisions_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: Decision.from_row(row, day))

    @strawberry.field(description=f"A partnership's meetings, newest first. {PAGING}")
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
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        filters = read.MeetingFilter(
            partnership=partnership,
            body=body,
            meeting_from=from_,
            meeting_to=to,
            status=_value(status),
        )
        day = day_asked(info, as_of)
        page = await read_as_asked(
            info,
            lambda conn, visible: read.meetings_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: Meeting.from_row(row, day))

    @strawberry.field(
        description="A partnership's project milestones, soonest current due date first, "
        f"with how far each has slipped and whether it is overdue on `asOf`. {PAGING}"
    )
    async def milestones(
        self,
        info: Info,
        partnership: Annotated[str, PARTNERSHIP],
        project: Annotated[
            str | None,
            strawberry.argument(
                description="Only this project, named as recorded; one not on record is "
                "refused (project_not_found)."
            ),
        ] = None,
        status: Annotated[
            MilestoneStatus | None,
            strawberry.argument(description="Only milestones in this state."),
        ] = None,
        overdue_only: Annotated[bool, OVERDUE_ONLY] = False,
        as_of: Annotated[date | None, AS_OF] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Milestone]:
        day = day_asked(info, as_of)
        filters = read.MilestoneFilter(
            partnership=partnership,
            project=project,
            status=_value(status),
            overdue_on=day if overdue_only else None,
        )
        page = await read_as_asked(
            info,
            lambda conn, visible: read.milestones_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: Milestone.from_row(row, day))

    @strawberry.field(
        description="Scrutiny recommendations by body, inquiry and number, with how long each "
        f"has gone without a progress update on `asOf`. {PAGING}"
    )
    async def recommendations(
        self,
        info: Info,
        body: Annotated[
            str | None,
            strawberry.argument(
                description="Only this scrutiny body's, named as recorded; one that has "
                "opened no inquiry is refused (body_not_found)."
            ),
        ] = None,
        inquiry: Annotated[
            str | None,
            strawberry.argument(
                description="Only this inquiry's, titled as it was opened; one not on "
                "record is refused (inquiry_not_found)."
            ),
        ] = None,
        status: Annotated[
            RecommendationStatus | None,
            strawberry.argument(description="Only recommendations in this state."),
        ] = None,
        as_of: Annotated[date | None, AS_OF] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Recommendation]:
        filters = read.RecommendationFilter(body=body, inquiry=inquiry, status=_value(status))
        day = day_asked(info, as_of)
        page = await read_as_asked(
            info,
            lambda conn, visible: read.recommendations_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: Recommendation.from_row(row, day))

    @strawberry.field(
        description="Actions raised at meetings with suppliers: by supplier, then in the "
        f"order raised, each marked overdue or not on `asOf`. {PAGING}"
    )
    async def supplier_actions(
        self,
        info: Info,
        supplier: Annotated[
            str | None,
            strawberry.argument(
                description="Only this supplier's, e.g. Northgate; one met at no supplier "
                "meeting on record is refused (supplier_not_found)."
            ),
        ] = None,
        status: Annotated[
            SupplierActionStatus | None,
            strawberry.argument(description="Only actions in this state."),
        ] = None,
        overdue_only: Annotated[bool, OVERDUE_ONLY] = False,
        as_of: Annotated[date | None, AS_OF] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[SupplierAction]:
        day = day_asked(info, as_of)
        filters = read.SupplierActionFilter(
            supplier=supplier,
            status=_value(status),
            overdue_on=day if overdue_only else None,
        )
        page = await read_as_asked(
            info,
            lambda conn, visible: read.supplier_actions_page(
                conn, filters, page_request(first, after, last, before), visible=visible
            ),
        )
        return Connection.of(page, lambda row: SupplierAction.from_row(row, day))


def _value(chosen: Enum | None) -> str | None:
    # str(): strawberry.enum_value members type their value as its definition, not the text.
    return None if chosen is None else str(chosen.value)
