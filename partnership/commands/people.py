"""People: registering them, and granting and revoking their roles.

A person acts for a registered authority, named as registered. A grant's scope is looked up
and kept as registered too: a partnership, an authority, or a body established in a
partnership. A scrutiny body is the exception: the record knows it by name only (see
partnership.commands.recommendations), so a grant on a body named without a partnership is
kept as given.
"""

from typing import Any

from partnership.access import ScopeKind
from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.domain import DomainError
from partnership.governance import GoverningBody, GoverningBodyNotFound, governing_body_id
from partnership.people import (
    Person,
    PersonAlreadyRegistered,
    PersonNotFound,
    check_lookup_email,
    checked_grant,
    person_id,
)


class PeopleCommands(CommandBase):
    @command
    def register_person(
        self, *, name: str, email: str, authority: str, envelope: Envelope
    ) -> CommandResult:
        acting_for = self.get_authority(authority)
        person = Person.register(name, email, acting_for.name, envelope.provenance, envelope.actor)
        return self.record_new(person, lambda: PersonAlreadyRegistered(person.email))

    @command
    def grant_role(
        self,
        *,
        email: str,
        role: str,
        scope_kind: str,
        scope: str | None = None,
        partnership: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Grant `role` on a scope that exists; `partnership` names a body's partnership."""
        found = self.get_person(email)
        self.check_version(found, envelope)
        _, kind, scope, partnership = checked_grant(role, scope_kind, scope, partnership)
        scope, partnership = self._registered_scope(kind, scope, partnership)
        found.grant_role(role, scope_kind, scope, partnership, envelope.provenance, envelope.actor)
        return self.record_changes(found)

    @command
    def revoke_grant(
        self, *, email: str, grant_id: str, reason: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_person(email),
            envelope,
            lambda p: p.revoke_grant(grant_id, reason, envelope.provenance, envelope.actor),
        )

    @command
    def correct_person(
        self,
        *,
        email: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_person(email),
            envelope,
            lambda p: p.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    def get_person(self, email: str) -> Person:
        email = check_lookup_email(email)
        return self.load(Person, person_id(email), lambda: PersonNotFound(email))

    def _registered_scope(
        self, kind: ScopeKind, scope: str | None, partnership: str | None
    ) -> tuple[str | None, str | None]:
        """The scope (and a body's partnership) as registered; refused if it does not exist."""
        if scope is None:
            return None, None
        try:
            if kind is ScopeKind.PARTNERSHIP:
                return self.get_partnership(scope).name, None
            if kind is ScopeKind.AUTHORITY:
                return self.get_authority(scope).name, None
        except DomainError as error:
            error.field = "scope"  # the input at fault is the scope, whatever it names
            raise
        if partnership is None:
            return scope, None
        owner = self.get_partnership(partnership)
        not_found = GoverningBodyNotFound(owner.name, scope)
        not_found.field = "scope"
        body = self.load(GoverningBody, governing_body_id(owner.name, scope), lambda: not_found)
        return body.name, owner.name
