"""People: who someone is and what they may do now, who could do what on a day, and lists."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, Select, and_, func, or_, select

from partnership.access import Grant, Principal, Role, ScopeKind
from partnership.limits import PERSON_ID_MAX, check_date, check_query_text
from partnership.people import check_lookup_email, person_id
from projections.people import people, person_grants
from projections.read import names
from projections.read.paging import Ordering, Page, PageRequest, Row, keyset_page
from projections.read.visibility import EVERYTHING

PEOPLE_ORDER = Ordering(
    "people",
    ((people.c.name, False), (people.c.person_id, False)),
)


def person_by_id(conn: Connection, person_id: str) -> Row | None:
    row = conn.execute(select(people).where(people.c.person_id == person_id)).mappings().first()
    return None if row is None else dict(row)


def person_by_email(conn: Connection, email: str) -> Row | None:
    """The person registered with that address, whatever its letter case."""
    return person_by_id(conn, str(person_id(check_lookup_email(email))))


def principal_of(conn: Connection, person_id: str) -> Principal | None:
    """The person a request acts for, with the grants they hold now (none revoked)."""
    check_query_text(person_id, "personId", "The person's id", PERSON_ID_MAX)
    person = person_by_id(conn, person_id)
    if person is None:
        return None
    current = grants_of(conn, [person_id], current_only=True).get(person_id, [])
    return Principal(
        person_id=person["person_id"],
        name=person["name"],
        email=person["email"],
        authority=person["authority"],
        grants=tuple(grant_of(row) for row in current),
    )


def grant_of(row: Row) -> Grant:
    return Grant(
        grant_id=row["grant_id"],
        role=Role(row["role"]),
        scope_kind=ScopeKind(row["scope_kind"]),
        scope=row["scope"],
        granted_on=row["granted_on"],
        partnership=row["scope_partnership"],
    )


def grants_of(
    conn: Connection, person_ids: Iterable[str], *, current_only: bool = False
) -> dict[str, list[Row]]:
    """Each person's grants, in the order granted, however many people are asked about, in
    one statement; `current_only` leaves out those revoked."""
    wanted = set(person_ids)
    if not wanted:
        return {}
    query = select(person_grants).where(person_grants.c.person_id.in_(wanted))
    if current_only:
        query = query.where(person_grants.c.revoked_on.is_(None))
    found: dict[str, list[Row]] = defaultdict(list)
    for row in conn.execute(query.order_by(person_grants.c.grant_position)).mappings():
        found[row["person_id"]].append(dict(row))
    return found


def grants_in_force_on(conn: Connection, day: date) -> list[Row]:
    """Who could do what on `day`: every grant given by then and not revoked by then, with the
    person's name, address and authority, by person and then in the order granted."""
    check_date(day, "day", "The day asked about")
    grants = person_grants.c
    query = (
        select(
            person_grants,
            people.c.name,
            people.c.email,
            people.c.authority,
        )
        .join(people, people.c.person_id == grants.person_id)
        .where(
            and_(
                grants.granted_on <= day,
                or_(grants.revoked_on.is_(None), grants.revoked_on > day),
            )
        )
        .order_by(people.c.name, grants.person_id, grants.grant_position)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def people_page(conn: Connection, request: PageRequest, authority: str | None = None) -> Page[Row]:
    """A page of the people registered, by name; only those acting for `authority` if given,
    which must be registered (only those who see the whole record list people)."""
    if authority:
        authority = names.authority_named(conn, authority, EVERYTHING)
    return keyset_page(conn, _people(authority), PEOPLE_ORDER, request)


def count_people(conn: Connection) -> int:
    return int(conn.scalar(select(func.count()).select_from(people)) or 0)


def _people(authority: str | None) -> Select[Any]:
    query = select(people)
    if authority:
        check_query_text(authority, "authority", "The authority asked about")
        query = query.where(people.c.authority == authority)
    return query
