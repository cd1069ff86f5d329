"""Mutations for governing bodies: establishing them, their terms, rules, members and chairs."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import governance, voting
from partnership.application import PartnershipApplication as Commands
from partnership.voting import DecisionRule
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    AUTHORITY,
    BODY,
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    OWNER,
    PARTNERSHIP,
    ChangeInput,
    StatedInput,
    code_value,
    optional_value,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

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
@shared_parts_last
@strawberry.input(
    description="A partnership's committee, board, panel or group; or an authority's own body, "
    "e.g. a district's Executive. Name either the partnership or the authority."
)
class EstablishBodyInput(StatedInput):
    partnership: str | None = strawberry.field(
        default=None, description=f"{PARTNERSHIP} Leave out for an authority's own body."
    )
    authority: str | None = strawberry.field(
        default=None,
        description=f"The authority the body belongs to, for a body of one authority alone. "
        f"{AUTHORITY}",
    )
    name: str = strawberry.field(
        description="The body's name, e.g. Joint Committee; it identifies the body within "
        "its partnership (or authority) for good."
    )
    kind: BodyKind
    parent_body: str | None = strawberry.field(
        default=None,
        description="The body of the same partnership (or authority) it reports to, if any, "
        "e.g. the scrutiny panel a sub-group reports to.",
    )
    effective_date: date = strawberry.field(description="The day the body was set up.")


@strawberry.input
class BodyChangeInput(ChangeInput):
    partnership: str = strawberry.field(description=OWNER)
    body: str = strawberry.field(description=BODY)
    expected_version: int | None = strawberry.field(default=None, description=BODY_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input(description="Terms of reference adopted by a body, first or revised.")
class AdoptTermsOfReferenceInput(BodyChangeInput):
    items: list[str] = strawberry.field(description="Each item of the terms, in order.")
    effective_date: date = strawberry.field(description="The day they took effect.")


@limits_stated
@shared_parts_last
@strawberry.input(
    description="How a body decides from a date on. A meeting is judged by the rule in force "
    "on its date, so a new rule never changes an earlier outcome."
)
class AdoptDecisionRuleInput(BodyChangeInput):
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

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        rule = {name: given.pop(name) for name in ("quorum", "voting", "electronic_response_days")}
        return given | {"rule": DecisionRule(**rule)}


@limits_stated
@shared_parts_last
@strawberry.input(description="A registered authority becoming a voting member of a body.")
class AppointBodyMemberInput(BodyChangeInput):
    authority: str = strawberry.field(
        description=f"{AUTHORITY} Outside scrutiny bodies, it must be a partner that day."
    )
    effective_date: date = strawberry.field(description="The day it became a member.")


@limits_stated
@shared_parts_last
@strawberry.input(description="An authority ceasing to be a member of a body.")
class RemoveBodyMemberInput(BodyChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    reason: str = strawberry.field(description="Why it was removed, as the paper gives it.")
    effective_date: date = strawberry.field(
        description="The day it stopped being a member; it no longer votes from then."
    )


@limits_stated
@shared_parts_last
@strawberry.input(description="A body's chair, from a date; the previous chair's term ends then.")
class AppointChairInput(BodyChangeInput):
    person: str = strawberry.field(description="The chair's name, e.g. Councillor Peter Baker.")
    authority: str = strawberry.field(description=f"The authority the chair acts for. {AUTHORITY}")
    effective_date: date = strawberry.field(description="The day the appointment took effect.")


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectBodyInput(BodyChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: BodyCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: for KIND one of the BodyKind names (e.g. "
        "PROGRAMME_BOARD); for PARENT_BODY the body it reports to, or null if none.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        if self.field is BodyCorrectableField.KIND:
            return given | {"value": code_value(self.value, BodyKind, "kind of body")}
        return given | {"value": optional_value(self.value)}


@strawberry.type
class GovernanceMutation:
    @strawberry.mutation(
        description="Record that a partnership, or an authority alone, set up a governing body."
    )
    async def establish_body(self, info: Info, input: EstablishBodyInput) -> MutationResult:
        return await record(info, Commands.establish_body, input, {"bodyName": "name"})

    @strawberry.mutation(description="Record a body adopting terms of reference.")
    async def adopt_terms_of_reference(
        self, info: Info, input: AdoptTermsOfReferenceInput
    ) -> MutationResult:
        return await record(info, Commands.adopt_terms_of_reference, input)

    @strawberry.mutation(description="Record a body adopting how it decides (quorum and voting).")
    async def adopt_decision_rule(
        self, info: Info, input: AdoptDecisionRuleInput
    ) -> MutationResult:
        return await record(info, Commands.adopt_decision_rule, input)

    @strawberry.mutation(description="Record an authority becoming a voting member of a body.")
    async def appoint_body_member(
        self, info: Info, input: AppointBodyMemberInput
    ) -> MutationResult:
        return await record(info, Commands.appoint_body_member, input)

    @strawberry.mutation(description="Record an authority ceasing to be a member of a body.")
    async def remove_body_member(self, info: Info, input: RemoveBodyMemberInput) -> MutationResult:
        return await record(info, Commands.remove_body_member, input)

    @strawberry.mutation(description="Record the appointment of a body's chair.")
    async def appoint_chair(self, info: Info, input: AppointChairInput) -> MutationResult:
        return await record(info, Commands.appoint_chair, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about a governing body.")
    async def correct_body(self, info: Info, input: CorrectBodyInput) -> MutationResult:
        return await record(info, Commands.correct_body, input)
