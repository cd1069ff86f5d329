"""What every part of the record shares: who recorded a fact, from which paper, and errors."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Transcoding

from partnership.errors import (
    AlreadyExists,
    ConcurrentChange,
    DomainError,
    InvalidInput,
    NotFound,
    RuleViolation,
)
from partnership.limits import (
    NAME_MAX,
    PERSON_ID_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    check_date,
    check_text,
)
from partnership.paper_dates import optional_paper_date

__all__ = [
    "AlreadyExists",
    "ConcurrentChange",
    "DomainError",
    "InvalidInput",
    "NotFound",
    "RuleViolation",
]

# Fixed forever: natural keys hash into this namespace, so changing it would orphan every id.
NATURAL_KEY_NAMESPACE = UUID("5f0c6a52-3b7e-4d2c-9a51-7e0d6c1b2a90")


def natural_id(kind: str, key: str) -> UUID:
    """The id of the aggregate known by `key`, so that the store itself enforces uniqueness."""
    return uuid5(NATURAL_KEY_NAMESPACE, f"{kind}:{normalise_key(key)}")


def normalise_key(key: str) -> str:
    return " ".join(key.split()).upper()


class RecordedEvent(Aggregate.Event):
    """What every event carries for auditors; the store's timestamp is the recorded time.

    `recorded_by` and `recorded_by_authority` say who recorded it as the record names people;
    `recorded_by_id` is the person (or system) behind it, which a name cannot tell apart.
    """

    effective_date: date
    source: str
    recorded_by: str
    recorded_by_authority: str
    recorded_by_id: str
    # When the paper gives the date loosely ("February 2007"), its EDTF text; effective_date is
    # then the period's first day, for ordering. Keyword-only with a default, so every event
    # class keeps its own fields' order and events recorded before it load as exact days.
    effective_when: str | None = field(default=None, kw_only=True)

    # Version 1 events were recorded before the record knew people by id. Every event class
    # inherits this version and its upcast; one that moves to a version 3 of its own keeps
    # `upcast_v1_v2` and adds `upcast_v2_v3`.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        """Nobody knows who, by id, recorded a fact before ids were kept: an empty id says so."""
        state["recorded_by_id"] = ""


class Correction(Aggregate.Event):
    """A wrongly recorded fact, put right by a later event: nothing is edited or deleted.

    Each aggregate that allows corrections declares `class Corrected(Event, Correction)` and
    lists in `correctable_fields` what may be corrected, with a check for the new value.
    """

    corrects_version: int
    field: str
    value: Any
    reason: str

    def apply(self, aggregate: Any) -> None:
        setattr(aggregate, self.field, self.value)


class Correctable:
    """Mixin: `correct()` records a Correction after checking what it corrects and why."""

    correctable_fields: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}
    version: int

    def check_correction(self, corrects_version: int, reason: str) -> str:
        """Every correction names a fact this record holds, and says why; returns the reason."""
        if not 1 <= corrects_version <= self.version:
            raise InvalidInput(
                f"There is no recorded fact number {corrects_version} to correct "
                f"(this record has {self.version}).",
                "correctsVersion",
            )
        return require_text(
            reason, "reason", "The reason for the correction", TEXT_MAX, multiline=True
        )

    def correct(
        self,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: "Provenance",
        actor: "Actor",
    ) -> None:
        if field not in self.correctable_fields:
            allowed = ", ".join(sorted(self.correctable_fields)) or "nothing"
            raise InvalidInput(
                f"{field!r} cannot be corrected here; what can be: {allowed}.", "field"
            )
        reason = self.check_correction(corrects_version, reason)
        checked = self.correctable_fields[field](value)
        self.trigger_event(  # type: ignore[attr-defined]
            self.Corrected,  # type: ignore[attr-defined]
            corrects_version=corrects_version,
            field=field,
            value=checked,
            reason=reason,
            **provenance.event_fields(actor),
        )


@dataclass(frozen=True)
class Actor:
    """The person, and the authority they act for, who records a fact.

    `person` is the name the record shows; `person_id` is who that is for certain: a
    person's id (see partnership.people) or, for work no person asked for, "system:<purpose>"
    (see partnership.access.system_actor).
    """

    person: str
    authority: str
    person_id: str


@dataclass(frozen=True)
class Provenance:
    """When a fact took effect in the world and the paper it came from.

    `effective_when` is the date as the paper gives it (EDTF, see partnership.paper_dates),
    when it gives no exact day; `effective_date` is then that period's first day.
    """

    effective_date: date
    source: str
    effective_when: str | None = None

    @classmethod
    def stated(cls, effective_date: date, source: str, effective_when: str | None) -> "Provenance":
        """The paper's date as given: an exact day, or a looser EDTF date, which the day
        (if given as well) must fall within; the fact then takes effect on its first day."""
        when = optional_paper_date(effective_when, "effectiveWhen", "The effective date")
        if when is None:
            return cls(effective_date, source)
        if not when.contains(effective_date):
            raise InvalidInput(
                f"The effective date {effective_date.isoformat()} is not within "
                f"{when.label} ({when.edtf}); give one, or two that agree.",
                "effectiveWhen",
            )
        return cls(when.earliest, source, when.edtf)

    def event_fields(self, actor: Actor) -> dict[str, Any]:
        """What every event records of who and which paper, each within its limits: every
        event passes through here, so nothing unchecked reaches the log by this route."""
        when = optional_paper_date(self.effective_when, "effectiveWhen", "The effective date")
        # Only a loose date is passed on: aggregates whose creation takes no effective_when
        # keep working with exact days.
        loose = {} if when is None else {"effective_when": when.edtf}
        return loose | {
            "effective_date": check_date(
                self.effective_date if when is None else when.earliest,
                "effectiveDate",
                "The effective date",
            ),
            "source": require_text(self.source, "source", "The source document", SOURCE_MAX),
            "recorded_by": require_text(actor.person, "recordedBy", "The name of who records it"),
            "recorded_by_authority": require_text(
                actor.authority, "recordedByAuthority", "The authority of who records it"
            ),
            "recorded_by_id": require_text(
                actor.person_id, "recordedById", "The id of who records it", PERSON_ID_MAX
            ),
        }


def require_text(
    value: str, field: str, label: str, max_length: int = NAME_MAX, *, multiline: bool = False
) -> str:
    """Text that is not empty, within `max_length`, with no character that cannot be kept;
    newlines are kept only in free text (`multiline`)."""
    return check_text(value, field, label, max_length, multiline=multiline)


def optional_text(
    value: str | None,
    field: str,
    label: str,
    max_length: int = NAME_MAX,
    *,
    multiline: bool = False,
) -> str | None:
    """Like require_text, but None (or only spaces) stays None."""
    if value is None:
        return None
    cleaned = check_text(value, field, label, max_length, multiline=multiline, required=False)
    return cleaned or None


def check_provenance(provenance: Provenance, now: datetime) -> None:
    """A fact that has happened cannot have happened after the moment it is recorded."""
    require_text(provenance.source, "source", "The source document", SOURCE_MAX)
    check_date(provenance.effective_date, "effectiveDate", "The effective date")
    if provenance.effective_date > now.date():
        raise InvalidInput(
            f"The effective date {provenance.effective_date.isoformat()} is in the future; "
            "record what has happened, on or before today "
            f"({now.date().isoformat()}).",
            field="effectiveDate",
        )


class DateAsISO(Transcoding):
    """Effective dates are calendar dates; the default transcoder only knows datetimes."""

    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)
