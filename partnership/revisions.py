"""Putting the record right: a fact corrected, or withdrawn as recorded in error.

Nothing is edited or deleted. A revision is a later event that names the fact it revises (the
version at which the fact was recorded) and says why. To work out what the record says after
it, the record's history is replayed from its first fact with every revision so far applied to
the facts themselves: a corrected fact as it should have been, a withdrawn one left out. The
rules every record keeps are checked on the replayed state, and a revision that would break
one is refused with the reason. The event recorded carries `changes`, the state the replay
gave wherever it differs from the state before, so read models follow it without replaying
anything, and loading the record applies it like any other event.

Withdrawing a record's first fact withdraws the record: it stays in the log and in every read
model, marked withdrawn, and takes no further change.
"""

import copy
import dataclasses
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate

from partnership.errors import InvalidInput, RuleViolation
from partnership.limits import (
    NAME_MAX,
    REFERENCE_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    check_count,
    check_date,
    check_days,
    check_list,
    check_money,
    check_months,
    check_text,
)

# What every event carries for the log itself: a revision never changes these.
_BOOKKEEPING = frozenset(
    {
        "originator_id",
        "originator_version",
        "timestamp",
        "originator_topic",
        "recorded_by",
        "recorded_by_authority",
        "recorded_by_id",
    }
)
# What an aggregate keeps for the library, never part of what a record says.
_LIBRARY_STATE = frozenset(
    {"_id", "_version", "_created_on", "_modified_on", "_pending_events", "_snapshot"}
)
WITHDRAWN_ATTRIBUTE = "withdrawn"

# Text fields take the limit of what they are, told by their names: a read model's column for
# a name is NAME_MAX wide, a reference's REFERENCE_MAX, and only free text keeps newlines.
_FREE_TEXT_WORDS = (
    "description",
    "reason",
    "wording",
    "note",
    "text",
    "objective",
    "summary",
    "outcome",
    "statement",
    "vision",
    "details",
    "update",
    "terms",
)


class FactNotRevisable(InvalidInput):
    code = "fact_not_revisable"


class FactAlreadyWithdrawn(RuleViolation):
    code = "fact_already_withdrawn"


class RecordWithdrawn(RuleViolation):
    """A change to a record withdrawn as recorded in error."""

    code = "record_withdrawn"

    def __init__(self, described: str, field: str | None = None) -> None:
        super().__init__(
            f"{described} was withdrawn as recorded in error; it takes no further change.",
            field,
        )


class RevisionBreaksRule(RuleViolation):
    """The record, replayed with the revision, would break one of its rules."""

    code = "revision_breaks_rule"


class FactRevision(Aggregate.Event):
    """A later fact that corrects or withdraws the fact recorded at `revises_version`."""

    revises_version: int
    reason: str
    changes: dict[str, Any]

    def apply(self, aggregate: Any) -> None:
        # A copy: later facts change lists and mappings of the state in place, and must not
        # change what this fact recorded.
        for attribute, value in self.changes.items():
            setattr(aggregate, attribute, copy.deepcopy(value))


class FactCorrection(FactRevision):
    """One field of an earlier fact, as it should have been recorded."""

    field: str
    value: Any


class FactWithdrawal(FactRevision):
    """An earlier fact withdrawn as recorded in error."""


class Revisable:
    """Mixin for aggregates whose facts can be corrected and withdrawn.

    Each declares `class FactCorrected(Event, FactCorrection)` and `class FactWithdrawn(Event,
    FactWithdrawal)`, names the fields that identify it (its natural key: changing one would
    make it another record, so it is withdrawn and recorded again instead), and may add
    `check_rules` for what must hold of its state whatever facts led to it.
    """

    identity_fields: ClassVar[frozenset[str]] = frozenset()
    # Whether every later fact must take effect on or after the first (a contract's award, a
    # body's establishment): true of every kind whose commands refuse a change dated before.
    facts_follow_first: ClassVar[bool] = True
    # Checks by field name, where a field's general kind says too little.
    field_checks: ClassVar[Mapping[str, Callable[[Any], Any]]] = {}

    def check_rules(self) -> None:
        """Raise a DomainError if the state breaks a rule of this kind of record."""

    def withdrawal_changes(self) -> dict[str, Any]:
        """What withdrawing the whole record changes of its state."""
        return {WITHDRAWN_ATTRIBUTE: True}


def is_withdrawn(aggregate: object) -> bool:
    return bool(getattr(aggregate, WITHDRAWN_ATTRIBUTE, False))


@dataclasses.dataclass(frozen=True)
class Revision:
    """What is asked: a field of fact `version` set to `value`, or the fact withdrawn."""

    version: int
    reason: str
    field: str | None = None
    value: Any = None

    @property
    def withdraws(self) -> bool:
        return self.field is None


def checked_value(fact: Aggregate.Event, kind: type, field: str, value: Any) -> Any:
    """`value` as `fact`'s `field` holds it, within the limits of its kind, or InvalidInput."""
    if field in _BOOKKEEPING or field == "number" or not _has_field(fact, field):
        names = ", ".join(correctable_fields(fact, kind)) or "nothing"
        raise FactNotRevisable(
            f"A {_fact_name(fact)} has no field {field!r} that can be corrected; what can be: "
            f"{names}.",
            "field",
        )
    if field in getattr(kind, "identity_fields", frozenset()):
        raise FactNotRevisable(
            f"{field!r} identifies the record itself: withdraw it as recorded in error and "
            "record it again under the right one.",
            "field",
        )
    checks: Mapping[str, Callable[[Any], Any]] = getattr(kind, "field_checks", {})
    if field in checks:
        return checks[field](value)
    annotation = typing.get_type_hints(type(fact))[field]
    return _by_annotation(annotation, field, value)


def correctable_fields(fact: Aggregate.Event, kind: type) -> list[str]:
    identity: frozenset[str] = getattr(kind, "identity_fields", frozenset())
    return sorted(
        f.name
        for f in dataclasses.fields(fact)
        if f.name not in _BOOKKEEPING and f.name not in identity and f.name != "number"
    )


def _has_field(fact: Aggregate.Event, field: str) -> bool:
    return any(f.name == field for f in dataclasses.fields(fact))


def _fact_name(fact: Aggregate.Event) -> str:
    return type(fact).__qualname__.replace(".", " ")


def _by_annotation(annotation: Any, field: str, value: Any) -> Any:
    optional = _is_optional(annotation)
    if value is None:
        if optional:
            return None
        raise InvalidInput(f"{field} cannot be left empty.", "value")
    base = _without_none(annotation)
    origin = typing.get_origin(base)
    if origin in (list, tuple, Sequence):
        if not isinstance(value, list):
            raise InvalidInput(f"{field} takes a list.", "value")
        (item,) = typing.get_args(base)[:1] or (str,)
        return [_by_annotation(item, field, each) for each in check_list(value, "value", field)]
    if base is bool:
        if not isinstance(value, bool):
            raise InvalidInput(f"{field} takes true or false.", "value")
        return value
    if base is date:
        return check_date(_as_date(value, field), "value", f"The {_label(field)}")
    if base is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInput(f"{field} takes a whole number.", "value")
        if field.endswith("days"):
            return check_days(value, "value", f"The {_label(field)}")
        if field.endswith("months"):
            return check_months(value, "value", f"The {_label(field)}")
        return check_count(value, "value", f"The {_label(field)}")
    if base is Decimal:
        return check_money(value, "value", f"The {_label(field)}")
    if base is str:
        if not isinstance(value, str):
            raise InvalidInput(f"{field} takes text.", "value")
        limit, multiline = text_limit_of(field)
        return check_text(value, "value", f"The {_label(field)}", limit, multiline=multiline)
    raise FactNotRevisable(
        f"{field!r} holds more than one value of its own; correct the fact that set it with "
        "the command made for it, or withdraw it.",
        "field",
    )


def text_limit_of(field: str) -> tuple[int, bool]:
    if field == "source":
        return SOURCE_MAX, False
    if field.endswith(("reference", "key", "number")):
        return REFERENCE_MAX, False
    if field.endswith("title"):
        return TITLE_MAX, False
    if any(word in field for word in _FREE_TEXT_WORDS):
        return TEXT_MAX, True
    return NAME_MAX, False


def _label(field: str) -> str:
    return field.replace("_", " ")


def _as_date(value: Any, field: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InvalidInput(f"{field} takes a date, as YYYY-MM-DD.", "value")


def _is_optional(annotation: Any) -> bool:
    return type(None) in typing.get_args(annotation)


def _without_none(annotation: Any) -> Any:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return annotation


def replay(
    history: Sequence[Aggregate.Event], revision: Revision, kind: type
) -> tuple[Any, Aggregate.Event]:
    """The record as its history says with every revision applied, `revision` among them;
    and the fact `revision` revises, as first recorded.

    Raises RevisionBreaksRule where a fact can no longer follow from the facts before it or the
    state breaks a rule of the record.
    """
    if not 1 <= revision.version <= len(history):
        raise InvalidInput(
            f"There is no fact number {revision.version} (this record has {len(history)}).",
            "version",
        )
    corrected, withdrawn = _revisions_so_far(history)
    target = history[revision.version - 1]
    if isinstance(target, FactRevision):
        raise FactNotRevisable(
            "A correction or withdrawal is not itself revised: record another that says what "
            "is right.",
            "version",
        )
    if revision.version in withdrawn:
        raise FactAlreadyWithdrawn(f"Fact {revision.version} was already withdrawn.", "version")
    if revision.withdraws:
        withdrawn.add(revision.version)
    else:
        assert revision.field is not None
        corrected.setdefault(revision.version, {})[revision.field] = revision.value
    facts = [
        _as_corrected(fact, corrected.get(fact.originator_version, {}))
        for fact in history
        if not isinstance(fact, FactRevision) and fact.originator_version not in withdrawn
    ]
    if getattr(kind, "facts_follow_first", True):
        _check_dates_follow_first(facts)
    state: Any = None
    for fact in facts:
        state = _applied(state, fact)
    assert isinstance(state, kind)
    assert isinstance(state, Revisable)
    state.check_rules()
    return state, target


def _revisions_so_far(
    history: Iterable[Aggregate.Event],
) -> tuple[dict[int, dict[str, Any]], set[int]]:
    corrected: dict[int, dict[str, Any]] = {}
    withdrawn: set[int] = set()
    for fact in history:
        if isinstance(fact, FactCorrection):
            corrected.setdefault(fact.revises_version, {})[fact.field] = fact.value
        elif isinstance(fact, FactWithdrawal):
            withdrawn.add(fact.revises_version)
    return corrected, withdrawn


def _as_corrected(fact: Aggregate.Event, fields: Mapping[str, Any]) -> Aggregate.Event:
    return dataclasses.replace(fact, **fields) if fields else fact


def _check_dates_follow_first(facts: Sequence[Aggregate.Event]) -> None:
    """Every kind of record refuses a change dated before its first fact (a contract's award, a
    body's establishment, a partnership's formation...): a revision may not bring one about."""
    first = getattr(facts[0], "effective_date", None)
    if first is None:
        return
    for fact in facts[1:]:
        day = getattr(fact, "effective_date", None)
        if day is not None and day < first:
            raise RevisionBreaksRule(
                f"Fact {fact.originator_version} ({_fact_name(fact)}) took effect on "
                f"{day.isoformat()}, before the record's first fact ({first.isoformat()}); "
                "correct that fact first.",
                "value",
            )


def _applied(state: Any, fact: Aggregate.Event) -> Any:
    """`fact` applied to `state` without the library's check that versions run on, which a
    withdrawn fact leaves a gap in."""
    if state is None:
        return fact.mutate(None)
    try:
        fact.apply(state)
    except RuleViolation:
        raise
    except Exception as error:
        raise RevisionBreaksRule(
            f"Fact {fact.originator_version} ({_fact_name(fact)}) depends on what this "
            "revision changes; revise or withdraw it first.",
            "version",
        ) from error
    state._version = fact.originator_version
    return state


def changes_between(before: Any, after: Any) -> dict[str, Any]:
    """The state `after` holds wherever it differs from `before`: what a revision records."""
    changed: dict[str, Any] = {}
    names = (set(vars(before)) | set(vars(after))) - _LIBRARY_STATE
    for name in sorted(names):
        old, new = vars(before).get(name), vars(after).get(name)
        if old != new:
            changed[name] = _storable(new, name)
    return changed


def _storable(value: Any, name: str) -> Any:
    """`value` as the log keeps it: a list for a tuple, and nothing the log cannot hold."""
    if isinstance(value, tuple | list):
        return [_storable(each, name) for each in value]
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError(f"{name} is keyed by something other than text")
        return {key: _storable(each, name) for key, each in value.items()}
    if value is None or isinstance(value, str | int | bool | Decimal | date | UUID):
        return value
    raise TypeError(f"{name} holds a {type(value).__name__}, which a revision cannot record")
