"""Mutations for people: registering them, granting roles and revoking grants."""

from datetime import date

import strawberry
from strawberry.types import Info

from partnership.application import PartnershipApplication as Commands
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    AUTHORITY,
    ChangeInput,
    StatedInput,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record
from partnership_graphql.people import Role, ScopeKind

EMAIL = "The person's e-mail address, as registered (in any letter case)."
PERSON_VERSION = version_seen("person")


@limits_stated
@shared_parts_last
@strawberry.input(description="Someone who will use the record, and the authority they act for.")
class RegisterPersonInput(StatedInput):
    name: str = strawberry.field(description="Their name, as the record will show it.")
    email: str = strawberry.field(
        description="Their e-mail address, e.g. ruth.hawes@chorley.gov.uk; it identifies "
        "them for good, whatever its letter case."
    )
    authority: str = strawberry.field(description=f"The authority they act for. {AUTHORITY}")
    effective_date: date = strawberry.field(description="The day they were registered.")


@strawberry.input
class PersonChangeInput(ChangeInput):
    email: str = strawberry.field(description=EMAIL)
    expected_version: int | None = strawberry.field(default=None, description=PERSON_VERSION)


@limits_stated
@shared_parts_last
@strawberry.input(
    description="A role on a scope, in force from the effective date until revoked. The same "
    "role on the same scope is held once at a time."
)
class GrantRoleInput(PersonChangeInput):
    role: Role
    scope_kind: ScopeKind
    scope: str | None = strawberry.field(
        default=None,
        description="The partnership, body or authority, named as registered; leave out for "
        "EVERYTHING.",
    )
    partnership: str | None = strawberry.field(
        default=None,
        description="For a BODY, the partnership it belongs to; leave out for a scrutiny body "
        "(known by its name alone) and for any other scope.",
    )
    effective_date: date = strawberry.field(description="The day the grant takes effect.")


@limits_stated
@shared_parts_last
@strawberry.input(description="End a grant in force, from the effective date.")
class RevokeGrantInput(PersonChangeInput):
    grant_id: str = strawberry.field(
        description="The grant's number, as the person's `grants` give it, e.g. '2'."
    )
    reason: str = strawberry.field(description="Why it is revoked, e.g. 'left the post'.")
    effective_date: date = strawberry.field(description="The first day it is no longer in force.")


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(description="Register a person, acting for a registered authority.")
    async def register_person(self, info: Info, input: RegisterPersonInput) -> MutationResult:
        return await record(info, Commands.register_person, input)

    @strawberry.mutation(description="Grant a person a role on a scope the record holds.")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> MutationResult:
        return await record(info, Commands.grant_role, input)

    @strawberry.mutation(description="Revoke one of a person's grants, and say why.")
    async def revoke_grant(self, info: Info, input: RevokeGrantInput) -> MutationResult:
        return await record(info, Commands.revoke_grant, input)
