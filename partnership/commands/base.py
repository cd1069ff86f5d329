"""What every command shares: checking provenance, loading, and saving atomically."""

import functools
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate, DomainEventProtocol, MutableOrImmutableAggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Recording

from partnership.commands.envelope import Envelope
from partnership.commands.references import natural_name
from partnership.domain import (
    ConcurrentChange,
    DateAsISO,
    DomainError,
    InvalidInput,
    check_provenance,
)
from partnership.global_ids import Kind, decode
from partnership.idempotency import Answer, Claim, IdempotencyKey, IdempotencyKeyReused
from partnership.meetings import Meeting
from partnership.partnerships import (
    Authority,
    AuthorityNotFound,
    Partnership,
    PartnershipNotFound,
    authority_id,
    partnership_id,
)
from partnership.revisions import RecordWithdrawn, is_withdrawn
from partnership.supplier_meetings import SupplierMeeting

A = TypeVar("A", bound=Aggregate)
R = TypeVar("R")
P = ParamSpec("P")
C = TypeVar("C", bound="CommandBase")

# The stored-event tables on PostgreSQL are named from the application's `name`
# ("partnershipapplication_events" and "_snapshots"), as are the prefixed settings
# (PARTNERSHIPAPPLICATION_...). eventsourcing resets `name` to the class name on every
# subclass, so it is pinned on each one below: renaming or subclassing the application class
# must never hide the log. This is the name every existing database was created under.
EVENT_STORE_NAME = "PartnershipApplication"


@dataclass(frozen=True)
class CommandResult:
    """What a caller needs after a command: which aggregate, the log position to wait for,
    and the number the record gave what was recorded, where it gave one (a decision's, a
    supplier action's, an escalation's), for the caller to refer to it next."""

    aggregate_id: UUID
    version: int
    position: int
    number: str | None = None


@dataclass(frozen=True)
class RepeatedResult(CommandResult):
    """The first result of a change asked for again under its idempotency key.

    Nothing was recorded this time: `version` and `position` are those the first change made.
    """


# The events that give what they record a number the caller needs to refer to it next.
NUMBERING_EVENTS = (
    Meeting.DecisionRecorded,
    SupplierMeeting.ActionRaised,
    SupplierMeeting.IssueEscalated,
)


@dataclass
class _PendingClaim:
    claim: Claim
    prior: IdempotencyKey | None
    answering: Aggregate | None = None
    saved: bool = False


# The claim the command running in this thread (or task) saves with its change, if any.
_pending_claim: ContextVar[_PendingClaim | None] = ContextVar("pending_claim", default=None)


def command(
    method: Callable[Concatenate[C, P], CommandResult],
) -> Callable[Concatenate[C, P], CommandResult]:
    """A command: its keyword `envelope`'s provenance is checked before anything else, and
    with a claim it runs once per idempotency key (a repeat answers as the first did)."""

    @functools.wraps(method)
    def run(self: C, /, *args: P.args, **kwargs: P.kwargs) -> CommandResult:
        envelope = kwargs["envelope"]
        assert isinstance(envelope, Envelope), "a command is given its envelope by keyword"

        def checked() -> CommandResult:
            check_provenance(envelope.provenance, envelope.now)
            try:
                return method(self, *args, **kwargs)
            except TypeError as error:
                # Some records are created by events that keep only an exact effective day.
                if "unexpected keyword argument 'effective_when'" not in str(error):
                    raise
                raise InvalidInput(
                    "This record is created on an exact day: give effectiveDate alone, "
                    "without effectiveWhen.",
                    "effectiveWhen",
                ) from None

        if envelope.claim is None or _pending_claim.get() is not None:
            return checked()
        return self.claimed(envelope.claim, checked)

    return run


class CommandBase(Application[UUID]):
    name = EVENT_STORE_NAME

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = EVENT_STORE_NAME

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0

    def claimed(self, claim: Claim, command: Callable[[], R]) -> R | RepeatedResult:
        """Run `command` once per idempotency key: a repeat gets the first result back.

        The key is saved in the same transaction as the command's change, so of two requests
        racing with one key the store lets one through; the other, refused, finds the key and
        answers as the first did. The same key with a different change is refused.
        """
        repeated, prior = self._repeat_of(claim)
        if repeated is not None:
            return repeated
        pending = _PendingClaim(claim, prior)
        token = _pending_claim.set(pending)
        try:
            return command()
        except DomainError:
            if pending.saved:
                raise
            # Refused, perhaps because a request with this key got there first.
            repeated, _ = self._repeat_of(claim)
            if repeated is not None:
                return repeated
            raise
        finally:
            _pending_claim.reset(token)

    def _repeat_of(self, claim: Claim) -> tuple[RepeatedResult | None, IdempotencyKey | None]:
        """The first result if `claim`'s key is live and asked for this change; the key."""
        try:
            key: Aggregate = self.repository.get(claim.id)
        except AggregateNotFoundError:
            return None, None
        assert isinstance(key, IdempotencyKey)
        if key.expired(claim.now):
            return None, key
        if key.fingerprint != claim.fingerprint:
            raise IdempotencyKeyReused()
        answer = key.answer
        return (
            RepeatedResult(
                aggregate_id=answer.aggregate_id,
                version=answer.version,
                position=self._position_of(answer),
                number=answer.number,
            ),
            key,
        )

    def _position_of(self, answer: Answer) -> int:
        """Where the change's last event stands: after the head the key recorded before it.

        Only events committed meanwhile by others lie between, so the search is short, and it
        relies on nothing but the notification log (PostgreSQL positions may have gaps).
        """
        after = answer.head_before
        while True:
            page = self.recorder.select_notifications(
                start=after, limit=100, inclusive_of_start=False
            )
            if not page:
                # A change that recorded no event of its own: its answer stands where the log
                # was when it was made.
                return answer.head_before
            for notification in page:
                if (
                    UUID(str(notification.originator_id)) == answer.last_event_of
                    and notification.originator_version == answer.last_event_version
                ):
                    return notification.id
            after = page[-1].id

    def save(
        self,
        *objs: MutableOrImmutableAggregate[UUID] | DomainEventProtocol[UUID] | None,
        **kwargs: Any,
    ) -> list[Recording[UUID]]:
        """Save atomically; with an idempotency key pending, the key is saved in the same
        transaction, and its own recordings are left out of what is returned."""
        pending = _pending_claim.get()
        if pending is None or pending.saved:
            return super().save(*objs, **kwargs)
        changed = [obj for obj in objs if isinstance(obj, Aggregate)]
        if not changed:
            return super().save(*objs, **kwargs)
        key = self._key_for(pending, changed)
        recordings = super().save(*objs, key, **kwargs)
        pending.saved = True
        return [r for r in recordings if r.domain_event.originator_id != key.id]

    def _key_for(self, pending: _PendingClaim, changed: list[Aggregate]) -> IdempotencyKey:
        events = [e for aggregate in changed for e in aggregate.pending_events]
        answering = pending.answering or changed[0]
        # Only the events whose commands answer with a number (DecisionResult, NumberedResult):
        # others carry the number of what they concern, which the first answer leaves out.
        numbers = (e.number for e in events if isinstance(e, NUMBERING_EVENTS))
        answer = Answer(
            aggregate_id=answering.id,
            version=answering.version,
            head_before=self.head_position(),
            last_event_of=events[-1].originator_id if events else answering.id,
            last_event_version=events[-1].originator_version if events else answering.version,
            number=next((n for n in numbers if isinstance(n, str)), None),
        )
        if pending.prior is None:
            return IdempotencyKey.claim(pending.claim, answer)
        pending.prior.reclaim(pending.claim, answer)
        return pending.prior

    def load(self, kind: type[A], aggregate_id: UUID, not_found: Callable[[], DomainError]) -> A:
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            raise not_found() from None
        if not isinstance(aggregate, kind):
            raise not_found()
        if is_withdrawn(aggregate):
            raise RecordWithdrawn(describe(aggregate))
        return aggregate

    def record_new(
        self, created: Aggregate, already_exists: Callable[[], DomainError], *changed: Aggregate
    ) -> CommandResult:
        """Save a new aggregate (and any it changes) at once; its natural key must be free.

        The id derives from the natural key, so the store itself refuses a second creation.
        """
        _answering(created)
        try:
            recordings = self.save(*changed, created)
        except IntegrityError:
            if created.id in self.repository:
                raise already_exists() from None
            raise ConcurrentChange(describe(changed[0]) if changed else "It") from None
        return _result(created, recordings[-1].notification.id)

    def named(self, text: str, kind: Kind, field: str) -> str:
        """The record's name, where `text` is its global id rather than its name."""
        return natural_name(self.repository.get, text, kind, field)

    def get_authority(self, name: str) -> Authority:
        name = self.named(name, Kind.AUTHORITY, "authority")
        return self.load(Authority, authority_id(name), lambda: AuthorityNotFound(name))

    def owned_key(
        self,
        owner: str,
        id_of: Callable[[str | None, str | None], UUID],
        kinds: type[Aggregate] | tuple[type[Aggregate], ...],
        field: str = "partnership",
    ) -> tuple[UUID, str]:
        """Where a body, project or meeting addressed by its owner's name is kept, and that
        owner's name: `id_of(partnership, authority)` gives the id for either owner.

        The name is tried as a partnership's first, so a partnership's record is found exactly
        as it always was; where the partnership has none and the name is a registered
        authority's, it is that authority's own. Either's global id names its owner alone.
        """
        given = decode(owner) if isinstance(owner, str) else None
        if given is not None and given.kind is Kind.AUTHORITY:
            authority = self.named(owner, Kind.AUTHORITY, field)
            return id_of(None, authority), authority
        partnership = self.named(owner, Kind.PARTNERSHIP, field)
        key = id_of(partnership, None)
        if given is not None or isinstance(self._stored(key), kinds):
            return key, partnership
        found = self._stored(authority_id(partnership)) if isinstance(partnership, str) else None
        if not isinstance(found, Authority) or is_withdrawn(found):
            return key, partnership
        return id_of(None, found.name), found.name

    def load_owned(
        self,
        kind: type[A],
        owner: str,
        id_of: Callable[[str | None, str | None], UUID],
        not_found: Callable[[str], DomainError],
        field: str = "partnership",
    ) -> A:
        """A partnership's or an authority's own record, as `owned_key` finds it."""
        key, named = self.owned_key(owner, id_of, kind, field)
        return self.load(kind, key, lambda: not_found(named))

    def _stored(self, key: UUID) -> Aggregate | None:
        try:
            found: Aggregate = self.repository.get(key)
        except AggregateNotFoundError:
            return None
        return found

    def get_partnership(self, name: str) -> Partnership:
        name = self.named(name, Kind.PARTNERSHIP, "partnership")
        return self.load(Partnership, partnership_id(name), lambda: PartnershipNotFound(name))

    def change_one(self, found: A, envelope: Envelope, change: Callable[[A], Any]) -> CommandResult:
        """The shape of most commands: refuse a stale view, change, save."""
        self.check_version(found, envelope)
        change(found)
        return self.record_changes(found)

    @staticmethod
    def check_version(aggregate: Aggregate, envelope: Envelope) -> None:
        """Refuse a change made from a stale view, before judging the change itself."""
        expected = envelope.expected_version
        if expected is not None and aggregate.version != expected:
            raise ConcurrentChange(describe(aggregate))

    def record_changes(
        self, changed: Aggregate, *also: Aggregate, number: str | None = None
    ) -> CommandResult:
        """Save the changes to one or more aggregates atomically (all or none); `number` is
        what the change numbered, for the caller to refer to it by."""
        _answering(changed)
        try:
            recordings = self.save(changed, *also)
        except IntegrityError:
            raise ConcurrentChange(describe(changed)) from None
        return _result(changed, recordings[-1].notification.id, number)


def _answering(aggregate: Aggregate) -> None:
    """The aggregate whose id and version the command's result gives, for a pending key."""
    pending = _pending_claim.get()
    if pending is not None:
        pending.answering = aggregate


def describe(aggregate: Aggregate) -> str:
    for attribute in ("reference", "name", "title"):
        value = getattr(aggregate, attribute, None)
        if isinstance(value, str):
            return f"{type(aggregate).__name__} {value}"
    return type(aggregate).__name__


def _result(aggregate: Aggregate, position: int, number: str | None = None) -> CommandResult:
    return CommandResult(
        aggregate_id=aggregate.id, version=aggregate.version, position=position, number=number
    )
