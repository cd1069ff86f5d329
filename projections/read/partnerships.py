"""Partnerships and authorities as their register holds them: a page of the partnerships the
asker sees, one partnership by its name, a page of the authorities the asker sees and the
partnerships each has been a member of.

A partnership is seen by those who see it; an authority by those who see it (their own, those
their grants name and the members of the partnerships they are in), as a filter naming an
authority is answered (`names.authority_named`). A name is matched as the record matches it
(`normalise_key`): a row is keyed by the natural id its name makes, so one look-up by key.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from partnership.domain import normalise_key
from partnership.limits import check_query_text
from partnership.partnerships import MEMBER_ROLES, partnership_id
from projections.partnerships import authorities_register, partnerships_register
from projections.read.paging import Ordering, Page, PageRequest, Row, check_request, keyset_page
from projections.read.search import matching, search_text
from projections.read.visibility import EVERYTHING, Visibility, spellings

PARTNERSHIPS_ORDER = Ordering(
    "partnerships",
    ((partnerships_register.c.name, False), (partnerships_register.c.partnership_id, False)),
)
AUTHORITIES_ORDER = Ordering(
    "authorities",
    ((authorities_register.c.name, False), (authorities_register.c.authority_id, False)),
)


def partnerships_page(
    conn: Connection,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
    search: str | None = None,
) -> Page[Row]:
    """By name; only those whose name holds `search` (in any case), if given."""
    check_request(request, PARTNERSHIPS_ORDER)
    table = partnerships_register
    query = select(table)
    wanted = search_text(search)
    if wanted is not None:
        query = query.where(matching(wanted, table.c.name))
    if not visible.everything:
        query = query.where(table.c.name.in_(spellings(visible).partnerships))
    return keyset_page(conn, query, PARTNERSHIPS_ORDER, request)


def partnership_named(conn: Connection, name: str, visible: Visibility) -> Row | None:
    """One partnership, whatever the case and spacing of its name; None if it is not on record
    or not seen."""
    checked = check_query_text(name, "name", "The partnership asked about")
    return partnership_by_id(conn, str(partnership_id(checked)), visible)


def partnership_by_id(conn: Connection, partnership_id: str, visible: Visibility) -> Row | None:
    table = partnerships_register
    query = select(table).where(table.c.partnership_id == partnership_id)
    found = conn.execute(query).mappings().first()
    if found is None or not visible.sees_partnership(found["name"]):
        return None
    return dict(found)


def authorities_page(
    conn: Connection,
    request: PageRequest,
    *,
    visible: Visibility = EVERYTHING,
    search: str | None = None,
) -> Page[Row]:
    """By name; only those whose name holds `search` (in any case), if given."""
    check_request(request, AUTHORITIES_ORDER)
    table = authorities_register
    query = select(table)
    if not visible.everything:
        query = query.where(table.c.name.in_(spellings(visible).authorities))
    wanted = search_text(search)
    if wanted is not None:
        query = query.where(matching(wanted, table.c.name))
    return keyset_page(conn, query, AUTHORITIES_ORDER, request)


def authority_by_id(conn: Connection, authority_id: str, visible: Visibility) -> Row | None:
    """One authority by its id; None if it is not on record or not seen."""
    table = authorities_register
    found = conn.execute(select(table).where(table.c.authority_id == authority_id)).mappings()
    row = found.first()
    if row is None or not visible.sees_any_authority([row["name"]]):
        return None
    return dict(row)


def memberships_of(
    conn: Connection, authorities: Iterable[str], *, visible: Visibility = EVERYTHING
) -> dict[str, list[Row]]:
    """Each of `authorities` (as registered) -> its memberships of the partnerships the asker
    sees, each with the partnership's name, in the order of the partnerships' names.

    One statement for a page: partnerships are few, each a standing arrangement of a handful
    of councils, so their membership lists are matched here rather than indexed by member.
    """
    wanted = {normalise_key(name): name for name in authorities}
    found: dict[str, list[Row]] = defaultdict(list)
    if not wanted:
        return found
    table = partnerships_register
    query = select(table.c.name, table.c.memberships).order_by(table.c.name)
    if not visible.everything:
        query = query.where(table.c.name.in_(spellings(visible).partnerships))
    for partnership, memberships in conn.execute(query):
        for membership in memberships:
            authority = wanted.get(normalise_key(membership["authority"]))
            if authority is not None:
                found[authority].append({"partnership": partnership, **membership})
    return found


# What stood on a day, from a partnership's histories as the register keeps them (dates as text).


def memberships(entries: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Each membership with its dates as dates, its roles' too."""
    return [
        {
            **entry,
            "joined_on": date.fromisoformat(entry["joined_on"]),
            "left_on": _day(entry["left_on"]),
            "roles": [
                {
                    "role": role["role"],
                    "effective_date": date.fromisoformat(role["effective_date"]),
                    "until": _day(role.get("until")),
                }
                for role in entry["roles"]
            ],
        }
        for entry in entries
    ]


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def members_on(entries: Iterable[Mapping[str, Any]], day: date) -> list[dict[str, Any]]:
    """The memberships in force on `day`: joined by then, not left by then (as the partnership
    judges who votes on a day)."""
    return [
        membership
        for membership in memberships(entries)
        if membership["joined_on"] <= day
        and (membership["left_on"] is None or day < membership["left_on"])
    ]


def roles_on(membership: Mapping[str, Any], day: date) -> list[str]:
    """The roles a membership (dates as dates) held on `day`, lead first, then host, then
    partner: as the partnership judges them."""
    held = {
        role["role"]
        for role in membership["roles"]
        if role["effective_date"] <= day and (role["until"] is None or day < role["until"])
    }
    return [role for role in MEMBER_ROLES if role in held]


def roles_held(membership: Mapping[str, Any]) -> list[str]:
    """The roles a membership (dates as dates) holds now, or held when it ended."""
    held = {role["role"] for role in membership["roles"] if role["until"] is None}
    return [role for role in MEMBER_ROLES if role in held]


def role_on(membership: Mapping[str, Any], day: date) -> str | None:
    """The foremost role a membership (dates as dates) held on `day`."""
    held = roles_on(membership, day)
    return held[0] if held else None
