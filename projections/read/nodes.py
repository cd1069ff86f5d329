"""Records by their global ids (`partnership.global_ids`): the row a `node(id:)` question
answers, and the name an input given an id stands for.

A record is answered as the question of its own kind answers it: narrowed by what the asker
sees, None if it is not on record or not seen, so that an id never tells whether something
exists. A person is not narrowed here: only those who see the whole record are let ask of
people at all, which the API decides.
"""

from sqlalchemy import Connection, select

from partnership.global_ids import GlobalId, Kind, decode
from projections.creation import creation_facts
from projections.read.bodies import body_by_id
from projections.read.contracts import contract_by_id
from projections.read.inquiries import inquiry_by_id
from projections.read.paging import Row
from projections.read.partnerships import authority_by_id, memberships_of, partnership_by_id
from projections.read.people import grants_of, person_by_id
from projections.read.projects import project_by_id
from projections.read.registers import decisions_by_key, meetings_by_id
from projections.read.supplier_meetings import actions_of_meetings, supplier_meeting_by_id
from projections.read.visibility import Visibility

# The kind of the creating event's facts of each kind an input may name by id.
_CREATED_AS = {
    Kind.AUTHORITY: "authority",
    Kind.PARTNERSHIP: "partnership",
    Kind.GOVERNING_BODY: "body",
    Kind.PROJECT: "project",
    Kind.INQUIRY: "inquiry",
    Kind.CONTRACT: "contract",
}


def node_row(conn: Connection, node: GlobalId, visible: Visibility) -> Row | None:
    """The row of the record `node` names, with what its type shows besides (an authority's
    memberships, a supplier meeting's actions, a person's grants); None if none is seen."""
    key = str(node.aggregate_id)
    if node.kind is Kind.DECISION:
        if node.part is None:
            return None
        return decisions_by_key(conn, [(key, node.part)], visible=visible).get((key, node.part))
    if node.part is not None:
        return None
    if node.kind is Kind.CONTRACT:
        return contract_by_id(conn, key, visible=visible)
    if node.kind is Kind.GOVERNING_BODY:
        return body_by_id(conn, key, visible)
    if node.kind is Kind.MEETING:
        return meetings_by_id(conn, [key], visible=visible).get(key)
    if node.kind is Kind.PROJECT:
        return project_by_id(conn, key, visible=visible)
    if node.kind is Kind.INQUIRY:
        return inquiry_by_id(conn, key, visible=visible)
    if node.kind is Kind.PARTNERSHIP:
        return partnership_by_id(conn, key, visible)
    if node.kind is Kind.AUTHORITY:
        return _authority(conn, key, visible)
    if node.kind is Kind.SUPPLIER_MEETING:
        return _supplier_meeting(conn, key, visible)
    return _person(conn, key)


def _authority(conn: Connection, key: str, visible: Visibility) -> Row | None:
    row = authority_by_id(conn, key, visible)
    if row is None:
        return None
    held = memberships_of(conn, [row["name"]], visible=visible)
    return {**row, "memberships": held.get(row["name"], [])}


def _supplier_meeting(conn: Connection, key: str, visible: Visibility) -> Row | None:
    row = supplier_meeting_by_id(conn, key, visible=visible)
    if row is None:
        return None
    return {**row, "actions": actions_of_meetings(conn, [key]).get(key, [])}


def _person(conn: Connection, key: str) -> Row | None:
    row = person_by_id(conn, key)
    if row is None:
        return None
    return {**row, "grants": grants_of(conn, [key]).get(key, [])}


def name_given(conn: Connection, text: str | None, kind: Kind) -> str | None:
    """The name an input stands for: the record's name where `text` is the global id of a
    record of `kind` on record; `text` as given otherwise (a name, an id of nothing), for
    what reads it next to answer as it answers a name."""
    found = None if text is None else decode(text)
    if found is None or found.kind is not kind or found.part is not None:
        return text
    facts = creation_facts
    query = select(facts.c.title, facts.c.contract_reference).where(
        facts.c.aggregate_id == str(found.aggregate_id), facts.c.kind == _CREATED_AS[kind]
    )
    row = conn.execute(query).first()
    if row is None:
        return text
    name: str | None = row.contract_reference if kind is Kind.CONTRACT else row.title
    return text if name is None else name
