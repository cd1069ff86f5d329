"""Projects read back whole: what each is, who takes part, its milestones and every progress
report, from the read models only.

A partnership's project is seen by those who see its partnership; an authority's own project
by those who see the authority. A page of projects and all they hold
costs three statements however many projects the page holds: the page, then the milestones
and the progress reports of every project on it.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, select

from partnership.limits import check_query_text
from partnership.projects import owned_project_id
from projections.delivery import milestones_register
from projections.projects import project_progress, projects_register
from projections.read import names, owners
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.search import matching, search_text
from projections.read.visibility import EVERYTHING, Visibility, owner_seen, spellings

PROJECTS_ORDER = Ordering(
    "projects",
    (
        (projects_register.c.owner, False),
        (projects_register.c.name, False),
        (projects_register.c.project_id, False),
    ),
)


@dataclass(frozen=True)
class ProjectFilter:
    partnership: str | None = None
    # Only the projects of this authority alone.
    authority: str | None = None
    # Text found in the project's name, in any case.
    search: str | None = None


def projects_page(
    conn: Connection,
    filters: ProjectFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By owner (the partnership or the authority) and name; each row holds its `milestones`
    and `progress` too."""
    check_request(request, PROJECTS_ORDER)
    table = projects_register
    query = _seen(select(table), visible)
    if filters.partnership is not None:
        partnership = names.partnership_named(conn, filters.partnership, visible)
        query = query.where(table.c.partnership == partnership)
    if filters.authority is not None:
        authority = names.authority_named(conn, filters.authority, visible)
        query = query.where(table.c.authority == authority)
    wanted = search_text(filters.search)
    if wanted is not None:
        query = query.where(matching(wanted, table.c.name))
    page = keyset_page(conn, query, PROJECTS_ORDER, request)
    _with_parts(conn, page.rows)
    return page


def project_named(
    conn: Connection, partnership: str, name: str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    """One project of a partnership, or (`partnership` naming an authority) an authority's own
    project, found as `owners` finds it, with its `milestones` and `progress`; None if it is not
    on record or not seen. An owner not on record (or not seen) is a coded NotFound, as it is
    for every question that names one."""
    check_query_text(name, "name", "The project's name")
    owner = owners.owner_named(
        conn,
        partnership,
        visible,
        record=lambda o: owned_project_id(o.partnership, o.authority, name),
    )
    key = owned_project_id(owner.partnership, owner.authority, name)
    return project_by_id(conn, str(key), visible=visible)


def project_by_id(
    conn: Connection, project_id: str, *, visible: Visibility = EVERYTHING
) -> Row | None:
    """One project by its id, with its `milestones` and `progress`; None if it is not on
    record or not seen."""
    table = projects_register
    query = select(table).where(table.c.project_id == project_id)
    row = conn.execute(_seen(query, visible)).mappings().first()
    if row is None:
        return None
    found = dict(row)
    _with_parts(conn, [found])
    return found


def _seen(query: Select[Any], visible: Visibility) -> Select[Any]:
    if visible.everything:
        return query
    return query.where(owner_seen(projects_register, spellings(visible)))


def _with_parts(conn: Connection, projects: list[Row]) -> None:
    """Each project's milestones (soonest current due date first) and progress reports (in
    the order recorded), one statement each for them all. Both share the project's
    partnership, so whoever sees the project sees them."""
    ids = [row["project_id"] for row in projects]
    milestones = _by_project(
        conn,
        select(milestones_register)
        .where(milestones_register.c.project_id.in_(ids))
        .order_by(milestones_register.c.current_due_date, milestones_register.c.milestone_key),
        ids,
    )
    progress = _by_project(
        conn,
        select(project_progress)
        .where(project_progress.c.project_id.in_(ids))
        .order_by(project_progress.c.position),
        ids,
    )
    for row in projects:
        row["milestones"] = milestones[row["project_id"]]
        row["progress"] = progress[row["project_id"]]


def _by_project(conn: Connection, query: Select[Any], ids: list[str]) -> dict[str, list[Row]]:
    found: dict[str, list[Row]] = defaultdict(list)
    if not ids:
        return found
    for row in conn.execute(query).mappings():
        found[row["project_id"]].append(dict(row))
    return found
