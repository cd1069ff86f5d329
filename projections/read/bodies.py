"""Governing bodies as their register holds them: a page of a partnership's bodies (or of every
body the asker sees), one body by its name, and the bodies a page of rows links to.

A partnership's body is seen by those who see its partnership; an authority's own body (its
Executive, a scrutiny panel) by those who see the authority. A name is matched as the record
matches it (`normalise_key`): a body's row is keyed by the natural id its partnership and name
make, so one body costs one look-up by primary key.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from partnership.governance import owned_body_id
from partnership.limits import check_query_text
from partnership.partnerships import in_force_on
from projections.bodies import governing_bodies
from projections.read import names, owners
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.search import matching, search_text
from projections.read.visibility import EVERYTHING, Visibility, owner_seen, spellings

BODIES_ORDER = Ordering(
    "bodies",
    (
        (governing_bodies.c.owner, False),
        (governing_bodies.c.name, False),
        (governing_bodies.c.body_id, False),
    ),
)


@dataclass(frozen=True)
class BodyFilter:
    partnership: str | None = None
    # Only the bodies of this authority alone.
    authority: str | None = None
    # Text found in the body's name, in any case.
    search: str | None = None


def bodies_page(
    conn: Connection,
    filters: BodyFilter,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[Row]:
    """By owner (the partnership or the authority), then by name."""
    check_request(request, BODIES_ORDER)
    table = governing_bodies
    query = select(table)
    if filters.partnership is not None:
        partnership = names.partnership_named(conn, filters.partnership, visible)
        query = query.where(table.c.partnership == partnership)
    if filters.authority is not None:
        authority = names.authority_named(conn, filters.authority, visible)
        query = query.where(table.c.authority == authority)
    if not visible.everything:
        query = query.where(owner_seen(table, spellings(visible)))
    wanted = search_text(filters.search)
    if wanted is not None:
        query = query.where(matching(wanted, table.c.name))
    return keyset_page(conn, query, BODIES_ORDER, request)


def body_named(conn: Connection, partnership: str, name: str, visible: Visibility) -> Row | None:
    """One body of a partnership, or (`partnership` naming an authority) an authority's own
    body, found as `owners` finds it, whatever the case and spacing of either name; None if it
    is not on record or not seen. An owner not on record (or not seen) is a coded NotFound, as
    it is for every question that names one."""
    checked = check_query_text(name, "name", "The body asked about")
    owner = owners.owner_named(
        conn,
        partnership,
        visible,
        record=lambda o: owned_body_id(o.partnership, o.authority, checked),
    )
    key = owned_body_id(owner.partnership, owner.authority, checked)
    return body_by_id(conn, str(key), visible)


def body_by_id(conn: Connection, body_id: str, visible: Visibility) -> Row | None:
    found = bodies_by_id(conn, [body_id], visible=visible)
    return found.get(body_id)


def bodies_by_id(
    conn: Connection, body_ids: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, Row]:
    table = governing_bodies
    query = select(table).where(table.c.body_id.in_(set(body_ids)))
    if not visible.everything:
        query = query.where(owner_seen(table, spellings(visible)))
    return {row["body_id"]: dict(row) for row in conn.execute(query).mappings()}


# What stood on a day, from a body's histories as the register keeps them (dates as text).


def dated(entries: Iterable[Mapping[str, Any]], *keys: str) -> list[dict[str, Any]]:
    """The entries with the named date fields as dates."""
    return [
        {
            **entry,
            **{key: None if entry[key] is None else date.fromisoformat(entry[key]) for key in keys},
        }
        for entry in entries
    ]


def in_force(entries: Iterable[Mapping[str, Any]], day: date) -> dict[str, Any] | None:
    """The entry with the latest effective date on or before `day`, as the body judges it."""
    found = in_force_on(dated(entries, "effective_date"), day)
    return None if found is None else dict(found)


def members_on(memberships: Iterable[Mapping[str, Any]], day: date) -> list[dict[str, Any]]:
    """The memberships in force on `day`: appointed by then, not removed by then."""
    return [
        membership
        for membership in dated(memberships, "appointed_on", "removed_on")
        if membership["appointed_on"] <= day
        and (membership["removed_on"] is None or day < membership["removed_on"])
    ]
