"""Mutations for governing bodies: establishing them, their terms, rules, members and chairs."""

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from partnership import governance, voting
from partnership.voting import DecisionRule
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    EFFECTIVE_DATE,
    SOURCE,
    RecordResult,
    code_value,
    domain_code,
    optional_value,
    provenance_of,
    record,
    version_seen,
)
from partnership_graphql.mutations_partnerships import AUTHORITY, PARTNERSHIP

BODY = "The governing body's name, as it was established, e.g. Joint Committee."
BODY_VERSION = version_seen("body")


@strawberry.enum(description="What kind of governing body it is.")
class BodyKind(Enum):
    JOINT_COMMITTEE = governance.JOINT_COMMITTEE
    PROGRAMME_BOARD = governance.PROGRAMME_BOARD
    PARTNERSHIP_BOARD = governance.PARTNERSHIP_BOARD
    SCRUTINY_PANEL = strawberry.enum_value(
        governance.SCRUTINY_PANEL,
        description="A council's scrutiny panel; its members need not be partners.",
    )
    SCRUTINY_SUB_GROUP = strawberry.enum_value(
        governance.SCRUTINY_SUB_GROUP,
        description="A sub-group of a scrutiny panel; its members need not be partners.",
    )
    OFFICER_GROUP = governance.OFFICER_GROUP
    EXECUTIVE = governance.EXECUTIVE
    COUNCIL = governance.COUNCIL
    OTHER = governance.OTHER


@strawberry.enum(description="How the votes decide whether a decision carried.")
class VotingRule(Enum):
    MAJORITY_OF_VOTES_CAST = strawberry.enum_value(
        voting.MAJORITY_OF_VOTES_CAST, description="More votes for than against."
    )
    MAJORITY_OF_MEMBERS = strawberry.enum_value(
        voting.MAJORITY_OF_MEMBERS, description="More than half of all members vote for."
    )
    UNANIMOUS = strawberry.enum_value(
        voting.UNANIMOUS, description="Every vote cast is for, with no abstentions."
    )


@strawberry.enum(description="What of a governing body's record can be corrected.")
class BodyCorrectableField(Enum):
    KIND = "kind"
    PARENT_BODY = "parent_body"


@limits_stated
@strawberry.input(description="A partnership's committee, board, panel or group.")
class EstablishBodyInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    name: str = strawberry.field(
        description="The body's name, e.g. Joint Committee; it identifies the body within "
        "the partnership for good."
    )
    kind: BodyKind
    parent_body: str | None = strawberry.field(
        default=None,
        description="The body of the same partnership it reports to, if any, e.g. the "
        "scrutiny panel a sub-group reports to.",
    )
    effective_date: date = strawberry.field(description="The day the body was set up.")
    source: str = strawberry.field(description=SOURCE)


@limits_stated
@strawberry.input(description="Terms of reference adopted by a body, first or revised.")
class AdoptTermsOfReferenceInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    items: list[str] = strawberry.field(description="Each item of the terms, in order.")
    effective_date: date = strawberry.field(description="The day they took effect.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@strawberry.input(
    description="How a body decides from a date on. A meeting is judged by the rule in force "
    "on its date, so a new rule never changes an earlier outcome."
)
class AdoptDecisionRuleInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    quorum: int = strawberry.field(
        description="How many member authorities must take part (present, or responding "
        "electronically where allowed) for a vote to count; 0 for none."
    )
    voting: VotingRule = VotingRule.MAJORITY_OF_VOTES_CAST
    electronic_response_days: int | None = strawberry.field(
        default=None,
        description="Days after a meeting within which an absent member may respond "
        "electronically; leave out if absent members cannot.",
    )
    effective_date: date = strawberry.field(description="The day the rule took effect.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@strawberry.input(description="A registered authority becoming a voting member of a body.")
class AppointBodyMemberInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    authority: str = strawberry.field(
        description=f"{AUTHORITY} Outside scrutiny bodies, it must be a partner that day."
    )
    effective_date: date = strawberry.field(description="The day it became a member.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@strawberry.input(description="An authority ceasing to be a member of a body.")
class RemoveBodyMemberInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    authority: str = strawberry.field(description=AUTHORITY)
    reason: str = strawberry.field(description="Why it was removed, as the paper gives it.")
    effective_date: date = strawberry.field(
        description="The day it stopped being a member; it no longer votes from then."
    )
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@strawberry.input(description="A body's chair, from a date; the previous chair's term ends then.")
class AppointChairInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    person: str = strawberry.field(description="The chair's name, e.g. Councillor Peter Baker.")
    authority: str = strawberry.field(description=f"The authority the chair acts for. {AUTHORITY}")
    effective_date: date = strawberry.field(description="The day the appointment took effect.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectBodyInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    body: str = strawberry.field(description=BODY)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: BodyCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: for KIND one of the BodyKind names (e.g. "
        "PROGRAMME_BOARD); for PARENT_BODY the body it reports to, or null if none.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


def _corrected_body_value(field: BodyCorrectableField, value: str | None) -> str | None:
    if field is BodyCorrectableField.KIND:
        return code_value(value, BodyKind, "kind of body")
    return optional_value(value)


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(description="Record that a partnership set up a governing body.")
    async def establish_body(self, info: Info, input: EstablishBodyInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.establish_body(
                input.partnership,
                input.name,
                domain_code(input.kind),
                input.parent_body,
                provenance_of(input),
                actor,
                now,
            ),
            {"bodyName": "name"},
        )

    @strawberry.mutation(description="Record a body adopting terms of reference.")
    async def adopt_terms_of_reference(
        self, info: Info, input: AdoptTermsOfReferenceInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.adopt_terms_of_reference(
                input.partnership,
                input.body,
                list(input.items),
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record a body adopting how it decides (quorum and voting).")
    async def adopt_decision_rule(self, info: Info, input: AdoptDecisionRuleInput) -> RecordResult:
        rule = DecisionRule(
            quorum=input.quorum,
            voting=domain_code(input.voting),
            electronic_response_days=input.electronic_response_days,
        )
        return await record(
            info,
            lambda app, actor, now: app.adopt_decision_rule(
                input.partnership,
                input.body,
                rule,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record an authority becoming a voting member of a body.")
    async def appoint_body_member(self, info: Info, input: AppointBodyMemberInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.appoint_body_member(
                input.partnership,
                input.body,
                input.authority,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record an authority ceasing to be a member of a body.")
    async def remove_body_member(self, info: Info, input: RemoveBodyMemberInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.remove_body_member(
                input.partnership,
                input.body,
                input.authority,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Record the appointment of a body's chair.")
    async def appoint_chair(self, info: Info, input: AppointChairInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.appoint_chair(
                input.partnership,
                input.body,
                input.person,
                input.authority,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )

    @strawberry.mutation(description="Correct a wrongly recorded fact about a governing body.")
    async def correct_body(self, info: Info, input: CorrectBodyInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_body(
                input.partnership,
                input.body,
                input.corrects_version,
                domain_code(input.field),
                _corrected_body_value(input.field, input.value),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
        )
