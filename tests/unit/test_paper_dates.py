"""Dates as the papers give them (EDTF days, months and years) and periods before a date."""

import calendar
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, Provenance
from partnership.errors import InvalidInput
from partnership.limits import EARLIEST_DATE, LATEST_DATE
from partnership.paper_dates import (
    DAY,
    MONTH,
    YEAR,
    PaperDate,
    Period,
    deadline,
    loose_text,
    paper_date,
    stored_paper_date,
)
from partnership.projects import Project

QUALIFIERS = ("", "~", "?", "%")

days = st.dates(min_value=EARLIEST_DATE, max_value=LATEST_DATE)


@st.composite
def edtf_texts(draw: st.DrawFn) -> str:
    """Every form the record takes: a day, a month or a year, with or without a qualifier."""
    day = draw(days)
    form = draw(st.sampled_from((DAY, MONTH, YEAR)))
    text = {DAY: day.isoformat(), MONTH: day.isoformat()[:7], YEAR: str(day.year)}[form]
    return text + draw(st.sampled_from(QUALIFIERS))


@pytest.mark.parametrize(
    ("text", "label", "earliest", "latest"),
    [
        ("2007-02", "February 2007", date(2007, 2, 1), date(2007, 2, 28)),
        ("2008-02", "February 2008", date(2008, 2, 1), date(2008, 2, 29)),
        ("2008-09~", "about September 2008", date(2008, 9, 1), date(2008, 9, 30)),
        ("2011", "2011", date(2011, 1, 1), date(2011, 12, 31)),
        ("2011?", "perhaps 2011", date(2011, 1, 1), date(2011, 12, 31)),
        ("2011-10-31", "31 October 2011", date(2011, 10, 31), date(2011, 10, 31)),
        ("2008-03-12%", "perhaps about 12 March 2008", date(2008, 3, 12), date(2008, 3, 12)),
        (" 2007-02 ", "February 2007", date(2007, 2, 1), date(2007, 2, 28)),
    ],
)
def test_the_papers_dates_read_as_the_papers_say_them(
    text: str, label: str, earliest: date, latest: date
) -> None:
    when = paper_date(text, "dueWhen")
    assert (when.label, when.earliest, when.latest) == (label, earliest, latest)
    assert when.edtf == text.strip()


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "February 2007",
        "2007-13",
        "2007-02-30",
        "2007-02-29",
        "2008-09-XX",  # unspecified digits
        "199X",
        "2004-06/2006-08",  # an interval
        "2001-21",  # a season
        "1984?-06",  # a qualifier on one part (level 2)
        "Y170000002",
        "1950S2",
        "2004-01-01T10:10:10Z",
        "2008-09~~",
        "1899",  # before the record's calendar
        "2200-01",  # after it
        "0000",
        "2007" * 50,
    ],
)
def test_anything_else_is_a_coded_refusal_naming_the_field(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        paper_date(text, "dueWhen", "The due date")
    assert refused.value.code == "invalid_input"
    assert refused.value.field == "dueWhen"


def test_only_text_is_a_paper_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        paper_date(date(2007, 2, 1), "effectiveWhen")
    assert refused.value.field == "effectiveWhen"


@given(edtf_texts())
def test_earliest_never_follows_latest_and_the_text_round_trips(text: str) -> None:
    when = paper_date(text, "f")
    assert when.earliest <= when.latest
    assert when.earliest >= EARLIEST_DATE
    assert when.latest <= LATEST_DATE
    assert when.edtf == text
    again = paper_date(when.edtf, "f")
    assert again == when
    assert again.label == when.label


@given(edtf_texts())
def test_the_period_is_the_whole_day_month_or_year(text: str) -> None:
    when = paper_date(text, "f")
    first, last = when.earliest, when.latest
    if when.precision == DAY:
        assert first == last
    elif when.precision == MONTH:
        assert (first.day, last.day) == (1, calendar.monthrange(first.year, first.month)[1])
        assert (first.year, first.month) == (last.year, last.month)
    else:
        assert (first, last) == (date(first.year, 1, 1), date(first.year, 12, 31))
    assert when.approximate == (when.qualifier in "~%" and when.qualifier != "")
    assert when.label.endswith(str(first.year))


@given(days)
def test_an_exact_day_says_no_more_than_the_day(day: date) -> None:
    when = PaperDate.of_day(day)
    assert when == paper_date(day.isoformat(), "f")
    assert loose_text(when) is None
    assert stored_paper_date(None, day) == when


def test_a_deadline_is_a_day_or_a_period_and_both_must_agree() -> None:
    assert deadline(date(2008, 9, 30), None, "dueDate", "dueWhen", "Due").latest == date(
        2008, 9, 30
    )
    loose = deadline(None, "2008-09", "dueDate", "dueWhen", "Due")
    assert (loose.latest, loose_text(loose)) == (date(2008, 9, 30), "2008-09")
    assert deadline(date(2008, 9, 12), "2008-09", "dueDate", "dueWhen", "Due") == loose
    with pytest.raises(InvalidInput) as refused:
        deadline(date(2008, 10, 1), "2008-09", "dueDate", "dueWhen", "Due")
    assert refused.value.field == "dueWhen"
    with pytest.raises(InvalidInput) as missing:
        deadline(None, None, "dueDate", "dueWhen", "Due")
    assert missing.value.field == "dueDate"


def test_a_loose_effective_date_takes_effect_on_its_first_day() -> None:
    stated = Provenance.stated(date(2007, 2, 14), "Cabinet, February 2007", "2007-02")
    assert (stated.effective_date, stated.effective_when) == (date(2007, 2, 1), "2007-02")
    assert Provenance.stated(date(2007, 2, 14), "x", None) == Provenance(date(2007, 2, 14), "x")
    assert Provenance.stated(date(2007, 2, 14), "x", "  ").effective_when is None
    with pytest.raises(InvalidInput) as disagreeing:
        Provenance.stated(date(2007, 3, 1), "x", "2007-02")
    assert disagreeing.value.field == "effectiveWhen"
    with pytest.raises(InvalidInput) as bad:
        Provenance.stated(date(2007, 3, 1), "x", "March 2007")
    assert bad.value.field == "effectiveWhen"


@pytest.mark.parametrize(
    ("amount", "unit", "end", "deadline_day"),
    [
        (3, "months", date(2011, 11, 30), date(2011, 8, 30)),
        # A day the earlier month lacks clips to its last day.
        (3, "months", date(2011, 5, 31), date(2011, 2, 28)),
        (3, "months", date(2012, 5, 31), date(2012, 2, 29)),
        (1, "months", date(2011, 3, 31), date(2011, 2, 28)),
        (12, "months", date(2012, 2, 29), date(2011, 2, 28)),
        (2, "weeks", date(2011, 11, 30), date(2011, 11, 16)),
        (92, "days", date(2011, 11, 30), date(2011, 8, 30)),
        (0, "days", date(2011, 11, 30), date(2011, 11, 30)),
    ],
)
def test_periods_before_a_date_count_on_the_calendar(
    amount: int, unit: str, end: date, deadline_day: date
) -> None:
    assert Period.of(amount, unit, "noticePeriod", "Notice").before(end) == deadline_day


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("3 months", Period(3, "months")),
        ("1 Month", Period(1, "months")),
        ("P3M", Period(3, "months")),
        ("p2w", Period(2, "weeks")),
        ("92  days", Period(92, "days")),
    ],
)
def test_a_period_reads_in_words_or_iso(text: str, period: Period) -> None:
    read = Period.read(text, "value", "The notice period")
    assert read == period
    assert Period.read(read.iso, "value", "x") == read
    assert Period.read(read.label, "value", "x") == read


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(-1, "days"), (1201, "months"), (36_601, "days"), (3, "years"), (True, "days"), ("3", "days")],
)
def test_a_period_out_of_bounds_or_unit_is_refused(amount: object, unit: object) -> None:
    with pytest.raises(InvalidInput) as refused:
        Period.of(amount, unit, "noticePeriod", "The notice period")
    assert refused.value.field == "noticePeriod"


@given(st.integers(min_value=0, max_value=1_200), days)
def test_months_before_stay_within_a_month_of_the_same_day(months: int, end: date) -> None:
    before = Period(months, "months").before(end)
    assert before <= end
    back = (end.year - before.year) * 12 + end.month - before.month
    assert back == months
    assert before.day == end.day or before.day == calendar.monthrange(before.year, before.month)[1]


def test_events_recorded_before_loose_dates_load_as_exact_days() -> None:
    """An event stored without the new fields (as every event before them was) loads with
    them empty, and reads as the exact days it holds."""
    app = PartnershipApplication()
    actor = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
    project = Project.start(
        "LSSCC",
        "Pilot",
        "A pilot.",
        ["Chorley Borough Council"],
        Provenance(date(2008, 6, 1), "p"),
        actor,
    )
    project.plan_milestone(
        "pilot-start",
        "Pilot starts",
        date(2008, 9, 30),
        None,
        Provenance(date(2008, 6, 2), "p"),
        actor,
    )
    old_events = []
    for event in project.collect_events():
        stored = app.mapper.to_stored_event(event)
        state = app.mapper.transcoder.decode(stored.state)
        for added in ("effective_when", "due_when"):
            state.pop(added, None)
        old_events.append(
            app.mapper.to_domain_event(replace(stored, state=app.mapper.transcoder.encode(state)))
        )
    started, planned = old_events
    assert started.effective_when is None
    assert planned.due_when is None
    loaded = None
    for event in old_events:
        loaded = event.mutate(loaded)
    assert loaded is not None
    assert loaded.current_due("pilot-start") == PaperDate.of_day(date(2008, 9, 30))
    assert loaded.current_due("pilot-start").label == "30 September 2008"
