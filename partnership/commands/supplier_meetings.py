"""Supplier meetings: attendance, actions raised and closed, issues escalated.

Cross-aggregate rules kept here:
- a meeting is recorded as of its own day (the effective date is the meeting day);
- each attending authority must be registered, and is kept as registered (suppliers and
  people are names only: there is no supplier or person aggregate);
- an issue is escalated to a governing body of a named partnership that exists and was
  established by the escalation's effective date (e.g. the partnership's Programme Board).
An action's owner is a name on one side of the table (a person or an organisation), as the
notes give it, and is not looked up.
"""

from datetime import date
from typing import Any

from partnership.addresses import SupplierMeetingAddress
from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.domain import InvalidInput
from partnership.governance import (
    ChangeBeforeEstablishment,
    GoverningBody,
    GoverningBodyNotFound,
    governing_body_id,
)
from partnership.partnerships import Authority, AuthorityNotFound, authority_id
from partnership.supplier_meetings import (
    SupplierMeeting,
    SupplierMeetingAlreadyRecorded,
    SupplierMeetingNotFound,
    supplier_meeting_id,
)


class SupplierMeetingCommands(CommandBase):
    @command
    def record_supplier_meeting(
        self,
        *,
        meeting: SupplierMeetingAddress,
        authority_attendees: list[dict[str, str]],
        supplier_attendees: list[str],
        topics: list[str],
        envelope: Envelope,
    ) -> CommandResult:
        """Record a meeting held with its supplier on its day, the provenance's effective date.

        `authority_attendees` are {"person", "authority"}; each authority must be registered.
        """
        provenance = envelope.provenance
        supplier, day, title = meeting.supplier, meeting.day, meeting.title
        if provenance.effective_date != day:
            raise InvalidInput(
                f"A meeting is recorded as of its own day: the effective date "
                f"{provenance.effective_date.isoformat()} is not the meeting day "
                f"{day.isoformat()}.",
                "effectiveDate",
            )
        attendees = self._registered_attendees(authority_attendees, "authorityAttendees")
        held = SupplierMeeting.record(
            supplier, day, title, attendees, supplier_attendees, topics, provenance, envelope.actor
        )
        return self.record_new(
            held, lambda: SupplierMeetingAlreadyRecorded(held.supplier, held.day, held.title)
        )

    @command
    def raise_supplier_action(
        self,
        *,
        meeting: SupplierMeetingAddress,
        text: str,
        owner: str,
        owner_side: str,
        due_date: date | None = None,
        due_when: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Record an action taken away from the meeting (its due date may be in the future, and
        may be a month or year as the paper gives it, `due_when`); the result's `number` is the
        action's number."""
        found = self.get_supplier_meeting(meeting)
        self.check_version(found, envelope)
        number = found.raise_action(
            text,
            owner,
            owner_side,
            due_date,
            envelope.provenance,
            envelope.actor,
            due_when=due_when,
        )
        return self.record_changes(found, number=number)

    @command
    def close_supplier_action(
        self, *, meeting: SupplierMeetingAddress, number: str, outcome: str, envelope: Envelope
    ) -> CommandResult:
        """Record an action done (or dropped), with what came of it."""
        return self.change_one(
            self.get_supplier_meeting(meeting),
            envelope,
            lambda m: m.close_action(number, outcome, envelope.provenance, envelope.actor),
        )

    @command
    def escalate_supplier_issue(
        self,
        *,
        meeting: SupplierMeetingAddress,
        text: str,
        to_body: str,
        partnership: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Record an issue passed up to `partnership`'s governing body `to_body`; the result's
        `number` is the escalation's number. The body must exist by the effective date."""
        provenance = envelope.provenance
        found = self.get_supplier_meeting(meeting)
        self.check_version(found, envelope)
        body = self.load(
            GoverningBody,
            governing_body_id(partnership, to_body),
            lambda: GoverningBodyNotFound(partnership, to_body),
        )
        if provenance.effective_date < body.established_on:
            raise ChangeBeforeEstablishment(
                f"{body.name} was only established on {body.established_on.isoformat()}; "
                f"nothing can be escalated to it on {provenance.effective_date.isoformat()}.",
                "toBody",
            )
        number = found.escalate_issue(text, body.name, provenance, envelope.actor)
        return self.record_changes(found, number=number)

    @command
    def correct_supplier_action(
        self,
        *,
        meeting: SupplierMeetingAddress,
        number: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right an action's text, owner, owner's side or due date."""
        return self.change_one(
            self.get_supplier_meeting(meeting),
            envelope,
            lambda m: m.correct_action(
                number, corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    @command
    def correct_supplier_meeting(
        self,
        *,
        meeting: SupplierMeetingAddress,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right the attendees (authorities must be registered) or topics."""
        found = self.get_supplier_meeting(meeting)
        self.check_version(found, envelope)
        if field == "authority_attendees" and isinstance(value, list):
            value = self._registered_attendees(value, "value")
        found.correct(corrects_version, field, value, reason, envelope.provenance, envelope.actor)
        return self.record_changes(found)

    def get_supplier_meeting(self, meeting: SupplierMeetingAddress) -> SupplierMeeting:
        supplier, day, title = meeting.supplier, meeting.day, meeting.title
        return self.load(
            SupplierMeeting,
            supplier_meeting_id(supplier, day, title),
            lambda: SupplierMeetingNotFound(supplier, day, title),
        )

    def _registered_attendees(self, attendees: list[Any], field: str) -> list[Any]:
        """The attendees with each authority as registered; malformed entries pass through
        unchanged, for SupplierMeeting to refuse as input errors."""
        checked = []
        for attendee in attendees:
            if isinstance(attendee, dict) and isinstance(attendee.get("authority"), str):
                name = " ".join(attendee["authority"].split())
                if name:
                    attendee = {**attendee, "authority": self._attending_authority(name, field)}
            checked.append(attendee)
        return checked

    def _attending_authority(self, name: str, field: str) -> str:
        def not_found() -> AuthorityNotFound:
            error = AuthorityNotFound(name)
            error.field = field  # the input at fault, rather than a generic "authority"
            return error

        return self.load(Authority, authority_id(name), not_found).name
