"""Authorities and partnerships: registering authorities, forming partnerships, membership, vision.

An authority joins a partnership under the name it was registered by, so that every later
record (body memberships, votes, electronic responses) names it the same way.
"""

from typing import Any

from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.global_ids import GlobalIdNotFound
from partnership.partnerships import (
    Authority,
    AuthorityAlreadyRegistered,
    AuthorityNotFound,
    Partnership,
    PartnershipAlreadyFormed,
)


def registered_authority_name(commands: CommandBase, name: str, field: str = "authority") -> str:
    """`name` as the authority was registered, checked before any rule about the authority
    (membership of a partnership, a body, a project or a meeting) is judged: a name not on
    record is refused as such, with `field` as the input at fault. A blank name is not a
    name; it passes through, for the rules of what is given to refuse as an input error."""
    if not name.strip():
        return name
    try:
        return commands.get_authority(name).name
    except (AuthorityNotFound, GlobalIdNotFound) as error:
        error.field = field
        raise


class PartnershipCommands(CommandBase):
    # Authorities

    @command
    def register_authority(self, *, name: str, kind: str, envelope: Envelope) -> CommandResult:
        authority = Authority.register(name, kind, envelope.provenance, envelope.actor)
        return self.record_new(authority, lambda: AuthorityAlreadyRegistered(authority.name))

    @command
    def correct_authority(
        self,
        *,
        name: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_authority(name),
            envelope,
            lambda a: a.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    # Partnerships

    @command
    def form_partnership(self, *, name: str, purpose: str, envelope: Envelope) -> CommandResult:
        partnership = Partnership.form(name, purpose, envelope.provenance, envelope.actor)
        return self.record_new(partnership, lambda: PartnershipAlreadyFormed(partnership.name))

    @command
    def state_vision(
        self, *, partnership: str, vision_statement: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.state_vision(vision_statement, envelope.provenance, envelope.actor),
        )

    @command
    def admit_member(
        self,
        *,
        partnership: str,
        authority: str,
        role: str,
        additional_roles: list[str] | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Only a registered authority joins, and under its registered name; it may hold
        several roles from the start (`role` and the `additional_roles`)."""
        joining = self.get_authority(authority)
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.admit_member(
                joining.name,
                role,
                envelope.provenance,
                envelope.actor,
                additional_roles=additional_roles or (),
            ),
        )

    @command
    def give_member_role(
        self, *, partnership: str, authority: str, role: str, envelope: Envelope
    ) -> CommandResult:
        """A member takes on one more role, keeping those it holds."""
        member = registered_authority_name(self, authority)
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.give_member_role(member, role, envelope.provenance, envelope.actor),
        )

    @command
    def take_member_role(
        self, *, partnership: str, authority: str, role: str, envelope: Envelope
    ) -> CommandResult:
        """A member stops holding one of its roles, keeping the others."""
        member = registered_authority_name(self, authority)
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.take_member_role(member, role, envelope.provenance, envelope.actor),
        )

    @command
    def change_member_role(
        self, *, partnership: str, authority: str, role: str, envelope: Envelope
    ) -> CommandResult:
        member = registered_authority_name(self, authority)
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.change_member_role(member, role, envelope.provenance, envelope.actor),
        )

    @command
    def record_member_leaving(
        self, *, partnership: str, authority: str, reason: str, envelope: Envelope
    ) -> CommandResult:
        member = registered_authority_name(self, authority)
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.record_member_leaving(member, reason, envelope.provenance, envelope.actor),
        )

    @command
    def correct_partnership(
        self,
        *,
        partnership: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_partnership(partnership),
            envelope,
            lambda p: p.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )
