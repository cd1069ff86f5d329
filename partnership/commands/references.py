"""An input that names a record takes its global id as well (`partnership.global_ids`).

Commands look records up by their natural names. Where a command is given a global id
instead, `natural_name` gives back the name the record was created under, read from the
event store, so the command goes on exactly as if it had been given that name: its rules and
its errors are the same either way. An id of another kind of record, or of nothing, is refused
as the name would be, with the field at fault.
"""

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate

from partnership.contracts import Contract
from partnership.global_ids import GlobalIdNotFound, Kind, decode
from partnership.governance import GoverningBody
from partnership.partnerships import Authority, Partnership
from partnership.projects import Project
from partnership.recommendations import Inquiry

# The kinds an input may name by id, each with its aggregate and the natural name it is
# looked up by.
_NAMED_BY: dict[Kind, tuple[type[Aggregate], Callable[[Any], str]]] = {
    Kind.AUTHORITY: (Authority, lambda found: found.name),
    Kind.PARTNERSHIP: (Partnership, lambda found: found.name),
    Kind.GOVERNING_BODY: (GoverningBody, lambda found: found.name),
    Kind.PROJECT: (Project, lambda found: found.name),
    Kind.INQUIRY: (Inquiry, lambda found: found.title),
    Kind.CONTRACT: (Contract, lambda found: found.reference),
}


def natural_name(get: Callable[[UUID], Aggregate], text: str, kind: Kind, field: str) -> str:
    """The name of the record `text` is the global id of, if it is one; else `text` as given.

    `get` loads an aggregate by id from the event store (the application's `repository.get`).
    """
    if not isinstance(text, str):
        return text
    found = decode(text)
    if found is None:
        return text
    aggregate_type, name_of = _NAMED_BY[kind]
    if found.kind is not kind or found.part is not None:
        raise GlobalIdNotFound(text, kind, field)
    try:
        aggregate = get(found.aggregate_id)
    except AggregateNotFoundError:
        raise GlobalIdNotFound(text, kind, field) from None
    if not isinstance(aggregate, aggregate_type):
        raise GlobalIdNotFound(text, kind, field)
    return name_of(aggregate)
