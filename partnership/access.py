"""Who may do what: roles, the scopes they are granted on, and the person a request acts for.

A person holds any number of grants. Each grant gives one role on one scope: everything, a
partnership, a body or an authority. Granting and revoking are events on the person's record
(`partnership.people`), so who could do what on any date can be read back from the log.
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from partnership.domain import Actor, normalise_key, require_text
from partnership.limits import PERSON_ID_MAX

SYSTEM_ID_PREFIX = "system:"


class Role(StrEnum):
    # Reads the shared record of the partnerships they sit on.
    BOARD_MEMBER = "board_member"
    # Records meetings, decisions, milestones and recommendations for the bodies and projects
    # they serve.
    SECRETARY = "secretary"
    # Records contract events for contracts their authority is party to; manages reminders.
    PROCUREMENT_OFFICER = "procurement_officer"
    # Reads everything, changes nothing.
    AUDITOR = "auditor"
    # Authorities, partnerships and people.
    ADMIN = "admin"


class ScopeKind(StrEnum):
    EVERYTHING = "everything"
    PARTNERSHIP = "partnership"
    BODY = "body"
    AUTHORITY = "authority"


# The scopes each role can be granted on: an auditor or an admin acts on the whole record; a
# board member sits on a partnership, or on an authority's own bodies; a secretary serves a
# body, all of a partnership's bodies and projects, or an authority's own bodies, projects and
# practices; a procurement officer acts for an authority.
ROLE_SCOPES: dict[Role, frozenset[ScopeKind]] = {
    Role.BOARD_MEMBER: frozenset(
        {ScopeKind.PARTNERSHIP, ScopeKind.AUTHORITY, ScopeKind.EVERYTHING}
    ),
    Role.SECRETARY: frozenset(
        {ScopeKind.BODY, ScopeKind.PARTNERSHIP, ScopeKind.AUTHORITY, ScopeKind.EVERYTHING}
    ),
    Role.PROCUREMENT_OFFICER: frozenset({ScopeKind.AUTHORITY, ScopeKind.EVERYTHING}),
    Role.AUDITOR: frozenset({ScopeKind.EVERYTHING}),
    Role.ADMIN: frozenset({ScopeKind.EVERYTHING}),
}


@dataclass(frozen=True)
class Grant:
    """One role on one scope, from the day it was granted until it is revoked.

    `scope` is the name of the partnership, body or authority as registered; None when the
    scope is everything. A body is named within its partnership (`partnership`), as two
    partnerships may each have a "Joint Committee"; a scrutiny body belongs to no partnership
    and has `partnership` None.
    """

    grant_id: str
    role: Role
    scope_kind: ScopeKind
    scope: str | None
    granted_on: date
    partnership: str | None = None

    def covers(
        self,
        *,
        partnership: str | None = None,
        body: str | None = None,
        authorities: frozenset[str] = frozenset(),
    ) -> bool:
        """Whether this grant reaches a target in that partnership, of that body, or with
        those authorities party to it. Names compare as the record compares them."""
        if self.scope_kind is ScopeKind.EVERYTHING:
            return True
        if self.scope is None:
            return False
        scope = normalise_key(self.scope)
        if self.scope_kind is ScopeKind.PARTNERSHIP:
            return partnership is not None and normalise_key(partnership) == scope
        if self.scope_kind is ScopeKind.BODY:
            return (
                body is not None
                and normalise_key(body) == scope
                and _same(self.partnership, partnership)
            )
        return any(normalise_key(authority) == scope for authority in authorities)


@dataclass(frozen=True)
class Principal:
    """The signed-in person a request acts for, with the grants they hold now."""

    person_id: str
    name: str
    email: str
    authority: str
    grants: tuple[Grant, ...] = field(default=())

    @property
    def actor(self) -> Actor:
        """Who the record names as having recorded what this person does."""
        return Actor(self.name, self.authority, self.person_id)

    def roles(self) -> frozenset[Role]:
        return frozenset(grant.role for grant in self.grants)

    def grants_of(self, *roles: Role) -> tuple[Grant, ...]:
        return tuple(grant for grant in self.grants if grant.role in roles)


def _same(named: str | None, other: str | None) -> bool:
    if named is None or other is None:
        return named is None and other is None
    return normalise_key(named) == normalise_key(other)


def system_actor(purpose: str, authority: str) -> Actor:
    """Who the record names for work no person asked for at the time (loading the example,
    a command typed at the server), so that it is never mistaken for a person's own."""
    purpose = require_text(
        purpose, "purpose", "What the system was doing", PERSON_ID_MAX - len(SYSTEM_ID_PREFIX)
    )
    return Actor(f"System ({purpose})", authority, f"{SYSTEM_ID_PREFIX}{purpose}")
