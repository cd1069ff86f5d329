"""Every event the record accepts is projected by every read model, on both stores.

A seeded sequence of commands over every area of the record uses extreme but valid values:
names, titles, sources and free text at their longest, in characters of every width UTF-8 has
(and random enough that PostgreSQL cannot compress them), newlines in free text, the first and
last days the record covers, the longest periods and the largest counts and amounts. After each
accepted command every read model must reach it; at the end, a rebuild (into a fresh store, and
in place) must equal the live read models row for row.
"""

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from eventsourcing.utils import get_topic
from sqlalchemy import JSON, BigInteger, Boolean, Date, Integer, String, Table, Text, func, select

from partnership.application import PartnershipApplication
from partnership.domain import Actor, Provenance
from partnership.limits import (
    DAYS_MAX,
    EARLIEST_DATE,
    EMAIL_LOCAL_PART_MAX,
    EMAIL_MAX,
    LATEST_DATE,
    MONEY_MAX,
    MONTHS_MAX,
    NAME_MAX,
    PERSON_ID_MAX,
    REFERENCE_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from projections.columns import UtcDateTime
from projections.contracts import contracts_register
from projections.people import people
from projections.runner import all_projections
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.conftest import MovableClock
from tests.integration.random_commands import AREAS, BODIES, EVENTS, Names, RandomCommands
from tests.integration.test_rebuild_equality import assert_rebuilds_equal_live, snapshot

# A seed whose sequence records every kind of event; enough commands for that.
SEED = "extreme-3"
COMMANDS = 800
LARGEST_AMOUNT = MONEY_MAX - Decimal("0.01")

# What each made-up value is (by the words it starts with), for how long it may be.
SOURCES = ("Paper", "Minutes", "Report")
TITLES = ("Item", "Managed service", "Milestone", "Objective", "Topic", "Weekly contract meeting",
          "Inquiry into partnership working")  # fmt: skip
FREE_TEXT = ("Purpose", "Vision", "Left", "Term", "Stood down", "Not quorate", "RESOLVED that",
             "RESOLVED instead that", "Variation", "Supplier failure", "Description", "Slipped",
             "Supplier late", "Note", "Recommendation", "Update", "Action", "Done", "Issue",
             "Seen", "Left the post")  # fmt: skip
# The longest each may be, and whether it is free text (newlines kept); a name otherwise.
LIMITS: dict[str, tuple[int, bool]] = {
    **dict.fromkeys(SOURCES, (SOURCE_MAX, False)),
    **dict.fromkeys(TITLES, (TITLE_MAX, False)),
    **dict.fromkeys(FREE_TEXT, (TEXT_MAX, True)),
}

# Latin letters with accents (2 bytes in UTF-8), CJK (3), emoji and CJK Extension B (4): none
# changes length when upper-cased, as names sometimes are when typed.
_RANGES = ((0x61, 0x7A), (0xE0, 0xF6), (0x175, 0x175), (0x4E00, 0x9FFF), (0x1F600, 0x1F64F),
           (0x20000, 0x2A6DF))  # fmt: skip


def filler(rng: random.Random, length: int, separators: str = " ") -> str:
    """`length` characters of words, folded and trimmed as the record keeps them already."""
    out: list[str] = []
    while len(out) < length:
        low, high = rng.choice(_RANGES)
        out += [chr(rng.randint(low, high)) for _ in range(rng.randint(1, 12))]
        if separators and len(out) < length - 1:
            out.append(rng.choice(separators))
    return "".join(out[:length])


def extreme_names(rng: random.Random) -> Names:
    def names(count: int, stem: str, length: int = NAME_MAX) -> tuple[str, ...]:
        found = []
        for i in range(count):
            start = f"{stem} {i} Ŵ "
            found.append(start + filler(rng, length - len(start)))
        return tuple(found)

    return Names(
        authorities=names(5, "County Council") + names(5, "Borough Council"),
        partnerships=names(3, "Partnership"),
        bodies=dict(zip(names(len(BODIES), "Body"), BODIES.values(), strict=True)),
        projects=names(4, "Project"),
        scrutiny=names(2, "Scrutiny Panel"),
        suppliers=names(5, "Supplier"),
        # "Councillor " goes before each when it is used.
        surnames=names(8, "Surname", NAME_MAX - len("Councillor ")),
        officers=names(7, "Officer", NAME_MAX - len("Councillor ")),
    )


class ExtremeCommands(RandomCommands):
    """The same commands, with values at the edges of what the record accepts."""

    def __init__(
        self, app: PartnershipApplication, clock: MovableClock, rng: random.Random, actor: Actor
    ) -> None:
        super().__init__(app, clock, rng, actor)
        self.names = extreme_names(rng)

    def at_most(self, limit: int, start: str, separators: str = " ") -> str:
        return start + filler(self.rng, limit - len(start), separators)

    def text(self, what: str) -> str:
        short = super().text(what)
        if self.chance(0.3):
            return f"{short} Ŵ 漢字 🦉"
        limit, free = LIMITS.get(what, (NAME_MAX, False))
        return self.at_most(limit, f"{short} ", " \n\t" if free else " ")

    def next_day(self) -> date:
        return min(super().next_day(), LATEST_DATE)

    def day_near(self, day: date, low: int, high: int) -> date:
        roll = self.rng.random()
        if roll < 0.1:
            return EARLIEST_DATE
        if roll < 0.2:
            return LATEST_DATE
        if roll < 0.3:  # long ago, so that a century's extension still fits
            return EARLIEST_DATE + timedelta(days=self.rng.randint(0, 20_000))
        return min(max(super().day_near(day, low, high), EARLIEST_DATE), LATEST_DATE)

    def on(self, not_before: date | None = None) -> Provenance:
        if self.chance(0.05):
            return Provenance(EARLIEST_DATE, self.text("Paper"))
        return super().on(not_before)

    def number_between(self, low: int, high: int, cap: int) -> int:
        return self.pick((cap, cap, low, super().number_between(low, high, cap)))

    def money(self) -> Decimal:
        return self.pick(
            (LARGEST_AMOUNT, LARGEST_AMOUNT, Decimal(0), Decimal("0.01"), super().money())
        )

    def contract_reference(self, number: int) -> str:
        return self.at_most(REFERENCE_MAX, f"{super().contract_reference(number)}/", "")

    def milestone_key(self, number: int) -> str:
        # Letters and digits only, in words the record joins with hyphens.
        key = super().milestone_key(number)
        while len(key) < REFERENCE_MAX:
            word = "".join(self.rng.choice("abcXYZ0189") for _ in range(self.rng.randint(1, 9)))
            key += self.rng.choice(" -") + word
        return key[:REFERENCE_MAX]

    def agenda_number(self, number: int) -> str:
        return self.pick((str(number), self.at_most(REFERENCE_MAX, f"{number}-", "")))

    def recommendation_number(self, number: int) -> str:
        return self.pick((str(number), f"{number}".ljust(REFERENCE_MAX, "z")))

    def extension_months(self) -> int:
        return self.pick((MONTHS_MAX, 1, super().extension_months()))

    def email(self, surname: str, number: int) -> str:
        if self.chance(0.5):
            return super().email(surname, number)
        local = self.at_most(EMAIL_LOCAL_PART_MAX, f"{number}.", "")
        return f"{local}@{filler(self.rng, EMAIL_MAX - len(local) - 1, '.')}"

    def response_windows(self) -> tuple[int | None, ...]:
        return (None, 1, DAYS_MAX, DAYS_MAX)


EXTREME_ACTOR = Actor(
    "Ŵ" + filler(random.Random("person"), NAME_MAX - 1),
    "Ŵ" + filler(random.Random("authority"), NAME_MAX - 1),
    "Ŵ" + filler(random.Random("person id"), PERSON_ID_MAX - 1),
)


@pytest.mark.slow
def test_every_accepted_event_of_extreme_values_is_projected_and_rebuilt_alike(
    runtime: Runtime, clock: MovableClock, tmp_path: Path
) -> None:
    app = runtime.app
    clock.set_day(LATEST_DATE - timedelta(days=500))
    commands = ExtremeCommands(app, clock, random.Random(SEED), EXTREME_ACTOR)
    for _ in range(COMMANDS):
        result = commands.step()
        if result is not None:
            # As every mutation does; a read model that cannot take an event stays behind it.
            runtime.seen(result)

    head = app.head_position()
    runtime.runner.catch_up()
    assert set(runtime.runner.positions().values()) == {head}
    check_the_extremes_were_accepted(commands, runtime)
    assert_rebuilds_equal_live(runtime, tmp_path, snapshot(runtime.store))


def check_the_extremes_were_accepted(commands: ExtremeCommands, runtime: Runtime) -> None:
    """Guards against a vacuous pass: the extremes were recorded, so they were projected."""
    counts = commands.counts
    succeeded = counts.by_area(counts.succeeded)
    assert sum(succeeded.values()) >= 0.7 * COMMANDS, counts.refusals
    assert min(succeeded[area] for area in AREAS) >= 20, (succeeded, counts.refusals)
    notifications = runtime.app.recorder.select_notifications(
        start=1, limit=runtime.app.head_position()
    )
    logged = {notification.topic for notification in notifications}
    expected = {get_topic(getattr(kind, name)) for kind, names in EVENTS.items() for name in names}
    assert sorted(expected - logged) == []
    register, entries = contracts_register.c, timeline_entries.c
    with runtime.store.reader.connect() as conn:
        found = {
            "largest amount": conn.scalar(
                select(func.count()).where(register.value == str(LARGEST_AMOUNT))
            ),
            "longest notice": conn.scalar(
                select(func.count()).where(register.notice_period_days == DAYS_MAX)
            ),
            "last day": conn.scalar(select(func.count()).where(register.end_date == LATEST_DATE)),
            "longest reference": conn.scalar(
                select(func.count()).where(func.length(register.reference) == REFERENCE_MAX)
            ),
            "longest supplier": conn.scalar(
                select(func.count()).where(func.length(register.supplier) == NAME_MAX)
            ),
            "first day": conn.scalar(
                select(func.count()).where(entries.effective_date == EARLIEST_DATE)
            ),
            "longest source": conn.scalar(
                select(func.count()).where(func.length(entries.source) == SOURCE_MAX)
            ),
            "free text past any one limit": conn.scalar(
                select(func.count()).where(func.length(entries.summary) > TEXT_MAX)
            ),
            "newlines": conn.scalar(select(func.count()).where(entries.summary.contains("\n"))),
            "longest e-mail address": conn.scalar(
                select(func.count()).where(func.length(people.c.email) == EMAIL_MAX)
            ),
            "longest id of who recorded it": conn.scalar(
                select(func.count()).where(func.length(entries.recorded_by_id) == PERSON_ID_MAX)
            ),
        }
    assert [what for what, count in found.items() if not count] == [], found


# Bytes one column can take in a PostgreSQL index entry: 4 per character, plus its header.
_FIXED_WIDTH: dict[type, int] = {Date: 4, Integer: 4, BigInteger: 8, Boolean: 1, UtcDateTime: 8}
# PostgreSQL refuses an index entry over 2,704 bytes; the entry has a header of its own.
INDEX_ENTRY_MAX = 2_704 - 24


def index_entry_bytes(table: Table, columns: list[Any]) -> int:
    total = 0
    for column in columns:
        kind = column.type
        if isinstance(kind, Text | JSON) or (isinstance(kind, String) and kind.length is None):
            raise AssertionError(f"{table.name}.{column.name} is unbounded but indexed")
        if isinstance(kind, String):
            total += 4 * kind.length + 4
        else:
            total += next(size for cls, size in _FIXED_WIDTH.items() if isinstance(kind, cls))
    return total


def test_every_index_entry_fits_postgresql_at_the_longest_values() -> None:
    """Text at its longest, in 4-byte characters, still makes index entries PostgreSQL takes."""
    too_big = {}
    for projection in all_projections():
        for table in projection.tables:
            keyed = [list(table.primary_key.columns)]
            keyed += [list(index.columns) for index in table.indexes]
            keyed += [
                list(constraint.columns)
                for constraint in table.constraints
                if constraint.__class__.__name__ == "UniqueConstraint"
            ]
            keyed += [[column] for column in table.columns if column.unique]
            for columns in keyed:
                size = index_entry_bytes(table, columns)
                if size > INDEX_ENTRY_MAX:
                    too_big[f"{table.name}({', '.join(c.name for c in columns)})"] = size
    assert too_big == {}
