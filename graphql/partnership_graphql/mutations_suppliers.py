"""Mutations for meetings with a supplier: attendance, actions raised and closed, escalations."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import supplier_meetings
from partnership.addresses import SupplierMeetingAddress
from partnership.application import PartnershipApplication as Commands
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    PARTNERSHIP,
    AddressPart,
    ChangeInput,
    StatedInput,
    code_value,
    date_value,
    one_list,
    optional_value,
    required_value,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

SUPPLIER = "The supplier, e.g. Northgate."
MEETING_DATE = "The day the meeting was held."
TITLE = "The meeting's title, as recorded, e.g. Weekly LCC and Northgate meeting."
MEETING_VERSION = version_seen("supplier meeting")
ACTION_NUMBER = "The action's number, as given when it was raised (1, 2, …)."


@strawberry.enum(description="Which side of the table owes an action.")
class OwnerSide(Enum):
    AUTHORITY = strawberry.enum_value(
        supplier_meetings.AUTHORITY_SIDE, description="The authorities owe it."
    )
    SUPPLIER = strawberry.enum_value(
        supplier_meetings.SUPPLIER_SIDE, description="The supplier owes it."
    )


@strawberry.enum(description="What of a supplier meeting's record can be corrected.")
class SupplierMeetingCorrectableField(Enum):
    AUTHORITY_ATTENDEES = "authority_attendees"
    SUPPLIER_ATTENDEES = "supplier_attendees"
    TOPICS = "topics"


@strawberry.enum(description="What of a supplier action can be corrected.")
class SupplierActionCorrectableField(Enum):
    TEXT = "text"
    OWNER = "owner"
    OWNER_SIDE = "owner_side"
    DUE_DATE = "due_date"


@limits_stated
@strawberry.input(description="Someone at the meeting for an authority.")
class AuthorityAttendeeInput:
    person: str
    authority: str = strawberry.field(description="The registered authority they came for.")


@strawberry.input
class SupplierMeetingAt(AddressPart):
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)

    argument = "meeting"

    def address(self) -> SupplierMeetingAddress:
        return SupplierMeetingAddress(self.supplier, self.meeting_date, self.title)


@limits_stated
@shared_parts_last
@strawberry.input(description="A meeting held with a supplier, recorded as of its own day.")
class RecordSupplierMeetingInput(SupplierMeetingAt, StatedInput):
    title: str = strawberry.field(
        description="A title that tells it apart from other meetings that day with the "
        "supplier, e.g. Weekly LCC and Northgate meeting."
    )
    authority_attendees: list[AuthorityAttendeeInput] = strawberry.field(
        default_factory=list, description="Who came for the authorities."
    )
    supplier_attendees: list[str] = strawberry.field(
        default_factory=list, description="Who came for the supplier, by name."
    )
    topics: list[str] = strawberry.field(default_factory=list, description="What was discussed.")
    effective_date: date = strawberry.field(description="The meeting date.")


@strawberry.input
class SupplierMeetingChangeInput(SupplierMeetingAt, ChangeInput):
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input(description="An action someone took away from a supplier meeting.")
class RaiseSupplierActionInput(SupplierMeetingChangeInput):
    text: str = strawberry.field(description="What is to be done.")
    owner: str = strawberry.field(description="Who is to do it: a person or an organisation.")
    owner_side: OwnerSide
    due_date: date | None = strawberry.field(
        default=None, description="When it is due, if a date was set; may be ahead."
    )
    due_when: str | None = strawberry.field(
        default=None,
        description="When it is due as the paper gives it, e.g. 2008-09 ('by September "
        "2008'): due by the period's last day, overdue only after it.",
    )


@limits_stated
@shared_parts_last
@strawberry.input(description="An action done (or dropped), with what came of it.")
class CloseSupplierActionInput(SupplierMeetingChangeInput):
    number: str = strawberry.field(description=ACTION_NUMBER)
    outcome: str = strawberry.field(description="What came of it.")
    effective_date: date = strawberry.field(description="The day it was closed.")


@limits_stated
@shared_parts_last
@strawberry.input(description="An issue passed up from a supplier meeting to a governing body.")
class EscalateSupplierIssueInput(SupplierMeetingChangeInput):
    text: str = strawberry.field(description="The issue, in plain words.")
    partnership: str = strawberry.field(description=PARTNERSHIP)
    to_body: str = strawberry.field(
        description="The partnership's governing body it goes to, e.g. Programme Board."
    )


# The camelCase name of each list input, which a refusal of the corrected value names.
_LIST_INPUTS = {
    SupplierMeetingCorrectableField.AUTHORITY_ATTENDEES: "authorityAttendees",
    SupplierMeetingCorrectableField.SUPPLIER_ATTENDEES: "supplierAttendees",
    SupplierMeetingCorrectableField.TOPICS: "topics",
}


@limits_stated
@shared_parts_last
@strawberry.input(description=f"{CORRECTION} Give the list named by `field`, in full.")
class CorrectSupplierMeetingInput(SupplierMeetingChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: SupplierMeetingCorrectableField
    authority_attendees: list[AuthorityAttendeeInput] | None = strawberry.field(
        default=None, description="For AUTHORITY_ATTENDEES: who came for the authorities."
    )
    supplier_attendees: list[str] | None = strawberry.field(
        default=None, description="For SUPPLIER_ATTENDEES: who came for the supplier."
    )
    topics: list[str] | None = strawberry.field(
        default=None, description="For TOPICS: what was discussed."
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        lists = {field: given.pop(field.value) for field in SupplierMeetingCorrectableField}
        return given | {"value": one_list(lists, self.field, _LIST_INPUTS)}


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectSupplierActionInput(SupplierMeetingChangeInput):
    number: str = strawberry.field(description=ACTION_NUMBER)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: SupplierActionCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: text for TEXT and OWNER; AUTHORITY or SUPPLIER for "
        "OWNER_SIDE; a date such as 2011-10-31 for DUE_DATE, or null for no due date.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        return given | {"value": _corrected_action_value(self.field, self.value)}


def _corrected_action_value(field: SupplierActionCorrectableField, value: str | None) -> Any:
    if field is SupplierActionCorrectableField.DUE_DATE:
        return date_value(value, "due date")
    if field is SupplierActionCorrectableField.OWNER_SIDE:
        return code_value(value, OwnerSide, "owner's side")
    label = "action's text" if field is SupplierActionCorrectableField.TEXT else "owner"
    return required_value(optional_value(value), label)


@strawberry.type
class SupplierMutation:
    @strawberry.mutation(description="Record a meeting held with a supplier.")
    async def record_supplier_meeting(
        self, info: Info, input: RecordSupplierMeetingInput
    ) -> MutationResult:
        return await record(info, Commands.record_supplier_meeting, input)

    @strawberry.mutation(
        description="Record an action raised at a supplier meeting; `number` in the result is "
        "the action's number."
    )
    async def raise_supplier_action(
        self, info: Info, input: RaiseSupplierActionInput
    ) -> MutationResult:
        return await record(info, Commands.raise_supplier_action, input)

    @strawberry.mutation(description="Record a supplier action done or dropped, and its outcome.")
    async def close_supplier_action(
        self, info: Info, input: CloseSupplierActionInput
    ) -> MutationResult:
        return await record(info, Commands.close_supplier_action, input)

    @strawberry.mutation(
        description="Record an issue escalated to a governing body; `number` in the result is "
        "the escalation's number."
    )
    async def escalate_supplier_issue(
        self, info: Info, input: EscalateSupplierIssueInput
    ) -> MutationResult:
        # The body is looked up (and not found) as the escalation's destination.
        return await record(info, Commands.escalate_supplier_issue, input, {"body": "toBody"})

    @strawberry.mutation(description="Correct who attended a supplier meeting, or its topics.")
    async def correct_supplier_meeting(
        self, info: Info, input: CorrectSupplierMeetingInput
    ) -> MutationResult:
        return await record(
            info, Commands.correct_supplier_meeting, input, {"value": _LIST_INPUTS[input.field]}
        )

    @strawberry.mutation(description="Correct a supplier action's text, owner, side or due date.")
    async def correct_supplier_action(
        self, info: Info, input: CorrectSupplierActionInput
    ) -> MutationResult:
        return await record(info, Commands.correct_supplier_action, input)
