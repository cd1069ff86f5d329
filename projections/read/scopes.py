"""Where a change would land: the partnership, body and authorities of its target.

The access policy asks these before a change is recorded, and allows it when one of the
person's grants covers the answer. Each answer gives names as registered (an authority the
record names but never registered, as a contract's may be, as recorded); None means the target
is not on record.

`authorities` holds only the authorities party to the target itself: a contract's parties,
the authorities that attended a supplier meeting, those an alert concerns. A partnership's own
record (its bodies, meetings and projects) lies in the partnership, and a grant on an
authority does not reach it through the authority's membership.

A scrutiny body is a name as the papers give it (`partnership.commands.recommendations`): it
is registered nowhere, belongs to no partnership, and nothing on record says which authority
it serves. It is on record once it has opened an inquiry.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Column, ColumnElement, Connection, Table, func, literal, select

from partnership.alerts import RENEWAL
from partnership.contracts import contract_id
from partnership.domain import normalise_key
from partnership.global_ids import Kind, decode
from partnership.governance import governing_body_id, owned_body_id
from partnership.limits import check_date, check_query_text
from partnership.meetings import meeting_id
from partnership.partnerships import Partnership, authority_id, partnership_id
from partnership.practices import practice_id
from partnership.projects import owned_project_id, project_id
from partnership.recommendations import Inquiry
from partnership.supplier_meetings import supplier_meeting_id
from projections.alerts import alert_meeting_authorities, alert_sources
from projections.bodies import governing_bodies
from projections.contracts import contracts_register
from projections.creation import creation_facts
from projections.decisions import meetings_register
from projections.projects import projects_register
from projections.timeline import timeline_authorities, timeline_entries
from projections.timeline_text import KIND_OF

_INQUIRY_OPENED = KIND_OF[Inquiry.Opened]
_ADMITTED = KIND_OF[Partnership.MemberAdmitted]
_LEFT = KIND_OF[Partnership.MemberLeft]


@dataclass(frozen=True)
class Scope:
    """Where a target lies, as registered names."""

    partnership: str | None
    body: str | None
    authorities: frozenset[str] = field(default_factory=frozenset)


def scope_of_partnership(conn: Connection, name: str) -> Scope | None:
    facts = _facts(conn, str(partnership_id(_checked(name, "partnership"))))
    return None if facts is None else Scope(facts["title"], None)


def scope_of_body(conn: Connection, partnership: str, name: str) -> Scope | None:
    """A governing body, named within its partnership: two may each have a "Joint Committee"."""
    body = governing_body_id(_checked(partnership, "partnership"), _checked(name, "body"))
    facts = _facts(conn, str(body))
    return None if facts is None else Scope(facts["partnership"], facts["body"])


def scope_of_meeting(
    conn: Connection, partnership: str, body: str, meeting_date: date, sequence: int = 1
) -> Scope | None:
    """A meeting on record, by its current date: one whose date was corrected is found under
    the new date, never the old. One not yet on record (being planned, or recorded as held
    without having been planned) lies where its body does: see `scope_of_body`.

    The register keeps names as registered, so the names asked are matched as the record's
    own ids match them: by the key the meeting's parts give, over the partnership's meetings
    of that day (a handful at most)."""
    check_date(meeting_date, "meetingDate", "The meeting's date")
    formed = _facts(conn, str(partnership_id(_checked(partnership, "partnership"))))
    if formed is None:
        return None
    key = str(meeting_id(partnership, _checked(body, "body"), meeting_date, sequence))
    table = meetings_register
    query = select(table.c.partnership, table.c.body, table.c.sequence).where(
        table.c.partnership == formed["title"],
        table.c.meeting_date == meeting_date,
        table.c.sequence == sequence,
    )
    for found in conn.execute(query):
        named = meeting_id(found.partnership, found.body, meeting_date, found.sequence)
        if str(named) == key:
            return Scope(found.partnership, found.body)
    return None


def scope_of_project(conn: Connection, partnership: str, project: str) -> Scope | None:
    """A project, named within its partnership as every project input names it."""
    key = project_id(_checked(partnership, "partnership"), _checked(project, "project"))
    facts = _facts(conn, str(key))
    return None if facts is None else Scope(facts["partnership"], None)


def scope_of_own_body(conn: Connection, owner: str, name: str) -> Scope | None:
    """Where a body (or a meeting of it) addressed by its owner's name lies when it is an
    authority's own: with that authority alone, so a grant on the authority reaches it and a
    grant on a partnership does not. None when `owner` names a partnership's body, or neither:
    such a change lies with the partnership and body its input names, as it always has. The
    owner is found as the commands find it (`CommandBase.owned_key`)."""
    checked = _checked(name, "body")
    return _own_scope(conn, owner, lambda p, a: owned_body_id(p, a, checked))


def scope_of_own_project(conn: Connection, owner: str, name: str) -> Scope | None:
    """As `scope_of_own_body`, for a project (its milestones, progress and corrections)."""
    checked = _checked(name, "project")
    return _own_scope(conn, owner, lambda p, a: owned_project_id(p, a, checked))


def _own_scope(
    conn: Connection, owner: str, id_of: Callable[[str | None, str | None], UUID]
) -> Scope | None:
    given = decode(owner) if isinstance(owner, str) else None
    if given is not None:
        if given.kind is not Kind.AUTHORITY or given.part is not None:
            return None
        facts = _facts(conn, str(given.aggregate_id))
        if facts is None or facts["kind"] != "authority":
            return None
        return Scope(None, None, frozenset({facts["title"]}))
    checked = _checked(owner, "partnership")
    if _facts(conn, str(id_of(checked, None))) is not None:
        return None
    registered = _facts(conn, str(authority_id(checked)))
    if registered is None or registered["kind"] != "authority":
        return None
    return Scope(None, None, frozenset({registered["title"]}))


def scope_of_contract(conn: Connection, reference: str) -> Scope | None:
    """A contract on record: its contracting authority and, back-to-back, its head's."""
    parties = _parties(conn, [_checked(reference, "reference")])
    if reference not in parties:
        return None
    return Scope(None, None, _as_registered(conn, parties[reference]))


def scope_of_new_contract(
    conn: Connection, authority: str, head_contract_reference: str | None
) -> Scope | None:
    """A contract being awarded by `authority`, back-to-back with the head contract if one is
    named; None if that head contract is not on record.

    Only the awarding authority is party to the award: being party to the head contract does
    not let one council award a contract in another's name."""
    named = {" ".join(_checked(authority, "authority").split())} - {""}
    if head_contract_reference is not None and head_contract_reference.strip():
        head = _parties(conn, [_checked(head_contract_reference, "headContractReference")])
        if head_contract_reference not in head:
            return None
    return Scope(None, None, _as_registered(conn, named))


def scope_of_scrutiny_body(conn: Connection, body: str) -> Scope | None:
    """A scrutiny body that has opened an inquiry: no partnership, no authority on record."""
    wanted = normalise_key(_checked(body, "body"))
    entries = timeline_entries
    query = (
        select(entries.c.body)
        .where(entries.c.kind == _INQUIRY_OPENED)
        .order_by(entries.c.effective_date, entries.c.position)
    )
    for (name,) in conn.execute(query):
        if name is not None and normalise_key(name) == wanted:
            return Scope(None, name)
    return None


def scope_of_supplier_meeting(
    conn: Connection, supplier: str, meeting_date: date, title: str
) -> Scope | None:
    """A supplier meeting on record: the authorities that attended it, as last corrected."""
    check_date(meeting_date, "meetingDate", "The meeting's date")
    key = str(
        supplier_meeting_id(_checked(supplier, "supplier"), meeting_date, _checked(title, "title"))
    )
    if _facts(conn, key) is None:
        return None
    attended = conn.execute(select(attending_authorities(_literal_id(key)))).scalar()
    return Scope(None, None, _as_registered(conn, _json_names(attended)))


def scope_of_supplier_escalation(
    conn: Connection, supplier: str, meeting_date: date, title: str, partnership: str
) -> Scope | None:
    """A supplier meeting's issue passed up to `partnership`'s governing body: the
    authorities that attended it and are members of that partnership. An issue goes up only
    within a partnership one of its attending authorities belongs to."""
    meeting = scope_of_supplier_meeting(conn, supplier, meeting_date, title)
    if meeting is None:
        return None
    wanted = normalise_key(_checked(partnership, "partnership"))
    members = {member for joined, member in current_members(conn) if joined == wanted}
    attending = {name for name in meeting.authorities if normalise_key(name) in members}
    return Scope(None, None, frozenset(attending))


def scope_of_practice(conn: Connection, name: str) -> Scope | None:
    """A recurring practice on record: the authorities taking part in it."""
    facts = _facts(conn, str(practice_id(_checked(name, "name"))))
    if facts is None:
        return None
    return Scope(None, None, _as_registered(conn, _json_names(facts["authorities"])))


def scope_of_alert(conn: Connection, alert_key: str) -> Scope | None:
    """An alert: its partnership, the scrutiny body of a recommendation's alert, and the
    authorities it concerns; a renewal's are its contract's parties."""
    table = alert_sources
    rows = conn.execute(
        select(table).where(table.c.alert_key == _checked(alert_key, "key"))
    ).mappings()
    partnership: str | None = None
    body: str | None = None
    named: set[str] = set()
    found = False
    for row in rows:
        found = True
        partnership = partnership or row["partnership"]
        # A recommendation's alert lies with the scrutiny body that made it, so the body's
        # secretary may acknowledge it.
        body = body or row["scrutiny_body"]
        named |= _json_names(row["authorities"])
        if row["category"] == RENEWAL and row["contract_reference"]:
            named |= _parties(conn, [row["contract_reference"]]).get(
                row["contract_reference"], set()
            )
    if not found:
        return None
    return Scope(partnership, body, _as_registered(conn, named))


def contract_parties(conn: Connection, references: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each contract's parties, normalised: its contracting authority and, back-to-back, its
    head contract's. Keyed by the references as given; one not on record is left out."""
    return {
        reference: frozenset(normalise_key(name) for name in names)
        for reference, names in _parties(conn, references).items()
    }


def attending_authorities(supplier_meeting: ColumnElement[str]) -> ColumnElement[Any]:
    """The JSON list of the authorities that attended a supplier meeting (by its id): as it was
    recorded, or as a correction has since put them."""
    corrected, recorded = alert_meeting_authorities, creation_facts
    # Correlated by hand: within a clause, the meeting's row is more than one level out.
    return func.coalesce(
        select(corrected.c.authorities)
        .where(corrected.c.aggregate_id == supplier_meeting)
        .correlate_except(corrected)
        .scalar_subquery(),
        select(recorded.c.authorities)
        .where(recorded.c.aggregate_id == supplier_meeting)
        .correlate_except(recorded)
        .scalar_subquery(),
    )


def _parties(conn: Connection, references: Iterable[str]) -> dict[str, set[str]]:
    """The authorities as recorded on each contract and its head contract, in one statement."""
    by_id: dict[str, list[str]] = {}
    for reference in references:
        by_id.setdefault(str(contract_id(reference)), []).append(reference)
    if not by_id:
        return {}
    contract = contracts_register
    head = contracts_register.alias("head_contract")
    query = (
        select(contract.c.contract_id, contract.c.authority, head.c.authority.label("head"))
        .outerjoin(head, head.c.contract_id == contract.c.head_contract_id)
        .where(contract.c.contract_id.in_(list(by_id)))
    )
    found: dict[str, set[str]] = {}
    for row in conn.execute(query):
        names = {row.authority} if row.head is None else {row.authority, row.head}
        for reference in by_id[row.contract_id]:
            found[reference] = names
    return found


def _as_registered(conn: Connection, names: Iterable[str]) -> frozenset[str]:
    """Each name as its authority was registered; a name never registered as recorded."""
    wanted = {str(authority_id(name)): name for name in names}
    if not wanted:
        return frozenset()
    facts = creation_facts
    query = select(facts.c.aggregate_id, facts.c.title).where(facts.c.aggregate_id.in_(wanted))
    registered = dict(conn.execute(query).tuples().all())
    return frozenset(registered.get(key, name) for key, name in wanted.items())


def _facts(conn: Connection, aggregate_id: str) -> Any:
    facts = creation_facts
    found = conn.execute(select(facts).where(facts.c.aggregate_id == aggregate_id)).mappings()
    return found.first()


def _literal_id(key: str) -> ColumnElement[str]:
    return literal(key, creation_facts.c.aggregate_id.type)


def _json_names(value: Any) -> set[str]:
    """The names in a JSON list of names, however the driver handed it back."""
    if isinstance(value, str):
        value = json.loads(value)
    return {name for name in value or () if isinstance(name, str)}


def _checked(value: str, field_name: str) -> str:
    return check_query_text(value, field_name, f"The {field_name} asked about")


def current_members(conn: Connection) -> set[tuple[str, str]]:
    """Every (partnership, authority) of a current membership, normalised.

    A membership is current when the last admission or leaving recorded for that authority in
    that partnership is an admission: an authority leaves only while a member, and rejoins
    only after leaving, so the record's order is the membership's.
    """
    entries, named = timeline_entries, timeline_authorities
    query = (
        select(entries.c.partnership, entries.c.kind, named.c.authority)
        .join(named, named.c.position == entries.c.position)
        .where(entries.c.kind.in_((_ADMITTED, _LEFT)))
        .order_by(entries.c.position)
    )
    latest: dict[tuple[str, str], bool] = {}
    for partnership, kind, authority in conn.execute(query):
        if partnership is not None:
            latest[(normalise_key(partnership), normalise_key(authority))] = kind == _ADMITTED
    return {membership for membership, admitted in latest.items() if admitted}


# Where the authority owning each kind of record is kept, by the record's id.
_OWNED_BY: dict[str, tuple[Table, Column[str]]] = {
    "body": (governing_bodies, governing_bodies.c.body_id),
    "meeting": (meetings_register, meetings_register.c.meeting_id),
    "project": (projects_register, projects_register.c.project_id),
}


def scope_of_record(conn: Connection, aggregate_id: str) -> tuple[str, Scope] | None:
    """What kind of record an id names and where it lies, as the scope of that kind says; None
    for an id that names nothing on record."""
    facts = _facts(conn, aggregate_id)
    if facts is None:
        return None
    kind = facts["kind"]
    found: Scope | None
    if kind == "contract":
        found = scope_of_contract(conn, facts["contract_reference"])
    elif kind == "supplier_meeting":
        found = scope_of_supplier_meeting(conn, facts["supplier"], facts["day"], facts["title"])
    elif kind == "inquiry":
        found = Scope(None, facts["body"])
    elif kind in _OWNED_BY and facts["partnership"] is None:
        # An authority's own body or project, or a meeting of its own body: with the authority.
        table, key = _OWNED_BY[kind]
        owner = conn.execute(select(table.c.authority).where(key == aggregate_id)).scalar()
        found = Scope(None, None, frozenset({owner} if owner else ()))
    elif kind in ("body", "meeting"):
        found = Scope(facts["partnership"], facts["body"])
    elif kind == "project":
        found = Scope(facts["partnership"], None, frozenset())
    else:
        found = Scope(None, None)
    return None if found is None else (kind, found)
