"""What a person may see of the shared record, and the clauses that narrow a read to it.

Several councils share one record. The rule every read question enforces:

- Everyone in a partnership sees its shared record: its timeline entries, meetings, decisions,
  milestones and alerts. A person outside it sees nothing of it, in any list or answer.
- A person is in a partnership when a grant names it, when a grant names one of its bodies, or
  when their own authority (or an authority a grant names) is a current member of it.
- What belongs to no partnership (a contract, a supplier meeting and its actions, a scrutiny
  inquiry's recommendations, a recurring practice, an authority's own bodies, projects and
  entries) is seen by anyone who sees an
  authority it concerns. A person sees their own authority, the authorities their grants name,
  and every member authority of the partnerships they are in: so an authority's contracts are
  seen by its own people and by the people of every partnership it is a member of. A contract
  concerns its contracting authority and, for a back-to-back contract, its head contract's.
- A grant on everything (every auditor and admin holds one) sees the whole record, and its
  questions are asked exactly as they were before there was anything to narrow.

Names compare as the record compares them (`normalise_key`); a `Visibility` holds them so.
Rows keep names as registered, so a clause compares its columns with the registered spellings,
found by each name's natural id in `creation_facts`: one indexed look-up inside the statement.

Current membership is read from the timeline, which keeps every admission and leaving with the
partnership and the authority, indexed by kind: a handful of rows per partnership.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Select,
    and_,
    bindparam,
    func,
    literal_column,
    or_,
    select,
)
from sqlalchemy.sql.elements import BindParameter

from partnership.access import Principal, ScopeKind
from partnership.alerts import RENEWAL
from partnership.domain import normalise_key
from partnership.governance import governing_body_id
from partnership.partnerships import Partnership, authority_id, partnership_id
from projections.alerts import alert_acknowledgements, alert_sources
from projections.contracts import contracts_register
from projections.creation import creation_facts
from projections.read.scopes import attending_authorities, current_members
from projections.timeline import timeline_authorities, timeline_entries
from projections.timeline_text import KIND_OF

_ADMITTED = KIND_OF[Partnership.MemberAdmitted]
_LEFT = KIND_OF[Partnership.MemberLeft]


def _normalised(names: Iterable[str]) -> frozenset[str]:
    return frozenset(normalise_key(name) for name in names)


@dataclass(frozen=True)
class Visibility:
    """The partnerships and authorities a person sees, or everything."""

    everything: bool
    partnerships: frozenset[str] = field(default_factory=frozenset)
    authorities: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        # Normalised here too, so that one made by hand compares as one worked out.
        object.__setattr__(self, "partnerships", _normalised(self.partnerships))
        object.__setattr__(self, "authorities", _normalised(self.authorities))

    def sees_partnership(self, name: str | None) -> bool:
        return self.everything or (name is not None and normalise_key(name) in self.partnerships)

    def sees_any_authority(self, names: Iterable[str | None]) -> bool:
        if self.everything:
            return True
        return any(name is not None and normalise_key(name) in self.authorities for name in names)


EVERYTHING = Visibility(everything=True)
NOTHING = Visibility(everything=False)


def visibility_of(conn: Connection, principal: Principal) -> Visibility:
    """What `principal` sees, from their grants and the partnerships' current members."""
    partnerships: set[str] = set()
    authorities = {normalise_key(principal.authority)}
    bodies: list[tuple[str, str]] = []
    for grant in principal.grants:
        if grant.scope_kind is ScopeKind.EVERYTHING:
            return EVERYTHING
        if grant.scope is None:
            continue
        if grant.scope_kind is ScopeKind.PARTNERSHIP:
            partnerships.add(normalise_key(grant.scope))
        elif grant.scope_kind is ScopeKind.AUTHORITY:
            authorities.add(normalise_key(grant.scope))
        elif grant.partnership is not None:
            # A scrutiny body (no partnership) puts no partnership in view.
            bodies.append((grant.partnership, grant.scope))
    partnerships |= _partnerships_of_bodies(conn, bodies)
    members = current_members(conn)
    partnerships |= {partnership for partnership, member in members if member in authorities}
    authorities |= {member for partnership, member in members if partnership in partnerships}
    return Visibility(False, frozenset(partnerships), frozenset(authorities))


def _partnerships_of_bodies(conn: Connection, bodies: list[tuple[str, str]]) -> set[str]:
    """The partnerships of those (partnership, body) that name a body on record."""
    if not bodies:
        return set()
    ids = {str(governing_body_id(partnership, body)) for partnership, body in bodies}
    facts = creation_facts
    query = select(facts.c.partnership).where(facts.c.aggregate_id.in_(ids))
    return {normalise_key(name) for (name,) in conn.execute(query) if name is not None}


# Clauses


PARTNERSHIP_IDS = "visible_partnership_ids"
AUTHORITY_IDS = "visible_authority_ids"


@dataclass(frozen=True)
class Spellings:
    """The registered names of what a person sees, as subqueries a clause compares with."""

    partnerships: Select[Any]
    authorities: Select[Any]


def spellings(visible: Visibility | None = None) -> Spellings:
    """`visible`'s names bound in; or, with None, bind parameters given `bound_values` at each
    execution, for a statement built once and kept."""
    values = None if visible is None else bound_values(visible)
    return Spellings(
        _registered("visible_partnerships", _ids(PARTNERSHIP_IDS, values)),
        _registered("visible_authorities", _ids(AUTHORITY_IDS, values)),
    )


def bound_values(visible: Visibility) -> dict[str, list[str]]:
    """The values of the bind parameters `spellings()` leaves open."""
    return {
        PARTNERSHIP_IDS: sorted(str(partnership_id(name)) for name in visible.partnerships),
        AUTHORITY_IDS: sorted(str(authority_id(name)) for name in visible.authorities),
    }


def _ids(name: str, values: dict[str, list[str]] | None) -> BindParameter[Any]:
    if values is None:
        return bindparam(name, expanding=True)
    return bindparam(name, values[name], expanding=True, unique=True)


def _registered(alias: str, ids: BindParameter[Any]) -> Select[Any]:
    facts = creation_facts.alias(alias)
    return select(facts.c.title).where(facts.c.aggregate_id.in_(ids))


def any_of(
    json_column: ColumnElement[Any], names: Select[Any], dialect: str
) -> ColumnElement[bool]:
    """Whether any name in a JSON list of names is one of `names`."""
    each = func.json_array_elements_text if dialect == "postgresql" else func.json_each
    element = each(json_column).table_valued("value", joins_implicitly=True)
    return (
        select(literal_column("1")).select_from(element).where(element.c.value.in_(names)).exists()
    )


def contract_seen(table: FromClause, names: Spellings) -> ColumnElement[bool]:
    """Whether a row of `contracts_register` (or an alias of it) is a contract of an authority
    in `names`, or back-to-back with one."""
    head = contracts_register.alias("head_contract")
    return or_(
        table.c.authority.in_(names.authorities),
        table.c.head_contract_id.in_(
            select(head.c.contract_id).where(head.c.authority.in_(names.authorities))
        ),
    )


def owner_seen(table: FromClause, names: Spellings) -> ColumnElement[bool]:
    """Whether a row of a body or a project is seen: with its partnership, or, owned by an
    authority alone (a district's Executive, its own project), with that authority."""
    return or_(
        table.c.partnership.in_(names.partnerships),
        and_(table.c.partnership.is_(None), table.c.authority.in_(names.authorities)),
    )


def alert_seen(table: FromClause, names: Spellings, dialect: str) -> ColumnElement[bool]:
    """Whether a row of `alert_sources` (or an alias of it) is seen: a partnership's alert with
    the partnership, a renewal with its contract, any other with an authority it concerns."""
    seen_contracts = select(contracts_register.c.contract_id).where(
        contract_seen(contracts_register, names)
    )
    return or_(
        table.c.partnership.in_(names.partnerships),
        and_(
            table.c.partnership.is_(None),
            table.c.category != RENEWAL,
            any_of(table.c.authorities, names.authorities, dialect),
        ),
        and_(table.c.category == RENEWAL, table.c.aggregate_id.in_(seen_contracts)),
    )


def supplier_action_seen(table: FromClause, names: Spellings, dialect: str) -> ColumnElement[bool]:
    """Whether a row of `supplier_actions_register` is seen: with an authority that attended
    its meeting."""
    return any_of(attending_authorities(table.c.meeting_id), names.authorities, dialect)


# Entries of these aggregates belong to no partnership yet are not seen through the authorities
# they name: an acknowledgement is seen with its alert; a person's record (registration and
# grants) only by those who see the whole record, as are the people themselves.
_ACKNOWLEDGEMENT = "alert"
_PERSON = "person"


def entry_seen(dialect: str) -> ColumnElement[bool]:
    """Whether a timeline entry is seen, with the names of `spellings()` left to bind.

    Each test is cheap for the entry in hand, so a page can still be read in the order of an
    index and stop when full: its partnership against a short list; else one look-up of its
    authorities by its key, or of its alert among the few acknowledged.
    """
    entries = timeline_entries
    names = spellings()
    concerned = timeline_authorities.alias("seen_through")
    # A scalar subquery, not EXISTS: PostgreSQL would turn an EXISTS into a hash of every
    # entry of those authorities, built before the first row of a page.
    through_authority = (
        select(literal_column("1"))
        .where(concerned.c.position == entries.c.position)
        .where(concerned.c.authority.in_(names.authorities))
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    acknowledged = alert_acknowledgements
    alert = alert_sources.alias("acknowledged_alert")
    acknowledgements_seen = (
        select(acknowledged.c.position)
        .join(alert, alert.c.alert_key == acknowledged.c.alert_key)
        .where(alert_seen(alert, names, dialect))
    )
    return or_(
        entries.c.partnership.in_(names.partnerships),
        and_(
            entries.c.partnership.is_(None),
            or_(
                and_(
                    entries.c.aggregate_type.not_in((_ACKNOWLEDGEMENT, _PERSON)),
                    through_authority,
                ),
                and_(
                    entries.c.aggregate_type == _ACKNOWLEDGEMENT,
                    entries.c.position.in_(acknowledgements_seen),
                ),
            ),
        ),
    )
