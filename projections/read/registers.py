"""The registers a reader pages through (decisions, meetings, milestones, recommendations,
supplier actions) and the batch look-ups behind their links, from the read models only.

Each batch look-up answers many keys with one statement, so that a page of rows and what each
links to costs a fixed number of statements, never one per row.

Each answers only what the asker may see (`visibility`): a meeting, a decision or a milestone
with its partnership; a recommendation with the authority that owns it; a supplier action with
the authorities that attended its meeting. A name a page is filtered by must be on record and
seen (`names`), whatever its case and spacing: otherwise the page is refused with a coded
NotFound, never answered empty.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, and_, or_, select, tuple_

from partnership.domain import InvalidInput
from partnership.limits import check_date, check_query_text
from partnership.projects import ACHIEVED, MISSED, PLANNED
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN
from projections.decisions import decisions_register, meetings_register
from projections.delivery import (
    milestones_register,
    recommendations_register,
    supplier_actions_register,
)
from projections.read import names, owners
from projections.read.paging import (
    Ordering,
    Page,
    PageRequest,
    Row,
    check_request,
    keyset_page,
)
from projections.read.visibility import EVERYTHING, Visibility, spellings, supplier_action_seen

DECISIONS_ORDER = Ordering(
    "decisions",
    (
        (decisions_register.c.meeting_date, True),
        (decisions_register.c.body, False),
        (decisions_register.c.sequence, True),
        # The minutes' own order: "10.1" sorts before "6.1" as text.
        (decisions_register.c.recorded_position, False),
    ),
)
MEETINGS_ORDER = Ordering(
    "meetings",
    (
        (meetings_register.c.meeting_date, True),
        (meetings_register.c.body, False),
        (meetings_register.c.sequence, True),
    ),
)
MILESTONES_ORDER = Ordering(
    "milestones",
    (
        (milestones_register.c.current_due_date, False),
        (milestones_register.c.project, False),
        (milestones_register.c.milestone_key, False),
    ),
)
RECOMMENDATIONS_ORDER = Ordering(
    "recommendations",
    (
        (recommendations_register.c.body, False),
        (recommendations_register.c.inquiry_title, False),
        (recommendations_register.c.number, False),
    ),
)
SUPPLIER_ACTIONS_ORDER = Ordering(
    "supplier_actions",
    (
        (supplier_actions_register.c.supplier, False),
        (supplier_actions_register.c.meeting_day, False),
        (supplier_actions_register.c.meeting_title, False),
        (supplier_actions_register.c.number, False),
    ),
)


def check_date_range(start: date | None, end: date | None) -> None:
    """`from` and `to`, as the date range arguments are named in the schema."""
    if start is not None:
        check_date(start, "from", "The start of the date range")
    if end is not None:
        check_date(end, "to", "The end of the date range")
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            f"The date range ends (`to`: {end.isoformat()}) before it starts "
            f"(`from`: {start.isoformat()}).",
            "to",
        )


def check_filter_text(filters: Any) -> None:
    """Every text a register is filtered by (named as its argument is) can be compared."""
    for each in fields(filters):
        value = getattr(filters, each.name)
        if isinstance(value, str):
            check_query_text(value, each.name, f"The {each.name} asked about")


# Pages


@dataclass(frozen=True)
class DecisionFilter:
    partnership: str
    body: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None
    outcome: str | None = None


def decisions_page(
    conn: Connection,
    filters: DecisionFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """Newest meeting first; a meeting's decisions in the order of its minutes."""
    check_request(request, DECISIONS_ORDER)
    table = decisions_register
    query = _in_partnerships_seen(_meetings_of(conn, table, filters, visible), table, visible)
    if filters.outcome is not None:
        query = query.where(table.c.outcome == filters.outcome)
    return keyset_page(conn, query, DECISIONS_ORDER, request)


@dataclass(frozen=True)
class MeetingFilter:
    partnership: str
    body: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None
    status: str | None = None


def meetings_page(
    conn: Connection,
    filters: MeetingFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """Newest first."""
    check_request(request, MEETINGS_ORDER)
    table = meetings_register
    query = _in_partnerships_seen(_meetings_of(conn, table, filters, visible), table, visible)
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    return keyset_page(conn, query, MEETINGS_ORDER, request)


def _meetings_of(
    conn: Connection, table: Table, filters: DecisionFilter | MeetingFilter, visible: Visibility
) -> Select[Any]:
    """The rows of a register kept by meeting, of one owner's bodies (or one of them), in a
    date range; the owner is a partnership, or an authority for its own bodies (`owners`)."""
    check_filter_text(filters)
    check_date_range(filters.meeting_from, filters.meeting_to)
    if filters.body is None:
        owner = owners.owner_named(conn, filters.partnership, visible)
    else:
        owner = owners.body_owner(conn, filters.partnership, filters.body, visible)
    query = select(table).where(owners.of_meeting_owner(table, owner))
    if filters.body is not None:
        body = owners.owned_body_named(conn, owner, filters.body)
        query = query.where(table.c.body == body)
    return _in_range(query, table.c.meeting_date, filters.meeting_from, filters.meeting_to)


@dataclass(frozen=True)
class MilestoneFilter:
    partnership: str
    project: str | None = None
    status: str | None = None
    overdue_on: date | None = None


def milestones_page(
    conn: Connection,
    filters: MilestoneFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """Soonest current due date first."""
    check_request(request, MILESTONES_ORDER)
    check_filter_text(filters)
    table = milestones_register
    if filters.project is None:
        owner = owners.owner_named(conn, filters.partnership, visible)
    else:
        owner = owners.project_owner(conn, filters.partnership, filters.project, visible)
    query = select(table).where(owners.of_project_owner(table, owner))
    query = _in_partnerships_seen(query, table, visible)
    if filters.project is not None:
        project = owners.owned_project_named(conn, owner, filters.project)
        query = query.where(table.c.project == project)
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    if filters.overdue_on is not None:
        day = filters.overdue_on
        # Two branches rather than one OR over two columns, so each can use the status index.
        query = query.where(
            or_(
                and_(table.c.status.in_((PLANNED, MISSED)), table.c.current_due_date < day),
                and_(
                    table.c.status == ACHIEVED,
                    table.c.current_due_date < day,
                    table.c.achieved_on > day,
                ),
            )
        )
    return keyset_page(conn, query, MILESTONES_ORDER, request)


@dataclass(frozen=True)
class RecommendationFilter:
    body: str | None = None
    inquiry: str | None = None
    status: str | None = None


def recommendations_page(
    conn: Connection,
    filters: RecommendationFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By body, inquiry and recommendation number."""
    check_request(request, RECOMMENDATIONS_ORDER)
    check_filter_text(filters)
    table = recommendations_register
    query = select(table)
    if not visible.everything:
        # A scrutiny body belongs to no partnership: a recommendation is its owner's.
        query = query.where(table.c.owner_authority.in_(spellings(visible).authorities))
    bodies = None
    if filters.body is not None:
        bodies = names.scrutiny_bodies_named(conn, filters.body, visible)
        query = query.where(table.c.body.in_(bodies))
    if filters.inquiry is not None:
        inquiries = names.inquiries_named(conn, bodies, filters.inquiry, visible)
        query = query.where(table.c.inquiry_title.in_(inquiries))
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    return keyset_page(conn, query, RECOMMENDATIONS_ORDER, request)


@dataclass(frozen=True)
class SupplierActionFilter:
    supplier: str | None = None
    status: str | None = None
    overdue_on: date | None = None


def supplier_actions_page(
    conn: Connection,
    filters: SupplierActionFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By supplier, then in the order the meetings were held and the actions raised."""
    check_request(request, SUPPLIER_ACTIONS_ORDER)
    check_filter_text(filters)
    table = supplier_actions_register
    query = select(table)
    if not visible.everything:
        query = query.where(supplier_action_seen(table, spellings(visible), conn.dialect.name))
    if filters.supplier is not None:
        suppliers = names.suppliers_named(conn, filters.supplier, visible)
        query = query.where(table.c.supplier.in_(suppliers))
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    if filters.overdue_on is not None:
        day = filters.overdue_on
        query = query.where(
            or_(
                and_(table.c.status == ACTION_OPEN, table.c.due_date < day),
                and_(
                    table.c.status == ACTION_CLOSED,
                    table.c.due_date < day,
                    table.c.closed_on > day,
                ),
            )
        )
    return keyset_page(conn, query, SUPPLIER_ACTIONS_ORDER, request)


def _in_partnerships_seen(query: Select[Any], table: Table, visible: Visibility) -> Select[Any]:
    """Rows of a partnership the asker sees, or of an authority's own body or project (whose
    row names the authority as owner) that they see through the authority."""
    if visible.everything:
        return query
    if table is milestones_register:
        return query.where(owners.milestone_seen(table, spellings(visible)))
    return query.where(owners.meeting_seen(table, spellings(visible)))


def _in_range(
    query: Select[Any], column: ColumnElement[date], start: date | None, end: date | None
) -> Select[Any]:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


# Batch look-ups: one statement for every key a page of rows asks about


def meetings_by_id(
    conn: Connection, meeting_ids: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, Row]:
    table = meetings_register
    query = select(table).where(table.c.meeting_id.in_(set(meeting_ids)))
    query = _in_partnerships_seen(query, table, visible)
    return {row["meeting_id"]: dict(row) for row in conn.execute(query).mappings()}


def decisions_by_key(
    conn: Connection, keys: Iterable[tuple[str, str]], *, visible: Visibility = EVERYTHING
) -> dict[tuple[str, str], Row]:
    """Decisions by (meeting id, decision number), as supersession references name them."""
    table = decisions_register
    wanted = set(keys)
    if not wanted:
        return {}
    query = select(table).where(tuple_(table.c.meeting_id, table.c.decision).in_(wanted))
    query = _in_partnerships_seen(query, table, visible)
    return {
        (row["meeting_id"], row["decision"]): dict(row) for row in conn.execute(query).mappings()
    }


def decisions_by_meeting(
    conn: Connection, meeting_ids: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, list[Row]]:
    """Each meeting's decisions in the order of its minutes."""
    table = decisions_register
    query = select(table).where(table.c.meeting_id.in_(set(meeting_ids)))
    query = _in_partnerships_seen(query, table, visible)
    query = query.order_by(table.c.meeting_id, table.c.recorded_position)
    found: dict[str, list[Row]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        found[row["meeting_id"]].append(dict(row))
    return found
