"""Read-side questions answered from the read models (never from aggregates)."""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, and_, literal, select, tuple_

from partnership.contracts import ACTIVE, contract_id
from partnership.domain import InvalidInput
from partnership.limits import check_date, check_days, check_query_text
from projections.contracts import contracts_register
from projections.timeline import timeline_authorities, timeline_entries

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20


MAX_TEXT_LENGTH = 200

NEWEST_FIRST = "newest_first"
OLDEST_FIRST = "oldest_first"


@dataclass(frozen=True)
class TimelineFilter:
    contract: str | None = None
    authority: str | None = None
    partnership: str | None = None
    body: str | None = None
    project: str | None = None
    kinds: Sequence[str] = ()
    effective_from: date | None = None
    effective_to: date | None = None
    # Words to find in the one-line summary, whatever their case.
    text: str | None = None


@dataclass(frozen=True)
class TimelinePage:
    rows: list[dict[str, Any]]
    authorities: dict[int, list[str]]
    has_next_page: bool
    has_previous_page: bool = False
    cursors: list[str] = field(default_factory=list)


def encode_cursor(effective_date: date, position: int) -> str:
    return base64.urlsafe_b64encode(f"{effective_date.isoformat()}|{position}".encode()).decode()


def decode_cursor(cursor: str, argument: str = "after") -> tuple[date, int]:
    try:
        day, number = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        position = int(number)
        if not 0 <= position < 2**63:  # a log position is a signed 64-bit integer
            raise ValueError(number)
        return date.fromisoformat(day), position
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            f"The cursor is not one this service gave out; start again without `{argument}`.",
            argument,
        ) from None


def timeline_page(
    conn: Connection,
    filters: TimelineFilter,
    first: int | None = None,
    after: str | None = None,
    *,
    last: int | None = None,
    before: str | None = None,
    order: str = NEWEST_FIRST,
) -> TimelinePage:
    """A page of the timeline by effective date, ties in the order the facts were recorded.

    `first` entries after the `after` cursor, or the `last` entries before the `before` cursor,
    both counted in the order asked for; a page always reads in that order.
    """
    forward = last is None and before is None
    size, cursor = (first, after) if forward else (last, before)
    _check_page(filters, first, after, last, before, order)
    if size is None:
        size = DEFAULT_PAGE_SIZE
    entries = timeline_entries
    if filters.authority:
        # Order by the authority table's own columns so its index serves the whole query.
        by = timeline_authorities
        query: Select[Any] = (
            select(entries)
            .join(by, by.c.position == entries.c.position)
            .where(by.c.authority == filters.authority)
        )
        order_date, order_position = by.c.effective_date, by.c.position
    else:
        query = select(entries)
        order_date, order_position = entries.c.effective_date, entries.c.position
    if filters.contract:
        # By id, so the reference matches however it is spaced or cased.
        query = query.where(entries.c.aggregate_id == str(contract_id(filters.contract)))
    for column, wanted in (
        (entries.c.partnership, filters.partnership),
        (entries.c.body, filters.body),
        (entries.c.project, filters.project),
    ):
        if wanted:
            query = query.where(column == wanted)
    if filters.kinds:
        query = query.where(entries.c.kind.in_(list(filters.kinds)))
    if filters.text is not None:
        query = query.where(entries.c.summary.icontains(filters.text.strip(), autoescape=True))
    if filters.effective_from is not None:
        query = query.where(order_date >= filters.effective_from)
    if filters.effective_to is not None:
        query = query.where(order_date <= filters.effective_to)
    # Going back a page reads the log the other way from the cursor, then turns the rows round.
    descending = (order == NEWEST_FIRST) == forward
    if cursor is not None:
        cursor_date, cursor_position = decode_cursor(cursor, "after" if forward else "before")
        key = tuple_(order_date, order_position)
        at = tuple_(literal(cursor_date), literal(cursor_position))
        query = query.where(key < at if descending else key > at)
    if descending:
        query = query.order_by(order_date.desc(), order_position.desc())
    else:
        query = query.order_by(order_date.asc(), order_position.asc())
    rows = [dict(row) for row in conn.execute(query.limit(size + 1)).mappings()]
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    return TimelinePage(
        rows=rows,
        authorities=_authorities_of(conn, [row["position"] for row in rows]),
        # Entries are never removed, so the cursor's own entry lies on the side it came from.
        has_next_page=more if forward else before is not None,
        has_previous_page=after is not None if forward else more,
        cursors=[encode_cursor(row["effective_date"], row["position"]) for row in rows],
    )


def _check_page(
    filters: TimelineFilter,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    order: str,
) -> None:
    if order not in (NEWEST_FIRST, OLDEST_FIRST):
        raise InvalidInput(f"The order is {NEWEST_FIRST} or {OLDEST_FIRST}.", "order")
    if (first is not None or after is not None) and (last is not None or before is not None):
        raise InvalidInput(
            "Page forward with `first` and `after`, or back with `last` and `before`; "
            "not both at once.",
            "last",
        )
    for name, size in (("first", first), ("last", last)):
        if size is not None and not 1 <= size <= MAX_PAGE_SIZE:
            raise InvalidInput(f"Ask for between 1 and {MAX_PAGE_SIZE} entries at a time.", name)
    for name in ("contract", "authority", "partnership", "body", "project", "text"):
        value = getattr(filters, name)
        if value is not None:
            check_query_text(value, name, f"The {name} asked about")
    if filters.effective_from is not None:
        check_date(filters.effective_from, "effectiveFrom", "The start of the date range")
    if filters.effective_to is not None:
        check_date(filters.effective_to, "effectiveTo", "The end of the date range")
    if (
        filters.effective_from is not None
        and filters.effective_to is not None
        and filters.effective_to < filters.effective_from
    ):
        raise InvalidInput("The date range ends before it starts.", "effectiveTo")
    if filters.text is not None and not 1 <= len(filters.text.strip()) <= MAX_TEXT_LENGTH:
        raise InvalidInput(
            f"Search text must have between 1 and {MAX_TEXT_LENGTH} characters.", "text"
        )


def timeline_entry(conn: Connection, position: int) -> tuple[dict[str, Any], list[str]] | None:
    """The timeline row of the event at `position`, with the authorities it concerns."""
    row = (
        conn.execute(select(timeline_entries).where(timeline_entries.c.position == position))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return dict(row), _authorities_of(conn, [position])[position]


def _authorities_of(conn: Connection, positions: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {position: [] for position in positions}
    if positions:
        query = (
            select(timeline_authorities.c.position, timeline_authorities.c.authority)
            .where(timeline_authorities.c.position.in_(positions))
            .order_by(timeline_authorities.c.position, timeline_authorities.c.authority)
        )
        for position, authority in conn.execute(query):
            found[position].append(authority)
    return found


def contract_by_id(conn: Connection, contract_id: UUID) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(contracts_register).where(contracts_register.c.contract_id == str(contract_id))
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def list_contracts(
    conn: Connection,
    authority: str | None = None,
    reference: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    query = select(contracts_register).order_by(
        contracts_register.c.notice_deadline, contracts_register.c.reference
    )
    if authority:
        check_query_text(authority, "authority", "The authority asked about")
        query = query.where(contracts_register.c.authority == authority)
    if reference:
        check_query_text(reference, "reference", "The reference asked about")
        query = query.where(contracts_register.c.reference == reference)
    if status:
        query = query.where(contracts_register.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def contracts_due_for_renewal(
    conn: Connection, today: date, horizon_days: int
) -> list[dict[str, Any]]:
    """Live contracts whose notice deadline falls on or before today + horizon.

    A deadline already passed is included while the contract runs: that is the most urgent case.
    """
    check_date(today, "asOf", "The day asked about")
    check_days(horizon_days, "withinDays", "The horizon")
    register = contracts_register
    query = (
        select(register)
        .where(
            and_(
                register.c.status == ACTIVE,
                register.c.notice_deadline <= today + timedelta(days=horizon_days),
                register.c.end_date >= today,
            )
        )
        .order_by(register.c.notice_deadline, register.c.reference)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
