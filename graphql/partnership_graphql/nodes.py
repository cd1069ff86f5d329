"""Every record the API answers is a `Node`: it has a global id, and `node(id:)` answers it.

The id is the one `partnership.global_ids` makes (unpadded base64url of the record's kind and
its aggregate id), not strawberry's Relay `GlobalID`: the commands take the same ids in place
of names, and the domain they live in imports no web library, so the codec lives there and
this module only gives it a GraphQL face. An id is stable for as long as the record is on
record, opaque to clients, and safe in a URL.
"""

from uuid import UUID

import strawberry

from partnership.errors import NotFound
from partnership.global_ids import Kind, encode

ID_DESCRIPTION = (
    "The record's global id: opaque and stable; pass it to `node(id:)`, or to a mutation "
    "in place of the record's name."
)


@strawberry.interface(
    description="A record with a global id, which `node(id:)` answers as its own query does."
)
class Node:
    id: strawberry.ID = strawberry.field(description=ID_DESCRIPTION)


def node_id(kind: Kind, aggregate_id: UUID | str, part: str | None = None) -> strawberry.ID:
    return strawberry.ID(encode(kind, aggregate_id, part))


def not_found(error: NotFound, field: str) -> NotFound:
    """A look-up's NotFound, naming the argument the name was given in."""
    error.field = field
    return error
