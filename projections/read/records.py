"""One record by its id, whatever kind it is: what a change answers with, as it now reads.

A command's result names the aggregate it changed by id alone. The kind of record that id is,
and the names the other questions find it by, are what its creating event said
(`creation_facts`); the record itself is then read as the question for its kind reads it,
narrowed alike to what the asker sees. The two kinds no question reads one at a time (an
authority, a supplier meeting) are read here by id, narrowed as their pages are.
"""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Connection, select

from projections.creation import creation_facts
from projections.partnerships import authorities_register
from projections.read.paging import Row
from projections.read.visibility import Visibility, spellings, supplier_action_seen
from projections.supplier_meetings import supplier_meetings_register


@dataclass(frozen=True)
class Created:
    """What a record's creating event said of it: its kind and the names it is found by."""

    aggregate_id: str
    kind: str
    title: str | None
    partnership: str | None
    body: str | None
    day: date | None


def created(conn: Connection, aggregate_id: UUID | str) -> Created | None:
    """The kind and names of the record `aggregate_id`; None if no read model created it."""
    facts = creation_facts
    query = select(
        facts.c.aggregate_id,
        facts.c.kind,
        facts.c.title,
        facts.c.partnership,
        facts.c.body,
        facts.c.day,
    ).where(facts.c.aggregate_id == str(aggregate_id))
    row = conn.execute(query).mappings().first()
    return None if row is None else Created(**row)


def authority_by_id(conn: Connection, authority_id: str, visible: Visibility) -> Row | None:
    """One authority, if the asker sees it (as the authorities page narrows them)."""
    table = authorities_register
    query = select(table).where(table.c.authority_id == authority_id)
    if not visible.everything:
        query = query.where(table.c.name.in_(spellings(visible).authorities))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)


def supplier_meeting_by_id(conn: Connection, meeting_id: str, visible: Visibility) -> Row | None:
    """One supplier meeting, if the asker sees it (as the supplier meetings page narrows them)."""
    table = supplier_meetings_register
    query = select(table).where(table.c.meeting_id == meeting_id)
    if not visible.everything:
        query = query.where(supplier_action_seen(table, spellings(visible), conn.dialect.name))
    row = conn.execute(query).mappings().first()
    return None if row is None else dict(row)
