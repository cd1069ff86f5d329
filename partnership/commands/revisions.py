"""Correcting a fact of any record, or withdrawing it as recorded in error.

A record is named by its id, whatever its kind; what may be revised, and what must still hold
after, is the record's own (partnership.revisions).
"""

from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from partnership.commands.base import CommandBase, CommandResult, command, describe
from partnership.commands.envelope import Envelope
from partnership.commands.meetings import (
    facts_dated_with_meeting,
    meeting_revised,
    refused_date,
    registered_people,
)
from partnership.commands.partnerships import registered_authority_name
from partnership.contracts import Contract, contract_id
from partnership.domain import ConcurrentChange, NotFound, require_text
from partnership.limits import TEXT_MAX, check_whole_number
from partnership.meetings import Meeting
from partnership.revisions import (
    RecordWithdrawn,
    Revisable,
    Revision,
    changes_between,
    checked_value,
    is_withdrawn,
    replay,
)


class RecordNotFound(NotFound):
    code = "record_not_found"

    def __init__(self) -> None:
        super().__init__("There is no record with this id that can be revised.", "record")


class RevisionCommands(CommandBase):
    @command
    def correct_fact(
        self,
        *,
        record: UUID,
        version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Fact `version` of the record as it should have been: `field` set to `value`."""
        return self._revise(record, Revision(version, reason, field, value), envelope)

    @command
    def withdraw_fact(
        self, *, record: UUID, version: int, reason: str, envelope: Envelope
    ) -> CommandResult:
        """Fact `version` withdrawn as recorded in error; the first fact withdraws the record."""
        return self._revise(record, Revision(version, reason), envelope)

    def _revise(self, record: UUID, asked: Revision, envelope: Envelope) -> CommandResult:
        current = self._revisable(record)
        self.check_version(current, envelope)
        if is_withdrawn(current):
            raise RecordWithdrawn(describe(current), "record")
        check_whole_number(asked.version, "version", "The fact's version", current.version, 1)
        reason = require_text(
            asked.reason, "reason", "The reason for the revision", TEXT_MAX, multiline=True
        )
        history: list[Any] = list(self.repository.event_store.get(record))
        target = history[asked.version - 1]
        revision = Revision(asked.version, reason, asked.field, asked.value)
        if not revision.withdraws:
            assert revision.field is not None
            value = checked_value(target, type(current), revision.field, revision.value)
            value = self._names_on_record(current, revision.field, value)
            revision = Revision(revision.version, reason, revision.field, value)
        if revision.withdraws and revision.version == 1:
            changes = current.withdrawal_changes()
        else:
            replayed, _ = replay(history, revision, type(current))
            changes = changes_between(current, replayed)
        # A meeting's revision reaches other meetings' decisions, and its date has a place.
        also = []
        if isinstance(current, Meeting):
            also = meeting_revised(self, current, changes, envelope)
        moved_from = current.meeting_date if isinstance(current, Meeting) else None
        fields: dict[str, Any] = {"revises_version": revision.version, "reason": reason}
        if revision.withdraws:
            kind: Any = current.FactWithdrawn
        else:
            kind = current.FactCorrected
            fields.update(field=revision.field, value=revision.value)
        provenance = envelope.provenance.event_fields(envelope.actor)
        current.trigger_event(kind, changes=changes, **fields, **provenance)
        if isinstance(current, Meeting) and moved_from not in (None, current.meeting_date):
            for version in facts_dated_with_meeting(history, moved_from):
                current.trigger_event(
                    current.FactCorrected,
                    changes={},
                    revises_version=version,
                    reason=reason,
                    field="effective_date",
                    value=current.meeting_date,
                    **provenance,
                )
        try:
            return self.record_changes(current, *also)
        except ConcurrentChange:
            # Another meeting may have taken the date meanwhile: say so rather than "try again".
            taken = refused_date(self, current, current.meeting_date) if also else None
            if taken is not None:
                raise taken from None
            raise

    def _revisable(self, record: UUID) -> Any:
        try:
            found: Aggregate = self.repository.get(record)
        except AggregateNotFoundError:
            raise RecordNotFound() from None
        if not isinstance(found, Revisable):
            raise RecordNotFound()
        return found

    def _names_on_record(self, record: Any, field: str, value: Any) -> Any:
        """A name that must be on record is refused as any command refuses it."""
        if value is None:
            return value
        if isinstance(record, Meeting) and field in ("attendees", "apologies"):
            return registered_people(self, value, "value")
        if field == "authority":
            return registered_authority_name(self, value, "value")
        if field == "head_contract_reference":
            self.load(Contract, contract_id(value), lambda: _no_head(value))
        return value


def _no_head(reference: str) -> NotFound:
    error = NotFound(f"There is no contract with reference {reference!r} on record.", "value")
    error.code = "contract_not_found"
    return error
