"""Governing bodies: establishing them, terms of reference, members, chairs, decision rules.

Rules that need more than one aggregate live here:
- a body belongs to a partnership that exists, and is saved with the partnership's record of
  it in one go; a parent body is a body of the same partnership, established by then, and
  never (through corrections) a body that reports to this one;
- a body's member is a registered authority, named as registered; for any body of a
  partnership but a scrutiny one it must be a member of the partnership on the day it is
  appointed. A council's scrutiny panel and its sub-groups look at the partnership from outside
  (Chorley's Partnership Sub-Group is Chorley councillors), so they may have any registered
  authority; so may an authority's own body, which answers to no partnership: whom it appoints
  (its own council, or a neighbour sitting on a joint panel) is its own affair;
- every change after establishing addresses a body by its owner's name and its own: the
  partnership's, or, for an authority's own body, the authority's (`CommandBase.owned_key`);
- a chair acts for a registered authority;
- an authority removed from a body is a registered one: a name not on record is refused as
  such, not as an authority that is not on the body.
"""

from typing import Any

from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.commands.partnerships import registered_authority_name
from partnership.domain import normalise_key
from partnership.global_ids import Kind
from partnership.governance import (
    SCRUTINY_PANEL,
    SCRUTINY_SUB_GROUP,
    ChangeBeforeEstablishment,
    GoverningBody,
    GoverningBodyNotFound,
    OwnParentBody,
    owned_body_id,
)
from partnership.partnerships import (
    BodyAlreadyEstablished,
    NotAMember,
    one_owner,
)
from partnership.voting import DecisionRule

# Bodies whose members need not be partners (see the module docstring).
SCRUTINY_KINDS = (SCRUTINY_PANEL, SCRUTINY_SUB_GROUP)


class GovernanceCommands(CommandBase):
    @command
    def establish_body(
        self,
        *,
        partnership: str | None = None,
        authority: str | None = None,
        name: str,
        kind: str,
        parent_body: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """A new body of an existing partnership, both records saved together or not at all;
        or a registered authority's own body (exactly one of the two is named)."""
        partnership, authority = one_owner(partnership, authority)
        if authority is not None:
            return self._establish_authority_body(authority, name, kind, parent_body, envelope)
        provenance, actor = envelope.provenance, envelope.actor
        owner = self.get_partnership(partnership or "")
        parent = _blank_to_none(parent_body)
        # Naming itself as parent is refused by GoverningBody.establish, with its own error.
        if parent is not None and normalise_key(parent) != normalise_key(name):
            found = self._body_of(owner.name, None, parent, "parentBody")
            if provenance.effective_date < found.established_on:
                raise ChangeBeforeEstablishment(
                    f"{found.name} was established on {found.established_on.isoformat()}; "
                    f"a body cannot report to it from {provenance.effective_date.isoformat()}.",
                    "parentBody",
                )
            parent = found.name
        body = GoverningBody.establish(owner.name, name, kind, parent, provenance, actor)
        owner.establish_body(body.name, provenance, actor)
        return self.record_new(
            body,
            lambda: BodyAlreadyEstablished(
                f"{owner.name} already has a governing body called {body.name!r}.", "bodyName"
            ),
            owner,
        )

    @command
    def adopt_terms_of_reference(
        self, *, partnership: str, body: str, items: list[str], envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_body(partnership, body),
            envelope,
            lambda b: b.adopt_terms_of_reference(items, envelope.provenance, envelope.actor),
        )

    @command
    def appoint_body_member(
        self, *, partnership: str, body: str, authority: str, envelope: Envelope
    ) -> CommandResult:
        """A registered authority joins the body; outside scrutiny, only a partner on that day."""
        member = self.get_authority(authority)
        found = self.get_body(partnership, body)
        self.check_version(found, envelope)
        # An authority's own body answers to no partnership: it appoints whom it will.
        if found.kind not in SCRUTINY_KINDS and found.partnership is not None:
            owner = self.get_partnership(found.partnership)
            day = envelope.provenance.effective_date
            if not owner.is_member(member.name, day):
                raise NotAMember(
                    f"{member.name} is not a member of {owner.name} on {day.isoformat()}; only "
                    f"member authorities sit on its {found.name} (a scrutiny body may have any).",
                    "authority",
                )
        found.appoint_member(member.name, envelope.provenance, envelope.actor)
        return self.record_changes(found)

    @command
    def remove_body_member(
        self, *, partnership: str, body: str, authority: str, reason: str, envelope: Envelope
    ) -> CommandResult:
        member = registered_authority_name(self, authority)
        return self.change_one(
            self.get_body(partnership, body),
            envelope,
            lambda b: b.remove_member(member, reason, envelope.provenance, envelope.actor),
        )

    @command
    def appoint_chair(
        self, *, partnership: str, body: str, person: str, authority: str, envelope: Envelope
    ) -> CommandResult:
        """The chair acts for a registered authority, named as registered."""
        acting_for = self.get_authority(authority)
        return self.change_one(
            self.get_body(partnership, body),
            envelope,
            lambda b: b.appoint_chair(person, acting_for.name, envelope.provenance, envelope.actor),
        )

    @command
    def adopt_decision_rule(
        self, *, partnership: str, body: str, rule: DecisionRule, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_body(partnership, body),
            envelope,
            lambda b: b.adopt_decision_rule(rule, envelope.provenance, envelope.actor),
        )

    @command
    def correct_body(
        self,
        *,
        partnership: str,
        body: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Correct the kind or the parent body; a new parent must be a body of the partnership."""
        found = self.get_body(partnership, body)
        self.check_version(found, envelope)
        if field == "parent_body" and isinstance(value, str):
            parent = _blank_to_none(value)
            if parent is not None and normalise_key(parent) != normalise_key(found.name):
                value = self._check_no_cycle(found, self._parent_body(found, parent))
        found.correct(corrects_version, field, value, reason, envelope.provenance, envelope.actor)
        return self.record_changes(found)

    def _establish_authority_body(
        self, authority: str, name: str, kind: str, parent_body: str | None, envelope: Envelope
    ) -> CommandResult:
        """An authority's own body; a parent body is another of its own, established by then."""
        provenance = envelope.provenance
        owner = registered_authority_name(self, authority)
        parent = _blank_to_none(parent_body)
        if parent is not None and normalise_key(parent) != normalise_key(name):
            found = self._body_of(None, owner, parent, "parentBody")
            if provenance.effective_date < found.established_on:
                raise ChangeBeforeEstablishment(
                    f"{found.name} was established on {found.established_on.isoformat()}; "
                    f"a body cannot report to it from {provenance.effective_date.isoformat()}.",
                    "parentBody",
                )
            parent = found.name
        body = GoverningBody.establish(
            None, name, kind, parent, provenance, envelope.actor, authority=owner
        )
        return self.record_new(
            body,
            lambda: BodyAlreadyEstablished(
                f"{owner} already has a governing body called {body.name!r}.", "bodyName"
            ),
        )

    def get_body(self, partnership: str, name: str) -> GoverningBody:
        """A body by its owner's name (a partnership's, or an authority's for its own body)."""
        name = self.named(name, Kind.GOVERNING_BODY, "body")
        return self.load_owned(
            GoverningBody,
            partnership,
            lambda partnership_, authority: owned_body_id(partnership_, authority, name),
            lambda owner: GoverningBodyNotFound(owner, name),
        )

    def _parent_body(self, of: GoverningBody, name: str, field: str = "value") -> GoverningBody:
        """A body of the same owner as `of`, by its name."""
        return self._body_of(of.partnership, of.authority, name, field)

    def _body_of(
        self, partnership: str | None, authority: str | None, name: str, field: str = "body"
    ) -> GoverningBody:
        # The input at fault may be the parent, not the body acted on: `field` names it.
        name = self.named(name, Kind.GOVERNING_BODY, field)
        return self.load(
            GoverningBody,
            owned_body_id(partnership, authority, name),
            lambda: GoverningBodyNotFound(str(partnership or authority), name, field),
        )

    def _check_no_cycle(self, body: GoverningBody, parent: GoverningBody) -> str:
        """The new parent's own chain of parents must not lead back to `body`."""
        current, seen = parent, set()
        while current.parent_body is not None and current.id not in seen:
            seen.add(current.id)
            if owned_body_id(body.partnership, body.authority, current.parent_body) == body.id:
                raise OwnParentBody(
                    f"{parent.name} reports (through {current.name}) to {body.name}; "
                    f"{body.name} cannot report to it.",
                    "value",
                )
            try:
                current = self._parent_body(body, current.parent_body)
            except GoverningBodyNotFound:
                break
        return parent.name


def _blank_to_none(name: str | None) -> str | None:
    # As GoverningBody does: a blank parent means "none" (forms send "" for a cleared field).
    return None if name is None else " ".join(name.split()) or None
