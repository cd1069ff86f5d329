"""Mutations for meetings with a supplier: attendance, actions raised and closed, escalations."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import supplier_meetings
from partnership.domain import InvalidInput
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    EFFECTIVE_DATE,
    SOURCE,
    RecordResult,
    code_value,
    date_value,
    domain_code,
    optional_value,
    provenance_of,
    record,
    required_value,
    version_seen,
)
from partnership_graphql.mutations_partnerships import PARTNERSHIP

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


@limits_stated
@strawberry.input(description="A meeting held with a supplier, recorded as of its own day.")
class RecordSupplierMeetingInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
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
    source: str = strawberry.field(description=SOURCE)


@limits_stated
@strawberry.input(description="An action someone took away from a supplier meeting.")
class RaiseSupplierActionInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)
    text: str = strawberry.field(description="What is to be done.")
    owner: str = strawberry.field(description="Who is to do it: a person or an organisation.")
    owner_side: OwnerSide
    due_date: date | None = strawberry.field(
        default=None, description="When it is due, if a date was set; may be ahead."
    )
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description="An action done (or dropped), with what came of it.")
class CloseSupplierActionInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)
    number: str = strawberry.field(description=ACTION_NUMBER)
    outcome: str = strawberry.field(description="What came of it.")
    effective_date: date = strawberry.field(description="The day it was closed.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description="An issue passed up from a supplier meeting to a governing body.")
class EscalateSupplierIssueInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)
    text: str = strawberry.field(description="The issue, in plain words.")
    partnership: str = strawberry.field(description=PARTNERSHIP)
    to_body: str = strawberry.field(
        description="The partnership's governing body it goes to, e.g. Programme Board."
    )
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description=f"{CORRECTION} Give the list named by `field`, in full.")
class CorrectSupplierMeetingInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)
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
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectSupplierActionInput:
    supplier: str = strawberry.field(description=SUPPLIER)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    title: str = strawberry.field(description=TITLE)
    number: str = strawberry.field(description=ACTION_NUMBER)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: SupplierActionCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: text for TEXT and OWNER; AUTHORITY or SUPPLIER for "
        "OWNER_SIDE; a date such as 2011-10-31 for DUE_DATE, or null for no due date.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


# The camelCase name of each list input, which a refusal of the corrected value names.
_LIST_INPUTS = {
    SupplierMeetingCorrectableField.AUTHORITY_ATTENDEES: "authorityAttendees",
    SupplierMeetingCorrectableField.SUPPLIER_ATTENDEES: "supplierAttendees",
    SupplierMeetingCorrectableField.TOPICS: "topics",
}


def _attendees(given: list[AuthorityAttendeeInput]) -> list[dict[str, str]]:
    return [{"person": a.person, "authority": a.authority} for a in given]


def _corrected_list(input: CorrectSupplierMeetingInput) -> list[Any]:
    """The one list named by `field`; giving another as well is a mistake worth catching."""
    given: dict[SupplierMeetingCorrectableField, list[Any] | None] = {
        SupplierMeetingCorrectableField.AUTHORITY_ATTENDEES: (
            None if input.authority_attendees is None else _attendees(input.authority_attendees)
        ),
        SupplierMeetingCorrectableField.SUPPLIER_ATTENDEES: input.supplier_attendees,
        SupplierMeetingCorrectableField.TOPICS: input.topics,
    }
    for field, value in given.items():
        if field is not input.field and value is not None:
            raise InvalidInput(
                f"Correcting {_LIST_INPUTS[input.field]}, so give that list alone, not "
                f"{_LIST_INPUTS[field]} as well.",
                _LIST_INPUTS[field],
            )
    chosen = given[input.field]
    if chosen is None:
        name = _LIST_INPUTS[input.field]
        raise InvalidInput(f"Give the corrected {name}, in full.", name)
    return list(chosen)


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
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_supplier_meeting(
                input.supplier,
                input.meeting_date,
                input.title,
                _attendees(input.authority_attendees),
                list(input.supplier_attendees),
                list(input.topics),
                provenance_of(input),
                actor,
                now,
            ),
        )

    @strawberry.mutation(
        description="Record an action raised at a supplier meeting; `number` in the result is "
        "the action's number."
    )
    async def raise_supplier_action(
        self, info: Info, input: RaiseSupplierActionInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.raise_supplier_action(
                input.supplier,
                input.meeting_date,
                input.title,
                input.text,
                input.owner,
                domain_code(input.owner_side),
                input.due_date,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record a supplier action done or dropped, and its outcome.")
    async def close_supplier_action(
        self, info: Info, input: CloseSupplierActionInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.close_supplier_action(
                input.supplier,
                input.meeting_date,
                input.title,
                input.number,
                input.outcome,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Record an issue escalated to a governing body; `number` in the result is "
        "the escalation's number."
    )
    async def escalate_supplier_issue(
        self, info: Info, input: EscalateSupplierIssueInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.escalate_supplier_issue(
                input.supplier,
                input.meeting_date,
                input.title,
                input.text,
                input.to_body,
                input.partnership,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            # The body is looked up (and not found) as the escalation's destination.
            {"body": "toBody"},
        )

    @strawberry.mutation(description="Correct who attended a supplier meeting, or its topics.")
    async def correct_supplier_meeting(
        self, info: Info, input: CorrectSupplierMeetingInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_supplier_meeting(
                input.supplier,
                input.meeting_date,
                input.title,
                input.corrects_version,
                domain_code(input.field),
                _corrected_list(input),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            {"value": _LIST_INPUTS[input.field]},
        )

    @strawberry.mutation(description="Correct a supplier action's text, owner, side or due date.")
    async def correct_supplier_action(
        self, info: Info, input: CorrectSupplierActionInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_supplier_action(
                input.supplier,
                input.meeting_date,
                input.title,
                input.number,
                input.corrects_version,
                domain_code(input.field),
                _corrected_action_value(input.field, input.value),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )
