"""Mutations for authorities and partnerships: registering, forming, membership, vision."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership import partnerships
from partnership.application import PartnershipApplication as Commands
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    AUTHORITY,
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    PARTNERSHIP,
    ChangeInput,
    StatedInput,
    code_value,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

PARTNERSHIP_VERSION = version_seen("partnership")


@strawberry.enum(description="What kind of council an authority is.")
class AuthorityKind(Enum):
    COUNTY = partnerships.COUNTY
    DISTRICT = partnerships.DISTRICT
    UNITARY = partnerships.UNITARY


@strawberry.enum(description="The part a member authority plays in a partnership.")
class MemberRole(Enum):
    LEAD = strawberry.enum_value(partnerships.LEAD, description="Leads it; at most one at a time.")
    HOST = strawberry.enum_value(partnerships.HOST, description="Hosts a shared service.")
    PARTNER = strawberry.enum_value(partnerships.PARTNER, description="Takes part.")


@strawberry.enum(description="What of an authority's record can be corrected.")
class AuthorityCorrectableField(Enum):
    KIND = "kind"


@strawberry.enum(description="What of a partnership's record can be corrected.")
class PartnershipCorrectableField(Enum):
    PURPOSE = "purpose"


@limits_stated
@shared_parts_last
@strawberry.input(description="A public authority, registered once before it joins anything.")
class RegisterAuthorityInput(StatedInput):
    name: str = strawberry.field(
        description="Its full name, e.g. Burnley Borough Council; every later record names "
        "it so, and the name identifies it for good."
    )
    kind: AuthorityKind


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectAuthorityInput(ChangeInput):
    name: str = strawberry.field(description=AUTHORITY)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: AuthorityCorrectableField
    value: str = strawberry.field(description="The right kind: COUNTY, DISTRICT or UNITARY.")
    reason: str = strawberry.field(description=CORRECTION_REASON)
    expected_version: int | None = strawberry.field(
        default=None, description=version_seen("authority")
    )

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        return given | {"value": code_value(self.value, AuthorityKind, "kind of authority")}


@limits_stated
@shared_parts_last
@strawberry.input(description="A standing arrangement between authorities to share services.")
class FormPartnershipInput(StatedInput):
    name: str = strawberry.field(
        description="Its name, e.g. Lancashire Shared Services Contact Centre; it identifies "
        "the partnership for good."
    )
    purpose: str = strawberry.field(description="What the partnership is for, in plain words.")


@strawberry.input
class PartnershipChangeInput(ChangeInput):
    partnership: str = strawberry.field(description=PARTNERSHIP)
    expected_version: int | None = strawberry.field(default=None, description=PARTNERSHIP_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input(description="A registered authority joining a partnership, in a role.")
class AdmitMemberInput(PartnershipChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    role: MemberRole
    additional_roles: list[MemberRole] = strawberry.field(
        default_factory=list,
        description="Other roles it holds from joining as well, e.g. HOST for a county that "
        "is lead and host at once.",
    )
    effective_date: date = strawberry.field(
        description="The day it joined; it is a member (and votes) from then."
    )


@limits_stated
@shared_parts_last
@strawberry.input(
    description="A member taking a new role in place of every role it holds, e.g. becoming "
    "the lead authority."
)
class ChangeMemberRoleInput(PartnershipChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    role: MemberRole = strawberry.field(description="The new role.")
    effective_date: date = strawberry.field(description="The day the new role took effect.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A member taking on one more role, keeping those it holds.")
class GiveMemberRoleInput(PartnershipChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    role: MemberRole = strawberry.field(description="The role it takes on.")
    effective_date: date = strawberry.field(description="The day it began holding it.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A member ceasing to hold one of its roles, keeping the others.")
class TakeMemberRoleInput(PartnershipChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    role: MemberRole = strawberry.field(
        description="The role it gives up; not its only one (change its role instead)."
    )
    effective_date: date = strawberry.field(description="The day it stopped holding it.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A member leaving a partnership; from then it no longer votes.")
class RecordMemberLeavingInput(PartnershipChangeInput):
    authority: str = strawberry.field(description=AUTHORITY)
    reason: str = strawberry.field(description="Why it left, as the paper gives it.")
    effective_date: date = strawberry.field(description="The day it left.")


@limits_stated
@shared_parts_last
@strawberry.input(description="The partnership's vision, as agreed; a later one revises it.")
class StateVisionInput(PartnershipChangeInput):
    vision_statement: str = strawberry.field(description="The vision statement as agreed.")
    effective_date: date = strawberry.field(description="The day it was agreed.")


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectPartnershipInput(PartnershipChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: PartnershipCorrectableField
    value: str = strawberry.field(description="The right purpose, in full.")
    reason: str = strawberry.field(description=CORRECTION_REASON)


@strawberry.type
class PartnershipMutation:
    @strawberry.mutation(description="Register a public authority, so it can join partnerships.")
    async def register_authority(self, info: Info, input: RegisterAuthorityInput) -> MutationResult:
        return await record(info, Commands.register_authority, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about an authority.")
    async def correct_authority(self, info: Info, input: CorrectAuthorityInput) -> MutationResult:
        return await record(info, Commands.correct_authority, input, {"authority": "name"})

    @strawberry.mutation(description="Record that a partnership was formed.")
    async def form_partnership(self, info: Info, input: FormPartnershipInput) -> MutationResult:
        return await record(info, Commands.form_partnership, input)

    @strawberry.mutation(description="Record a registered authority joining a partnership.")
    async def admit_member(self, info: Info, input: AdmitMemberInput) -> MutationResult:
        return await record(info, Commands.admit_member, input)

    @strawberry.mutation(description="Record a member of a partnership taking a new role.")
    async def change_member_role(self, info: Info, input: ChangeMemberRoleInput) -> MutationResult:
        return await record(info, Commands.change_member_role, input)

    @strawberry.mutation(
        description="Record a member of a partnership taking on one more role (e.g. the lead "
        "county also becoming the host), keeping those it holds."
    )
    async def give_member_role(self, info: Info, input: GiveMemberRoleInput) -> MutationResult:
        return await record(info, Commands.give_member_role, input)

    @strawberry.mutation(
        description="Record a member of a partnership ceasing to hold one of its roles."
    )
    async def take_member_role(self, info: Info, input: TakeMemberRoleInput) -> MutationResult:
        return await record(info, Commands.take_member_role, input)

    @strawberry.mutation(description="Record a member leaving a partnership, and why.")
    async def record_member_leaving(
        self, info: Info, input: RecordMemberLeavingInput
    ) -> MutationResult:
        return await record(info, Commands.record_member_leaving, input)

    @strawberry.mutation(description="Record the partnership's vision statement as agreed.")
    async def state_vision(self, info: Info, input: StateVisionInput) -> MutationResult:
        return await record(info, Commands.state_vision, input)

    @strawberry.mutation(description="Correct a wrongly recorded fact about a partnership.")
    async def correct_partnership(
        self, info: Info, input: CorrectPartnershipInput
    ) -> MutationResult:
        return await record(info, Commands.correct_partnership, input)
