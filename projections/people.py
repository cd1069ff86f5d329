"""People and their grants: who is registered, and who held which role on what, when.

A grant's row is kept once revoked, with when and by whom, so that who could do what on any
day can be answered from these tables alone.
"""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import BigInteger, Column, Date, Index, Integer, String, Table, Text

from partnership.limits import EMAIL_MAX, GRANT_ID_MAX, NAME_MAX, PERSON_ID_MAX
from partnership.people import Person
from projections.columns import UtcDateTime
from projections.database import metadata
from projections.kit import ReadModel, RowSet

# Wide enough for every role and kind of scope in partnership.access.
CODE_MAX = 32

people = Table(
    "people",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("email", String(EMAIL_MAX), nullable=False),
    Column("authority", String(NAME_MAX), nullable=False),
    Column("registered_on", Date, nullable=False),
    Column("registered_by", String(NAME_MAX), nullable=False),
    Column("registered_by_id", String(PERSON_ID_MAX), nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_changed_on", Date, nullable=False),
    Column("last_recorded_at", UtcDateTime(), nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_people_name", "name", "person_id"),
    Index("ix_people_authority", "authority", "name", "person_id"),
)

person_grants = Table(
    "person_grants",
    metadata,
    Column("person_id", String(36), primary_key=True),
    Column("grant_id", String(GRANT_ID_MAX), primary_key=True),
    Column("role", String(CODE_MAX), nullable=False),
    Column("scope_kind", String(CODE_MAX), nullable=False),
    # The partnership, body or authority, as registered; null for everything.
    Column("scope", String(NAME_MAX)),
    # A body's partnership; null for any other scope, and for a scrutiny body.
    Column("scope_partnership", String(NAME_MAX)),
    Column("granted_on", Date, nullable=False),
    Column("granted_recorded_at", UtcDateTime(), nullable=False),
    Column("granted_by", String(NAME_MAX), nullable=False),
    Column("granted_by_id", String(PERSON_ID_MAX), nullable=False),
    Column("revoked_on", Date),
    Column("revoked_recorded_at", UtcDateTime()),
    Column("revoked_by", String(NAME_MAX)),
    Column("revoked_by_id", String(PERSON_ID_MAX)),
    Column("revoke_reason", Text),
    Column("grant_position", BigInteger, nullable=False),
    Index("ix_person_grants_granted_on", "granted_on", "person_id", "grant_id"),
)


class PeopleProjection(ReadModel):
    name = "people"
    schema_version = 1
    tables: Sequence[Table] = (people, person_grants)

    def __init__(self) -> None:
        self.people = RowSet(people, ("person_id",))
        self.grants = RowSet(person_grants, ("person_id", "grant_id"))
        super().__init__(self.people, self.grants)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no person."""

    @wants.register
    def _(self, event: Person.Event) -> None:
        self.people.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Person.Registered) -> None:
        """A new row: nothing to read."""

    @wants.register
    def _(self, event: Person.GrantRevoked) -> None:
        key = str(event.originator_id)
        self.people.want((key,))
        self.grants.want((key, event.grant_id))

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern people."""

    @apply.register
    def _(self, event: Person.Registered, position: int) -> None:
        row = self.people.add(
            {
                "person_id": str(event.originator_id),
                "name": event.name,
                "email": event.email,
                "authority": event.authority,
                "registered_on": event.effective_date,
                "registered_by": event.recorded_by,
                "registered_by_id": event.recorded_by_id,
            }
        )
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Person.RoleGranted, position: int) -> None:
        key = str(event.originator_id)
        self.grants.add(
            {
                "person_id": key,
                "grant_id": event.grant_id,
                "role": event.role,
                "scope_kind": event.scope_kind,
                "scope": event.scope,
                "scope_partnership": event.partnership,
                "granted_on": event.effective_date,
                "granted_recorded_at": event.timestamp,
                "granted_by": event.recorded_by,
                "granted_by_id": event.recorded_by_id,
                "revoked_on": None,
                "revoked_recorded_at": None,
                "revoked_by": None,
                "revoked_by_id": None,
                "revoke_reason": None,
                "grant_position": position,
            }
        )
        _stamp(self.people[(key,)], event, position)

    @apply.register
    def _(self, event: Person.GrantRevoked, position: int) -> None:
        key = str(event.originator_id)
        grant = self.grants[(key, event.grant_id)]
        grant["revoked_on"] = event.effective_date
        grant["revoked_recorded_at"] = event.timestamp
        grant["revoked_by"] = event.recorded_by
        grant["revoked_by_id"] = event.recorded_by_id
        grant["revoke_reason"] = event.reason
        _stamp(self.people[(key,)], event, position)

    @apply.register
    def _(self, event: Person.Corrected, position: int) -> None:
        row = self.people[(str(event.originator_id),)]
        row[event.field] = event.value
        _stamp(row, event, position)


def _stamp(row: dict[str, Any], event: Person.Event, position: int) -> None:
    """What every change of a person changes, after the change itself."""
    row["version"] = event.originator_version
    row["last_changed_on"] = event.effective_date
    row["last_recorded_at"] = event.timestamp
    row["last_position"] = position
