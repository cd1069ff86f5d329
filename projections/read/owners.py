"""Whose body or project a question names: a partnership, or an authority for its own.

A question names a body, a project, or their meetings, decisions and milestones by the owner's
name in `partnership`, as a change to them does (`partnership.addresses`): the partnership's
name, or, for an authority's own body or project, the authority's. The name is found as the
commands find it: the partnership's record first; where that partnership has none (or there is
no such partnership) and the name is a registered authority's, the authority's own. An owner
the asker may not see is answered exactly as one not on record (`PartnershipNotFound`).

The meetings and decisions registers keep the owner's name in `partnership` and, for an
authority's own body, the authority in `authority` too; the milestones register keeps the
owner's name in `partnership`, and whose project it is in the projects register.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, Connection, FromClause, and_, or_, select

from partnership.governance import GoverningBodyNotFound, owned_body_id
from partnership.limits import check_query_text
from partnership.partnerships import PartnershipNotFound, authority_id, partnership_id
from partnership.projects import ProjectNotFound, owned_project_id
from projections.creation import creation_facts
from projections.projects import projects_register
from projections.read.visibility import Spellings, Visibility


@dataclass(frozen=True)
class Owner:
    """A partnership, or an authority (for its own bodies and projects), as registered."""

    partnership: str | None = None
    authority: str | None = None

    @property
    def name(self) -> str:
        return str(self.partnership if self.partnership is not None else self.authority)

    def sees(self, visible: Visibility) -> bool:
        if self.partnership is not None:
            return visible.sees_partnership(self.partnership)
        return visible.sees_any_authority([self.authority])


def owner_named(
    conn: Connection,
    name: str,
    visible: Visibility,
    field: str = "partnership",
    record: Callable[[Owner], UUID] | None = None,
) -> Owner:
    """The owner `name` names: the partnership of that name, unless it has no `record` (the
    id of what is asked, for an owner) and an authority of that name does; with no `record`,
    the partnership if there is one."""
    checked = check_query_text(name, field, f"The {field} asked about")
    formed = _title(conn, partnership_id(checked), "partnership")
    owner = None if formed is None else Owner(partnership=formed)
    if owner is None or (record is not None and not _on_record(conn, record(owner))):
        registered = _title(conn, authority_id(checked), "authority")
        if registered is not None:
            own = Owner(authority=registered)
            if owner is None or (record is not None and _on_record(conn, record(own))):
                owner = own
    if owner is None or not owner.sees(visible):
        error = PartnershipNotFound(name)
        error.field = field
        raise error
    return owner


def body_owner(conn: Connection, name: str, body: str, visible: Visibility) -> Owner:
    """The owner of the body `body` that `name` names (see the module's docstring)."""
    checked = check_query_text(body, "body", "The body asked about")
    return owner_named(
        conn, name, visible, record=lambda o: owned_body_id(o.partnership, o.authority, checked)
    )


def project_owner(conn: Connection, name: str, project: str, visible: Visibility) -> Owner:
    """The owner of the project `project` that `name` names (see the module's docstring)."""
    checked = check_query_text(project, "project", "The project asked about")
    return owner_named(
        conn, name, visible, record=lambda o: owned_project_id(o.partnership, o.authority, checked)
    )


def owned_body_named(conn: Connection, owner: Owner, name: str, field: str = "body") -> str:
    """A body of `owner` (already found), as established."""
    checked = check_query_text(name, field, f"The {field} asked about")
    found = _title(conn, owned_body_id(owner.partnership, owner.authority, checked), "body")
    if found is None:
        raise GoverningBodyNotFound(owner.name, name, field)
    return found


def owned_project_named(conn: Connection, owner: Owner, name: str, field: str = "project") -> str:
    """A project of `owner` (already found), as started."""
    checked = check_query_text(name, field, f"The {field} asked about")
    found = _title(conn, owned_project_id(owner.partnership, owner.authority, checked), "project")
    if found is None:
        error = ProjectNotFound(owner.name, name)
        error.field = field
        raise error
    return found


def of_meeting_owner(table: FromClause, owner: Owner) -> ColumnElement[bool]:
    """The rows of a register kept by meeting whose body `owner` owns."""
    if owner.partnership is not None:
        return and_(table.c.partnership == owner.partnership, table.c.authority.is_(None))
    return and_(table.c.partnership == owner.name, table.c.authority == owner.authority)


def meeting_seen(table: FromClause, names: Spellings) -> ColumnElement[bool]:
    """Whether a row of a register kept by meeting is seen: with the partnership whose body
    met, or, for an authority's own body, with that authority."""
    return or_(
        and_(table.c.authority.is_(None), table.c.partnership.in_(names.partnerships)),
        and_(table.c.authority.is_not(None), table.c.authority.in_(names.authorities)),
    )


def of_project_owner(table: FromClause, owner: Owner) -> ColumnElement[bool]:
    """The milestones of `owner`'s projects."""
    projects = projects_register
    if owner.partnership is not None:
        return and_(
            table.c.partnership == owner.partnership,
            table.c.project_id.not_in(
                select(projects.c.project_id).where(projects.c.partnership.is_(None))
            ),
        )
    return table.c.project_id.in_(
        select(projects.c.project_id).where(projects.c.authority == owner.authority)
    )


def milestone_seen(table: FromClause, names: Spellings) -> ColumnElement[bool]:
    """Whether a milestone is seen: with its project's partnership, or, of an authority's own
    project, with that authority."""
    projects = projects_register
    return or_(
        and_(
            table.c.partnership.in_(names.partnerships),
            table.c.project_id.not_in(
                select(projects.c.project_id).where(projects.c.partnership.is_(None))
            ),
        ),
        table.c.project_id.in_(
            select(projects.c.project_id).where(
                projects.c.partnership.is_(None), projects.c.authority.in_(names.authorities)
            )
        ),
    )


def _title(conn: Connection, aggregate_id: UUID, kind: str) -> str | None:
    facts = creation_facts
    query = select(facts.c.title).where(
        facts.c.aggregate_id == str(aggregate_id), facts.c.kind == kind
    )
    found: Any = conn.execute(query).scalar()
    return None if found is None else str(found)


def _on_record(conn: Connection, aggregate_id: UUID) -> bool:
    facts = creation_facts
    query = select(facts.c.aggregate_id).where(facts.c.aggregate_id == str(aggregate_id))
    return conn.execute(query).first() is not None
