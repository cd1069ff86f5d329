"""People: who uses the record, the authority each acts for, and the roles they were granted."""

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from partnership import access
from partnership.global_ids import Kind
from partnership.people import PersonNotFound
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import Row, context_of, off_the_loop
from partnership_graphql.nodes import Node, node_id
from projections import read


@strawberry.enum(description="What a person may do, on the scope they are granted it on.")
class Role(Enum):
    BOARD_MEMBER = strawberry.enum_value(
        access.Role.BOARD_MEMBER.value,
        description="Reads the shared record of the partnerships they sit on.",
    )
    SECRETARY = strawberry.enum_value(
        access.Role.SECRETARY.value,
        description="Records meetings, decisions, milestones and recommendations for the "
        "bodies and projects they serve.",
    )
    PROCUREMENT_OFFICER = strawberry.enum_value(
        access.Role.PROCUREMENT_OFFICER.value,
        description="Records contract events for contracts their authority is party to.",
    )
    AUDITOR = strawberry.enum_value(
        access.Role.AUDITOR.value, description="Reads everything, changes nothing."
    )
    ADMIN = strawberry.enum_value(
        access.Role.ADMIN.value, description="Manages authorities, partnerships and people."
    )


@strawberry.enum(
    description="What a role is granted on. Board members: EVERYTHING or PARTNERSHIP; "
    "secretaries: EVERYTHING, PARTNERSHIP or BODY; procurement officers: EVERYTHING or "
    "AUTHORITY; auditors and admins: EVERYTHING."
)
class ScopeKind(Enum):
    EVERYTHING = strawberry.enum_value(
        access.ScopeKind.EVERYTHING.value, description="The whole record."
    )
    PARTNERSHIP = strawberry.enum_value(
        access.ScopeKind.PARTNERSHIP.value, description="One partnership."
    )
    BODY = strawberry.enum_value(
        access.ScopeKind.BODY.value, description="One governing or scrutiny body."
    )
    AUTHORITY = strawberry.enum_value(
        access.ScopeKind.AUTHORITY.value, description="One authority's contracts."
    )


@strawberry.type(description="One role on one scope, from the day granted until revoked.")
class PersonGrant:
    grant_id: str = strawberry.field(
        description="The grant's number within the person ('1', '2', ...): pass it to revokeGrant."
    )
    role: Role
    scope_kind: ScopeKind
    scope: str | None = strawberry.field(
        description="The partnership, body or authority, as registered; null for everything."
    )
    partnership: str | None = strawberry.field(
        description="For a body, the partnership it belongs to; null for a scrutiny body and "
        "for any other scope."
    )
    granted_on: date = strawberry.field(description="The day it took effect.")
    granted_at: datetime = strawberry.field(description="When it was recorded (UTC).")
    granted_by: str = strawberry.field(description="Who recorded the grant.")
    revoked_on: date | None = strawberry.field(
        description="The day it stopped being in force; null while it is."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the revocation was recorded (UTC)."
    )
    revoked_by: str | None = strawberry.field(description="Who recorded the revocation.")
    revoke_reason: str | None = strawberry.field(description="Why it was revoked.")
    in_force: bool = strawberry.field(description="Whether it is in force now (not revoked).")

    @classmethod
    def from_row(cls, row: Row) -> "PersonGrant":
        return cls(
            grant_id=row["grant_id"],
            role=Role(row["role"]),
            scope_kind=ScopeKind(row["scope_kind"]),
            scope=row["scope"],
            partnership=row["scope_partnership"],
            granted_on=row["granted_on"],
            granted_at=row["granted_recorded_at"],
            granted_by=row["granted_by"],
            revoked_on=row["revoked_on"],
            revoked_at=row["revoked_recorded_at"],
            revoked_by=row["revoked_by"],
            revoke_reason=row["revoke_reason"],
            in_force=row["revoked_on"] is None,
        )


@strawberry.type(description="Someone who uses the record, known by their e-mail address.")
class Person(Node):
    person_id: str = strawberry.field(
        description="Who the person is for good: the id the timeline's `recordedById` gives."
    )
    name: str
    email: str = strawberry.field(description="The address they are known by.")
    authority: str = strawberry.field(description="The authority they act for.")
    registered_on: date
    version: int = strawberry.field(
        description="How many changes the person's record has had; pass as `expectedVersion` "
        "to refuse a change if someone else changed it first."
    )
    grants: list[PersonGrant] = strawberry.field(
        description="Every role they were granted, in force or revoked, in the order granted."
    )

    @classmethod
    def from_row(cls, row: Row, grants: list[Row]) -> "Person":
        return cls(
            id=node_id(Kind.PERSON, row["person_id"]),
            person_id=row["person_id"],
            name=row["name"],
            email=row["email"],
            authority=row["authority"],
            registered_on=row["registered_on"],
            version=row["version"],
            grants=[PersonGrant.from_row(grant) for grant in grants],
        )


@strawberry.type
class PeopleQuery:
    @strawberry.field(description=f"The people registered, by name. {PAGING}")
    async def people(
        self,
        info: Info,
        authority: Annotated[
            str | None,
            strawberry.argument(
                description="Only those acting for this authority; one not registered is "
                "refused (authority_not_found)."
            ),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Person]:
        store = context_of(info).runtime.store
        request = page_request(first, after, last, before)

        def fetch() -> Connection[Person]:
            with store.reader.connect() as conn:
                page = read.people_page(conn, request, authority=authority)
                grants = read.grants_of(conn, [row["person_id"] for row in page.rows])
            return Connection.of(page, lambda row: _person(row, grants))

        result: Connection[Person] = await off_the_loop(fetch)
        return result

    @strawberry.field(
        description="The person known by this e-mail address (in any letter case); one not "
        "registered is refused (person_not_found)."
    )
    async def person(self, info: Info, email: str) -> Person | None:
        store = context_of(info).runtime.store

        def fetch() -> Person | None:
            with store.reader.connect() as conn:
                row = read.person_by_email(conn, email)
                if row is None:
                    raise PersonNotFound(email)
                grants = read.grants_of(conn, [row["person_id"]])
            return _person(row, grants)

        result: Person | None = await off_the_loop(fetch)
        return result


def _person(row: Row, grants: dict[str, list[Any]]) -> Person:
    return Person.from_row(row, grants.get(row["person_id"], []))
