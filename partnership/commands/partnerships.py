"""Authorities and partnerships: registering authorities, forming partnerships, membership, vision.

An authority joins a partnership under the name it was registered by, so that every later
record (body memberships, votes, electronic responses) names it the same way.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Any

from partnership.commands.base import CommandBase, CommandResult
from partnership.domain import Actor, Provenance
from partnership.partnerships import (
    Authority,
    AuthorityAlreadyRegistered,
    Partnership,
    PartnershipAlreadyFormed,
)


class PartnershipCommands(CommandBase):
    # Authorities

    def register_authority(
        self, name: str, kind: str, provenance: Provenance, actor: Actor, now: datetime
    ) -> CommandResult:
        self.check(provenance, now)
        authority = Authority.register(name, kind, provenance, actor)
        return self.record_new(authority, lambda: AuthorityAlreadyRegistered(authority.name))

    def correct_authority(
        self,
        name: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        self.check(provenance, now)
        authority = self.get_authority(name)
        self.check_version(authority, expected_version)
        authority.correct(corrects_version, field, value, reason, provenance, actor)
        return self.record_changes(authority)

    # Partnerships

    def form_partnership(
        self, name: str, purpose: str, provenance: Provenance, actor: Actor, now: datetime
    ) -> CommandResult:
        self.check(provenance, now)
        partnership = Partnership.form(name, purpose, provenance, actor)
        return self.record_new(partnership, lambda: PartnershipAlreadyFormed(partnership.name))

    def state_vision(
        self,
        partnership: str,
        vision_statement: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_partnership(
            partnership,
            provenance,
            now,
            expected_version,
            lambda p: p.state_vision(vision_statement, provenance, actor),
        )

    def admit_member(
        self,
        partnership: str,
        authority: str,
        role: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Only a registered authority joins, and under its registered name."""
        self.check(provenance, now)
        joining = self.get_authority(authority)
        found = self.get_partnership(partnership)
        self.check_version(found, expected_version)
        found.admit_member(joining.name, role, provenance, actor)
        return self.record_changes(found)

    def change_member_role(
        self,
        partnership: str,
        authority: str,
        role: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_partnership(
            partnership,
            provenance,
            now,
            expected_version,
            lambda p: p.change_member_role(authority, role, provenance, actor),
        )

    def record_member_leaving(
        self,
        partnership: str,
        authority: str,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_partnership(
            partnership,
            provenance,
            now,
            expected_version,
            lambda p: p.record_member_leaving(authority, reason, provenance, actor),
        )

    def correct_partnership(
        self,
        partnership: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_partnership(
            partnership,
            provenance,
            now,
            expected_version,
            lambda p: p.correct(corrects_version, field, value, reason, provenance, actor),
        )

    def _change_partnership(
        self,
        name: str,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[Partnership], Any],
    ) -> CommandResult:
        return self.change_one(
            lambda: self.get_partnership(name), provenance, now, expected_version, change
        )
