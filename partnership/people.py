"""The people who use the record, and the roles they are granted on it.

A person is known by their e-mail address, whatever its letter case. What a person may do is
the grants they hold: each gives one role on one scope (see partnership.access), from the day
it is granted until the day it is revoked. Grants are numbered "1", "2", ... within the
person, in the order granted, and a number is never reused, so a revocation names one grant
for good.
"""

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from partnership.access import ROLE_SCOPES, Grant, Role, ScopeKind
from partnership.domain import (
    Actor,
    AlreadyExists,
    Correctable,
    Correction,
    InvalidInput,
    NotFound,
    Provenance,
    RecordedEvent,
    RuleViolation,
    natural_id,
    normalise_key,
    require_text,
)
from partnership.limits import (
    EMAIL_LOCAL_PART_MAX,
    EMAIL_MAX,
    GRANT_ID_MAX,
    TEXT_MAX,
    check_query_text,
)
from partnership.partnerships import OutOfDateOrder


class PersonNotFound(NotFound):
    code = "person_not_found"

    def __init__(self, email: str) -> None:
        super().__init__(f"Nobody is registered with the e-mail address {email!r}.", "email")


class PersonAlreadyRegistered(AlreadyExists):
    code = "person_already_registered"

    def __init__(self, email: str) -> None:
        super().__init__(
            f"Someone is already registered with the e-mail address {email!r}; an address "
            "identifies one person for good.",
            "email",
        )


class ScopeNotAllowed(RuleViolation):
    """A role granted on a kind of scope it cannot have (an auditor on one partnership)."""

    code = "scope_not_allowed"


class GrantAlreadyHeld(AlreadyExists):
    code = "grant_already_held"


class GrantNotFound(NotFound):
    code = "grant_not_found"


class GrantAlreadyRevoked(RuleViolation):
    code = "grant_already_revoked"


class ChangeBeforeRegistration(RuleViolation):
    code = "change_before_registration"


def person_id(email: str) -> UUID:
    return natural_id("person", email)


def check_email(value: Any, field: str = "email") -> str:
    """An address of the shape mail takes: one "@", a part before it of at most 64
    characters, and a domain of dot-separated names after it; no spaces."""
    email = require_text(value, field, "The e-mail address", EMAIL_MAX)
    local, at, domain = email.partition("@")
    labels = domain.split(".")
    well_formed = (
        at
        and local
        and len(local) <= EMAIL_LOCAL_PART_MAX
        and " " not in email
        and "@" not in domain
        and len(labels) >= 2
        and all(labels)
    )
    if not well_formed:
        raise InvalidInput(
            f"{email!r} is not an e-mail address; write it like ruth.hawes@chorley.gov.uk.",
            field,
        )
    return email


def check_lookup_email(value: Any, field: str = "email") -> str:
    """An address asked about: only what any database can compare, and no longer than any
    address the record holds (an address that is not one is simply not found)."""
    return check_query_text(value, field, "The e-mail address", EMAIL_MAX)


def checked_grant(
    role: Any, scope_kind: Any, scope: Any, partnership: Any
) -> tuple[Role, ScopeKind, str | None, str | None]:
    """The role and scope of a grant, if they go together: a role only on the kinds of scope
    it can have, a scope named unless it is everything, a partnership named only for a body."""
    checked_role = _choice(Role, role, "role", "The role")
    kind = _choice(ScopeKind, scope_kind, "scopeKind", "The kind of scope")
    if kind not in ROLE_SCOPES[checked_role]:
        allowed = ", ".join(sorted(k.value for k in ROLE_SCOPES[checked_role]))
        raise ScopeNotAllowed(
            f"The {checked_role.value.replace('_', ' ')} role is granted on {allowed}, "
            f"not on {kind.value}.",
            "scopeKind",
        )
    if kind is ScopeKind.EVERYTHING:
        if not _blank(scope):
            raise InvalidInput("A grant on everything names no scope.", "scope")
        scope = None
    elif _blank(scope):
        raise InvalidInput(f"Name the {kind.value} the role is granted on.", "scope")
    else:
        scope = require_text(scope, "scope", f"The {kind.value} the role is granted on")
    # Blank means none: forms send an empty string for a field left empty.
    if _blank(partnership):
        partnership = None
    elif kind is ScopeKind.BODY:
        partnership = require_text(partnership, "partnership", "The body's partnership")
    else:
        raise InvalidInput(
            "Only a grant on a body names a partnership: the body's own.", "partnership"
        )
    return checked_role, kind, scope, partnership


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _choice(kind: Any, value: Any, field: str, label: str) -> Any:
    try:
        return kind(value)
    except (ValueError, TypeError):
        names = ", ".join(member.value for member in kind)
        raise InvalidInput(f"{label} must be one of {names}, not {value!r}.", field) from None


def _check_name(value: Any) -> str:
    return require_text(value, "value", "The person's name")


class Person(Aggregate, Correctable):
    """Someone who uses the record, known by their e-mail address, and the grants they hold.

    `grants` maps each grant's number to {"grant_id", "role", "scope_kind", "scope",
    "partnership", "granted_on", "revoked_on", "revoke_reason"}, in the order granted.
    """

    correctable_fields = {"name": _check_name}

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Registered(Event, Aggregate.Created):
        name: str
        email: str
        authority: str

    class RoleGranted(Event):
        """A role on a scope, in force from the effective date."""

        grant_id: str
        role: str
        scope_kind: str
        scope: str | None
        partnership: str | None

        def apply(self, aggregate: "Person") -> None:
            aggregate.grants[self.grant_id] = {
                "grant_id": self.grant_id,
                "role": self.role,
                "scope_kind": self.scope_kind,
                "scope": self.scope,
                "partnership": self.partnership,
                "granted_on": self.effective_date,
                "revoked_on": None,
                "revoke_reason": None,
            }

    class GrantRevoked(Event):
        """A grant no longer in force from the effective date."""

        grant_id: str
        reason: str

        def apply(self, aggregate: "Person") -> None:
            grant = aggregate.grants[self.grant_id]
            grant["revoked_on"] = self.effective_date
            grant["revoke_reason"] = self.reason

    class Corrected(Event, Correction):
        pass

    @staticmethod
    def create_id(email: str) -> UUID:
        return person_id(email)

    @classmethod
    def register(
        cls, name: str, email: str, authority: str, provenance: Provenance, actor: Actor
    ) -> "Person":
        """`authority` is the one the person acts for, as registered."""
        return cls(
            name=require_text(name, "name", "The person's name"),
            email=check_email(email),
            authority=require_text(authority, "authority", "The authority"),
            **provenance.event_fields(actor),
        )

    @event(Registered)
    def __init__(
        self,
        name: str,
        email: str,
        authority: str,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
    ) -> None:
        self.name = name
        self.email = email
        self.authority = authority
        self.registered_on = effective_date
        self.grants: dict[str, dict[str, Any]] = {}

    # Grants

    def current_grants(self) -> tuple[Grant, ...]:
        """The grants not revoked, in the order granted."""
        return tuple(_grant(g) for g in self.grants.values() if g["revoked_on"] is None)

    def grants_on(self, day: date) -> tuple[Grant, ...]:
        """The grants in force on `day`: granted by then and not revoked by then."""
        return tuple(
            _grant(g)
            for g in self.grants.values()
            if g["granted_on"] <= day and (g["revoked_on"] is None or day < g["revoked_on"])
        )

    def grant_role(
        self,
        role: str,
        scope_kind: str,
        scope: str | None,
        partnership: str | None,
        provenance: Provenance,
        actor: Actor,
    ) -> str:
        """Grant `role` on the scope from the effective date; returns the grant's number.

        Scopes are named as registered (the command looks them up). The same role on the same
        scope is held at most once at a time, so a grant may not begin before an earlier one
        of it was revoked.
        """
        checked_role, kind, scope, partnership = checked_grant(role, scope_kind, scope, partnership)
        day = provenance.effective_date
        self._check_not_before_registration(day)
        for held in self.grants.values():
            if not _same_grant(held, checked_role, kind, scope, partnership):
                continue
            if held["revoked_on"] is None:
                raise GrantAlreadyHeld(
                    f"{self.name} already holds that role on that scope "
                    f"(grant {held['grant_id']}, from {held['granted_on'].isoformat()}).",
                    "role",
                )
            if day < held["revoked_on"]:
                raise OutOfDateOrder(
                    f"{self.name} held that role on that scope until "
                    f"{held['revoked_on'].isoformat()} (grant {held['grant_id']}); it cannot "
                    f"be granted again from an earlier date ({day.isoformat()}).",
                    "effectiveDate",
                )
        grant_id = str(len(self.grants) + 1)
        self.trigger_event(
            self.RoleGranted,
            grant_id=grant_id,
            role=checked_role.value,
            scope_kind=kind.value,
            scope=scope,
            partnership=partnership,
            **provenance.event_fields(actor),
        )
        return grant_id

    def revoke_grant(
        self, grant_id: str, reason: str, provenance: Provenance, actor: Actor
    ) -> None:
        """End a grant in force, from the effective date."""
        grant_id = require_text(grant_id, "grantId", "The grant's number", GRANT_ID_MAX)
        reason = require_text(
            reason, "reason", "The reason for revoking it", TEXT_MAX, multiline=True
        )
        held = self.grants.get(grant_id)
        if held is None:
            raise GrantNotFound(f"{self.name} holds no grant numbered {grant_id!r}.", "grantId")
        if held["revoked_on"] is not None:
            raise GrantAlreadyRevoked(
                f"Grant {grant_id} of {self.name} was revoked on "
                f"{held['revoked_on'].isoformat()} already.",
                "grantId",
            )
        day = provenance.effective_date
        if day < held["granted_on"]:
            raise OutOfDateOrder(
                f"Grant {grant_id} of {self.name} was granted on "
                f"{held['granted_on'].isoformat()}; it cannot be revoked earlier "
                f"({day.isoformat()}).",
                "effectiveDate",
            )
        self.trigger_event(
            self.GrantRevoked, grant_id=grant_id, reason=reason, **provenance.event_fields(actor)
        )

    def _check_not_before_registration(self, day: date) -> None:
        if day < self.registered_on:
            raise ChangeBeforeRegistration(
                f"The effective date {day.isoformat()} is before {self.name} was registered "
                f"({self.registered_on.isoformat()}).",
                "effectiveDate",
            )


def _grant(held: dict[str, Any]) -> Grant:
    return Grant(
        grant_id=held["grant_id"],
        role=Role(held["role"]),
        scope_kind=ScopeKind(held["scope_kind"]),
        scope=held["scope"],
        granted_on=held["granted_on"],
        partnership=held["partnership"],
    )


def _same_grant(
    held: dict[str, Any], role: Role, kind: ScopeKind, scope: str | None, partnership: str | None
) -> bool:
    return (
        held["role"] == role.value
        and held["scope_kind"] == kind.value
        and _key(held["scope"]) == _key(scope)
        and _key(held["partnership"]) == _key(partnership)
    )


def _key(name: str | None) -> str | None:
    return None if name is None else normalise_key(name)
