"""What a projection is: a name, its tables, and a function from a batch of events to rows."""

from collections.abc import Sequence
from typing import Protocol
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from sqlalchemy import Connection, Table

Batch = Sequence[tuple[int, DomainEventProtocol[UUID]]]


class Projection(Protocol):
    name: str
    tables: Sequence[Table]
    # Raised whenever its tables or what it writes in them change: a read model found at an
    # older version is rebuilt before it is trusted.
    schema_version: int

    def process(self, conn: Connection, batch: Batch) -> None:
        """Write the rows for these (position, event) pairs; the caller owns the transaction."""

    def forget(self) -> None:
        """Drop what it remembers of rows it wrote: another writer may have changed them."""


# Remembered rows spare a rebuild from reading back what it has just written; past this many
# a projection forgets them all, so memory stays bounded on a long log.
REMEMBER_AT_MOST = 100_000
