"""The partnerships and authorities register: each partnership with its purpose, its members and
their roles over time, its vision statements and its bodies; each authority with its kind.

A partnership's histories are short (a few entries a year), so each is one JSON list on its
row, in the order recorded, as `Partnership` keeps it: a member is a member from the day it
joins until the day before it leaves, and an authority that rejoins has a second membership.
"""

from collections.abc import Callable, Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, String, Table, Text

from partnership.domain import normalise_key
from partnership.limits import NAME_MAX
from partnership.partnerships import Authority, Partnership
from projections.database import metadata
from projections.kit import ReadModel, RowSet
from projections.revised import follow_revision, withdrawn_column

partnerships_register = Table(
    "partnerships_register",
    metadata,
    Column("partnership_id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("purpose", Text, nullable=False),
    Column("formed_on", Date, nullable=False),
    # [{"authority", "joined_on", "left_on", "leaving_reason", "roles": [{"role",
    # "effective_date", "until"}]}]: every role held, several at once if so; "until" null while
    # held (or until the leaving).
    Column("memberships", JSON, nullable=False),
    # [{"text", "effective_date"}]
    Column("visions", JSON, nullable=False),
    # [{"name", "established_on"}]
    Column("bodies", JSON, nullable=False),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_partnerships_register_name", "name", "partnership_id"),
)

authorities_register = Table(
    "authorities_register",
    metadata,
    Column("authority_id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("registered_on", Date, nullable=False),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_authorities_register_name", "name", "authority_id"),
)

Row = dict[str, Any]
# What the register keeps of its own rather than takes from a record's state.
_KEPT = frozenset({"partnership_id", "authority_id", "last_position"})


class PartnershipsRegisterProjection(ReadModel):
    name = "partnerships_register"
    # 2: several roles held at once, each with the day it ended ("until").
    # 3: facts corrected and withdrawn; a record withdrawn as recorded in error, marked.
    schema_version = 3
    tables: Sequence[Table] = (partnerships_register, authorities_register)

    def __init__(self) -> None:
        self.partnerships = RowSet(partnerships_register, ("partnership_id",))
        self.authorities = RowSet(authorities_register, ("authority_id",))
        super().__init__(self.partnerships, self.authorities)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no partnership or authority."""

    @wants.register
    def _(self, event: Partnership.Event) -> None:
        self.partnerships.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Partnership.Formed) -> None:
        """A new partnership: nothing to read."""

    @wants.register
    def _(self, event: Authority.Event) -> None:
        self.authorities.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Authority.Registered) -> None:
        """A new authority: nothing to read."""

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the register."""

    @apply.register
    def _(self, event: Authority.Registered, position: int) -> None:
        self.authorities.add(
            {
                "authority_id": str(event.originator_id),
                "name": event.name,
                "kind": event.kind,
                "registered_on": event.effective_date,
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Authority.FactCorrected | Authority.FactWithdrawn, position: int) -> None:
        authority = self.authorities[(str(event.originator_id),)]
        follow_revision(authority, event.changes, authorities_register, kept=_KEPT)
        authority["last_position"] = position

    @apply.register
    def _(
        self, event: Partnership.FactCorrected | Partnership.FactWithdrawn, position: int
    ) -> None:
        partnership = self._partnership(event, position)
        follow_revision(partnership, event.changes, partnerships_register, kept=_KEPT)

    @apply.register
    def _(self, event: Authority.Corrected, position: int) -> None:
        authority = self.authorities[(str(event.originator_id),)]
        authority["last_position"] = position
        if event.field == "kind":
            authority["kind"] = event.value

    @apply.register
    def _(self, event: Partnership.Formed, position: int) -> None:
        self.partnerships.add(
            {
                "partnership_id": str(event.originator_id),
                "name": event.name,
                "purpose": event.purpose,
                "formed_on": event.effective_date,
                "memberships": [],
                "visions": [],
                "bodies": [],
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Partnership.VisionStated, position: int) -> None:
        partnership = self._partnership(event, position)
        stated = {
            "text": event.vision_statement,
            "effective_date": event.effective_date.isoformat(),
        }
        partnership["visions"] = [*partnership["visions"], stated]

    @apply.register
    def _(self, event: Partnership.MemberAdmitted, position: int) -> None:
        partnership = self._partnership(event, position)
        day = event.effective_date.isoformat()
        admitted = {
            "authority": event.authority,
            "joined_on": day,
            "left_on": None,
            "leaving_reason": None,
            "roles": [_held(role, day) for role in (event.role, *event.additional_roles)],
        }
        partnership["memberships"] = [*partnership["memberships"], admitted]

    @apply.register
    def _(self, event: Partnership.MemberRoleChanged, position: int) -> None:
        day = event.effective_date.isoformat()
        self._change_roles(event, position, lambda held: _ended(held, None, day), event.role)

    @apply.register
    def _(self, event: Partnership.MemberRoleGiven, position: int) -> None:
        self._change_roles(event, position, lambda held: held, event.role)

    @apply.register
    def _(self, event: Partnership.MemberRoleTaken, position: int) -> None:
        day = event.effective_date.isoformat()
        self._change_roles(event, position, lambda held: _ended(held, event.role, day), None)

    def _change_roles(
        self,
        event: Partnership.MemberRoleChanged
        | Partnership.MemberRoleGiven
        | Partnership.MemberRoleTaken,
        position: int,
        change: Callable[[list[Row]], list[Row]],
        taken_on: str | None,
    ) -> None:
        """The current membership's roles, changed; then `taken_on` held from the event's day."""
        partnership = self._partnership(event, position)
        memberships = [dict(m) for m in partnership["memberships"]]
        current = _current(memberships, event.authority)
        if current is not None:
            roles = change([dict(held) for held in current["roles"]])
            if taken_on is not None:
                roles.append(_held(taken_on, event.effective_date.isoformat()))
            current["roles"] = roles
        partnership["memberships"] = memberships

    @apply.register
    def _(self, event: Partnership.MemberLeft, position: int) -> None:
        partnership = self._partnership(event, position)
        memberships = [dict(m) for m in partnership["memberships"]]
        current = _current(memberships, event.authority)
        if current is not None:
            current["left_on"] = event.effective_date.isoformat()
            current["leaving_reason"] = event.reason
        partnership["memberships"] = memberships

    @apply.register
    def _(self, event: Partnership.BodyEstablished, position: int) -> None:
        partnership = self._partnership(event, position)
        established = {"name": event.body_name, "established_on": event.effective_date.isoformat()}
        partnership["bodies"] = [*partnership["bodies"], established]

    @apply.register
    def _(self, event: Partnership.Corrected, position: int) -> None:
        partnership = self._partnership(event, position)
        if event.field == "purpose":
            partnership["purpose"] = event.value

    def _partnership(self, event: Partnership.Event, position: int) -> Row:
        partnership = self.partnerships[(str(event.originator_id),)]
        partnership["last_position"] = position
        return partnership


def _held(role: str, day: str) -> Row:
    return {"role": role, "effective_date": day, "until": None}


def _ended(roles: list[Row], role: str | None, day: str) -> list[Row]:
    """`roles` with the open one of `role` (None: every open one) ended on `day`."""
    for held in roles:
        if held.get("until") is None and (role is None or held["role"] == role):
            held["until"] = day
    return roles


def _current(memberships: list[Row], authority: str) -> Row | None:
    """The open membership of `authority`, as the aggregate finds it (names as it matches them)."""
    wanted = normalise_key(authority)
    for membership in memberships:
        if membership["left_on"] is None and normalise_key(membership["authority"]) == wanted:
            return membership
    return None
