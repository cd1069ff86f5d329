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

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from partnership.commands.base import CommandBase, CommandResult
from partnership.domain import Actor, InvalidInput, Provenance
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


@dataclass(frozen=True)
class NumberedResult(CommandResult):
    """A command's result with the number the meeting gave what it recorded (an action's
    number, an escalation's number), so the caller can refer to it next."""

    number: str


class SupplierMeetingCommands(CommandBase):
    def record_supplier_meeting(
        self,
        supplier: str,
        day: date,
        title: str,
        authority_attendees: list[dict[str, str]],
        supplier_attendees: list[str],
        topics: list[str],
        provenance: Provenance,
        actor: Actor,
        now: datetime,
    ) -> CommandResult:
        """Record a meeting held with `supplier` on `day`, the provenance's effective date.

        `authority_attendees` are {"person", "authority"}; each authority must be registered.
        """
        self.check(provenance, now)
        if provenance.effective_date != day:
            raise InvalidInput(
                f"A meeting is recorded as of its own day: the effective date "
                f"{provenance.effective_date.isoformat()} is not the meeting day "
                f"{day.isoformat()}.",
                "effectiveDate",
            )
        attendees = self._registered_attendees(authority_attendees, "authorityAttendees")
        meeting = SupplierMeeting.record(
            supplier, day, title, attendees, supplier_attendees, topics, provenance, actor
        )
        return self.record_new(
            meeting,
            lambda: SupplierMeetingAlreadyRecorded(meeting.supplier, meeting.day, meeting.title),
        )

    def raise_supplier_action(
        self,
        supplier: str,
        day: date,
        title: str,
        text: str,
        owner: str,
        owner_side: str,
        due_date: date | None,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> NumberedResult:
        """Record an action taken away from the meeting (its due date may be in the future);
        the result's `number` is the action's number."""
        self.check(provenance, now)
        meeting = self.get_supplier_meeting(supplier, day, title)
        self.check_version(meeting, expected_version)
        number = meeting.raise_action(text, owner, owner_side, due_date, provenance, actor)
        return _numbered(self.record_changes(meeting), number)

    def close_supplier_action(
        self,
        supplier: str,
        day: date,
        title: str,
        number: str,
        outcome: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Record an action done (or dropped), with what came of it."""
        return self._change_supplier_meeting(
            supplier,
            day,
            title,
            provenance,
            now,
            expected_version,
            lambda m: m.close_action(number, outcome, provenance, actor),
        )

    def escalate_supplier_issue(
        self,
        supplier: str,
        day: date,
        title: str,
        text: str,
        to_body: str,
        partnership: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> NumberedResult:
        """Record an issue passed up to `partnership`'s governing body `to_body`; the result's
        `number` is the escalation's number. The body must exist by the effective date."""
        self.check(provenance, now)
        meeting = self.get_supplier_meeting(supplier, day, title)
        self.check_version(meeting, expected_version)
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
        number = meeting.escalate_issue(text, body.name, provenance, actor)
        return _numbered(self.record_changes(meeting), number)

    def correct_supplier_action(
        self,
        supplier: str,
        day: date,
        title: str,
        number: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Put right an action's text, owner, owner's side or due date."""
        return self._change_supplier_meeting(
            supplier,
            day,
            title,
            provenance,
            now,
            expected_version,
            lambda m: m.correct_action(
                number, corrects_version, field, value, reason, provenance, actor
            ),
        )

    def correct_supplier_meeting(
        self,
        supplier: str,
        day: date,
        title: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Put right the attendees (authorities must be registered) or topics."""
        self.check(provenance, now)
        meeting = self.get_supplier_meeting(supplier, day, title)
        self.check_version(meeting, expected_version)
        if field == "authority_attendees" and isinstance(value, list):
            value = self._registered_attendees(value, "value")
        meeting.correct(corrects_version, field, value, reason, provenance, actor)
        return self.record_changes(meeting)

    def get_supplier_meeting(self, supplier: str, day: date, title: str) -> SupplierMeeting:
        return self.load(
            SupplierMeeting,
            supplier_meeting_id(supplier, day, title),
            lambda: SupplierMeetingNotFound(supplier, day, title),
        )

    def _change_supplier_meeting(
        self,
        supplier: str,
        day: date,
        title: str,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[SupplierMeeting], Any],
    ) -> CommandResult:
        return self.change_one(
            lambda: self.get_supplier_meeting(supplier, day, title),
            provenance,
            now,
            expected_version,
            change,
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


def _numbered(result: CommandResult, number: str) -> NumberedResult:
    return NumberedResult(
        aggregate_id=result.aggregate_id,
        version=result.version,
        position=result.position,
        number=number,
    )
