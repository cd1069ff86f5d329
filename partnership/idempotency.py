"""Idempotency keys: a change asked for twice under one key is recorded once.

A caller that got no answer (a dropped connection, a server killed mid-request) may send the
same change again with the same key and be given the first answer. The key is itself a small
aggregate, saved in the same transaction as the change it answers for, so the store refuses a
second use of it exactly as it refuses a second award of one contract.

A key is scoped: one key sent with several changes in one request keys each by its `scope`
(the name the answer is given under). It holds a fingerprint of what was asked, so the same
key with a different change is refused rather than answered with the wrong answer. A key
lasts `KEY_LIFETIME`: after that it may be used again, and the new use is a new version of the
same aggregate (so two late reuses still race on the store, and one of them wins).
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from partnership.domain import NATURAL_KEY_NAMESPACE
from partnership.errors import DomainError, InvalidInput

KEY_MAX_LENGTH = 200
KEY_LIFETIME = timedelta(hours=24)
# Printable ASCII, as an HTTP header carries it without encoding.
_FIRST_PRINTABLE, _LAST_PRINTABLE = 0x20, 0x7E


class InvalidIdempotencyKey(InvalidInput):
    code = "invalid_idempotency_key"

    def __init__(self) -> None:
        super().__init__(
            f"An idempotency key is 1 to {KEY_MAX_LENGTH} printable ASCII characters "
            "(letters, digits, punctuation and spaces), e.g. a UUID; nothing was recorded."
        )


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    category = "conflict"

    def __init__(self) -> None:
        super().__init__(
            "This idempotency key was already used for a different change in the last "
            f"{int(KEY_LIFETIME.total_seconds() // 3600)} hours; nothing was "
            "recorded. Use a new key for a new change."
        )


def check_key(key: str) -> str:
    """A key as given, or InvalidIdempotencyKey: no trimming, so a key means one thing."""
    if not 1 <= len(key) <= KEY_MAX_LENGTH or not all(
        _FIRST_PRINTABLE <= ord(character) <= _LAST_PRINTABLE for character in key
    ):
        raise InvalidIdempotencyKey()
    return key


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _key_id(key_digest: str, scope_digest: str) -> UUID:
    # Not natural_id(): that folds letter case, and keys are compared exactly.
    return uuid5(NATURAL_KEY_NAMESPACE, f"idempotency-key:{key_digest}\n{scope_digest}")


@dataclass(frozen=True)
class Claim:
    """A change asked for under a key: where in the request, what exactly, and when."""

    key: str
    scope: str
    fingerprint: str
    now: datetime

    @property
    def id(self) -> UUID:
        return _key_id(_digest(self.key), _digest(self.scope))


@dataclass(frozen=True)
class Answer:
    """What the first answer was made from, recorded with the change itself.

    The log position is not known until the change is committed, so the key records the log
    head just before and the last event of the change; the position is found from those.
    """

    aggregate_id: UUID
    version: int
    head_before: int
    last_event_of: UUID
    last_event_version: int
    number: str | None


class IdempotencyKey(Aggregate):
    """One idempotency key (in one scope) and the change it last answered for."""

    class Claimed(Aggregate.Created):
        key: str
        scope: str
        fingerprint: str
        claimed_at: datetime
        aggregate_id: UUID
        version: int
        head_before: int
        last_event_of: UUID
        last_event_version: int
        number: str | None

    class Reclaimed(Aggregate.Event):
        fingerprint: str
        claimed_at: datetime
        aggregate_id: UUID
        version: int
        head_before: int
        last_event_of: UUID
        last_event_version: int
        number: str | None

    @staticmethod
    def create_id(key: str, scope: str, **_: object) -> UUID:
        return _key_id(key, scope)

    @classmethod
    def claim(cls, claim: Claim, answer: Answer) -> "IdempotencyKey":
        return cls(
            # The log is the partnership's shared, permanent record: a client's key and who
            # sent it are kept there only as digests, enough to tell one key from another.
            key=_digest(claim.key),
            scope=_digest(claim.scope),
            fingerprint=claim.fingerprint,
            claimed_at=claim.now,
            **vars(answer),
        )

    @event(Claimed)
    def __init__(
        self,
        key: str,
        scope: str,
        fingerprint: str,
        claimed_at: datetime,
        aggregate_id: UUID,
        version: int,
        head_before: int,
        last_event_of: UUID,
        last_event_version: int,
        number: str | None,
    ) -> None:
        self.key = key
        self.scope = scope
        self._answered(
            fingerprint,
            claimed_at,
            Answer(aggregate_id, version, head_before, last_event_of, last_event_version, number),
        )

    def reclaim(self, claim: Claim, answer: Answer) -> None:
        """Use an expired key again, for a new change."""
        self._reclaim(fingerprint=claim.fingerprint, claimed_at=claim.now, **vars(answer))

    @event(Reclaimed)
    def _reclaim(
        self,
        fingerprint: str,
        claimed_at: datetime,
        aggregate_id: UUID,
        version: int,
        head_before: int,
        last_event_of: UUID,
        last_event_version: int,
        number: str | None,
    ) -> None:
        self._answered(
            fingerprint,
            claimed_at,
            Answer(aggregate_id, version, head_before, last_event_of, last_event_version, number),
        )

    def _answered(self, fingerprint: str, claimed_at: datetime, answer: Answer) -> None:
        self.fingerprint = fingerprint
        self.claimed_at = claimed_at
        self.answer = answer

    def expired(self, now: datetime) -> bool:
        return now - self.claimed_at >= KEY_LIFETIME
