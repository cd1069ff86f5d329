"""The timeline: every recorded fact by effective date, filtered and paged both ways.

A page is one statement: the entries, each with the authorities it concerns gathered by a
correlated subquery. Each shape of question (which filters it gives, which way it reads, whether
it starts from a cursor) is built once per database dialect and kept, its values bound at each
call: building a statement of this size and its cache key takes about as long as SQLite
takes to run it.

A page holds only the entries the asker may see (`visibility`): a partnership's with the
partnership; any other with an authority it concerns. An alert's acknowledgement is seen with
the alert it acknowledges. A person's entries (registration, grants) are for those who see the
whole record, as the people themselves are.

A partnership, authority, body, project or contract the timeline is filtered by is looked up
first (`names`), whatever its case and spacing, and compared as the record spells it; one not
on record, or not seen, is refused with a coded NotFound rather than answered with no entries.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Integer,
    Select,
    bindparam,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by, array_agg

from partnership.contracts import contract_id
from partnership.domain import InvalidInput
from partnership.limits import check_date, check_query_text
from projections.read import names
from projections.read.paging import Ordering, PageRequest, decode_cursor, encode_cursor
from projections.read.visibility import EVERYTHING, Visibility, bound_values, entry_seen
from projections.timeline import timeline_authorities, timeline_entries

MAX_TEXT_LENGTH = 200

NEWEST_FIRST = "newest_first"
OLDEST_FIRST = "oldest_first"

# What SQLAlchemy's `icontains(..., autoescape=True)` escapes with; done here so the search
# text can be bound to a statement built once.
_LIKE_ESCAPE = "/"
# Joins a row's authorities on SQLite: no name holds a control character (partnership.limits).
_SEPARATOR = "\x1f"
_ENTRY_KEYS = tuple(column.key for column in timeline_entries.c)


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


def timeline_page(
    conn: Connection,
    filters: TimelineFilter,
    first: int | None = None,
    after: str | None = None,
    *,
    last: int | None = None,
    before: str | None = None,
    order: str = NEWEST_FIRST,
    visible: Visibility = EVERYTHING,
) -> TimelinePage:
    """A page of the timeline by effective date, ties in the order the facts were recorded.

    `first` entries after the `after` cursor, or the `last` entries before the `before` cursor,
    both counted in the order asked for; a page always reads in that order.
    """
    request = PageRequest(first=first, after=after, last=last, before=before)
    request.check()
    _check_filters(filters, order)
    values = _bound_values(filters, _spelled(conn, filters, visible))
    newest_first = order == NEWEST_FIRST
    cursor = request.cursor
    statement, ordering = _page_statement(
        conn.dialect.name,
        frozenset(values),
        newest_first,
        request.forward,
        cursor is not None,
        not visible.everything,
    )
    if not visible.everything:
        values.update(bound_values(visible))
    if cursor is not None:
        cursor_date, values["cursor_position"] = decode_cursor(
            ordering, cursor, request.cursor_argument
        )
        values["cursor_date"] = cursor_date
        # The cursor bounds the dates as well. Said in the date range, it is a bound the index
        # scan can start from: SQLite otherwise starts at the range's own end and reads every
        # entry between it and the cursor.
        if newest_first == request.forward:
            if "effective_to" in values:
                values["effective_to"] = min(values["effective_to"], cursor_date)
        elif "effective_from" in values:
            values["effective_from"] = max(values["effective_from"], cursor_date)
    size = request.size
    values["size"] = size + 1  # one more than the page, to learn whether there is more
    found = conn.execute(statement, values).all()
    more = len(found) > size
    # Going back a page reads the other way from the cursor: turn the rows round.
    kept = found[:size] if request.forward else list(reversed(found[:size]))
    # The entry's own columns come first; the last one is its authorities.
    rows = [dict(zip(_ENTRY_KEYS, row, strict=False)) for row in kept]
    return TimelinePage(
        rows=rows,
        authorities={row.position: _authority_list(row.authorities) for row in kept},
        # Without counting, a cursor is taken as the sign of entries on the side it came from.
        has_next_page=more if request.forward else request.before is not None,
        has_previous_page=request.after is not None if request.forward else more,
        cursors=[encode_cursor(ordering, row) for row in rows],
    )


def timeline_entry(
    conn: Connection, position: int, *, visible: Visibility = EVERYTHING
) -> tuple[dict[str, Any], list[str]] | None:
    """The timeline row of the event at `position`, with the authorities it concerns."""
    values: dict[str, Any] = {"position": position}
    if not visible.everything:
        values.update(bound_values(visible))
    statement = _entry_statement(conn.dialect.name, not visible.everything)
    row = conn.execute(statement, values).first()
    if row is None:
        return None
    return dict(zip(_ENTRY_KEYS, row, strict=False)), _authority_list(row.authorities)


def _spelled(conn: Connection, filters: TimelineFilter, visible: Visibility) -> dict[str, Any]:
    """Each name the question filters by, as the record spells it; a name not on record, or
    not seen by the asker, is refused rather than answered with an empty page."""
    spelled: dict[str, Any] = {}
    if filters.partnership:
        spelled["partnership"] = names.partnership_named(conn, filters.partnership, visible)
    if filters.authority:
        spelled["authority"] = names.authority_named(conn, filters.authority, visible)
    if filters.contract:
        names.contract_named(conn, filters.contract, visible)
        # By id, so the reference matches however it is spaced or cased.
        spelled["contract"] = str(contract_id(filters.contract))
    if filters.body:
        spelled["body"] = names.bodies_named(conn, filters.body, visible)
    if filters.project:
        partnership = spelled.get("partnership")
        spelled["project"] = (
            names.projects_named(conn, filters.project, visible)
            if partnership is None
            else [names.project_named(conn, partnership, filters.project, visible)]
        )
    return spelled


def _bound_values(filters: TimelineFilter, spelled: dict[str, Any]) -> dict[str, Any]:
    """The value of each filter the question gives, under its bound parameter's name."""
    values: dict[str, Any] = dict(spelled)
    if filters.kinds:
        values["kinds"] = list(filters.kinds)
    if filters.text is not None:
        escaped = filters.text.strip().replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2)
        values["text"] = escaped.replace("%", _LIKE_ESCAPE + "%").replace("_", _LIKE_ESCAPE + "_")
    if filters.effective_from is not None:
        values["effective_from"] = filters.effective_from
    if filters.effective_to is not None:
        values["effective_to"] = filters.effective_to
    return values


@lru_cache(maxsize=1024)
def _page_statement(
    dialect: str,
    given: frozenset[str],
    newest_first: bool,
    forward: bool,
    from_cursor: bool,
    narrowed: bool = False,
) -> tuple[Select[Any], Ordering]:
    """The statement for one shape of question, and the order its cursors are made in."""
    entries = timeline_entries
    if "authority" in given:
        # Order by the authority table's own columns so its index serves the whole query.
        by = timeline_authorities
        query = (
            select(*entries.c, _authorities_column(dialect))
            .join(by, by.c.position == entries.c.position)
            .where(by.c.authority == bindparam("authority"))
        )
        order_date, order_position = by.c.effective_date, by.c.position
    else:
        query = select(*entries.c, _authorities_column(dialect))
        order_date, order_position = entries.c.effective_date, entries.c.position
    if "contract" in given:
        query = query.where(entries.c.aggregate_id == bindparam("contract"))
    if "partnership" in given:
        query = query.where(entries.c.partnership == bindparam("partnership"))
    for name in ("body", "project"):
        # Every spelling on record: two partnerships may each have a body so named.
        if name in given:
            query = query.where(entries.c[name].in_(bindparam(name, expanding=True)))
    if "kinds" in given:
        query = query.where(entries.c.kind.in_(bindparam("kinds", expanding=True)))
    if "text" in given:
        query = query.where(entries.c.summary.icontains(bindparam("text"), escape=_LIKE_ESCAPE))
    if "effective_from" in given:
        query = query.where(order_date >= bindparam("effective_from", type_=Date))
    if "effective_to" in given:
        query = query.where(order_date <= bindparam("effective_to", type_=Date))
    if narrowed:
        query = query.where(entry_seen(dialect))
    ordering = Ordering("timeline", ((order_date, newest_first), (order_position, newest_first)))
    reading = ordering if forward else ordering.reversed()
    if from_cursor:
        # The row-value comparison an index scans directly, as `Ordering.beyond` makes it.
        key = tuple_(order_date, order_position)
        at = tuple_(
            bindparam("cursor_date", type_=Date), bindparam("cursor_position", type_=BigInteger)
        )
        descending = newest_first == forward
        query = query.where(key < at if descending else key > at)
    query = query.order_by(*reading.order_by()).limit(bindparam("size", type_=Integer))
    return query, ordering


@lru_cache(maxsize=8)
def _entry_statement(dialect: str, narrowed: bool) -> Select[Any]:
    entries = timeline_entries
    query = select(*entries.c, _authorities_column(dialect)).where(
        entries.c.position == bindparam("position")
    )
    return query.where(entry_seen(dialect)) if narrowed else query


def _authorities_column(dialect: str) -> ColumnElement[Any]:
    """The authorities an entry concerns, by name: a sorted array on PostgreSQL; on SQLite,
    names joined by `_SEPARATOR` in no set order (`_authority_list` sorts them)."""
    concerned = timeline_authorities.alias("concerned")
    if dialect == "postgresql":
        gathered: ColumnElement[Any] = array_agg(
            aggregate_order_by(concerned.c.authority, concerned.c.authority)
        )
    else:
        gathered = func.group_concat(concerned.c.authority, literal_column("char(31)"))
    return (
        select(gathered)
        .where(concerned.c.position == timeline_entries.c.position)
        .correlate(timeline_entries)
        .scalar_subquery()
        .label("authorities")
    )


def _authority_list(gathered: list[str] | str | None) -> list[str]:
    if gathered is None:
        return []
    if isinstance(gathered, list):
        return gathered
    # SQLite compares text by code point, as Python does: the order ORDER BY authority gives.
    return sorted(gathered.split(_SEPARATOR))


def _check_filters(filters: TimelineFilter, order: str) -> None:
    if order not in (NEWEST_FIRST, OLDEST_FIRST):
        raise InvalidInput(f"The order is {NEWEST_FIRST} or {OLDEST_FIRST}.", "order")
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
