"""Whatever the limits accept, a read model can hold and a deadline sum can compute."""

import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.contracts import add_months, notice_deadline
from partnership.errors import InvalidInput
from partnership.limits import (
    COUNT_MAX,
    DAYS_MAX,
    EARLIEST_DATE,
    LATEST_DATE,
    LIST_MAX,
    MONEY_DECIMAL_PLACES,
    MONEY_MAX,
    MONEY_TEXT_MAX,
    MONTHS_MAX,
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

# The widest integer column a read model uses.
INTEGER_MAX = 2**31 - 1
MAXIMA = (NAME_MAX, REFERENCE_MAX, TITLE_MAX, SOURCE_MAX, TEXT_MAX)


def refused(call: Any, *args: Any, **kwargs: Any) -> InvalidInput | None:
    try:
        call(*args, **kwargs)
    except InvalidInput as error:
        return error
    return None


# Text: any characters at all, including NUL, surrogates, unassigned code points and lines.
any_text = st.text(alphabet=st.characters(codec=None), max_size=300) | st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\r", "\t", "\x00", "\ud800", "é", "\u0378"]),
    max_size=600,
)


@settings(max_examples=400)
@given(value=any_text, max_length=st.sampled_from([5, *MAXIMA]), multiline=st.booleans())
def test_accepted_text_is_within_length_and_storable(
    value: str, max_length: int, multiline: bool
) -> None:
    error = refused(check_text, value, "title", "The title", max_length, multiline=multiline)
    if error is not None:
        assert (error.field, error.code) == ("title", "invalid_input")
        return
    cleaned = check_text(value, "title", "The title", max_length, multiline=multiline)
    assert 0 < len(cleaned) <= max_length
    # Storable: PostgreSQL refuses NUL and every database refuses an unpaired surrogate.
    cleaned.encode("utf-8")
    assert "\x00" not in cleaned
    allowed = {"\n", "\t"} if multiline else set()
    for character in cleaned:
        assert character in allowed or unicodedata.category(character) not in ("Cc", "Cs", "Cn")
    if not multiline:
        assert "\n" not in cleaned
        assert "\t" not in cleaned


def test_text_limits_name_the_field_and_the_numbers() -> None:
    error = refused(check_text, "x" * 300, "supplier", "The supplier", NAME_MAX)
    assert error is not None
    assert error.field == "supplier"
    assert "300" in error.message
    assert "200" in error.message
    error = refused(check_text, "CRM\x00", "title", "The title", TITLE_MAX)
    assert error is not None
    assert error.field == "title"
    assert "U+0000" in error.message
    assert refused(check_text, "line one\nline two", "title", "The title", TITLE_MAX)
    assert check_text("line one\r\nline two", "text", "The text", TEXT_MAX, multiline=True) == (
        "line one\nline two"
    )


money_like = (
    st.decimals(allow_nan=True, allow_infinity=True)
    | st.integers(min_value=-(10**60), max_value=10**60)
    | st.sampled_from(["NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1E+400", "9" * 50, "-0"])
    | st.text(max_size=30)
)


@settings(max_examples=500)
@given(value=money_like)
def test_accepted_money_fits_a_fixed_point_column(value: Any) -> None:
    error = refused(check_money, value, "value", "The value")
    if error is not None:
        assert error.field == "value"
        return
    amount = check_money(value, "value", "The value")
    assert amount.is_finite()
    assert 0 <= amount < MONEY_MAX
    exponent = amount.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent >= -MONEY_DECIMAL_PLACES
    written = str(amount)
    assert len(written) <= MONEY_TEXT_MAX
    assert "E" not in written
    assert not written.startswith("-")
    assert Decimal(written) == amount


@pytest.mark.parametrize(
    "value", ["NaN", "Infinity", "-Infinity", "1E+400", "9" * 50, "-1", "0.001", "abc", None]
)
def test_money_the_record_cannot_keep_is_refused(value: Any) -> None:
    assert refused(check_money, value, "value", "The value") is not None


@settings(max_examples=300)
@given(day=st.dates(), days=st.integers(min_value=-(2**63), max_value=2**63))
def test_accepted_dates_and_days_never_overflow_a_deadline_sum(day: date, days: int) -> None:
    date_ok = refused(check_date, day, "startDate", "The start date") is None
    days_ok = refused(check_days, days, "noticePeriodDays", "The notice period") is None
    assert date_ok == (EARLIEST_DATE <= day <= LATEST_DATE)
    if date_ok and days_ok:
        assert 0 <= days <= DAYS_MAX
        # Every sum the record and the alerts do, either way, stays a real date.
        notice_deadline(day, days)
        day + timedelta(days=days)
        day - timedelta(days=days)


@given(day=st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE), months=st.integers())
def test_accepted_months_never_overflow_an_extension(day: date, months: int) -> None:
    if refused(check_months, months, "extensionOptionsMonths", "An option") is None:
        assert 1 <= months <= MONTHS_MAX
        add_months(day, months)


@given(value=st.integers() | st.booleans())
def test_accepted_counts_fit_an_integer_column(value: int) -> None:
    if refused(check_count, value, "quorum", "The quorum") is None:
        assert 0 <= value <= COUNT_MAX <= INTEGER_MAX
        assert not isinstance(value, bool)


def test_days_refuse_what_overflowed_the_read_models() -> None:
    error = refused(check_days, 2_147_483_647, "noticePeriodDays", "The notice period")
    assert error is not None
    assert error.field == "noticePeriodDays"
    assert refused(check_days, 2_226_430, "noticePeriodDays", "The notice period") is not None
    assert refused(check_days, True, "noticePeriodDays", "The notice period") is not None
    assert DAYS_MAX <= INTEGER_MAX


def test_lists_are_bounded() -> None:
    assert check_list([1] * LIST_MAX, "items", "The items") == [1] * LIST_MAX
    error = refused(check_list, [1] * (LIST_MAX + 1), "items", "The items")
    assert error is not None
    assert error.field == "items"


@pytest.mark.parametrize(
    ("given", "recorded"), [("1.000", "1"), ("99.500", "99.5"), ("0.10", "0.1")]
)
def test_trailing_zeros_are_not_taken_for_precision_below_the_penny(
    given: str, recorded: str
) -> None:
    assert str(check_money(given, "value", "The value")) == recorded
    assert refused(check_money, "0.001", "value", "The value") is not None
