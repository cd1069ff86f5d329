"""Mutations for meetings of governing bodies: who came, the agenda, decisions and votes."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import meetings, voting
from partnership.commands.meetings import DecisionRef
from partnership.domain import InvalidInput, normalise_key
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    EFFECTIVE_DATE,
    SOURCE,
    RecordResult,
    domain_code,
    provenance_of,
    record,
    version_seen,
)
from partnership_graphql.mutations_governance import BODY
from partnership_graphql.mutations_partnerships import AUTHORITY, PARTNERSHIP

MEETING_DATE = "The day the meeting is or was held."
SEQUENCE = "Which of the body's meetings that day: 1 for the first (nearly always), 2 for a second."
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


@limits_stated
@strawberry.input(description="A meeting put on the record before it happens.")
class PlanMeetingInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description="The day it is to be held; may be ahead.")
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    effective_date: date = strawberry.field(description="The day it was planned.")
    source: str = strawberry.field(description=SOURCE)


@limits_stated
@strawberry.input(description="A planned meeting that will not take place.")
class CancelMeetingInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    reason: str = strawberry.field(description="Why it was cancelled.")
    effective_date: date = strawberry.field(description="The day it was cancelled.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(
    description="A meeting held, from its minutes: a planned one, or one recorded afterwards. "
    "It keeps the body's members and decision rule as they stood that day."
)
class RecordMeetingHeldInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
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
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(
        default=None, description=f"For a planned meeting: {MEETING_VERSION}"
    )


@limits_stated
@strawberry.input(description="An item on a meeting's agenda.")
class RecordAgendaItemInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    number: str = strawberry.field(description="The item's number in the minutes, e.g. 6.")
    title: str = strawberry.field(description="The item's title, as the minutes give it.")
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description="An agenda item's title put right.")
class CorrectAgendaItemTitleInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    number: str = strawberry.field(description="The item's number.")
    title: str = strawberry.field(description="The right title.")
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description="A decision made under an agenda item of a meeting held.")
class RecordDecisionInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
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
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(
    description="An absent member's vote on a decision, sent within the window the body's "
    "rule allowed on the meeting date."
)
class RecordElectronicResponseInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    decision_number: str = strawberry.field(description="The decision's number, e.g. 6.1.")
    authority: str = strawberry.field(description=AUTHORITY)
    vote: ResponseVote
    received_on: date = strawberry.field(description="The day the response arrived.")
    effective_date: date = strawberry.field(description="The day the response arrived.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description="A decision's wording put right.")
class CorrectDecisionWordingInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
    decision_number: str = strawberry.field(description="The decision's number, e.g. 6.1.")
    wording: str = strawberry.field(description="The right wording, in full.")
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


@limits_stated
@strawberry.input(description=f"{CORRECTION} Give the list named by `field`, in full.")
class CorrectMeetingInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)
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
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=MEETING_VERSION)


def _attendees(given: list[AttendeeInput]) -> list[dict[str, Any]]:
    return [{"person": a.person, "authority": a.authority, "role": a.role} for a in given]


def _apologies(given: list[ApologyInput]) -> list[dict[str, Any]]:
    return [{"person": a.person, "authority": a.authority} for a in given]


def _declarations(given: list[DeclarationInput] | None) -> list[dict[str, Any]] | None:
    if given is None:
        return None
    return [{"person": d.person, "item": d.item, "interest": d.interest} for d in given]


def _votes(given: list[VoteInput]) -> dict[str, str]:
    votes: dict[str, str] = {}
    named: set[str] = set()
    for each in given:
        if normalise_key(each.authority) in named:
            raise InvalidInput(f"{each.authority.strip()}'s vote is given twice.", "votes")
        named.add(normalise_key(each.authority))
        votes[each.authority] = domain_code(each.vote)
    return votes


def _earlier(input: RecordDecisionInput) -> DecisionRef | None:
    ref = input.supersedes
    if ref is None:
        return None
    return DecisionRef(
        partnership=input.partnership if ref.partnership is None else ref.partnership,
        body=input.body if ref.body is None else ref.body,
        day=ref.meeting_date,
        decision=ref.decision,
        sequence=ref.sequence,
    )


def _corrected_list(input: CorrectMeetingInput) -> list[dict[str, Any]] | None:
    """The one list named by `field`; giving another as well is a mistake worth catching."""
    given = {
        MeetingCorrectableField.ATTENDEES: input.attendees,
        MeetingCorrectableField.APOLOGIES: input.apologies,
        MeetingCorrectableField.DECLARATIONS: input.declarations,
    }
    for field, value in given.items():
        if field is not input.field and value is not None:
            raise InvalidInput(
                f"Correcting {domain_code(input.field)}, so give that list alone, not "
                f"{field.value} as well.",
                field.value,
            )
    if input.field is MeetingCorrectableField.ATTENDEES:
        if input.attendees is None:
            raise InvalidInput("Give the corrected attendees, in full.", "attendees")
        return _attendees(input.attendees)
    if input.field is MeetingCorrectableField.APOLOGIES:
        if input.apologies is None:
            raise InvalidInput("Give the corrected apologies, in full.", "apologies")
        return _apologies(input.apologies)
    return _declarations(input.declarations)


@strawberry.type
class MeetingMutation:
    @strawberry.mutation(description="Put a meeting of a body on the record before it happens.")
    async def plan_meeting(self, info: Info, input: PlanMeetingInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.plan_meeting(
                input.partnership,
                input.body,
                input.meeting_date,
                provenance_of(input),
                actor,
                now,
                input.sequence,
            ),
        )

    @strawberry.mutation(description="Record that a planned meeting was cancelled, and why.")
    async def cancel_meeting(self, info: Info, input: CancelMeetingInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.cancel_meeting(
                input.partnership,
                input.body,
                input.meeting_date,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record a meeting as held: who was present, who was not.")
    async def record_meeting_held(self, info: Info, input: RecordMeetingHeldInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_meeting_held(
                input.partnership,
                input.body,
                input.meeting_date,
                _attendees(input.attendees),
                _apologies(input.apologies),
                _declarations(input.declarations),
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record an item on a meeting's agenda.")
    async def record_agenda_item(self, info: Info, input: RecordAgendaItemInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_agenda_item(
                input.partnership,
                input.body,
                input.meeting_date,
                input.number,
                input.title,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Correct the title of an item on a meeting's agenda.")
    async def correct_agenda_item_title(
        self, info: Info, input: CorrectAgendaItemTitleInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_agenda_item_title(
                input.partnership,
                input.body,
                input.meeting_date,
                input.number,
                input.title,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Record a decision and how members voted; `number` in the result is the "
        "decision's number."
    )
    async def record_decision(self, info: Info, input: RecordDecisionInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_decision(
                input.partnership,
                input.body,
                input.meeting_date,
                input.item,
                input.wording,
                domain_code(input.form),
                _votes(input.votes),
                provenance_of(input),
                actor,
                now,
                input.sequence,
                _earlier(input),
                domain_code(input.how),
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record an absent member's vote sent in after the meeting.")
    async def record_electronic_response(
        self, info: Info, input: RecordElectronicResponseInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_electronic_response(
                input.partnership,
                input.body,
                input.meeting_date,
                input.decision_number,
                input.authority,
                domain_code(input.vote),
                input.received_on,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Correct the wording of a recorded decision.")
    async def correct_decision_wording(
        self, info: Info, input: CorrectDecisionWordingInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_decision_wording(
                input.partnership,
                input.body,
                input.meeting_date,
                input.decision_number,
                input.wording,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )

    @strawberry.mutation(
        description="Correct who was present, who sent apologies, or the interests declared."
    )
    async def correct_meeting(self, info: Info, input: CorrectMeetingInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_meeting(
                input.partnership,
                input.body,
                input.meeting_date,
                input.corrects_version,
                domain_code(input.field),
                _corrected_list(input),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.sequence,
                input.expected_version,
            ),
        )
