"""Dates as the papers give them: a day, a month or a year, perhaps approximate or uncertain.

Council papers say "February 2007", "by September 2008", "end of October 2011". Recording such
a date as an exact day invents a fact, and a deadline on an invented day raises alerts a month
early. A `PaperDate` keeps what the paper said, written in EDTF (ISO 8601-2, level 1):
`2007-02`, `2008-09~` (about), `2011?` (perhaps), `2011-10-31`. Everything the record computes
from it uses one of its two ends: `earliest` orders facts in time, `latest` is the deadline
(a milestone due "2008-09" is overdue from 1 October 2008). See docs/dates.md.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from edtf import Date, EDTFParseException, UncertainOrApproximate, parse_edtf

from partnership.errors import InvalidInput
from partnership.limits import (
    DAYS_MAX,
    EARLIEST_DATE,
    LATEST_DATE,
    MONTHS_MAX,
    check_date,
    check_whole_number,
)

DAY = "day"
MONTH = "month"
YEAR = "year"

# The longest accepted form is a qualified day, "2011-10-31%" (11 characters); anything much
# longer is not a date, and is refused before the parser spends time on it.
PAPER_DATE_MAX = 20

_QUALIFIER_WORDS = {"~": "about", "?": "perhaps", "%": "perhaps about"}

PAPER_DATE_LIMIT = (
    "A date as the paper gives it, in EDTF: a day (2011-10-31), a month (2007-02) or a year "
    "(2011), optionally ending in ~ (about), ? (perhaps) or % (both): e.g. 2008-09~. "
    f"From {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."
)


@dataclass(frozen=True)
class PaperDate:
    """One date as a paper gives it.

    `edtf` is the normalised EDTF text, which is what events keep; `earliest` and `latest`
    are the first and last days of the period it names (the same day for a day). A qualifier
    (`~`, `?`, `%`) says how sure the paper is; it does not widen the period.
    """

    edtf: str
    precision: str
    earliest: date
    latest: date
    qualifier: str = ""

    @classmethod
    def of_day(cls, day: date) -> "PaperDate":
        """An exact day, as every date was before the record kept precision."""
        return cls(day.isoformat(), DAY, day, day)

    @property
    def approximate(self) -> bool:
        return self.qualifier in ("~", "%")

    @property
    def uncertain(self) -> bool:
        return self.qualifier in ("?", "%")

    @property
    def label(self) -> str:
        """How a reader says it: '12 March 2008', 'February 2007', 'about September 2008'."""
        day = self.earliest
        if self.precision == DAY:
            plain = f"{day.day} {calendar.month_name[day.month]} {day.year}"
        elif self.precision == MONTH:
            plain = f"{calendar.month_name[day.month]} {day.year}"
        else:
            plain = str(day.year)
        word = _QUALIFIER_WORDS.get(self.qualifier)
        return plain if word is None else f"{word} {plain}"

    def contains(self, day: date) -> bool:
        return self.earliest <= day <= self.latest


def paper_date(value: object, field: str, label: str = "The date") -> PaperDate:
    """The EDTF text `value` read as a PaperDate, or InvalidInput naming `field`."""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text in EDTF, such as 2007-02.", field)
    text = value.strip()
    if not text:
        raise InvalidInput(f"{label} must not be empty.", field)
    if len(text) > PAPER_DATE_MAX:
        raise InvalidInput(
            f"{label} is {len(text):,} characters long; a date is at most {PAPER_DATE_MAX}.",
            field,
        )
    try:
        parsed = parse_edtf(text)
    except EDTFParseException:
        raise _refused(value, field, label) from None
    qualifier = ""
    if isinstance(parsed, UncertainOrApproximate) and type(parsed.date) is Date:
        qualifier = str(parsed.ua)
        parsed = parsed.date
    # Only plain days, months and years: intervals, seasons, unspecified digits (199X) and
    # the level 2 forms name periods no deadline can be read from without a rule of its own.
    if (
        type(parsed) is not Date
        or parsed.significant_digits
        or qualifier not in ("", "~", "?", "%")
    ):
        raise _refused(value, field, label)
    return _bounded(parsed, qualifier, value, field, label)


def optional_paper_date(value: object, field: str, label: str = "The date") -> PaperDate | None:
    """Like paper_date, but None (or only spaces) stays None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return paper_date(value, field, label)


def stored_paper_date(edtf: str | None, day: date) -> PaperDate:
    """The date an event holds: its EDTF text, or, in events recorded before precision was
    kept (no text), the exact day it holds."""
    if edtf is None:
        return PaperDate.of_day(day)
    return paper_date(edtf, "edtf", "The recorded date")


def _bounded(parsed: Date, qualifier: str, value: str, field: str, label: str) -> PaperDate:
    year = int(parsed.year)
    if not EARLIEST_DATE.year <= year <= LATEST_DATE.year:
        raise InvalidInput(
            f"{label} {value.strip()} is outside the dates the record covers "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}).",
            field,
        )
    precision = str(parsed.precision)
    if precision == DAY:
        try:
            earliest = latest = date(year, int(parsed.month), int(parsed.day))
        except ValueError:
            # The parser lets 29 February through in any year.
            raise _refused(value, field, label) from None
    elif precision == MONTH:
        month = int(parsed.month)
        earliest = date(year, month, 1)
        latest = date(year, month, calendar.monthrange(year, month)[1])
    elif precision == YEAR:
        earliest, latest = date(year, 1, 1), date(year, 12, 31)
    else:
        raise _refused(value, field, label)
    check_date(earliest, field, label)
    check_date(latest, field, label)
    return PaperDate(f"{parsed}{qualifier}", precision, earliest, latest, qualifier)


def _refused(value: str, field: str, label: str) -> InvalidInput:
    shown = value.strip()[:PAPER_DATE_MAX]
    return InvalidInput(
        f"{label} {shown!r} is not a date the record takes: write a day (2011-10-31), a month "
        "(2007-02) or a year (2011), with ~ for about, ? for perhaps or % for both (2008-09~).",
        field,
    )


def deadline(
    day: date | None, edtf: str | None, day_field: str, when_field: str, label: str
) -> PaperDate:
    """A date something is due by, given as an exact day (`day`), as the paper gives it
    (`edtf`), or both, when the day must fall within the paper's period."""
    when = optional_paper_date(edtf, when_field, label)
    if when is None:
        if day is None:
            raise InvalidInput(
                f"{label} is needed: give it as a day or as an EDTF date.", day_field
            )
        return PaperDate.of_day(check_date(day, day_field, label))
    if day is not None and not when.contains(day):
        raise InvalidInput(
            f"{label} {day.isoformat()} is not within {when.label} ({when.edtf}); "
            "give one, or two that agree.",
            when_field,
        )
    return when


def loose_text(when: PaperDate) -> str | None:
    """What an event keeps beside the day: the EDTF text, unless it says no more than the day."""
    return None if when.edtf == when.latest.isoformat() else when.edtf


# Periods before a date: notice periods as contracts state them ("three months' notice").

DAYS = "days"
WEEKS = "weeks"
MONTHS = "months"
_PERIOD_MAXIMA = {DAYS: DAYS_MAX, WEEKS: DAYS_MAX // 7, MONTHS: MONTHS_MAX}
_ISO_UNITS = {DAYS: "D", WEEKS: "W", MONTHS: "M"}
_ISO_PERIOD = re.compile(r"P([0-9]{1,6})([DWM])")
_SPOKEN_PERIOD = re.compile(r"([0-9]{1,6}) *(days?|weeks?|months?)")
PERIOD_TEXT_MAX = 16

PERIOD_LIMIT = (
    f"A whole number of days (0 to {DAYS_MAX:,}), weeks (0 to {DAYS_MAX // 7:,}) or months "
    f"(0 to {MONTHS_MAX:,})."
)


@dataclass(frozen=True)
class Period:
    """A length of time as a contract states it: days, weeks or calendar months.

    Months are counted on the calendar, not as 30 or 31 days: 3 months before 30 November is
    30 August, and a day the earlier month lacks clips to its last day (3 months before
    31 May is 28 or 29 February). Events keep it as ISO 8601 text (`P3M`, `P2W`, `P92D`).
    """

    amount: int
    unit: str

    @classmethod
    def of(cls, amount: Any, unit: object, field: str, label: str) -> "Period":
        """A period from input, each part checked (amount and unit arrive unchecked)."""
        if unit not in _PERIOD_MAXIMA:
            raise InvalidInput(f"{label} is counted in days, weeks or months, not {unit!r}.", field)
        maximum = _PERIOD_MAXIMA[str(unit)]
        return cls(check_whole_number(amount, field, f"{label} (in {unit})", maximum), str(unit))

    @classmethod
    def of_days(cls, days: int) -> "Period":
        return cls(days, DAYS)

    @classmethod
    def read(cls, text: object, field: str, label: str) -> "Period":
        """A period written as ISO 8601 (P3M) or in words (3 months, 2 weeks, 92 days)."""
        if not isinstance(text, str) or len(text) > PERIOD_TEXT_MAX:
            raise InvalidInput(f"{label} is written like '3 months' or 'P3M'.", field)
        cleaned = " ".join(text.split()).lower()
        iso = _ISO_PERIOD.fullmatch(cleaned.upper())
        if iso is not None:
            unit = next(u for u, letter in _ISO_UNITS.items() if letter == iso.group(2))
            return cls.of(int(iso.group(1)), unit, field, label)
        spoken = _SPOKEN_PERIOD.fullmatch(cleaned)
        if spoken is None:
            raise InvalidInput(
                f"{label} is written like '3 months', '2 weeks' or '92 days', not {text!r}.",
                field,
            )
        unit = spoken.group(2) if spoken.group(2).endswith("s") else spoken.group(2) + "s"
        return cls.of(int(spoken.group(1)), unit, field, label)

    @property
    def iso(self) -> str:
        return f"P{self.amount}{_ISO_UNITS[self.unit]}"

    @property
    def label(self) -> str:
        unit = self.unit if self.amount != 1 else self.unit[:-1]
        return f"{self.amount} {unit}"

    def before(self, day: date) -> date:
        """The day this period before `day`, on the calendar."""
        if self.unit == MONTHS:
            earlier: date = day - relativedelta(months=self.amount)
            return earlier
        return day - timedelta(days=self.amount * (7 if self.unit == WEEKS else 1))


def stored_period(iso: str | None, days: int) -> Period:
    """The period an event holds: its ISO text, or, in events recorded before periods other
    than days were kept (no text), its days."""
    if iso is None:
        return Period.of_days(days)
    return Period.read(iso, "noticePeriod", "The recorded period")


# A unit's name as read models hold it ("months" the longest).
PERIOD_UNIT_MAX = 10


def none_for_days(unit: str) -> str | None:
    """The unit as events and read models keep it: None for days, as before other units."""
    return None if unit == DAYS else unit
