"""Queries: answered from the read models only."""

from datetime import date
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from partnership.contracts import ContractNotFound, contract_id
from partnership.limits import DAYS_MAX, check_date, check_days
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import context_of, off_the_loop
from partnership_graphql.contract_calendar import CalendarAsOf, ContractCalendarStatus
from partnership_graphql.read_whole import day_asked
from partnership_graphql.search import ContractSearch
from partnership_graphql.types import (
    Contract,
    ContractStatus,
    EventKind,
    ProjectionStatus,
    RenewalDue,
    TimelineEntry,
)
from projections import read

MAX_HORIZON_DAYS = DAYS_MAX


@strawberry.input(
    description="Narrow the timeline; every filter given must hold. A name matches whatever "
    "its case and spacing; one not on record (or not yours to see) is refused with its code, "
    "e.g. partnership_not_found, rather than answered with an empty page."
)
class TimelineFilter:
    partnership: str | None = strawberry.field(
        default=None, description="A partnership's name, e.g. Lancashire Shared Services."
    )
    authority: str | None = strawberry.field(
        default=None,
        description="An authority's name, e.g. Burnley Borough Council: what concerns it.",
    )
    body: str | None = strawberry.field(
        default=None, description="A governing body's name, e.g. Joint Committee."
    )
    project: str | None = strawberry.field(default=None, description="A project's name.")
    contract: str | None = strawberry.field(default=None, description="A contract reference.")
    kinds: list[EventKind] | None = strawberry.field(default=None, description="Any of these.")
    effective_from: date | None = strawberry.field(
        default=None, description="On or after this effective date."
    )
    effective_to: date | None = strawberry.field(
        default=None, description="On or before this effective date."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Text that appears, as written, in the entry's one-line summary, "
        'whatever its case (for accented letters, on PostgreSQL only), e.g. "extended by" '
        f"(1 to {read.MAX_TEXT_LENGTH} characters). Unindexed: combine it with a date "
        "range or another filter on a long record.",
    )


@strawberry.enum(description="Which end of the timeline a page starts from.")
class TimelineOrder(Enum):
    NEWEST_FIRST = read.NEWEST_FIRST
    OLDEST_FIRST = read.OLDEST_FIRST


@strawberry.type
class Query:
    @strawberry.field(
        description="What happened, by effective date (newest first unless `order` says "
        f"otherwise). {PAGING}"
    )
    async def timeline(
        self,
        info: Info,
        filter: TimelineFilter | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
        order: TimelineOrder = TimelineOrder.NEWEST_FIRST,
    ) -> Connection[TimelineEntry]:
        given = filter or TimelineFilter()
        filters = read.TimelineFilter(
            contract=given.contract,
            authority=given.authority,
            partnership=given.partnership,
            body=given.body,
            project=given.project,
            kinds=[kind.value for kind in given.kinds or []],
            effective_from=given.effective_from,
            effective_to=given.effective_to,
            text=given.text,
        )
        context = context_of(info)
        store = context.runtime.store
        visible = await context.visible()

        def fetch() -> read.TimelinePage:
            with store.reader.connect() as conn:
                return read.timeline_page(
                    conn,
                    filters,
                    first,
                    after,
                    last=last,
                    before=before,
                    order=order.value,
                    visible=visible,
                )

        page: read.TimelinePage = await off_the_loop(fetch)
        return Connection.of(
            page, lambda row: TimelineEntry.from_row(row, page.authorities[row["position"]])
        )

    @strawberry.field(
        description=f"The contracts register, soonest notice deadline first. {PAGING}"
    )
    async def contracts(
        self,
        info: Info,
        authority: Annotated[
            str | None,
            strawberry.argument(
                description="Only this authority's contracts; one not registered (or not "
                "yours to see) is refused (authority_not_found)."
            ),
        ] = None,
        status: Annotated[
            ContractStatus | None,
            strawberry.argument(description="Only contracts with this recorded status."),
        ] = None,
        calendar_status: Annotated[
            ContractCalendarStatus | None,
            strawberry.argument(
                description="Only contracts standing so on `asOf` (see Contract.calendarStatus)."
            ),
        ] = None,
        as_of: CalendarAsOf = None,
        search: ContractSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Contract]:
        context = context_of(info)
        store = context.runtime.store
        request = page_request(first, after, last, before)
        visible = await context.visible()
        calendar = (
            None
            if calendar_status is None
            else (str(calendar_status.value), day_asked(info, as_of))
        )

        def fetch() -> Connection[Contract]:
            with store.reader.connect() as conn:
                page = read.contracts_page(
                    conn,
                    request,
                    authority=authority,
                    status=status.value if status else None,
                    calendar=calendar,
                    visible=visible,
                    search=search,
                )
            return Connection.of(page, Contract.from_row)

        result: Connection[Contract] = await off_the_loop(fetch)
        return result

    @strawberry.field(
        description="One contract by its reference, in any case and spacing; one not on the "
        "register (or not yours to see) is refused (contract_not_found)."
    )
    async def contract(self, info: Info, reference: str) -> Contract | None:
        context = context_of(info)
        store = context.runtime.store
        visible = await context.visible()

        def fetch() -> Contract | None:
            with store.reader.connect() as conn:
                row = read.contract_by_id(conn, contract_id(reference), visible=visible)
            if row is None:
                raise ContractNotFound(reference)
            return Contract.from_row(row)

        result: Contract | None = await off_the_loop(fetch)
        return result

    @strawberry.field(
        description="Live contracts whose notice deadline falls within `withinDays` of `asOf` "
        "(default: today and the configured renewal horizon), including deadlines already "
        f"passed on contracts still running; soonest notice deadline first. {PAGING}"
    )
    async def renewals_due(
        self,
        info: Info,
        within_days: int | None = None,
        as_of: date | None = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[RenewalDue]:
        context = context_of(info)
        runtime = context.runtime
        visible = await context.visible()
        today = (
            runtime.clock().date()
            if as_of is None
            else check_date(as_of, "asOf", "The day asked about")
        )
        horizon = within_days if within_days is not None else runtime.policy.renewal_horizon_days
        check_days(horizon, "withinDays", "The horizon")
        request = page_request(first, after, last, before)

        def due(row: dict[str, Any]) -> RenewalDue:
            return RenewalDue(
                contract=Contract.from_row(row),
                days_until_notice_deadline=(row["notice_deadline"] - today).days,
            )

        def fetch() -> Connection[RenewalDue]:
            with runtime.store.reader.connect() as conn:
                page = read.renewals_page(conn, today, horizon, request, visible=visible)
            return Connection.of(page, due)

        result: Connection[RenewalDue] = await off_the_loop(fetch)
        return result

    @strawberry.field(
        description="Per read model: its position, the log's head, the lag, and the event it "
        "is stalled on, if any."
    )
    async def projection_status(self, info: Info) -> list[ProjectionStatus]:
        runner = context_of(info).runtime.runner

        def fetch() -> list[ProjectionStatus]:
            return [ProjectionStatus.from_status(status) for status in runner.status()]

        result: list[ProjectionStatus] = await off_the_loop(fetch)
        return result
