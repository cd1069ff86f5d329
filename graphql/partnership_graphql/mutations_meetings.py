"""Mutations for meetings of governing bodies: who came, the agenda, decisions and votes."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import meetings, voting
from partnership.addresses import DecisionAddress, MeetingAddress
from partnership.application import PartnershipApplication as Commands
from partnership.domain import InvalidInput, normalise_key
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    AUTHORITY,
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    SEQUENCE,
    ChangeInput,
    MeetingAt,
    StatedInput,
    domain_code,
    one_list,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

MEETING_VERSION = version_seen("meeting")
ON_THE_MEETING_DATE = "The meeting date: what a meeting records takes effect on its day."


@strawberry.enum(description="How a member authority voted at the meeting.")
class Vote(Enum):
    FOR = voting.FOR
    AGAINST = voting.AGAINST
    ABSTAIN = voting.ABSTAIN
    ABSENT = strawberry.enum_value(
        voting.ABSENT, description="Not there to vote; it may respond electronically later."
    )


@strawberry.enum(description="An absent member's vote, sent in after the meeting.")
class ResponseVote(Enum):
    FOR = voting.FOR
    AGAINST = voting.AGAINST
    ABSTAIN = voting.ABSTAIN


@strawberry.enum(description="How the minutes word a decision.")
class DecisionForm(Enum):
    RESOLVED = meetings.RESOLVED
    AGREED = meetings.AGREED
    NOTED = meetings.NOTED


@strawberry.enum(description="What a later decision did to the earlier one it replaces.")
class Supersession(Enum):
    REVISED = strawberry.enum_value(meetings.REVISED, description="Changed it in part.")
    SUPERSEDED = strawberry.enum_value(meetings.SUPERSEDED, description="Replaced it whole.")


@strawberry.enum(description="What of a meeting's record can be corrected, each as a whole list.")
class MeetingCorrectableField(Enum):
    ATTENDEES = "attendees"
    APOLOGIES = "apologies"
    DECLARATIONS = "declarations"


@limits_stated
@strawberry.input(description="Someone present at the meeting.")
class AttendeeInput:
    person: str = strawberry.field(description="As the minutes name them, e.g. Councillor Khan.")
    authority: str = strawberry.field(description="The authority they came for.")
    role: str | None = strawberry.field(
        default=None, description="Their part in the meeting, if the minutes give one: Chair."
    )


@limits_stated
@strawberry.input(description="Someone who sent apologies for absence.")
class ApologyInput:
    person: str
    authority: str = strawberry.field(description="The authority they would have come for.")


@limits_stated
@strawberry.input(description="An interest someone declared in an agenda item.")
class DeclarationInput:
    person: str
    item: str = strawberry.field(description="The agenda item's number.")
    interest: str = strawberry.field(description="The interest, as the minutes record it.")


@limits_stated
@strawberry.input(description="One member authority's vote at the meeting.")
class VoteInput:
    authority: str = strawberry.field(description=AUTHORITY)
    vote: Vote


@limits_stated
@strawberry.input(description="An earlier decision, by its meeting and number.")
class DecisionRefInput:
    meeting_date: date = strawberry.field(description="The day of the meeting that made it.")
    decision: str = strawberry.field(description="Its number, e.g. 6.1.")
    partnership: str | None = strawberry.field(
        default=None, description="Leave out for the partnership of the new decision."
    )
    body: str | None = strawberry.field(
        default=None, description="Leave out for the body making the new decision."
    )
    sequence: int = strawberry.field(default=1, description=SEQUENCE)


@strawberry.input
class MeetingChangeInput(MeetingAt, ChangeInput):
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input(description="A meeting put on the record before it happens.")
class PlanMeetingInput(MeetingAt, StatedInput):
    meeting_date: date = strawberry.field(description="The day it is to be held; may be ahead.")
    effective_date: date = strawberry.field(description="The day it was planned.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A planned meeting that will not take place.")
class CancelMeetingInput(MeetingChangeInput):
    reason: str = strawberry.field(description="Why it was cancelled.")
    effective_date: date = strawberry.field(description="The day it was cancelled.")


@limits_stated
@shared_parts_last
@strawberry.input(
    description="A meeting held, from its minutes: a planned one, or one recorded afterwards. "
    "It keeps the body's members and decision rule as they stood that day."
)
class RecordMeetingHeldInput(MeetingChangeInput):
    attendees: list[AttendeeInput] = strawberry.field(description="Everyone present.")
    apologies: list[ApologyInput] = strawberry.field(
        default_factory=list, description="Everyone who sent apologies."
    )
    declarations: list[DeclarationInput] | None = strawberry.field(
        default=None,
        description="Interests declared. Leave out if the minutes say nothing of interests; "
        "give an empty list if they record that none were declared.",
    )
    effective_date: date = strawberry.field(description=ON_THE_MEETING_DATE)
    expected_version: int | None = strawberry.field(
        default=None, description=f"For a planned meeting: {MEETING_VERSION}"
    )


@limits_stated
@shared_parts_last
@strawberry.input(description="An item on a meeting's agenda.")
class RecordAgendaItemInput(MeetingChangeInput):
    number: str = strawberry.field(description="The item's number in the minutes, e.g. 6.")
    title: str = strawberry.field(description="The item's title, as the minutes give it.")


@limits_stated
@shared_parts_last
@strawberry.input(description="An agenda item's title put right.")
class CorrectAgendaItemTitleInput(MeetingChangeInput):
    number: str = strawberry.field(description="The item's number.")
    title: str = strawberry.field(description="The right title.")
    reason: str = strawberry.field(description=CORRECTION_REASON)


@limits_stated
@shared_parts_last
@strawberry.input(description="A decision made under an agenda item of a meeting held.")
class RecordDecisionInput(MeetingChangeInput):
    item: str = strawberry.field(description="The agenda item's number it was made under.")
    wording: str = strawberry.field(description="The decision's words, as minuted.")
    form: DecisionForm
    votes: list[VoteInput] = strawberry.field(
        default_factory=list,
        description="How each member authority voted; leave empty if the minutes record no "
        "votes. A member not listed counts as absent.",
    )
    supersedes: DecisionRefInput | None = strawberry.field(
        default=None, description="The earlier decision this one revises or supersedes, if any."
    )
    how: Supersession = strawberry.field(
        default=Supersession.SUPERSEDED,
        description="What this decision did to the one it supersedes.",
    )
    effective_date: date = strawberry.field(description=ON_THE_MEETING_DATE)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        return given | {"votes": _votes(self.votes), "supersedes": _earlier(self)}


@limits_stated
@shared_parts_last
@strawberry.input(
    description="An absent member's vote on a decision, sent within the window the body's "
    "rule allowed on the meeting date."
)
class RecordElectronicResponseInput(MeetingChangeInput):
    decision_number: str = strawberry.field(description="The decision's number, e.g. 6.1.")
    authority: str = strawberry.field(description=AUTHORITY)
    vote: ResponseVote
    received_on: date = strawberry.field(description="The day the response arrived.")
    effective_date: date = strawberry.field(description="The day the response arrived.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A decision's wording put right.")
class CorrectDecisionWordingInput(MeetingChangeInput):
    decision_number: str = strawberry.field(description="The decision's number, e.g. 6.1.")
    wording: str = strawberry.field(description="The right wording, in full.")
    reason: str = strawberry.field(description=CORRECTION_REASON)


@limits_stated
@shared_parts_last
@strawberry.input(description=f"{CORRECTION} Give the list named by `field`, in full.")
class CorrectMeetingInput(MeetingChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: MeetingCorrectableField
    attendees: list[AttendeeInput] | None = strawberry.field(
        default=None, description="For ATTENDEES: everyone present."
    )
    apologies: list[ApologyInput] | None = strawberry.field(
        default=None, description="For APOLOGIES: everyone who sent apologies."
    )
    declarations: list[DeclarationInput] | None = strawberry.field(
        default=None,
        description="For DECLARATIONS: the interests declared; an empty list if none were. "
        "Leave out to record that the minutes say nothing of interests.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        lists = {field: given.pop(field.value) for field in MeetingCorrectableField}
        names = {field: field.value for field in MeetingCorrectableField}
        chosen = one_list(lists, self.field, names, MeetingCorrectableField.DECLARATIONS)
        return given | {"value": chosen}


def _votes(given: list[VoteInput]) -> dict[str, str]:
    votes: dict[str, str] = {}
    named: set[str] = set()
    for each in given:
        if normalise_key(each.authority) in named:
            raise InvalidInput(f"{each.authority.strip()}'s vote is given twice.", "votes")
        named.add(normalise_key(each.authority))
        votes[each.authority] = domain_code(each.vote)
    return votes


def _earlier(input: RecordDecisionInput) -> DecisionAddress | None:
    ref = input.supersedes
    if ref is None:
        return None
    meeting = MeetingAddress(
        input.partnership if ref.partnership is None else ref.partnership,
        input.body if ref.body is None else ref.body,
        ref.meeting_date,
        ref.sequence,
    )
    return DecisionAddress(meeting, ref.decision)


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(description="Put a meeting of a body on the record before it happens.")
    async def plan_meeting(self, info: Info, input: PlanMeetingInput) -> MutationResult:
        return await record(info, Commands.plan_meeting, input)

    @strawberry.mutation(description="Record that a planned meeting was cancelled, and why.")
    async def cancel_meeting(self, info: Info, input: CancelMeetingInput) -> MutationResult:
        return await record(info, Commands.cancel_meeting, input)

    @strawberry.mutation(description="Record a meeting as held: who was present, who was not.")
    async def record_meeting_held(
        self, info: Info, input: RecordMeetingHeldInput
    ) -> MutationResult:
        return await record(info, Commands.record_meeting_held, input)

    @strawberry.mutation(description="Record an item on a meeting's agenda.")
    async def record_agenda_item(self, info: Info, input: RecordAgendaItemInput) -> MutationResult:
        return await record(info, Commands.record_agenda_item, input)

    @strawberry.mutation(description="Correct the title of an item on a meeting's agenda.")
    async def correct_agenda_item_title(
        self, info: Info, input: CorrectAgendaItemTitleInput
    ) -> MutationResult:
        return await record(info, Commands.correct_agenda_item_title, input)

    @strawberry.mutation(
        description="Record a decision and how members voted; `number` in the result is the "
        "decision's number."
    )
    async def record_decision(self, info: Info, input: RecordDecisionInput) -> MutationResult:
        return await record(info, Commands.record_decision, input)

    @strawberry.mutation(description="Record an absent member's vote sent in after the meeting.")
    async def record_electronic_response(
        self, info: Info, input: RecordElectronicResponseInput
    ) -> MutationResult:
        return await record(info, Commands.record_electronic_response, input)

    @strawberry.mutation(description="Correct the wording of a recorded decision.")
    async def correct_decision_wording(
        self, info: Info, input: CorrectDecisionWordingInput
    ) -> MutationResult:
        return await record(info, Commands.correct_decision_wording, input)

    @strawberry.mutation(
        description="Correct who was present, who sent apologies, or the interests declared."
    )
    async def correct_meeting(self, info: Info, input: CorrectMeetingInput) -> MutationResult:
        return await record(info, Commands.correct_meeting, input)
