"""Partnerships and authorities read back: a partnership's purpose, its members and their roles
over time, its vision statements, bodies and projects; each authority with the partnerships it
has been a member of."""

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from partnership.global_ids import Kind
from partnership.partnerships import PartnershipNotFound
from partnership_graphql.connections import (
    PAGING,
    After,
    Before,
    Connection,
    First,
    Last,
    page_request,
)
from partnership_graphql.context import Row
from partnership_graphql.governing_bodies import GoverningBody
from partnership_graphql.mutations_partnerships import AuthorityKind, MemberRole
from partnership_graphql.nodes import Node, node_id, not_found
from partnership_graphql.projects import Project
from partnership_graphql.read_whole import day_asked, read_as_asked
from partnership_graphql.registers import AS_OF
from partnership_graphql.search import NameSearch
from projections import read
from projections.read.bodies import dated, in_force
from projections.read.partnerships import members_on, memberships, roles_held, roles_on

ON_DAY = strawberry.argument(description="The day asked about; default today.")
EVERY_MEMBERSHIP_OR_ON = strawberry.argument(
    description="Only the memberships in force on this day; if not given, every one."
)


@strawberry.type(
    description="A role a member held, from the day it took effect; a member may hold several "
    "at once (the county is lead and host)."
)
class RoleHeld:
    role: MemberRole = strawberry.field(description="The role.")
    effective_date: date = strawberry.field(description="The day it took effect.")
    until: date | None = strawberry.field(
        description="The day it stopped holding it (a change of role, or giving it up); null "
        "while held, or if held until the member left."
    )


@strawberry.type(
    description="An authority's membership of a partnership, from joining to leaving: a member "
    "from the day it joined until the day before it left. One that rejoined has a membership "
    "for each time."
)
class Membership:
    partnership: str = strawberry.field(description="The partnership.")
    authority: str = strawberry.field(description="The member authority, as admitted.")
    role: MemberRole = strawberry.field(
        description="Its foremost role (lead, else host, else partner) on the day asked about, "
        "else of those it holds now or held when it left."
    )
    held_roles: list[MemberRole] = strawberry.field(
        description="Every role it held on the day asked about, else those it holds now or "
        "held when it left; lead first, then host, then partner."
    )
    roles: list[RoleHeld] = strawberry.field(
        description="Every role it held, with the days it began and ended, in the order recorded."
    )
    joined_on: date = strawberry.field(description="The day it joined.")
    left_on: date | None = strawberry.field(description="The day it left; null while a member.")
    leaving_reason: str | None = strawberry.field(description="Why it left, if it has.")

    @classmethod
    def of(cls, partnership: str, membership: dict[str, Any], day: date | None) -> "Membership":
        roles = membership["roles"]
        held = roles_held(membership) if day is None else roles_on(membership, day)
        # A day before any role took effect (none is recorded before joining) reads as the
        # first role it was admitted in.
        held = held or [roles[0]["role"]]
        return cls(
            partnership=partnership,
            authority=membership["authority"],
            role=MemberRole(held[0]),
            held_roles=[MemberRole(r) for r in held],
            roles=[
                RoleHeld(
                    role=MemberRole(r["role"]), effective_date=r["effective_date"], until=r["until"]
                )
                for r in roles
            ],
            joined_on=membership["joined_on"],
            left_on=membership["left_on"],
            leaving_reason=membership["leaving_reason"],
        )


@strawberry.type(description="A vision statement as agreed, from the day it was agreed.")
class VisionStatement:
    text: str = strawberry.field(description="The statement, as agreed.")
    effective_date: date = strawberry.field(
        description="The day it was agreed; it stands until the next one."
    )


@strawberry.type(description="A standing arrangement between authorities to share services.")
class Partnership(Node):
    name: str = strawberry.field(description="Its name, as formed.")
    purpose: str = strawberry.field(description="What it is for, as last corrected.")
    formed_on: date = strawberry.field(description="The day it was formed.")
    withdrawn: bool = strawberry.field(
        description="Withdrawn as recorded in error: it stays on the record, marked, and takes "
        "no further change."
    )
    visions: list[VisionStatement] = strawberry.field(
        description="Every vision statement, in the order recorded."
    )
    row: strawberry.Private[Row]

    @strawberry.field(
        description="Its member authorities: on `asOf` if given, else every membership it has "
        "had, in the order admitted."
    )
    def members(
        self, info: Info, as_of: Annotated[date | None, EVERY_MEMBERSHIP_OR_ON] = None
    ) -> list[Membership]:
        if as_of is None:
            return [Membership.of(self.name, m, None) for m in memberships(self.row["memberships"])]
        day = day_asked(info, as_of)
        return [Membership.of(self.name, m, day) for m in members_on(self.row["memberships"], day)]

    @strawberry.field(
        description="The vision statement in force on `asOf` (default today); null if none yet."
    )
    def vision(
        self, info: Info, as_of: Annotated[date | None, ON_DAY] = None
    ) -> VisionStatement | None:
        found = in_force(self.row["visions"], day_asked(info, as_of))
        return None if found is None else VisionStatement(**found)

    @strawberry.field(description=f"Its governing bodies, by name. {PAGING}")
    async def bodies(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[GoverningBody]:
        filters = read.BodyFilter(partnership=self.name)
        request = page_request(first, after, last, before)
        page = await read_as_asked(
            info, lambda conn, seen: read.bodies_page(conn, filters, request, visible=seen)
        )
        return Connection.of(page, GoverningBody.from_row)

    @strawberry.field(description=f"Its projects, by name, each read back whole. {PAGING}")
    async def projects(
        self,
        info: Info,
        as_of: Annotated[date | None, AS_OF] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Project]:
        filters = read.ProjectFilter(partnership=self.name)
        day = day_asked(info, as_of)
        request = page_request(first, after, last, before)
        page = await read_as_asked(
            info, lambda conn, seen: read.projects_page(conn, filters, request, visible=seen)
        )
        return Connection.of(page, lambda row: Project.from_row(row, day))

    @classmethod
    def from_row(cls, row: Row) -> "Partnership":
        return cls(
            id=node_id(Kind.PARTNERSHIP, row["partnership_id"]),
            name=row["name"],
            purpose=row["purpose"],
            formed_on=row["formed_on"],
            withdrawn=bool(row.get("withdrawn")),
            visions=[VisionStatement(**v) for v in dated(row["visions"], "effective_date")],
            row=row,
        )


@strawberry.type(description="A public authority: a county, district or unitary council.")
class Authority(Node):
    name: str = strawberry.field(description="Its name, as registered.")
    kind: AuthorityKind = strawberry.field(description="What kind of council it is.")
    registered_on: date = strawberry.field(description="The day it was registered.")
    withdrawn: bool = strawberry.field(
        description="Withdrawn as recorded in error: it stays on the record, marked, and takes "
        "no further change."
    )
    memberships: list[Membership] = strawberry.field(
        description="Every membership it has had of the partnerships you see, by partnership "
        "and then in the order admitted."
    )

    @strawberry.field(
        description="The partnerships (of those you see) it was a member of on `asOf` "
        "(default today), by name."
    )
    def partnerships(self, info: Info, as_of: Annotated[date | None, ON_DAY] = None) -> list[str]:
        day = day_asked(info, as_of)
        held = {
            m.partnership
            for m in self.memberships
            if m.joined_on <= day and (m.left_on is None or day < m.left_on)
        }
        return sorted(held)

    @classmethod
    def from_row(cls, row: Row, held: list[Row]) -> "Authority":
        return cls(
            id=node_id(Kind.AUTHORITY, row["authority_id"]),
            name=row["name"],
            kind=AuthorityKind(row["kind"]),
            registered_on=row["registered_on"],
            withdrawn=bool(row.get("withdrawn")),
            memberships=[
                Membership.of(membership["partnership"], membership, None)
                for membership in memberships(held)
            ],
        )


@strawberry.type
class PartnershipsQuery:
    @strawberry.field(description=f"The partnerships you see, by name. {PAGING}")
    async def partnerships(
        self,
        info: Info,
        search: NameSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Partnership]:
        request = page_request(first, after, last, before)
        page = await read_as_asked(
            info,
            lambda conn, seen: read.partnerships_page(conn, request, visible=seen, search=search),
        )
        return Connection.of(page, Partnership.from_row)

    @strawberry.field(
        description="One partnership, named in any case and spacing; one not on record (or "
        "not yours to see) is refused (partnership_not_found)."
    )
    async def partnership(
        self,
        info: Info,
        name: Annotated[
            str,
            strawberry.argument(
                description="The partnership's name, e.g. Lancashire Shared Services Contact "
                "Centre."
            ),
        ],
    ) -> Partnership | None:
        row = await read_as_asked(info, lambda conn, seen: read.partnership_named(conn, name, seen))
        if row is None:
            raise not_found(PartnershipNotFound(name), "name")
        return Partnership.from_row(row)

    @strawberry.field(
        description="The authorities you see (your own, those your grants name and the "
        f"members of your partnerships), by name, each with its memberships. {PAGING}"
    )
    async def authorities(
        self,
        info: Info,
        search: NameSearch = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Authority]:
        request = page_request(first, after, last, before)

        def question(conn: Any, seen: read.Visibility) -> tuple[read.Page[Row], dict[str, Any]]:
            page = read.authorities_page(conn, request, visible=seen, search=search)
            held = read.memberships_of(conn, [row["name"] for row in page.rows], visible=seen)
            return page, held

        page, held = await read_as_asked(info, question)
        return Connection.of(page, lambda row: Authority.from_row(row, held.get(row["name"], [])))
