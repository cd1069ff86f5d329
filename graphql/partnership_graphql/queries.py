"""Queries: answered from the read models only."""

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from partnership.contracts import contract_id
from partnership.limits import DAYS_MAX, check_date, check_days
from partnership_graphql.context import context_of, off_the_loop
from partnership_graphql.types import (
    Contract,
    ContractStatus,
    EventKind,
    PageInfo,
    ProjectionStatus,
    RenewalDue,
    TimelineConnection,
    TimelineEdge,
    TimelineEntry,
)
from projections import queries as read

MAX_HORIZON_DAYS = DAYS_MAX


@strawberry.input(description="Narrow the timeline; every filter given must hold.")
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
        f"otherwise). At most {read.MAX_PAGE_SIZE} entries a page: go on with `first` and "
        "`pageInfo.endCursor` as `after`, or back with `last` and `pageInfo.startCursor` as "
        f"`before`. With neither `first` nor `last`, a page holds {read.DEFAULT_PAGE_SIZE}."
    )
    async def timeline(
        self,
        info: Info,
        filter: TimelineFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order: TimelineOrder = TimelineOrder.NEWEST_FIRST,
    ) -> TimelineConnection:
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
        store = context_of(info).runtime.store

        def fetch() -> read.TimelinePage:
            with store.reader.connect() as conn:
                return read.timeline_page(
                    conn, filters, first, after, last=last, before=before, order=order.value
                )

        page: read.TimelinePage = await off_the_loop(fetch)
        edges = [
            TimelineEdge(
                cursor=cursor,
                node=TimelineEntry.from_row(row, page.authorities[row["position"]]),
            )
            for row, cursor in zip(page.rows, page.cursors, strict=True)
        ]
        return TimelineConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next_page,
                has_previous_page=page.has_previous_page,
                start_cursor=page.cursors[0] if page.cursors else None,
                end_cursor=page.cursors[-1] if page.cursors else None,
            ),
        )

    @strawberry.field(description="The contracts register, soonest notice deadline first.")
    async def contracts(
        self,
        info: Info,
        authority: str | None = None,
        status: ContractStatus | None = None,
    ) -> list[Contract]:
        store = context_of(info).runtime.store

        def fetch() -> list[Contract]:
            with store.reader.connect() as conn:
                rows = read.list_contracts(
                    conn, authority=authority, status=status.value if status else None
                )
            return [Contract.from_row(row) for row in rows]

        result: list[Contract] = await off_the_loop(fetch)
        return result

    @strawberry.field(description="One contract by its reference, or null if there is none.")
    async def contract(self, info: Info, reference: str) -> Contract | None:
        store = context_of(info).runtime.store

        def fetch() -> Contract | None:
            with store.reader.connect() as conn:
                row = read.contract_by_id(conn, contract_id(reference))
            return None if row is None else Contract.from_row(row)

        result: Contract | None = await off_the_loop(fetch)
        return result

    @strawberry.field(
        description="Live contracts whose notice deadline falls within `withinDays` of `asOf` "
        "(default: today and the configured renewal horizon), including deadlines already "
        "passed on contracts still running."
    )
    async def renewals_due(
        self, info: Info, within_days: int | None = None, as_of: date | None = None
    ) -> list[RenewalDue]:
        runtime = context_of(info).runtime
        today = (
            runtime.clock().date()
            if as_of is None
            else check_date(as_of, "asOf", "The day asked about")
        )
        horizon = within_days if within_days is not None else runtime.policy.renewal_horizon_days
        check_days(horizon, "withinDays", "The horizon")

        def fetch() -> list[RenewalDue]:
            with runtime.store.reader.connect() as conn:
                rows = read.contracts_due_for_renewal(conn, today, horizon)
            return [
                RenewalDue(
                    contract=Contract.from_row(row),
                    days_until_notice_deadline=(row["notice_deadline"] - today).days,
                )
                for row in rows
            ]

        result: list[RenewalDue] = await off_the_loop(fetch)
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
