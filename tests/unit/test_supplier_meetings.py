"""Supplier meeting rules, without I/O: LCC's weekly meetings with Northgate."""

from contextlib import suppress
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.supplier_meetings import (
    ACTION_CLOSED,
    ACTION_OPEN,
    AUTHORITY_SIDE,
    SUPPLIER_SIDE,
    ActionAlreadyClosed,
    ActionNotFound,
    ChangeBeforeMeeting,
    DueBeforeMeeting,
    SupplierMeeting,
    supplier_meeting_id,
)

OFFICER = Actor("Project Officer", "Lancashire County Council", "project-officer-lcc")
DAY = date(2007, 11, 12)
TITLE = "Weekly LCC-Northgate meeting"
LCC = "Lancashire County Council"


def on(day: date, source: str = "Notes of the weekly meeting") -> Provenance:
    return Provenance(day, source)


def recorded(**changes: object) -> SupplierMeeting:
    arguments: dict[str, object] = {
        "supplier": "Northgate",
        "day": DAY,
        "title": TITLE,
        "authority_attendees": [{"person": "Project Officer", "authority": LCC}],
        "supplier_attendees": ["Account Manager"],
        "topics": ["Front Office roll-out", "CRM defects"],
    }
    arguments.update(changes)
    return SupplierMeeting.record(**arguments, provenance=on(DAY), actor=OFFICER)  # type: ignore[arg-type]


def test_recording_keeps_attendees_topics_and_the_paper() -> None:
    meeting = recorded()
    (event,) = meeting.collect_events()
    assert isinstance(event, SupplierMeeting.Recorded)
    assert (event.source, event.recorded_by_authority) == ("Notes of the weekly meeting", LCC)
    assert meeting.authority_attendees == [{"person": "Project Officer", "authority": LCC}]
    assert meeting.topics == ["Front Office roll-out", "CRM defects"]


def test_the_id_comes_from_supplier_day_and_title_however_typed() -> None:
    meeting = recorded()
    assert meeting.id == supplier_meeting_id("NORTHGATE", DAY, f" {TITLE.lower()} ")
    assert meeting.id != supplier_meeting_id("Northgate", DAY + timedelta(days=7), TITLE)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"supplier": " "}, "supplier"),
        ({"title": ""}, "title"),
        ({"authority_attendees": [{"person": "A"}]}, "authorityAttendees"),
        (
            {
                "authority_attendees": [
                    {"person": "A Smith", "authority": LCC},
                    {"person": "a  smith", "authority": "Chorley Council"},
                ]
            },
            "authorityAttendees",
        ),
        ({"supplier_attendees": ["B", " "]}, "supplierAttendees"),
        ({"topics": ["CRM", "crm"]}, "topics"),
    ],
)
def test_bad_meeting_records_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        recorded(**changes)
    assert raised.value.field == field


def test_actions_are_numbered_in_the_order_raised() -> None:
    meeting = recorded()
    first = meeting.raise_action(
        "Fix the CRM defect log", "Northgate", SUPPLIER_SIDE, DAY + timedelta(7), on(DAY), OFFICER
    )
    second = meeting.raise_action(
        "Send test scripts", "Project Officer", AUTHORITY_SIDE, None, on(DAY), OFFICER
    )
    assert (first, second) == ("1", "2")
    assert meeting.actions["1"]["owner_side"] == SUPPLIER_SIDE
    assert meeting.actions["2"]["due_date"] is None
    assert [a["number"] for a in meeting.open_actions()] == ["1", "2"]


@pytest.mark.parametrize(
    ("owner_side", "due_date", "field", "code"),
    [
        ("contractor", DAY, "ownerSide", "invalid_input"),
        (SUPPLIER_SIDE, DAY - timedelta(1), "dueDate", DueBeforeMeeting.code),
    ],
)
def test_bad_actions_are_refused(owner_side: str, due_date: date, field: str, code: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        recorded().raise_action("x", "Northgate", owner_side, due_date, on(DAY), OFFICER)
    assert (raised.value.field, raised.value.code) == (field, code)


def test_closing_an_action_records_its_outcome_once() -> None:
    meeting = recorded()
    meeting.raise_action(
        "Fix defects", "Northgate", SUPPLIER_SIDE, DAY + timedelta(7), on(DAY), OFFICER
    )
    meeting.close_action("1", "Fixed in release 3.2", on(DAY + timedelta(5)), OFFICER)
    action = meeting.actions["1"]
    assert (action["status"], action["closed_on"], action["outcome"]) == (
        ACTION_CLOSED,
        DAY + timedelta(5),
        "Fixed in release 3.2",
    )
    assert meeting.open_actions() == []
    with pytest.raises(ActionAlreadyClosed) as raised:
        meeting.close_action(" 1 ", "Again", on(DAY + timedelta(6)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("action_already_closed", "number")
    with pytest.raises(ActionNotFound) as missing:
        meeting.close_action("7", "x", on(DAY + timedelta(6)), OFFICER)
    assert (missing.value.code, missing.value.field) == ("action_not_found", "number")


def test_an_action_is_overdue_after_its_due_date_until_closed() -> None:
    meeting = recorded()
    due = DAY + timedelta(7)
    meeting.raise_action("Fix defects", "Northgate", SUPPLIER_SIDE, due, on(DAY), OFFICER)
    meeting.raise_action("No date", "LCC", AUTHORITY_SIDE, None, on(DAY), OFFICER)
    assert meeting.overdue_actions(due) == []
    assert [a["number"] for a in meeting.overdue_actions(due + timedelta(1))] == ["1"]
    meeting.close_action("1", "Fixed", on(due + timedelta(3)), OFFICER)
    # Closed late: overdue in the days before, no longer from the day it was closed.
    assert [a["number"] for a in meeting.overdue_actions(due + timedelta(2))] == ["1"]
    assert meeting.overdue_actions(due + timedelta(3)) == []


def test_queries_give_copies_that_cannot_change_the_record() -> None:
    meeting = recorded()
    meeting.raise_action("Fix defects", "Northgate", SUPPLIER_SIDE, DAY, on(DAY), OFFICER)
    meeting.open_actions()[0]["status"] = ACTION_CLOSED
    assert meeting.actions["1"]["status"] == ACTION_OPEN


def test_issues_are_escalated_to_a_governing_body() -> None:
    meeting = recorded()
    number = meeting.escalate_issue(
        "CRM defects delay Front Office", "Programme Board", on(DAY + timedelta(1)), OFFICER
    )
    assert number == "1"
    assert meeting.escalations == [
        {
            "number": "1",
            "text": "CRM defects delay Front Office",
            "to_body": "Programme Board",
            "effective_date": DAY + timedelta(1),
        }
    ]
    with pytest.raises(InvalidInput) as raised:
        meeting.escalate_issue("x", " ", on(DAY), OFFICER)
    assert raised.value.field == "toBody"


def test_nothing_takes_effect_before_the_meeting() -> None:
    with pytest.raises(ChangeBeforeMeeting) as raised:
        recorded().escalate_issue("x", "Programme Board", on(DAY - timedelta(1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("change_before_meeting", "effectiveDate")


def test_attendance_topics_and_actions_can_be_corrected() -> None:
    meeting = recorded()
    meeting.raise_action("Fix defects", "Northgate", SUPPLIER_SIDE, DAY, on(DAY), OFFICER)
    meeting.correct(
        1, "supplier_attendees", ["Account Manager", "Consultant"], "Missed", on(DAY), OFFICER
    )
    meeting.correct_action("1", 2, "owner_side", AUTHORITY_SIDE, "Wrong side", on(DAY), OFFICER)
    meeting.correct_action("1", 2, "due_date", DAY + timedelta(14), "Misread", on(DAY), OFFICER)
    assert meeting.supplier_attendees == ["Account Manager", "Consultant"]
    assert (meeting.actions["1"]["owner_side"], meeting.actions["1"]["due_date"]) == (
        AUTHORITY_SIDE,
        DAY + timedelta(14),
    )
    corrected = meeting.collect_events()[-1]
    assert isinstance(corrected, SupplierMeeting.ActionCorrected)
    assert (corrected.number, corrected.field, corrected.reason) == ("1", "due_date", "Misread")


@pytest.mark.parametrize(
    ("field", "value", "version", "at_fault"),
    [
        ("status", ACTION_CLOSED, 2, "field"),
        ("text", "x", 5, "correctsVersion"),
        ("due_date", DAY - timedelta(1), 2, "value"),
        ("due_date", "2007-11-20", 2, "value"),
        ("owner_side", "neither", 2, "value"),
        ("owner", None, 2, "value"),
    ],
)
def test_bad_action_corrections_are_refused(
    field: str, value: object, version: int, at_fault: str
) -> None:
    meeting = recorded()
    meeting.raise_action("Fix defects", "Northgate", SUPPLIER_SIDE, DAY, on(DAY), OFFICER)
    with pytest.raises(InvalidInput) as raised:
        meeting.correct_action("1", version, field, value, "Why", on(DAY), OFFICER)
    assert raised.value.field == at_fault


def test_attendee_corrections_are_checked() -> None:
    with pytest.raises(InvalidInput) as raised:
        recorded().correct(1, "authority_attendees", [{"person": "A"}], "Why", on(DAY), OFFICER)
    assert raised.value.field == "value"


# Invariants over any sequence of commands (hypothesis)

command = st.one_of(
    st.tuples(
        st.just("raise"),
        st.sampled_from([AUTHORITY_SIDE, SUPPLIER_SIDE]),
        st.one_of(st.none(), st.integers(-2, 30)),
    ),
    st.tuples(st.just("close"), st.integers(1, 4)),
    st.tuples(st.just("escalate"), st.sampled_from(["Programme Board", "Joint Committee"])),
    st.tuples(st.just("correct"), st.integers(1, 4), st.one_of(st.none(), st.integers(-2, 30))),
)


def apply(meeting: SupplierMeeting, step: tuple[object, ...], day: date) -> None:
    kind = step[0]
    if kind == "raise":
        due = None if step[2] is None else DAY + timedelta(int(str(step[2])))
        meeting.raise_action("action", "owner", str(step[1]), due, on(day), OFFICER)
    elif kind == "close":
        meeting.close_action(str(step[1]), "done", on(day), OFFICER)
    elif kind == "escalate":
        meeting.escalate_issue("issue", str(step[1]), on(day), OFFICER)
    else:
        due = None if step[2] is None else DAY + timedelta(int(str(step[2])))
        meeting.correct_action(str(step[1]), 1, "due_date", due, "misread", on(day), OFFICER)


def run(steps: list[tuple[object, ...]]) -> SupplierMeeting:
    meeting = recorded()
    for index, step in enumerate(steps):
        with suppress(DomainError):
            apply(meeting, step, DAY + timedelta(days=index))
    return meeting


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(command, max_size=15))
def test_replaying_the_stored_events_rebuilds_the_same_state(
    steps: list[tuple[object, ...]],
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    meeting = run(steps)
    app.save(meeting)
    replayed: SupplierMeeting = app.repository.get(meeting.id)
    assert replayed.__dict__ == meeting.__dict__


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(command, max_size=15), as_of_offset=st.integers(0, 40))
def test_every_action_is_open_or_closed_once_and_only_open_ones_are_overdue_now(
    steps: list[tuple[object, ...]], as_of_offset: int
) -> None:
    meeting = run(steps)
    events = meeting.collect_events()
    closings = [e.number for e in events if isinstance(e, SupplierMeeting.ActionClosed)]
    assert len(closings) == len(set(closings))
    assert list(meeting.actions) == [str(n) for n in range(1, len(meeting.actions) + 1)]
    open_numbers = {a["number"] for a in meeting.open_actions()}
    assert open_numbers == set(meeting.actions) - set(closings)
    as_of = DAY + timedelta(as_of_offset)
    for action in meeting.overdue_actions(as_of):
        assert action["due_date"] < as_of
        assert action["closed_on"] is None or action["closed_on"] > as_of
    for action in meeting.actions.values():
        assert action["due_date"] is None or action["due_date"] >= DAY
