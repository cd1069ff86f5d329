"""The parts mutation inputs share, written once: the paper a change comes from, the version
it was made against, and the fields that together name a meeting or a milestone.

An input takes a part by inheriting it; the part's fields stay flat in the input (so every
input keeps its shape) and come after the input's own fields, where they always stood. The
readers at the end turn corrected values, which arrive as text, into what the record takes.
"""

from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar

import strawberry

from partnership import domain
from partnership.addresses import MeetingAddress, MilestoneAddress
from partnership.domain import Provenance

EFFECTIVE_DATE = "When it happened in the world (not when you are recording it)."
EFFECTIVE_WHEN = (
    "When it happened, as loosely as the paper gives it, in EDTF: a month (2007-02), a year "
    "(2011), either about (2008-09~); leave out when the paper gives the day. Given, the fact "
    "takes effect on the period's first day, and effectiveDate must fall within the period."
)
SOURCE = "The paper it comes from: body, meeting date and item, or paper title and date."
EXPECTED_VERSION = (
    "The record's version you last saw (the `version` a change to it returned); the change "
    "is refused if it has moved on."
)
CORRECTS_VERSION = (
    "The version of the record whose fact was wrong (1 is the first fact recorded about it)."
)
CORRECTION_REASON = "Why the recorded fact was wrong, e.g. 'minuted as 90 days, entered as 180'."
CORRECTION = (
    "Put right a wrongly recorded fact. Nothing is edited or deleted: the correction is a "
    "new fact that names the one it corrects and why."
)
PARTNERSHIP = "The partnership's name, as it was formed."
OWNER = (
    "The partnership's name, or for an authority's own body or project, the authority's name "
    "(either's global id will do). A partnership's body or project of that name is found "
    "first. An authority's own body answers to no partnership: it may appoint any registered "
    "authority, and all its members on a meeting's day vote there."
)
AUTHORITY = "The authority's name, as it was registered, e.g. Burnley Borough Council."
BODY = "The governing body's name, as it was established, e.g. Joint Committee."
MEETING_DATE = "The day the meeting is or was held."
SEQUENCE = "Which of the body's meetings that day: 1 for the first (nearly always), 2 for a second."
PROJECT = "The project's name, as it was started, e.g. CRM Front Office implementation."
KEY = "The milestone's key, e.g. pilot-start ('Pilot start' means the same)."

# The fields of the shared parts that the envelope carries rather than the command's own.
ENVELOPE_FIELDS = ("effective_date", "effective_when", "source", "expected_version")

T = TypeVar("T")


@strawberry.input
class StatedInput:
    """A change's paper: when it took effect in the world, and where it is written down."""

    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    effective_when: str | None = strawberry.field(default=None, description=EFFECTIVE_WHEN)

    def provenance(self, now: datetime) -> Provenance:
        return Provenance.stated(self.effective_date, self.source, self.effective_when)


@strawberry.input
class ChangeInput(StatedInput):
    """A change to a record already kept, made against the version of it last seen."""

    expected_version: int | None = strawberry.field(default=None, description=EXPECTED_VERSION)


class AddressPart:
    """Fields of an input that name one record together; the command takes them as one value,
    under the keyword `argument`."""

    argument = ""

    def address(self) -> object:
        raise NotImplementedError


@strawberry.input
class MeetingAt(AddressPart):
    partnership: str = strawberry.field(description=OWNER)
    body: str = strawberry.field(description=BODY)
    meeting_date: date = strawberry.field(description=MEETING_DATE)
    sequence: int = strawberry.field(default=1, description=SEQUENCE)

    argument = "meeting"

    def address(self) -> MeetingAddress:
        return MeetingAddress(self.partnership, self.body, self.meeting_date, self.sequence)


@strawberry.input
class MilestoneAt(AddressPart):
    partnership: str = strawberry.field(description=OWNER)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(description=KEY)

    argument = "milestone"

    def address(self) -> MilestoneAddress:
        return MilestoneAddress(self.partnership, self.project, self.key)


def shared_parts_last(cls: T) -> T:
    """Put the paper and version after the input's own fields, where readers look for them
    (dataclass inheritance would put them first)."""
    fields = cls.__strawberry_definition__.fields  # type: ignore[attr-defined]
    fields.sort(key=lambda field: field.python_name in ENVELOPE_FIELDS)
    return cls


def version_seen(record: str) -> str:
    """The description of `expectedVersion` for changes to `record`."""
    return (
        f"The {record}'s version you last saw (the `version` a change to it returned); "
        "the change is refused if it has moved on."
    )


def domain_code(member: Enum) -> str:
    """What the record holds for a GraphQL enum value (DISTRICT is recorded as district)."""
    return str(member.value)


# Corrected values arrive as text, whatever the field: these read them as the domain wants
# them. They raise the domain's own InvalidInput, so a malformed value is refused like any
# other input, naming the field "value".


def required_value(value: str | None, label: str) -> str:
    if value is None:
        raise domain.InvalidInput(f"Give the corrected {label}; it cannot be left empty.", "value")
    return value


def optional_value(value: str | None) -> str | None:
    """Blank means none: forms send an empty string for a cleared field."""
    return None if value is None or not value.strip() else value


def date_value(value: str | None, label: str) -> date | None:
    cleaned = optional_value(value)
    if cleaned is None:
        return None
    try:
        return date.fromisoformat(cleaned.strip())
    except ValueError:
        raise domain.InvalidInput(
            f"The {label} is a date written like 2011-10-31, not {value!r}.", "value"
        ) from None


def code_value(value: str | None, codes: type[Enum], label: str) -> str:
    """One of a closed set, as its GraphQL name (DISTRICT) or as recorded (district)."""
    given = required_value(value, label)
    wanted = "_".join(given.split()).lower()
    for member in codes:
        if wanted in (member.value, member.name.lower()):
            return str(member.value)
    names = ", ".join(member.name for member in codes)
    raise domain.InvalidInput(f"The {label} must be one of {names}, not {given!r}.", "value")


def one_list(
    given: dict[Any, Any], chosen: Any, names: dict[Any, str], may_be_absent: Any = None
) -> Any:
    """The one list named by `chosen` of a correction's lists; giving another as well is a
    mistake worth catching, and so is leaving the chosen one out (unless it is the list whose
    absence itself means something)."""
    for field, value in given.items():
        if field is not chosen and value is not None:
            raise domain.InvalidInput(
                f"Correcting {names[chosen]}, so give that list alone, not {names[field]} as well.",
                names[field],
            )
    if given[chosen] is None and chosen is not may_be_absent:
        raise domain.InvalidInput(f"Give the corrected {names[chosen]}, in full.", names[chosen])
    return given[chosen]
