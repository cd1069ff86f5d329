"""Pages of the registers and the batch look-ups behind their links, from the read models only.

Pages are keyset pages: a cursor holds the sort key of the last row given, so a page costs one
indexed range scan however deep the reader has paged, and rows recorded meanwhile neither
repeat nor vanish. Each batch look-up answers many keys with one statement, so that a list of
rows and what each links to costs a fixed number of statements, never one per row.
"""

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    and_,
    or_,
    select,
    tuple_,
)

from partnership.contracts import contract_id
from partnership.domain import InvalidInput
from partnership.limits import check_date, check_query_text
from partnership.projects import ACHIEVED, MISSED, PLANNED
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN
from projections.contracts import contracts_register
from projections.decisions import decisions_register, meetings_register
from projections.delivery import (
    milestones_register,
    recommendations_register,
    supplier_actions_register,
)
from projections.queries import MAX_PAGE_SIZE

Row = dict[str, Any]


@dataclass(frozen=True)
class Ordering:
    """How a register is paged: its sort columns, each ascending or descending, ending in a
    unique key; `name` keeps one register's cursor from being used on another."""

    name: str
    columns: tuple[tuple[Column[Any], bool], ...]

    def order_by(self) -> list[ColumnElement[Any]]:
        return [column.desc() if descending else column.asc() for column, descending in self]

    def __iter__(self) -> Iterator[tuple[Column[Any], bool]]:
        return iter(self.columns)


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    has_next_page: bool
    cursors: list[str] = field(default_factory=list)


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


def check_page_size(first: int) -> None:
    if first < 1 or first > MAX_PAGE_SIZE:
        raise InvalidInput(
            f"`first` must be between 1 and {MAX_PAGE_SIZE}: a page holds at most "
            f"{MAX_PAGE_SIZE} rows; follow `pageInfo.endCursor` for more.",
            "first",
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


def encode_cursor(ordering: Ordering, row: Row) -> str:
    key = [_plain(row[column.key]) for column, _ in ordering]
    text = json.dumps([ordering.name, key], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(ordering: Ordering, cursor: str) -> list[Any]:
    try:
        name, key = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        if name != ordering.name or len(key) != len(ordering.columns):
            raise ValueError(cursor)
        return [_typed(column, value) for (column, _), value in zip(ordering, key, strict=True)]
    except (ValueError, TypeError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "`after` is not a cursor this list gave out; start again without `after`.", "after"
        ) from None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _typed(column: Column[Any], value: Any) -> Any:
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Integer):
        # bool is an int to Python; a database integer is signed 64-bit at most.
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
            raise TypeError(value)
        return value
    if not isinstance(value, str):
        raise TypeError(value)
    return value


def _beyond(ordering: Ordering, key: Sequence[Any]) -> ColumnElement[bool]:
    """Rows after `key` in the ordering: the first column past it, or equal and the next past…

    The leading bound repeats the first column alone so the index can start the scan there.
    """
    columns = list(ordering)
    alternatives = []
    for index, (column, descending) in enumerate(columns):
        equal = [c == value for (c, _), value in zip(columns[:index], key, strict=False)]
        past = column < key[index] if descending else column > key[index]
        alternatives.append(and_(*equal, past))
    first, descending = columns[0]
    bound = first <= key[0] if descending else first >= key[0]
    return and_(bound, or_(*alternatives))


def check_filter_text(filters: Any) -> None:
    """Every text a register is filtered by (named as its argument is) can be compared."""
    for each in fields(filters):
        value = getattr(filters, each.name)
        if isinstance(value, str):
            check_query_text(value, each.name, f"The {each.name} asked about")


def _page(
    conn: Connection, query: Select[Any], ordering: Ordering, first: int, after: str | None
) -> Page:
    check_page_size(first)
    if after is not None:
        query = query.where(_beyond(ordering, decode_cursor(ordering, after)))
    query = query.order_by(*ordering.order_by()).limit(first + 1)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    shown = rows[:first]
    return Page(
        rows=shown,
        has_next_page=len(rows) > first,
        cursors=[encode_cursor(ordering, row) for row in shown],
    )


# Pages


@dataclass(frozen=True)
class DecisionFilter:
    partnership: str
    body: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None
    outcome: str | None = None


def decisions_page(
    conn: Connection, filters: DecisionFilter, first: int, after: str | None = None
) -> Page:
    """Newest meeting first; a meeting's decisions in the order of its minutes."""
    check_filter_text(filters)
    check_date_range(filters.meeting_from, filters.meeting_to)
    table = decisions_register
    query = select(table).where(table.c.partnership == filters.partnership)
    if filters.body is not None:
        query = query.where(table.c.body == filters.body)
    query = _in_range(query, table.c.meeting_date, filters.meeting_from, filters.meeting_to)
    if filters.outcome is not None:
        query = query.where(table.c.outcome == filters.outcome)
    return _page(conn, query, DECISIONS_ORDER, first, after)


@dataclass(frozen=True)
class MeetingFilter:
    partnership: str
    body: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None
    status: str | None = None


def meetings_page(
    conn: Connection, filters: MeetingFilter, first: int, after: str | None = None
) -> Page:
    """Newest first."""
    check_filter_text(filters)
    check_date_range(filters.meeting_from, filters.meeting_to)
    table = meetings_register
    query = select(table).where(table.c.partnership == filters.partnership)
    if filters.body is not None:
        query = query.where(table.c.body == filters.body)
    query = _in_range(query, table.c.meeting_date, filters.meeting_from, filters.meeting_to)
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    return _page(conn, query, MEETINGS_ORDER, first, after)


@dataclass(frozen=True)
class MilestoneFilter:
    partnership: str
    project: str | None = None
    status: str | None = None
    overdue_on: date | None = None


def milestones_page(
    conn: Connection, filters: MilestoneFilter, first: int, after: str | None = None
) -> Page:
    """Soonest current due date first."""
    check_filter_text(filters)
    table = milestones_register
    query = select(table).where(table.c.partnership == filters.partnership)
    if filters.project is not None:
        query = query.where(table.c.project == filters.project)
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
    return _page(conn, query, MILESTONES_ORDER, first, after)


@dataclass(frozen=True)
class RecommendationFilter:
    body: str | None = None
    inquiry: str | None = None
    status: str | None = None


def recommendations_page(
    conn: Connection, filters: RecommendationFilter, first: int, after: str | None = None
) -> Page:
    """By body, inquiry and recommendation number."""
    check_filter_text(filters)
    table = recommendations_register
    query = select(table)
    if filters.body is not None:
        query = query.where(table.c.body == filters.body)
    if filters.inquiry is not None:
        query = query.where(table.c.inquiry_title == filters.inquiry)
    if filters.status is not None:
        query = query.where(table.c.status == filters.status)
    return _page(conn, query, RECOMMENDATIONS_ORDER, first, after)


@dataclass(frozen=True)
class SupplierActionFilter:
    supplier: str | None = None
    status: str | None = None
    overdue_on: date | None = None


def supplier_actions_page(
    conn: Connection, filters: SupplierActionFilter, first: int, after: str | None = None
) -> Page:
    """By supplier, then in the order the meetings were held and the actions raised."""
    check_filter_text(filters)
    table = supplier_actions_register
    query = select(table)
    if filters.supplier is not None:
        query = query.where(table.c.supplier == filters.supplier)
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
    return _page(conn, query, SUPPLIER_ACTIONS_ORDER, first, after)


def _in_range(
    query: Select[Any], column: ColumnElement[date], start: date | None, end: date | None
) -> Select[Any]:
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


# Batch look-ups: one statement for every key a page of rows asks about


def meetings_by_id(conn: Connection, meeting_ids: Iterable[str]) -> dict[str, Row]:
    table = meetings_register
    query = select(table).where(table.c.meeting_id.in_(set(meeting_ids)))
    return {row["meeting_id"]: dict(row) for row in conn.execute(query).mappings()}


def decisions_by_key(
    conn: Connection, keys: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Row]:
    """Decisions by (meeting id, decision number), as supersession references name them."""
    table = decisions_register
    wanted = set(keys)
    if not wanted:
        return {}
    query = select(table).where(tuple_(table.c.meeting_id, table.c.decision).in_(wanted))
    return {
        (row["meeting_id"], row["decision"]): dict(row) for row in conn.execute(query).mappings()
    }


def decisions_by_meeting(conn: Connection, meeting_ids: Iterable[str]) -> dict[str, list[Row]]:
    """Each meeting's decisions in the order of its minutes."""
    table = decisions_register
    query = (
        select(table)
        .where(table.c.meeting_id.in_(set(meeting_ids)))
        .order_by(table.c.meeting_id, table.c.recorded_position)
    )
    found: dict[str, list[Row]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        found[row["meeting_id"]].append(dict(row))
    return found


def contracts_by_id(conn: Connection, contract_ids: Iterable[str]) -> dict[str, Row]:
    table = contracts_register
    query = select(table).where(table.c.contract_id.in_(set(contract_ids)))
    return {row["contract_id"]: dict(row) for row in conn.execute(query).mappings()}


def back_to_back_contracts(conn: Connection, references: Iterable[str]) -> dict[str, list[Row]]:
    """The contracts whose head contract is each of `references`, by reference.

    A head contract is named as the clerk typed it: matching on the id its reference maps to
    makes the same reference in other letter case the same contract, and uses the index.
    """
    table = contracts_register
    wanted: dict[str, list[str]] = defaultdict(list)
    for reference in references:
        wanted[str(contract_id(reference))].append(reference)
    if not wanted:
        return {}
    query = (
        select(table).where(table.c.head_contract_id.in_(list(wanted))).order_by(table.c.reference)
    )
    found: dict[str, list[Row]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        for head in wanted[row["head_contract_id"]]:
            found[head].append(dict(row))
    return found
