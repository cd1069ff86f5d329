"""Commercially sensitive fields: shown to the parties' people, auditors and admins only.

Anyone else who may see the record gets `null` for such a field, and a `Withheld` entry that
says which field and why, rather than an error: the rest of the answer is theirs to read.
"""

import strawberry

from partnership.access import Principal, Role, ScopeKind
from partnership.domain import normalise_key

WITHHELD_NOT_A_PARTY = "not_a_party"


@strawberry.type(description="A field left null because it is not yours to see.")
class Withheld:
    field: str = strawberry.field(description="The field withheld, e.g. value.")
    reason: str = strawberry.field(description="Why, in words.")
    code: str = strawberry.field(description="Stable code to branch on, e.g. not_a_party.")


def may_see_commercial(principal: Principal | None, parties: frozenset[str]) -> bool:
    """The people of a party (their own authority, or a procurement grant on it) and anyone
    granted a role on the whole record (auditors and admins always are)."""
    if principal is None:
        return False
    if any(grant.scope_kind is ScopeKind.EVERYTHING for grant in principal.grants):
        return True
    normalised = {normalise_key(party) for party in parties}
    if normalise_key(principal.authority) in normalised:
        return True
    return any(
        grant.covers(authorities=frozenset(parties))
        for grant in principal.grants_of(Role.PROCUREMENT_OFFICER)
    )


def withheld_from_non_parties(field: str) -> Withheld:
    return Withheld(
        field=field,
        reason="Commercially sensitive: shown only to the people of the contract's parties, "
        "auditors and admins.",
        code=WITHHELD_NOT_A_PARTY,
    )
