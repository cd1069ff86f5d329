"""The names a question filters by, as the record spells them, or a coded NotFound.

A misspelt name would otherwise narrow a list to nothing, which reads as "nothing recorded".
Each name is matched as the record matches it (`normalise_key`), found by its natural id in
`creation_facts` (one look-up by primary key) or, where the question names it without what
its id is made from (a body or a project without its partnership, an inquiry without its
body, a supplier), among the few creating entries of its kind in the timeline, by the kind
index. Only a filter that is given is looked up.

A name the asker may not see is answered exactly as a name that is not on record: the same
error, the same message, so that a question never tells whether something exists.
"""

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select

from partnership.contracts import ContractNotFound
from partnership.domain import NotFound, normalise_key
from partnership.governance import GoverningBody, GoverningBodyNotFound, governing_body_id
from partnership.limits import check_query_text
from partnership.partnerships import (
    AuthorityNotFound,
    PartnershipNotFound,
    authority_id,
    partnership_id,
)
from partnership.projects import Project, ProjectNotFound, project_id
from partnership.recommendations import Inquiry, InquiryNotFound
from partnership.supplier_meetings import SupplierMeeting
from projections.creation import creation_facts
from projections.delivery import recommendations_register
from projections.read.scopes import attending_authorities, scope_of_contract
from projections.read.visibility import Visibility, spellings
from projections.timeline import timeline_entries
from projections.timeline_text import KIND_OF

_BODY_ESTABLISHED = KIND_OF[GoverningBody.Established]
_PROJECT_STARTED = KIND_OF[Project.Started]
_INQUIRY_OPENED = KIND_OF[Inquiry.Opened]
_SUPPLIER_MET = KIND_OF[SupplierMeeting.Recorded]


class BodyNotFound(NotFound):
    """A body named without its partnership: a governing body of any partnership, or a
    scrutiny body that has opened an inquiry."""

    code = "body_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no body called {name!r} on record.", "body")


class SupplierNotFound(NotFound):
    code = "supplier_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"No meeting with a supplier called {name!r} is on record.", "supplier")


class _AnyProjectNotFound(ProjectNotFound):
    def __init__(self, name: str) -> None:
        NotFound.__init__(self, f"There is no project called {name!r} on record.", "project")


class _AnyInquiryNotFound(InquiryNotFound):
    def __init__(self, title: str) -> None:
        NotFound.__init__(self, f"There is no inquiry called {title!r} on record.", "inquiry")


def _at(error: NotFound, field: str) -> NotFound:
    """The error, naming the argument the question gave the name in."""
    error.field = field
    return error


def _checked(value: str, field: str) -> str:
    return check_query_text(value, field, f"The {field} asked about")


def _facts(conn: Connection, aggregate_id: Any, kind: str) -> Any:
    facts = creation_facts
    query = select(facts).where(facts.c.aggregate_id == str(aggregate_id), facts.c.kind == kind)
    return conn.execute(query).mappings().first()


def partnership_named(
    conn: Connection, name: str, visible: Visibility, field: str = "partnership"
) -> str:
    """The partnership as registered."""
    facts = _facts(conn, partnership_id(_checked(name, field)), "partnership")
    if facts is None or not visible.sees_partnership(facts["title"]):
        raise _at(PartnershipNotFound(name), field)
    registered: str = facts["title"]
    return registered


def authority_named(
    conn: Connection, name: str, visible: Visibility, field: str = "authority"
) -> str:
    """The authority as registered."""
    facts = _facts(conn, authority_id(_checked(name, field)), "authority")
    if facts is None or not visible.sees_any_authority([facts["title"]]):
        raise _at(AuthorityNotFound(name), field)
    registered: str = facts["title"]
    return registered


def governing_body_named(
    conn: Connection, partnership: str, name: str, visible: Visibility, field: str = "body"
) -> str:
    """A governing body of `partnership` (already found), as established."""
    facts = _facts(conn, governing_body_id(partnership, _checked(name, field)), "body")
    if facts is None or not visible.sees_partnership(facts["partnership"]):
        raise _at(GoverningBodyNotFound(partnership, name), field)
    established: str = facts["title"]
    return established


def project_named(
    conn: Connection, partnership: str, name: str, visible: Visibility, field: str = "project"
) -> str:
    """A project of `partnership` (already found), as started."""
    facts = _facts(conn, project_id(partnership, _checked(name, field)), "project")
    if facts is None or not visible.sees_partnership(facts["partnership"]):
        raise _at(ProjectNotFound(partnership, name), field)
    started: str = facts["title"]
    return started


def contract_named(
    conn: Connection, reference: str, visible: Visibility, field: str = "contract"
) -> None:
    """A contract on record that the asker sees (its parties' spellings need not be known:
    a contract is asked about by its id)."""
    scope = scope_of_contract(conn, _checked(reference, field))
    if scope is None or not visible.sees_any_authority(scope.authorities):
        raise _at(ContractNotFound(reference), field)


def bodies_named(
    conn: Connection, name: str, visible: Visibility, field: str = "body"
) -> list[str]:
    """Every spelling of a body so named, governing or scrutiny, of any partnership."""
    wanted = normalise_key(_checked(name, field))
    entries, facts = timeline_entries, creation_facts
    query = (
        select(entries.c.kind, facts.c.partnership, facts.c.title, facts.c.body)
        .join(facts, facts.c.aggregate_id == entries.c.aggregate_id)
        .where(entries.c.kind.in_((_BODY_ESTABLISHED, _INQUIRY_OPENED)))
    )
    governing: set[str] = set()
    scrutiny: set[str] = set()
    for kind, partnership, title, body in conn.execute(query):
        if kind == _BODY_ESTABLISHED and normalise_key(title) == wanted:
            if visible.sees_partnership(partnership):
                governing.add(title)
        elif kind == _INQUIRY_OPENED and normalise_key(body) == wanted:
            scrutiny.add(body)
    found = governing | _scrutiny_seen(conn, scrutiny, None, visible)
    if not found:
        raise _at(BodyNotFound(name), field)
    return sorted(found)


def projects_named(
    conn: Connection, name: str, visible: Visibility, field: str = "project"
) -> list[str]:
    """Every spelling of a project so named, in any partnership the asker sees."""
    wanted = normalise_key(_checked(name, field))
    entries, facts = timeline_entries, creation_facts
    query = (
        select(facts.c.partnership, facts.c.title)
        .join(facts, facts.c.aggregate_id == entries.c.aggregate_id)
        .where(entries.c.kind == _PROJECT_STARTED)
    )
    found = {
        title
        for partnership, title in conn.execute(query)
        if normalise_key(title) == wanted and visible.sees_partnership(partnership)
    }
    if not found:
        raise _at(_AnyProjectNotFound(name), field)
    return sorted(found)


def scrutiny_bodies_named(
    conn: Connection, name: str, visible: Visibility, field: str = "body"
) -> list[str]:
    """Every spelling of a scrutiny body so named that has opened an inquiry."""
    wanted = normalise_key(_checked(name, field))
    named = {body for body, _ in _inquiries(conn) if normalise_key(body) == wanted}
    found = _scrutiny_seen(conn, named, None, visible)
    if not found:
        raise _at(BodyNotFound(name), field)
    return sorted(found)


def inquiries_named(
    conn: Connection,
    bodies: list[str] | None,
    title: str,
    visible: Visibility,
    field: str = "inquiry",
) -> list[str]:
    """Every spelling of an inquiry so titled, of one of `bodies` (already found) if given."""
    wanted = normalise_key(_checked(title, field))
    found = sorted(
        {
            opened
            for scrutiny, opened in _inquiries(conn)
            if normalise_key(opened) == wanted
            and (bodies is None or scrutiny in bodies)
            and _scrutiny_seen(conn, {scrutiny}, opened, visible)
        }
    )
    if not found:
        missing = (
            _AnyInquiryNotFound(title) if bodies is None else InquiryNotFound(bodies[0], title)
        )
        raise _at(missing, field)
    return found


def _inquiries(conn: Connection) -> list[tuple[str, str]]:
    """(body, title) of every inquiry opened."""
    entries, facts = timeline_entries, creation_facts
    query = (
        select(facts.c.body, facts.c.title)
        .join(facts, facts.c.aggregate_id == entries.c.aggregate_id)
        .where(entries.c.kind == _INQUIRY_OPENED)
    )
    return [(body, title) for body, title in conn.execute(query)]


def _scrutiny_seen(
    conn: Connection, bodies: Iterable[str], inquiry: str | None, visible: Visibility
) -> set[str]:
    """Those of `bodies` (and of them, `inquiry`) the asker sees: a scrutiny body belongs to
    no partnership, and is seen with a recommendation owned by an authority the asker sees,
    as the recommendations register is."""
    named = set(bodies)
    if visible.everything or not named:
        return named
    table = recommendations_register
    query = (
        select(table.c.body)
        .where(table.c.body.in_(named))
        .where(table.c.owner_authority.in_(spellings(visible).authorities))
        .distinct()
    )
    if inquiry is not None:
        query = query.where(table.c.inquiry_title == inquiry)
    return {body for (body,) in conn.execute(query)}


def suppliers_named(
    conn: Connection, name: str, visible: Visibility, field: str = "supplier"
) -> list[str]:
    """Every spelling of a supplier met at a supplier meeting the asker sees."""
    wanted = normalise_key(_checked(name, field))
    # An alias: attending_authorities looks creation_facts up again for the same meeting, and
    # a subquery on the very table it is correlated with would compare each row with itself.
    entries, facts = timeline_entries, creation_facts.alias("met")
    query = (
        select(facts.c.supplier, attending_authorities(facts.c.aggregate_id))
        .select_from(entries.join(facts, facts.c.aggregate_id == entries.c.aggregate_id))
        .where(entries.c.kind == _SUPPLIER_MET)
    )
    found = {
        supplier
        for supplier, attended in conn.execute(query)
        if normalise_key(supplier) == wanted and visible.sees_any_authority(_names(attended))
    }
    if not found:
        raise _at(SupplierNotFound(name), field)
    return sorted(found)


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value)
    return [name for name in value or () if isinstance(name, str)]
