"""Supplier meetings as their register holds them: a page of the meetings the asker sees, newest
first, and the actions each raised.

A supplier meeting belongs to no partnership: it is seen, as its actions are, by anyone who
sees an authority that attended it (`supplier_action_seen`). A supplier filter is matched as
the record matches it, and one the asker has not seen met is a coded NotFound.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from projections.delivery import supplier_actions_register
from projections.read import names
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.registers import check_date_range
from projections.read.visibility import EVERYTHING, Visibility, spellings, supplier_action_seen
from projections.supplier_meetings import supplier_meetings_register

SUPPLIER_MEETINGS_ORDER = Ordering(
    "supplier_meetings",
    (
        (supplier_meetings_register.c.meeting_day, True),
        (supplier_meetings_register.c.meeting_id, False),
    ),
)


@dataclass(frozen=True)
class SupplierMeetingFilter:
    supplier: str | None = None
    meeting_from: date | None = None
    meeting_to: date | None = None


def supplier_meetings_page(
    conn: Connection,
    filters: SupplierMeetingFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """Newest first."""
    check_request(request, SUPPLIER_MEETINGS_ORDER)
    check_date_range(filters.meeting_from, filters.meeting_to)
    table = supplier_meetings_register
    query = select(table)
    if not visible.everything:
        query = query.where(supplier_action_seen(table, spellings(visible), conn.dialect.name))
    if filters.supplier is not None:
        suppliers = names.suppliers_named(conn, filters.supplier, visible)
        query = query.where(table.c.supplier.in_(suppliers))
    if filters.meeting_from is not None:
        query = query.where(table.c.meeting_day >= filters.meeting_from)
    if filters.meeting_to is not None:
        query = query.where(table.c.meeting_day <= filters.meeting_to)
    return keyset_page(conn, query, SUPPLIER_MEETINGS_ORDER, request)


def actions_of_meetings(conn: Connection, meeting_ids: Iterable[str]) -> dict[str, list[Row]]:
    """Each meeting's actions, in the order raised: one statement for a page of meetings (the
    meetings are already narrowed to those the asker sees, and an action is seen with its
    meeting)."""
    wanted = set(meeting_ids)
    found: dict[str, list[Row]] = defaultdict(list)
    if not wanted:
        return found
    table = supplier_actions_register
    query = select(table).where(table.c.meeting_id.in_(wanted))
    for row in conn.execute(query).mappings():
        found[row["meeting_id"]].append(dict(row))
    for actions in found.values():
        # Numbered 1, 2, … in the order raised: ordered as numbers, not as text.
        actions.sort(key=lambda action: (len(action["number"]), action["number"]))
    return found


def supplier_meeting_by_id(
    conn: Connection, meeting_id: str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    """One supplier meeting by its id; None if it is not on record or not seen."""
    table = supplier_meetings_register
    query = select(table).where(table.c.meeting_id == meeting_id)
    if not visible.everything:
        query = query.where(supplier_action_seen(table, spellings(visible), conn.dialect.name))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)
