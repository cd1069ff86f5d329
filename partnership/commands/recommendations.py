"""Scrutiny inquiries: recommendations and their progress updates.

The inquiring body is a name, as the papers give it, and is not looked up: an inquiry is
keyed by (body name, title) alone, and the body that scrutinises a partnership is often a
council's own panel (Chorley's Corporate and Customer Overview and Scrutiny Panel), not one
of the partnership's governing bodies, so no partnership is there to look it up in.

Authorities named as a recommendation's owner, or credited with a progress update, must be
registered: the record says "Lancashire County Council" where a paper says "LCC -", so that
one authority's commitments can be found under one name. The registered spelling is kept.
"""

from typing import Any

from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.global_ids import Kind
from partnership.partnerships import Authority, AuthorityNotFound, authority_id
from partnership.recommendations import (
    Inquiry,
    InquiryAlreadyOpened,
    InquiryNotFound,
    inquiry_id,
)


class RecommendationCommands(CommandBase):
    @command
    def open_inquiry(
        self,
        *,
        body: str,
        title: str,
        terms_of_reference: list[str] | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Open `body`'s inquiry called `title` (the body is a name, not looked up)."""
        inquiry = Inquiry.open(body, title, envelope.provenance, envelope.actor, terms_of_reference)
        return self.record_new(inquiry, lambda: InquiryAlreadyOpened(inquiry.body, inquiry.title))

    @command
    def make_recommendation(
        self,
        *,
        body: str,
        inquiry: str,
        number: str,
        text: str,
        owner_authority: str | None = None,
        objective: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Record a recommendation (numbered as recommendation_number(number) keeps it)."""
        found = self.get_inquiry(body, inquiry)
        self.check_version(found, envelope)
        owner = self._registered_authority_name(owner_authority, "ownerAuthority")
        found.make_recommendation(
            number, text, owner, objective, envelope.provenance, envelope.actor
        )
        return self.record_changes(found)

    @command
    def record_recommendation_progress(
        self,
        *,
        body: str,
        inquiry: str,
        number: str,
        text: str,
        status: str | None = None,
        reported_by_authority: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Record a dated progress update (status None: unchanged), credited to an authority."""
        found = self.get_inquiry(body, inquiry)
        self.check_version(found, envelope)
        reporter = self._registered_authority_name(reported_by_authority, "reportedByAuthority")
        found.record_progress(number, text, status, envelope.provenance, envelope.actor, reporter)
        return self.record_changes(found)

    @command
    def correct_recommendation(
        self,
        *,
        body: str,
        inquiry: str,
        number: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right a recommendation's text, owner (a registered authority) or objective."""
        found = self.get_inquiry(body, inquiry)
        self.check_version(found, envelope)
        if field == "owner_authority" and (value is None or isinstance(value, str)):
            value = self._registered_authority_name(value, "value")
        found.correct_recommendation(
            number, corrects_version, field, value, reason, envelope.provenance, envelope.actor
        )
        return self.record_changes(found)

    @command
    def close_inquiry(self, *, body: str, title: str, envelope: Envelope) -> CommandResult:
        """The body stops monitoring the inquiry; nothing more can be added, only corrected."""
        return self.change_one(
            self.get_inquiry(body, title),
            envelope,
            lambda i: i.close(envelope.provenance, envelope.actor),
        )

    @command
    def correct_inquiry(
        self,
        *,
        body: str,
        title: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right the inquiry's terms of reference."""
        return self.change_one(
            self.get_inquiry(body, title),
            envelope,
            lambda i: i.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    def get_inquiry(self, body: str, title: str) -> Inquiry:
        title = self.named(title, Kind.INQUIRY, "inquiry")
        return self.load(Inquiry, inquiry_id(body, title), lambda: InquiryNotFound(body, title))

    def _registered_authority_name(self, name: str | None, field: str) -> str | None:
        """The registered spelling of `name`; None (or blank) means no authority is named."""
        if name is None or not name.strip():
            return None
        cleaned = " ".join(name.split())

        def not_found() -> AuthorityNotFound:
            error = AuthorityNotFound(cleaned)
            error.field = field  # the input at fault, rather than a generic "authority"
            return error

        return self.load(Authority, authority_id(cleaned), not_found).name
