"""The limits of every kind of value the record keeps, stated once.

Every command checks its input against these before anything is recorded, the GraphQL input
descriptions quote them, and read-model columns are sized from them: an event the domain
accepts is then an event every read model can hold and every deadline sum can compute.
"""

import unicodedata
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from partnership.errors import InvalidInput

T = TypeVar("T")

# Names of people, authorities, partnerships, bodies, projects, suppliers and inquiries.
NAME_MAX = 200
# References and keys: a contract's reference, a milestone's key, a decision's number.
REFERENCE_MAX = 100
# A decision's number: its agenda item's reference, a dot and a count ('6.1').
DECISION_NUMBER_MAX = REFERENCE_MAX + len(".") + len(str(2**63))
# Who recorded a fact, as an id: a person's (a UUID) or a system's ("system:command line").
PERSON_ID_MAX = 100
# An e-mail address, as the standards for mail bound it: 64 characters before the "@", 254 in
# all.
EMAIL_MAX = 254
EMAIL_LOCAL_PART_MAX = 64
# A grant's number within its person ("1", "2", ...): a person holds far fewer grants.
GRANT_ID_MAX = 20
# Titles and labels: a contract's title, an agenda item, a meeting's title.
TITLE_MAX = 500
# The paper a fact comes from: a citation, often with the passage quoted from it.
SOURCE_MAX = 2_000
# Free text: a decision's wording, a reason, a note, a progress update. Newlines are kept.
TEXT_MAX = 10_000

# The calendar the record covers. Partnership papers go back decades and contracts run for
# decades ahead; outside this window a date is a typing slip, and inside it every sum of a
# date and an allowed duration stays a real date.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)

# A period in days (a notice period, a response window, lead times): up to 100 years.
DAYS_MAX = 36_600
# A period in months (an extension option): up to 100 years.
MONTHS_MAX = 1_200
# How many items one list in one command may hold (attendees, options, members, items).
LIST_MAX = 200
# A count (votes, attendees): a whole number from zero up to this.
COUNT_MAX = 100_000

# Money: finite, not negative, below a thousand trillion pounds, to the penny.
MONEY_INTEGER_DIGITS = 15
MONEY_DECIMAL_PLACES = 2
MONEY_MAX = Decimal(10) ** MONEY_INTEGER_DIGITS
# What a read model needs to hold any allowed amount written out as text.
MONEY_TEXT_MAX = MONEY_INTEGER_DIGITS + 1 + MONEY_DECIMAL_PLACES

# Characters refused everywhere: control characters (NUL among them), unpaired surrogates
# (which no database encoding can store) and unassigned code points.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn"})
# Allowed in free text only.
_FREE_TEXT_CONTROLS = frozenset({"\n", "\t"})


def _refused_character(value: str, multiline: bool) -> str | None:
    allowed = _FREE_TEXT_CONTROLS if multiline else frozenset()
    for character in value:
        if character in allowed:
            continue
        if unicodedata.category(character) in _REFUSED_CATEGORIES:
            return character
    return None


def check_text(
    value: str,
    field: str,
    label: str,
    max_length: int = NAME_MAX,
    *,
    multiline: bool = False,
    required: bool = True,
) -> str:
    """Text without refused characters, within its length; spaces folded, newlines kept in
    free text. Returns the cleaned text ("" only when not `required`)."""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field)
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    refused = _refused_character(value, multiline)
    if refused is not None:
        raise InvalidInput(
            f"{label} contains a character that cannot be recorded "
            f"(U+{ord(refused):04X}); remove it and try again.",
            field,
        )
    if multiline:
        lines = [" ".join(line.split()) for line in value.split("\n")]
        cleaned = "\n".join(lines).strip("\n")
    else:
        cleaned = " ".join(value.split())
    if required and not cleaned:
        raise InvalidInput(f"{label} must not be empty.", field)
    if len(cleaned) > max_length:
        raise InvalidInput(
            f"{label} is {len(cleaned):,} characters long; at most {max_length:,} are allowed.",
            field,
        )
    return cleaned


def check_query_text(value: str, field: str, label: str, max_length: int = TEXT_MAX) -> str:
    """Text a question asks about, returned as given: refused only if no database could
    compare it (NUL, unpaired surrogates, other control characters) or if it is longer than
    anything the record holds, so a question never fails for a reason the caller cannot see."""
    if not isinstance(value, str):
        raise InvalidInput(f"{label} must be text.", field)
    refused = _refused_character(value, multiline=True)
    if refused is not None:
        raise InvalidInput(
            f"{label} contains a character that cannot be searched for (U+{ord(refused):04X}).",
            field,
        )
    if len(value) > max_length:
        raise InvalidInput(
            f"{label} is {len(value):,} characters long; at most {max_length:,} are allowed.",
            field,
        )
    return value


def check_date(value: date, field: str, label: str) -> date:
    """A date within the calendar the record covers."""
    if not isinstance(value, date):
        raise InvalidInput(f"{label} must be a date.", field)
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise InvalidInput(
            f"{label} {value.isoformat()} is outside the dates the record covers "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}).",
            field,
        )
    return value


def check_whole_number(value: int, field: str, label: str, maximum: int, minimum: int = 0) -> int:
    """A whole number within [minimum, maximum]; booleans are not numbers here."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{label} must be a whole number.", field)
    if not minimum <= value <= maximum:
        raise InvalidInput(
            f"{label} must be from {minimum:,} to {maximum:,}, not {value:,}.", field
        )
    return value


def check_days(value: int, field: str, label: str, minimum: int = 0) -> int:
    return check_whole_number(value, field, f"{label} (in days)", DAYS_MAX, minimum)


def check_months(value: int, field: str, label: str, minimum: int = 1) -> int:
    return check_whole_number(value, field, f"{label} (in months)", MONTHS_MAX, minimum)


def check_count(value: int, field: str, label: str) -> int:
    return check_whole_number(value, field, label, COUNT_MAX)


def check_money(value: Any, field: str, label: str = "The amount") -> Decimal:
    """A finite amount, not negative, below the cap, to the penny at most."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(f"{label} {value!r} is not an amount of money.", field) from None
    if not amount.is_finite():
        raise InvalidInput(f"{label} must be a finite amount of money.", field)
    if amount < 0:
        raise InvalidInput(f"{label} cannot be negative.", field)
    # -0 is not negative, but is recorded as 0.
    amount = amount.copy_abs()
    if amount >= MONEY_MAX:
        raise InvalidInput(f"{label} must be below £{MONEY_MAX:,.0f}; check the figure.", field)
    # Trailing zeros are no extra precision: 99.500 is 99.50.
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_DECIMAL_PLACES:
        raise InvalidInput(f"{label} is given to more than the penny: {amount}.", field)
    # One written form for one amount: 1E+3 and 1000.0 are both recorded as 1000.
    return amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()


def check_list(values: Sequence[T], field: str, label: str, maximum: int = LIST_MAX) -> list[T]:
    if len(values) > maximum:
        raise InvalidInput(
            f"{label} has {len(values):,} entries; at most {maximum:,} are allowed.", field
        )
    return list(values)


# How the limits read to a caller: quoted in the descriptions of the API's input fields.


def text_limit(max_length: int, *, multiline: bool = False) -> str:
    lines = "; new lines are kept" if multiline else ""
    return f"At most {max_length:,} characters{lines}."


DATE_LIMIT = f"A date from {EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()}."
DAYS_LIMIT = f"A whole number of days from 0 to {DAYS_MAX:,}."
MONTHS_LIMIT = f"Each a whole number of months from 1 to {MONTHS_MAX:,}."
COUNT_LIMIT = f"A whole number from 0 to {COUNT_MAX:,}."
LIST_LIMIT = f"At most {LIST_MAX:,} entries."
MONEY_LIMIT = (
    f"Pounds, not negative, below {MONEY_MAX:,.0f}, to the penny at most (e.g. 1250000 or 99.50)."
)
