"""What every command shares: checking provenance, loading, and saving atomically."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from partnership.domain import (
    ConcurrentChange,
    DateAsISO,
    DomainError,
    Provenance,
    check_provenance,
)
from partnership.partnerships import (
    Authority,
    AuthorityNotFound,
    Partnership,
    PartnershipNotFound,
    authority_id,
    partnership_id,
)

A = TypeVar("A", bound=Aggregate)


@dataclass(frozen=True)
class CommandResult:
    """What a caller needs after a command: which aggregate, and the log position to wait for."""

    aggregate_id: UUID
    version: int
    position: int


class CommandBase(Application[UUID]):
    # Pinned: PostgreSQL table names derive from it, and renaming would hide every event.
    name = "partnership"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    @staticmethod
    def check(provenance: Provenance, now: datetime) -> None:
        check_provenance(provenance, now)

    def load(self, kind: type[A], aggregate_id: UUID, not_found: Callable[[], DomainError]) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise not_found() from None
        if not isinstance(aggregate, kind):
            raise not_found()
        return aggregate

    def record_new(
        self, created: Aggregate, already_exists: Callable[[], DomainError], *changed: Aggregate
    ) -> CommandResult:
        """Save a new aggregate (and any it changes) at once; its natural key must be free.

        The id derives from the natural key, so the store itself refuses a second creation.
        """
        try:
            recordings = self.save(*changed, created)
        except IntegrityError:
            if created.id in self.repository:
                raise already_exists() from None
            raise ConcurrentChange(_describe(changed[0]) if changed else "It") from None
        return _result(created, recordings[-1].notification.id)

    def get_authority(self, name: str) -> Authority:
        return self.load(Authority, authority_id(name), lambda: AuthorityNotFound(name))

    def get_partnership(self, name: str) -> Partnership:
        return self.load(Partnership, partnership_id(name), lambda: PartnershipNotFound(name))

    def change_one(
        self,
        find: Callable[[], A],
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[A], Any],
    ) -> CommandResult:
        """The shape of most commands: check the paper, load, refuse a stale view, change, save."""
        self.check(provenance, now)
        aggregate = find()
        self.check_version(aggregate, expected_version)
        change(aggregate)
        return self.record_changes(aggregate)

    @staticmethod
    def check_version(aggregate: Aggregate, expected_version: int | None) -> None:
        """Refuse a change made from a stale view, before judging the change itself."""
        if expected_version is not None and aggregate.version != expected_version:
            raise ConcurrentChange(_describe(aggregate))

    def record_changes(self, changed: Aggregate, *also: Aggregate) -> CommandResult:
        """Save the changes to one or more aggregates atomically (all or none)."""
        try:
            recordings = self.save(changed, *also)
        except IntegrityError:
            raise ConcurrentChange(_describe(changed)) from None
        return _result(changed, recordings[-1].notification.id)


def _describe(aggregate: Aggregate) -> str:
    for attribute in ("reference", "name", "title"):
        value = getattr(aggregate, attribute, None)
        if isinstance(value, str):
            return f"{type(aggregate).__name__} {value}"
    return type(aggregate).__name__


def _result(aggregate: Aggregate, position: int) -> CommandResult:
    return CommandResult(aggregate_id=aggregate.id, version=aggregate.version, position=position)
