"""Recurring practices as their register holds them: a page of the practices the asker sees.

A practice belongs to no partnership: it is seen by anyone who sees an authority taking part
in it. An authority filter is answered as every authority filter is (`names.authority_named`);
a supplier filter is matched as the record matches names (`normalise_key`), and one that no
practice the asker sees is held with is a coded NotFound, so that a misspelling never reads
as "no practices".
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    func,
    literal,
    literal_column,
    or_,
    select,
)

from partnership.domain import InvalidInput, NotFound, normalise_key
from partnership.limits import check_date, check_query_text
from partnership.practices import PRACTICE_KINDS
from projections.practices import practices_register
from projections.read import names
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.visibility import EVERYTHING, Visibility, any_of, spellings

PRACTICES_ORDER = Ordering(
    "practices",
    ((practices_register.c.name, False), (practices_register.c.practice_id, False)),
)


class PracticeSupplierNotFound(NotFound):
    code = "supplier_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"No practice with a supplier called {name!r} is on record.", "supplier")


@dataclass(frozen=True)
class PracticeFilter:
    authority: str | None = None
    supplier: str | None = None
    kind: str | None = None
    # Only practices running that day: started by then and not ended before it.
    running_on: date | None = None


def practices_page(
    conn: Connection,
    filters: PracticeFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By name."""
    check_request(request, PRACTICES_ORDER)
    table = practices_register
    dialect = conn.dialect.name
    query = _seen(select(table), visible, dialect)
    if filters.authority is not None:
        authority = names.authority_named(conn, filters.authority, visible)
        query = query.where(any_of(table.c.authorities, select(literal(authority)), dialect))
    if filters.supplier is not None:
        with_supplier = _held_with(
            check_query_text(filters.supplier, "supplier", "The supplier asked about"), dialect
        )
        any_seen = _seen(select(table.c.practice_id), visible, dialect).where(with_supplier)
        if conn.execute(any_seen.limit(1)).first() is None:
            raise PracticeSupplierNotFound(filters.supplier)
        query = query.where(with_supplier)
    if filters.kind is not None:
        if filters.kind not in PRACTICE_KINDS:
            raise InvalidInput(f"There is no kind of practice called {filters.kind!r}.", "kind")
        query = query.where(table.c.kind == filters.kind)
    if filters.running_on is not None:
        day = check_date(filters.running_on, "runningOn", "The day asked about")
        query = query.where(
            table.c.starts_on <= day, or_(table.c.ends_on.is_(None), table.c.ends_on >= day)
        )
    return keyset_page(conn, query, PRACTICES_ORDER, request)


def _seen(query: Select[Any], visible: Visibility, dialect: str) -> Select[Any]:
    if visible.everything:
        return query
    seen = spellings(visible).authorities
    return query.where(any_of(practices_register.c.authorities, seen, dialect))


def _held_with(supplier: str, dialect: str) -> ColumnElement[bool]:
    """Whether a practice is held with `supplier`, its name compared as the record compares
    names: case aside, and spaces (recorded names hold single spaces only)."""
    each = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    element = each(practices_register.c.suppliers).table_valued("value", joins_implicitly=True)
    wanted = normalise_key(supplier)
    return (
        select(literal_column("1"))
        .select_from(element)
        .where(func.upper(element.c.value) == wanted)
        .exists()
    )


def practice_by_id(conn: Connection, practice_id: str, visible: Visibility) -> Row | None:
    """One practice, if the asker sees it (as the practices page narrows them)."""
    table = practices_register
    query = _seen(
        select(table).where(table.c.practice_id == practice_id), visible, conn.dialect.name
    )
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)
