"""Supplier meeting commands against both stores: LCC's weekly meeting with Northgate."""

from datetime import date
from typing import Any

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.supplier_meetings import NumberedResult
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.governance import (
    PARTNERSHIP_BOARD,
    PROGRAMME_BOARD,
    ChangeBeforeEstablishment,
    GoverningBody,
    GoverningBodyNotFound,
)
from partnership.partnerships import COUNTY, LEAD, Authority, AuthorityNotFound, Partnership
from partnership.supplier_meetings import (
    ACTION_CLOSED,
    ACTION_OPEN,
    AUTHORITY_SIDE,
    SUPPLIER_SIDE,
    ActionAlreadyClosed,
    ActionNotFound,
    ChangeBeforeMeeting,
    DueBeforeMeeting,
    SupplierMeetingAlreadyRecorded,
    SupplierMeetingNotFound,
)
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

PARTNERSHIP = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
SUPPLIER = "Northgate"
DAY = date(2007, 11, 12)  # a Monday of the weeks the November 2007 monitoring report describes
TITLE = "Weekly LCC-Northgate meeting"
NOTES = (
    "Test fixture: notes of the weekly meeting (the weekly meetings are reported in Chorley "
    "Corporate & Customer Overview & Scrutiny Panel, 20 November 2007, item 6, recommendation "
    "4c: 'LCC also have weekly meetings with Northgate'; attendees and business are assumed)"
)
ATTENDEES = [{"person": "LCC Project Manager", "authority": " lancashire county council"}]


def notes(day: date = DAY) -> Provenance:
    return Provenance(day, NOTES)


def save_bodies(app: PartnershipApplication) -> None:
    """Made directly: the partnership and governance commands belong to other modules."""
    assumed = Provenance(date(2006, 1, 1), "Test fixture: dates assumed")
    county = Authority.register(LCC, COUNTY, assumed, OFFICER)
    partnership = Partnership.form(PARTNERSHIP, "A virtual contact centre", assumed, OFFICER)
    partnership.admit_member(LCC, LEAD, assumed, OFFICER)
    programme = GoverningBody.establish(
        PARTNERSHIP, "Programme Board", PROGRAMME_BOARD, None, assumed, OFFICER
    )
    # Established after the meeting, to test escalating to a body that did not exist yet.
    partnership_board = GoverningBody.establish(
        PARTNERSHIP,
        "Partnership Board",
        PARTNERSHIP_BOARD,
        None,
        Provenance(date(2008, 1, 1), "Test fixture: date assumed"),
        OFFICER,
    )
    app.save(county, partnership, programme, partnership_board)


def record_meeting(app: PartnershipApplication, now: Any) -> None:
    app.record_supplier_meeting(
        SUPPLIER,
        DAY,
        TITLE,
        ATTENDEES,
        ["Northgate Account Manager"],
        ["Front Office roll-out", "CRM defects"],
        notes(),
        OFFICER,
        now,
    )


def test_the_weekly_meeting_raises_closes_and_escalates(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    save_bodies(app)
    clock.set_day(DAY)
    before = app.head_position()
    recorded = app.record_supplier_meeting(
        SUPPLIER,
        DAY,
        TITLE,
        ATTENDEES,
        ["Northgate Account Manager"],
        ["Front Office roll-out", "CRM defects"],
        notes(),
        OFFICER,
        clock(),
    )
    assert (recorded.version, recorded.position > before) == (1, True)
    # Due dates after today are the point of an action; the meeting day is today.
    raised = app.raise_supplier_action(
        SUPPLIER,
        DAY,
        TITLE,
        "Send the list of outstanding CRM defects with fix dates",
        "Northgate Account Manager",
        SUPPLIER_SIDE,
        date(2007, 11, 19),
        notes(),
        OFFICER,
        clock(),
    )
    assert isinstance(raised, NumberedResult)
    assert (raised.number, raised.version) == ("1", 2)
    second = app.raise_supplier_action(
        SUPPLIER.upper(),
        DAY,
        TITLE.lower(),
        "Confirm each partner's Front Office go-live date",
        "LCC Project Manager",
        AUTHORITY_SIDE,
        None,
        notes(),
        OFFICER,
        clock(),
        expected_version=2,
    )
    assert second.number == "2"
    escalated = app.escalate_supplier_issue(
        SUPPLIER,
        DAY,
        TITLE,
        "CRM defects are holding back partners' Front Office go-live",
        "programme  board",
        PARTNERSHIP.lower(),
        notes(),
        OFFICER,
        clock(),
    )
    assert escalated.number == "1"

    clock.set_day(date(2007, 11, 19))
    closed = app.close_supplier_action(
        SUPPLIER,
        DAY,
        TITLE,
        raised.number,
        "List received; fixes scheduled for the December release",
        notes(date(2007, 11, 19)),
        OFFICER,
        clock(),
    )
    assert closed.position > escalated.position
    correction = notes(date(2007, 11, 19))
    app.correct_supplier_action(
        SUPPLIER,
        DAY,
        TITLE,
        "2",
        3,
        "due_date",
        date(2007, 11, 26),
        "Agreed",
        correction,
        OFFICER,
        clock(),
    )
    last = app.correct_supplier_meeting(
        SUPPLIER,
        DAY,
        TITLE,
        1,
        "topics",
        ["Front Office roll-out", "CRM defects", "Telephony"],
        "Telephony was discussed too",
        correction,
        OFFICER,
        clock(),
    )
    assert last.position == app.head_position()

    reopened = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        meeting = reopened.get_supplier_meeting("northgate", DAY, f" {TITLE} ")
    finally:
        reopened.close()
    assert meeting.authority_attendees == [{"person": "LCC Project Manager", "authority": LCC}]
    assert meeting.topics == ["Front Office roll-out", "CRM defects", "Telephony"]
    first = meeting.actions["1"]
    assert (first["status"], first["closed_on"], first["owner_side"]) == (
        ACTION_CLOSED,
        date(2007, 11, 19),
        SUPPLIER_SIDE,
    )
    assert first["outcome"] == "List received; fixes scheduled for the December release"
    assert meeting.actions["2"]["status"] == ACTION_OPEN
    assert meeting.actions["2"]["due_date"] == date(2007, 11, 26)
    assert meeting.escalations == [
        {
            "number": "1",
            "text": "CRM defects are holding back partners' Front Office go-live",
            "to_body": "Programme Board",
            "effective_date": DAY,
        }
    ]
    assert meeting.overdue_actions(date(2007, 11, 27)) == [meeting.actions["2"]]
    assert meeting.version == 7


FUTURE = date(2011, 9, 3)  # the clock stands at 2 September 2011

REFUSALS: list[tuple[str, Any, type[DomainError], str | None]] = [
    (
        "record-as-of-another-day",
        lambda app, now: app.record_supplier_meeting(
            SUPPLIER, date(2007, 11, 19), TITLE, ATTENDEES, [], [], notes(DAY), OFFICER, now
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "record-a-meeting-not-yet-held",
        lambda app, now: app.record_supplier_meeting(
            SUPPLIER, FUTURE, TITLE, ATTENDEES, [], [], notes(FUTURE), OFFICER, now
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "record-again",
        lambda app, now: app.record_supplier_meeting(
            "NORTHGATE", DAY, TITLE.upper(), ATTENDEES, [], [], notes(), OFFICER, now
        ),
        SupplierMeetingAlreadyRecorded,
        "title",
    ),
    (
        "record-an-unregistered-authority-attending",
        lambda app, now: app.record_supplier_meeting(
            SUPPLIER,
            date(2007, 11, 19),
            TITLE,
            [{"person": "P", "authority": "LCC"}],
            [],
            [],
            notes(date(2007, 11, 19)),
            OFFICER,
            now,
        ),
        AuthorityNotFound,
        "authorityAttendees",
    ),
    (
        "raise-at-an-unknown-meeting",
        lambda app, now: app.raise_supplier_action(
            SUPPLIER,
            date(2007, 11, 19),
            TITLE,
            "T",
            "O",
            SUPPLIER_SIDE,
            None,
            notes(),
            OFFICER,
            now,
        ),
        SupplierMeetingNotFound,
        "title",
    ),
    (
        "raise-due-before-the-meeting",
        lambda app, now: app.raise_supplier_action(
            SUPPLIER,
            DAY,
            TITLE,
            "T",
            "O",
            SUPPLIER_SIDE,
            date(2007, 11, 5),
            notes(),
            OFFICER,
            now,
        ),
        DueBeforeMeeting,
        "dueDate",
    ),
    (
        "raise-on-no-side",
        lambda app, now: app.raise_supplier_action(
            SUPPLIER, DAY, TITLE, "T", "O", "both", None, notes(), OFFICER, now
        ),
        InvalidInput,
        "ownerSide",
    ),
    (
        "raise-from-a-stale-view",
        lambda app, now: app.raise_supplier_action(
            SUPPLIER,
            DAY,
            TITLE,
            "T",
            "O",
            SUPPLIER_SIDE,
            None,
            notes(),
            OFFICER,
            now,
            expected_version=1,
        ),
        ConcurrentChange,
        "expectedVersion",
    ),
    (
        "close-an-unknown-action",
        lambda app, now: app.close_supplier_action(
            SUPPLIER, DAY, TITLE, "9", "Done", notes(), OFFICER, now
        ),
        ActionNotFound,
        "number",
    ),
    (
        "close-a-closed-action",
        lambda app, now: app.close_supplier_action(
            SUPPLIER, DAY, TITLE, "1", "Done", notes(), OFFICER, now
        ),
        ActionAlreadyClosed,
        "number",
    ),
    (
        "close-before-the-meeting",
        lambda app, now: app.close_supplier_action(
            SUPPLIER, DAY, TITLE, "2", "Done", notes(date(2007, 11, 5)), OFFICER, now
        ),
        ChangeBeforeMeeting,
        "effectiveDate",
    ),
    (
        "escalate-to-an-unknown-body",
        lambda app, now: app.escalate_supplier_issue(
            SUPPLIER, DAY, TITLE, "Issue", "Joint Committee", PARTNERSHIP, notes(), OFFICER, now
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "escalate-in-an-unknown-partnership",
        lambda app, now: app.escalate_supplier_issue(
            SUPPLIER,
            DAY,
            TITLE,
            "Issue",
            "Programme Board",
            "Pennine Lancashire IT Services",
            notes(),
            OFFICER,
            now,
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "escalate-to-a-body-not-yet-established",
        lambda app, now: app.escalate_supplier_issue(
            SUPPLIER, DAY, TITLE, "Issue", "Partnership Board", PARTNERSHIP, notes(), OFFICER, now
        ),
        ChangeBeforeEstablishment,
        "toBody",
    ),
    (
        "escalate-nothing",
        lambda app, now: app.escalate_supplier_issue(
            SUPPLIER, DAY, TITLE, " ", "Programme Board", PARTNERSHIP, notes(), OFFICER, now
        ),
        InvalidInput,
        "text",
    ),
    (
        "escalate-dated-tomorrow",
        lambda app, now: app.escalate_supplier_issue(
            SUPPLIER,
            DAY,
            TITLE,
            "Issue",
            "Programme Board",
            PARTNERSHIP,
            notes(FUTURE),
            OFFICER,
            now,
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "correct-an-action-number",
        lambda app, now: app.correct_supplier_action(
            SUPPLIER, DAY, TITLE, "1", 2, "number", "3", "R", notes(), OFFICER, now
        ),
        InvalidInput,
        "field",
    ),
    (
        "correct-a-due-date-to-before-the-meeting",
        lambda app, now: app.correct_supplier_action(
            SUPPLIER, DAY, TITLE, "2", 3, "due_date", date(2007, 1, 1), "R", notes(), OFFICER, now
        ),
        DueBeforeMeeting,
        "value",
    ),
    (
        "correct-attendees-to-an-unregistered-authority",
        lambda app, now: app.correct_supplier_meeting(
            SUPPLIER,
            DAY,
            TITLE,
            1,
            "authority_attendees",
            [{"person": "P", "authority": "LCC"}],
            "R",
            notes(),
            OFFICER,
            now,
        ),
        AuthorityNotFound,
        "value",
    ),
    (
        "correct-the-supplier",
        lambda app, now: app.correct_supplier_meeting(
            SUPPLIER, DAY, TITLE, 1, "supplier", "SX3", "R", notes(), OFFICER, now
        ),
        InvalidInput,
        "field",
    ),
]


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_refused_commands_write_nothing(
    runtime: Runtime,
    clock: MovableClock,
    attempt: Any,
    error: type[DomainError],
    field: str | None,
) -> None:
    app = runtime.app
    save_bodies(app)
    record_meeting(app, clock())
    app.raise_supplier_action(
        SUPPLIER,
        DAY,
        TITLE,
        "Defect list",
        "Northgate",
        SUPPLIER_SIDE,
        None,
        notes(),
        OFFICER,
        clock(),
    )
    app.raise_supplier_action(
        SUPPLIER,
        DAY,
        TITLE,
        "Go-live dates",
        "LCC",
        AUTHORITY_SIDE,
        None,
        notes(),
        OFFICER,
        clock(),
    )
    app.close_supplier_action(SUPPLIER, DAY, TITLE, "1", "Received", notes(), OFFICER, clock())
    before = app.head_position()
    with pytest.raises(error) as raised:
        attempt(app, clock())
    assert (raised.value.code, raised.value.field) == (error.code, field)
    assert app.head_position() == before
    assert app.get_supplier_meeting(SUPPLIER, DAY, TITLE).version == 4
