"""Recurring practices: what authorities do on a cadence, as a weekly meeting with a supplier.

A practice is a standing arrangement, not an event: "a weekly supplier meeting with Liberata,
from 1 April 2008, until further notice". The meetings it leads to are recorded one by one as
supplier meetings; the practice says how often they are meant to happen, between whom, and
from when until when. It is named for good by its name.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from partnership.domain import (
    Actor,
    AlreadyExists,
    InvalidInput,
    NotFound,
    Provenance,
    RecordedEvent,
    RuleViolation,
    natural_id,
    normalise_key,
    require_text,
)
from partnership.limits import NAME_MAX, TEXT_MAX, check_date, check_list

SUPPLIER_MEETING = "supplier_meeting"
OTHER = "other"
PRACTICE_KINDS = (SUPPLIER_MEETING, OTHER)

WEEK = "week"
MONTH = "month"
CADENCE_UNITS = (WEEK, MONTH)
# The longest interval each unit may name: a practice less often than yearly is no cadence.
LONGEST_INTERVAL = {WEEK: 52, MONTH: 12}
NAMED_CADENCES = {
    "weekly": (1, WEEK),
    "fortnightly": (2, WEEK),
    "monthly": (1, MONTH),
    "quarterly": (3, MONTH),
}
# A cadence the names above do not cover, with its interval given apart.
EVERY_N_WEEKS = "every_n_weeks"
EVERY_N_MONTHS = "every_n_months"
COUNTED_CADENCES = {EVERY_N_WEEKS: WEEK, EVERY_N_MONTHS: MONTH}
CADENCES = (*NAMED_CADENCES, *COUNTED_CADENCES)


class PracticeNotFound(NotFound):
    code = "practice_not_found"

    def __init__(self, name: str) -> None:
        super().__init__(f"There is no practice called {name!r} on record.", "name")


class PracticeAlreadyRecorded(AlreadyExists):
    code = "practice_already_recorded"

    def __init__(self, name: str) -> None:
        super().__init__(
            f"A practice called {name!r} is already on record; a name identifies one practice "
            "for good.",
            "name",
        )


class PracticeEndsBeforeStart(RuleViolation):
    code = "practice_ends_before_start"


class PracticeAlreadyEnded(RuleViolation):
    code = "practice_already_ended"


def practice_id(name: str) -> UUID:
    return natural_id("practice", name)


@dataclass(frozen=True)
class Cadence:
    """How often a practice recurs: every `every` weeks or months."""

    every: int
    unit: str

    @classmethod
    def of(cls, cadence: str, every: int | None = None) -> "Cadence":
        """weekly, fortnightly, monthly or quarterly (no `every`); or every_n_weeks or
        every_n_months, `every` saying how many."""
        if cadence in NAMED_CADENCES:
            if every is not None:
                raise InvalidInput(
                    f"A {cadence} cadence says how often already; leave out the interval.",
                    "every",
                )
            named_every, unit = NAMED_CADENCES[cadence]
            return cls(named_every, unit).validated()
        if cadence in COUNTED_CADENCES:
            if every is None:
                raise InvalidInput(f"Say how many for {cadence}: the interval.", "every")
            return cls(every, COUNTED_CADENCES[cadence]).validated()
        raise InvalidInput(
            f"The cadence must be one of {', '.join(CADENCES)}, not {cadence!r}.", "cadence"
        )

    def validated(self) -> "Cadence":
        if self.unit not in CADENCE_UNITS:
            raise InvalidInput(
                f"A cadence counts in {' or '.join(CADENCE_UNITS)}s, not {self.unit!r}.",
                "cadence",
            )
        longest = LONGEST_INTERVAL[self.unit]
        if isinstance(self.every, bool) or not isinstance(self.every, int):
            raise InvalidInput("A cadence's interval must be a whole number.", "every")
        if not 1 <= self.every <= longest:
            raise InvalidInput(
                f"A cadence runs every 1 to {longest} {self.unit}s, not every {self.every}.",
                "every",
            )
        return self

    def describe(self) -> str:
        for name, (every, unit) in NAMED_CADENCES.items():
            if (every, unit) == (self.every, self.unit):
                return name
        return f"every {self.every} {self.unit}s"


def _names(values: Iterable[str], field: str, label: str) -> list[str]:
    if isinstance(values, str):
        raise InvalidInput(f"{label} must be a list of names.", field)
    cleaned: list[str] = []
    for value in check_list(list(values), field, label):
        name = require_text(value, field, f"Each name in {label.lower()}", NAME_MAX)
        if any(normalise_key(name) == normalise_key(other) for other in cleaned):
            raise InvalidInput(f"{name} is listed twice.", field)
        cleaned.append(name)
    return cleaned


class Practice(Aggregate):
    """A recurring practice between authorities (and suppliers), from a start date to an end
    date or until further notice."""

    class Event(RecordedEvent, Aggregate.Event):
        pass

    class Recorded(Event, Aggregate.Created):
        name: str
        kind: str
        authorities: list[str]
        suppliers: list[str]
        cadence_every: int
        cadence_unit: str
        starts_on: date
        ends_on: date | None

    class Ended(Event):
        ends_on: date
        reason: str

        def apply(self, aggregate: "Practice") -> None:
            aggregate.ends_on = self.ends_on
            aggregate.ended = True
            aggregate.ending_reason = self.reason

    @staticmethod
    def create_id(name: str) -> UUID:
        return practice_id(name)

    @classmethod
    def record(
        cls,
        name: str,
        kind: str,
        authorities: Iterable[str],
        suppliers: Iterable[str],
        cadence: Cadence,
        starts_on: date,
        ends_on: date | None,
        provenance: Provenance,
        actor: Actor,
    ) -> "Practice":
        """`authorities` are the registered authorities taking part, named as registered."""
        name = require_text(name, "name", "The practice's name", NAME_MAX)
        if kind not in PRACTICE_KINDS:
            raise InvalidInput(
                f"The kind of practice must be one of {', '.join(PRACTICE_KINDS)}, not {kind!r}.",
                "kind",
            )
        parties = _names(authorities, "authorities", "The authorities")
        if not parties:
            raise InvalidInput(
                "A practice needs at least one authority taking part.", "authorities"
            )
        met = _names(suppliers, "suppliers", "The suppliers")
        if kind == SUPPLIER_MEETING and not met:
            raise InvalidInput("A supplier meeting needs the supplier it is with.", "suppliers")
        cadence = cadence.validated()
        check_date(starts_on, "startsOn", "The start date")
        if ends_on is not None:
            _check_end(name, starts_on, ends_on)
        return cls(
            name=name,
            kind=kind,
            authorities=parties,
            suppliers=met,
            cadence_every=cadence.every,
            cadence_unit=cadence.unit,
            starts_on=starts_on,
            ends_on=ends_on,
            **provenance.event_fields(actor),
        )

    @event(Recorded)
    def __init__(
        self,
        name: str,
        kind: str,
        authorities: list[str],
        suppliers: list[str],
        cadence_every: int,
        cadence_unit: str,
        starts_on: date,
        ends_on: date | None,
        effective_date: date,
        source: str,
        recorded_by: str,
        recorded_by_authority: str,
        recorded_by_id: str,
    ) -> None:
        self.name = name
        self.kind = kind
        self.authorities = list(authorities)
        self.suppliers = list(suppliers)
        self.cadence_every = cadence_every
        self.cadence_unit = cadence_unit
        self.starts_on = starts_on
        self.ends_on = ends_on
        self.ended = False
        self.ending_reason: str | None = None

    def end(self, ends_on: date, reason: str, provenance: Provenance, actor: Actor) -> None:
        """Record that the practice stops: `ends_on` is the last day it runs. An end planned
        when it was recorded may be brought forward or put back; an ending, once recorded, is
        final."""
        if self.ended:
            assert self.ends_on is not None, "an ended practice has its last day"
            raise PracticeAlreadyEnded(
                f"{self.name} was already recorded as ending on {self.ends_on.isoformat()}.",
                "name",
            )
        check_date(ends_on, "endsOn", "The end date")
        _check_end(self.name, self.starts_on, ends_on)
        reason = require_text(reason, "reason", "The reason it ended", TEXT_MAX, multiline=True)
        self.trigger_event(
            self.Ended, ends_on=ends_on, reason=reason, **provenance.event_fields(actor)
        )

    @property
    def cadence(self) -> Cadence:
        return Cadence(self.cadence_every, self.cadence_unit)

    def runs_on(self, day: date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


def _check_end(name: str, starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise PracticeEndsBeforeStart(
            f"{name} starts on {starts_on.isoformat()}; it cannot end before that "
            f"({ends_on.isoformat()}).",
            "endsOn",
        )
