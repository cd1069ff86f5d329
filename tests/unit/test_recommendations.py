"""Scrutiny inquiry rules, without I/O, on Chorley's 2007 monitoring of recommendations 4a-5f."""

from contextlib import suppress
from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.recommendations import (
    CLOSED,
    IMPLEMENTED,
    IN_PROGRESS,
    OPEN,
    STATUSES,
    ChangeBeforeOpening,
    Inquiry,
    InquiryClosed,
    ProgressBeforeRecommendation,
    RecommendationAlreadyMade,
    RecommendationNotFound,
    inquiry_id,
    recommendation_number,
)

CLERK = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"
TITLE = "Contact Centre Efficiencies and Partnership with Lancashire County Council"
OBJECTIVE = "Objective/Key Issue 2: Partnership Working"
MONITORING = "Corporate and Customer O&S Panel, 20 November 2007, item 6"


def on(day: date, source: str = MONITORING) -> Provenance:
    return Provenance(day, source)


def opened() -> Inquiry:
    return Inquiry.open(
        PANEL,
        TITLE,
        on(date(2006, 10, 26), "Partnership Sub-Group minutes, 26 October 2006"),
        CLERK,
        terms_of_reference=["To review the Lancashire Shared Services Contact Centre partnership"],
    )


def with_4c() -> Inquiry:
    inquiry = opened()
    inquiry.make_recommendation(
        "4,c",
        "To develop a mechanism for Partner Districts, Lancashire County Council and the "
        "contractor for effective communication.",
        "LCC",
        OBJECTIVE,
        on(date(2007, 3, 1), "Inquiry report"),
        CLERK,
    )
    return inquiry


def test_opening_records_the_inquiry_and_its_paper() -> None:
    inquiry = opened()
    (event,) = inquiry.collect_events()
    assert isinstance(event, Inquiry.Opened)
    assert (event.body, event.title, event.recorded_by) == (PANEL, TITLE, "Ruth Hawes")
    assert inquiry.opened_on == date(2006, 10, 26)
    assert not inquiry.is_closed


def test_the_id_comes_from_body_and_title_however_typed() -> None:
    assert opened().id == inquiry_id(PANEL.upper(), f"  {TITLE}  ")
    assert inquiry_id("A B", "C") != inquiry_id("A", "B C")


@pytest.mark.parametrize("typed", ["4,a", "4A", "4 (a)", "04a", " 4.a ", "4a"])
def test_recommendation_numbers_are_normalised(typed: str) -> None:
    assert recommendation_number(typed) == "4a"


@pytest.mark.parametrize("typed", ["", "a4", "4-a-1", "four"])
def test_a_recommendation_number_must_look_like_one(typed: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        recommendation_number(typed)
    assert raised.value.field == "number"


def test_recommendation_numbers_are_unique_whatever_the_spelling() -> None:
    inquiry = with_4c()
    assert inquiry.recommendations["4c"]["owner_authority"] == "LCC"
    with pytest.raises(RecommendationAlreadyMade) as raised:
        inquiry.make_recommendation("4C", "Again", None, None, on(date(2007, 3, 1)), CLERK)
    assert (raised.value.code, raised.value.field) == ("recommendation_already_made", "number")


def test_a_new_recommendation_is_open_with_its_history_starting_there() -> None:
    recommendation = with_4c().recommendations["4c"]
    assert recommendation["status"] == OPEN
    assert recommendation["status_history"] == [
        {"status": OPEN, "effective_date": date(2007, 3, 1)}
    ]
    assert recommendation["updates"] == []


def test_progress_updates_keep_who_reported_and_a_status_history() -> None:
    inquiry = with_4c()
    inquiry.record_progress(
        "4c",
        "Northgate now present in both Programme and Partnership Board meetings.",
        IN_PROGRESS,
        on(date(2007, 11, 20)),
        CLERK,
        reported_by_authority="LCC",
    )
    inquiry.record_progress("4 c", "Weekly meetings continue.", None, on(date(2008, 1, 15)), CLERK)
    inquiry.record_progress("4c", "Done.", IMPLEMENTED, on(date(2008, 3, 1)), CLERK)
    recommendation = inquiry.recommendations["4c"]
    first = recommendation["updates"][0]
    assert first["reported_by_authority"] == "LCC"
    assert (first["recorded_by"], first["recorded_by_authority"]) == (CLERK.person, CLERK.authority)
    assert [u["status"] for u in recommendation["updates"]] == [IN_PROGRESS, None, IMPLEMENTED]
    assert recommendation["status_history"] == [
        {"status": OPEN, "effective_date": date(2007, 3, 1)},
        {"status": IN_PROGRESS, "effective_date": date(2007, 11, 20)},
        {"status": IMPLEMENTED, "effective_date": date(2008, 3, 1)},
    ]
    assert inquiry.status_of("4C") == IMPLEMENTED


def test_a_status_equal_to_the_current_one_is_no_change() -> None:
    inquiry = with_4c()
    inquiry.record_progress("4c", "Still open.", OPEN, on(date(2007, 11, 20)), CLERK)
    event = inquiry.collect_events()[-1]
    assert isinstance(event, Inquiry.ProgressRecorded)
    assert event.status is None
    assert len(inquiry.recommendations["4c"]["status_history"]) == 1


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(InvalidInput) as raised:
        with_4c().record_progress("4c", "x", "done", on(date(2007, 11, 20)), CLERK)
    assert raised.value.field == "status"
    assert "in_progress" in raised.value.message


def test_days_since_last_update_counts_from_the_latest_update_by_then() -> None:
    inquiry = with_4c()
    assert inquiry.days_since_last_update("4c", date(2007, 3, 31)) == 30
    inquiry.record_progress("4c", "Update", None, on(date(2007, 11, 20)), CLERK)
    assert inquiry.days_since_last_update("4c", date(2007, 11, 30)) == 10
    # An update dated later than `as_of` was not yet made then.
    assert inquiry.days_since_last_update("4c", date(2007, 11, 19)) == 263
    with pytest.raises(InvalidInput) as raised:
        inquiry.days_since_last_update("4c", date(2007, 2, 1))
    assert raised.value.field == "asOf"


def test_progress_needs_a_known_recommendation_made_by_then() -> None:
    inquiry = with_4c()
    with pytest.raises(RecommendationNotFound) as missing:
        inquiry.record_progress("5f", "x", None, on(date(2007, 11, 20)), CLERK)
    assert (missing.value.code, missing.value.field) == ("recommendation_not_found", "number")
    with pytest.raises(ProgressBeforeRecommendation) as early:
        inquiry.record_progress("4c", "x", None, on(date(2007, 2, 1)), CLERK)
    assert (early.value.code, early.value.field) == (
        "progress_before_recommendation",
        "effectiveDate",
    )


def test_nothing_takes_effect_before_the_inquiry_opened() -> None:
    with pytest.raises(ChangeBeforeOpening) as raised:
        opened().make_recommendation("4a", "x", None, None, on(date(2006, 1, 1)), CLERK)
    assert (raised.value.code, raised.value.field) == ("change_before_opening", "effectiveDate")


def test_a_closed_inquiry_takes_nothing_more_but_can_be_corrected() -> None:
    inquiry = with_4c()
    inquiry.close(on(date(2008, 6, 1)), CLERK)
    assert inquiry.closed_on == date(2008, 6, 1)
    for change in (
        lambda: inquiry.make_recommendation("5a", "x", None, None, on(date(2008, 7, 1)), CLERK),
        lambda: inquiry.record_progress("4c", "x", CLOSED, on(date(2008, 7, 1)), CLERK),
        lambda: inquiry.close(on(date(2008, 7, 1)), CLERK),
    ):
        with pytest.raises(InquiryClosed) as raised:
            change()
        assert raised.value.code == "inquiry_closed"
    inquiry.correct_recommendation(
        "4c", 2, "owner_authority", "LCC ", "Spacing", on(date(2008, 7, 1)), CLERK
    )


def test_recommendation_text_owner_and_objective_can_be_corrected() -> None:
    inquiry = with_4c()
    inquiry.correct_recommendation(
        "4c", 2, "text", " Better  wording ", "Typo", on(date(2007, 3, 2)), CLERK
    )
    inquiry.correct_recommendation(
        "4,c", 2, "owner_authority", None, "No owner named", on(date(2007, 3, 2)), CLERK
    )
    inquiry.correct(
        1,
        "terms_of_reference",
        ["To review", "To report"],
        "Missed one",
        on(date(2007, 3, 2)),
        CLERK,
    )
    recommendation = inquiry.recommendations["4c"]
    assert (recommendation["text"], recommendation["owner_authority"]) == ("Better wording", None)
    assert inquiry.terms_of_reference == ["To review", "To report"]
    corrected = inquiry.collect_events()[-2]
    assert isinstance(corrected, Inquiry.RecommendationCorrected)
    assert (corrected.number, corrected.corrects_version) == ("4c", 2)


@pytest.mark.parametrize(
    ("field", "value", "version", "at_fault"),
    [
        ("status", CLOSED, 2, "field"),
        ("text", "New", 3, "correctsVersion"),
        ("text", " ", 2, "value"),
        ("objective", 4, 2, "value"),
    ],
)
def test_bad_recommendation_corrections_are_refused(
    field: str, value: object, version: int, at_fault: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        with_4c().correct_recommendation(
            "4c", version, field, value, "Why", on(date(2007, 3, 2)), CLERK
        )
    assert raised.value.field == at_fault


def test_terms_of_reference_corrections_must_be_a_list_of_texts() -> None:
    with pytest.raises(InvalidInput) as raised:
        opened().correct(1, "terms_of_reference", "one text", "Why", on(date(2007, 1, 1)), CLERK)
    assert raised.value.field == "value"


# Invariants over any sequence of commands (hypothesis)

OPENED = date(2006, 10, 26)
NUMBERS = ["4a", "4,b", "5A", "5 f"]

command = st.one_of(
    st.tuples(st.just("make"), st.sampled_from(NUMBERS), st.sampled_from([None, "LCC"])),
    st.tuples(
        st.just("progress"),
        st.sampled_from(NUMBERS),
        st.sampled_from([None, *STATUSES]),
        st.sampled_from([None, "LCC"]),
        st.integers(-5, 30),
    ),
    st.tuples(st.just("correct"), st.sampled_from(NUMBERS), st.text(max_size=5)),
)
# Closing ends everything, so it comes at most once, somewhere in the sequence.
steps_with_close = st.builds(
    lambda steps, at: steps if at is None else [*steps[:at], ("close",), *steps[at:]],
    st.lists(command, max_size=20),
    st.none() | st.integers(0, 20),
)


def apply(inquiry: Inquiry, step: tuple[object, ...], day: date) -> None:
    kind = step[0]
    if kind == "make":
        owner = step[2]
        inquiry.make_recommendation(str(step[1]), "text", owner, OBJECTIVE, on(day), CLERK)  # type: ignore[arg-type]
    elif kind == "progress":
        when = on(day + timedelta(days=int(str(step[4]))))
        status, owner = step[2], step[3]
        inquiry.record_progress(str(step[1]), "update", status, when, CLERK, owner)  # type: ignore[arg-type]
    elif kind == "correct":
        inquiry.correct_recommendation(
            str(step[1]), 1, "objective", step[2], "typo", on(day), CLERK
        )
    else:
        inquiry.close(on(day), CLERK)


def run(steps: list[tuple[object, ...]]) -> Inquiry:
    inquiry = Inquiry.open(PANEL, TITLE, on(OPENED), CLERK)
    for index, step in enumerate(steps):
        with suppress(DomainError):
            apply(inquiry, step, OPENED + timedelta(days=index + 1))
    return inquiry


@settings(max_examples=150, deadline=None)
@given(steps=steps_with_close)
def test_replaying_the_stored_events_rebuilds_the_same_state(
    steps: list[tuple[object, ...]],
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    inquiry = run(steps)
    app.save(inquiry)
    replayed: Inquiry = app.repository.get(inquiry.id)
    assert replayed.__dict__ == inquiry.__dict__


@settings(max_examples=150, deadline=None)
@given(steps=steps_with_close, as_of_offset=st.integers(0, 60))
def test_status_is_the_last_of_its_history_and_changes_only_with_an_update(
    steps: list[tuple[object, ...]], as_of_offset: int
) -> None:
    inquiry = run(steps)
    for recommendation in inquiry.recommendations.values():
        history = recommendation["status_history"]
        assert history[0]["status"] == OPEN
        assert recommendation["status"] == history[-1]["status"]
        changes = [u for u in recommendation["updates"] if u["status"] is not None]
        assert [h["status"] for h in history[1:]] == [u["status"] for u in changes]
        assert all(a["status"] != b["status"] for a, b in pairwise(history))
        as_of = recommendation["made_on"] + timedelta(days=as_of_offset)
        assert 0 <= inquiry.days_since_last_update(recommendation["number"], as_of) <= as_of_offset
