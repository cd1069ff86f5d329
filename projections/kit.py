"""The one way to write a read model.

A read model is a `ReadModel`: its rows live in `RowSet`s (projections.rowset), the facts of
each aggregate's creating event in `KnownFacts` (projections.creation), and what it does with
each kind of event is a handler registered by event class on `apply`, a
`functools.singledispatchmethod` as eventsourcing's own `Projection.process_event` is. `wants`
names, by event class too, the rows a handler will change, so that a batch loads them at once.

A batch is processed in five steps: keep the facts of every creating event; name the rows
wanted; load them (one query a table); apply the handlers in log order; write back.
"""

import inspect
from collections.abc import Callable, Sequence
from functools import singledispatchmethod
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from sqlalchemy import Connection, Table

from projections.creation import KnownFacts
from projections.rowset import REMEMBER_AT_MOST, RowSet

__all__ = ["REMEMBER_AT_MOST", "Batch", "KnownFacts", "Projection", "ReadModel", "RowSet"]

Batch = Sequence[tuple[int, DomainEventProtocol[UUID]]]

Handler = Callable[..., None]


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


class ReadModel:
    """A projection made of row sets and handlers by event class.

    A subclass names its row sets (and `facts`, if it needs creation facts) before calling
    `super().__init__`, declares `apply` and `wants` afresh as `singledispatchmethod`s and
    registers a handler per event class on each. An event class with no `apply` handler is
    passed over; `finish` runs once the batch is applied, before the rows are written.
    """

    name: str
    tables: Sequence[Table]
    schema_version: int

    def __init__(self, *row_sets: RowSet, facts: KnownFacts | None = None) -> None:
        self.facts = facts
        self._row_sets = row_sets
        self._appliers: dict[type, Handler | None] = {}
        self._wanters: dict[type, Handler | None] = {}

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """An event of a class with no handler does not concern the read model."""

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """An event of a class with no handler here changes no row written before."""

    def finish(self) -> None:
        """Work out what depends on the batch as a whole."""

    def process(self, conn: Connection, batch: Batch) -> None:
        facts = self.facts
        handled: list[tuple[int, Any, Handler]] = []
        for position, event in batch:
            if facts is not None:
                facts.keep(event)
            handler = self._handler(self._appliers, "apply", type(event))
            if handler is not None:
                handled.append((position, event, handler))
                wanter = self._handler(self._wanters, "wants", type(event))
                if wanter is not None:
                    wanter(self, event)
        self.load(conn)
        for position, event, handler in handled:
            handler(self, event, position)
        self.finish()
        if facts is not None:
            facts.write(conn)
        for rows in self._row_sets:
            rows.write(conn)

    def load(self, conn: Connection) -> None:
        """Read the rows wanted, one query a table."""
        if self.facts is not None:
            self.facts.load(conn)
        for rows in self._row_sets:
            rows.load(conn)

    def forget(self) -> None:
        if self.facts is not None:
            self.facts.forget()
        for rows in self._row_sets:
            rows.forget()

    def _handler(self, found: dict[type, Handler | None], method: str, cls: type) -> Handler | None:
        """The function registered for `cls`, worked out once a class: calling it directly
        spares singledispatchmethod's binding on every event of a rebuild."""
        try:
            return found[cls]
        except KeyError:
            dispatcher = inspect.getattr_static(type(self), method).dispatcher
            handler = dispatcher.dispatch(cls)
            found[cls] = None if handler is dispatcher.registry[object] else handler
            return found[cls]
