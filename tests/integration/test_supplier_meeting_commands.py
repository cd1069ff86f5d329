"""Supplier meeting commands: LCC's weekly meeting with Northgate."""

from datetime import date
from typing import Any

import pytest

from partnership.addresses import SupplierMeetingAddress
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
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

pytestmark = pytest.mark.store_agnostic

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
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        authority_attendees=ATTENDEES,
        supplier_attendees=["Northgate Account Manager"],
        topics=["Front Office roll-out", "CRM defects"],
        envelope=Envelope(notes(), OFFICER, now),
    )


def test_the_weekly_meeting_raises_closes_and_escalates(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    save_bodies(app)
    clock.set_day(DAY)
    before = app.head_position()
    recorded = app.record_supplier_meeting(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        authority_attendees=ATTENDEES,
        supplier_attendees=["Northgate Account Manager"],
        topics=["Front Office roll-out", "CRM defects"],
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    assert (recorded.version, recorded.position > before) == (1, True)
    # Due dates after today are the point of an action; the meeting day is today.
    raised = app.raise_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        text="Send the list of outstanding CRM defects with fix dates",
        owner="Northgate Account Manager",
        owner_side=SUPPLIER_SIDE,
        due_date=date(2007, 11, 19),
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    assert raised.number is not None
    assert (raised.number, raised.version) == ("1", 2)
    second = app.raise_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER.upper(), DAY, TITLE.lower()),
        text="Confirm each partner's Front Office go-live date",
        owner="LCC Project Manager",
        owner_side=AUTHORITY_SIDE,
        due_date=None,
        envelope=Envelope(notes(), OFFICER, clock(), expected_version=2),
    )
    assert second.number == "2"
    escalated = app.escalate_supplier_issue(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        text="CRM defects are holding back partners' Front Office go-live",
        to_body="programme  board",
        partnership=PARTNERSHIP.lower(),
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    assert escalated.number == "1"

    clock.set_day(date(2007, 11, 19))
    closed = app.close_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        number=raised.number,
        outcome="List received; fixes scheduled for the December release",
        envelope=Envelope(notes(date(2007, 11, 19)), OFFICER, clock()),
    )
    assert closed.position > escalated.position
    correction = notes(date(2007, 11, 19))
    app.correct_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        number="2",
        corrects_version=3,
        field="due_date",
        value=date(2007, 11, 26),
        reason="Agreed",
        envelope=Envelope(correction, OFFICER, clock()),
    )
    last = app.correct_supplier_meeting(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        corrects_version=1,
        field="topics",
        value=["Front Office roll-out", "CRM defects", "Telephony"],
        reason="Telephony was discussed too",
        envelope=Envelope(correction, OFFICER, clock()),
    )
    assert last.position == app.head_position()

    reopened = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        meeting = reopened.get_supplier_meeting(
            SupplierMeetingAddress("northgate", DAY, f" {TITLE} ")
        )
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
            meeting=SupplierMeetingAddress(SUPPLIER, date(2007, 11, 19), TITLE),
            authority_attendees=ATTENDEES,
            supplier_attendees=[],
            topics=[],
            envelope=Envelope(notes(DAY), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "record-a-meeting-not-yet-held",
        lambda app, now: app.record_supplier_meeting(
            meeting=SupplierMeetingAddress(SUPPLIER, FUTURE, TITLE),
            authority_attendees=ATTENDEES,
            supplier_attendees=[],
            topics=[],
            envelope=Envelope(notes(FUTURE), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "record-again",
        lambda app, now: app.record_supplier_meeting(
            meeting=SupplierMeetingAddress("NORTHGATE", DAY, TITLE.upper()),
            authority_attendees=ATTENDEES,
            supplier_attendees=[],
            topics=[],
            envelope=Envelope(notes(), OFFICER, now),
        ),
        SupplierMeetingAlreadyRecorded,
        "title",
    ),
    (
        "record-an-unregistered-authority-attending",
        lambda app, now: app.record_supplier_meeting(
            meeting=SupplierMeetingAddress(SUPPLIER, date(2007, 11, 19), TITLE),
            authority_attendees=[{"person": "P", "authority": "LCC"}],
            supplier_attendees=[],
            topics=[],
            envelope=Envelope(notes(date(2007, 11, 19)), OFFICER, now),
        ),
        AuthorityNotFound,
        "authorityAttendees",
    ),
    (
        "raise-at-an-unknown-meeting",
        lambda app, now: app.raise_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, date(2007, 11, 19), TITLE),
            text="T",
            owner="O",
            owner_side=SUPPLIER_SIDE,
            due_date=None,
            envelope=Envelope(notes(), OFFICER, now),
        ),
        SupplierMeetingNotFound,
        "title",
    ),
    (
        "raise-due-before-the-meeting",
        lambda app, now: app.raise_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="T",
            owner="O",
            owner_side=SUPPLIER_SIDE,
            due_date=date(2007, 11, 5),
            envelope=Envelope(notes(), OFFICER, now),
        ),
        DueBeforeMeeting,
        "dueDate",
    ),
    (
        "raise-on-no-side",
        lambda app, now: app.raise_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="T",
            owner="O",
            owner_side="both",
            due_date=None,
            envelope=Envelope(notes(), OFFICER, now),
        ),
        InvalidInput,
        "ownerSide",
    ),
    (
        "raise-from-a-stale-view",
        lambda app, now: app.raise_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="T",
            owner="O",
            owner_side=SUPPLIER_SIDE,
            due_date=None,
            envelope=Envelope(notes(), OFFICER, now, expected_version=1),
        ),
        ConcurrentChange,
        "expectedVersion",
    ),
    (
        "close-an-unknown-action",
        lambda app, now: app.close_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            number="9",
            outcome="Done",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        ActionNotFound,
        "number",
    ),
    (
        "close-a-closed-action",
        lambda app, now: app.close_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            number="1",
            outcome="Done",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        ActionAlreadyClosed,
        "number",
    ),
    (
        "close-before-the-meeting",
        lambda app, now: app.close_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            number="2",
            outcome="Done",
            envelope=Envelope(notes(date(2007, 11, 5)), OFFICER, now),
        ),
        ChangeBeforeMeeting,
        "effectiveDate",
    ),
    (
        "escalate-to-an-unknown-body",
        lambda app, now: app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="Issue",
            to_body="Joint Committee",
            partnership=PARTNERSHIP,
            envelope=Envelope(notes(), OFFICER, now),
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "escalate-in-an-unknown-partnership",
        lambda app, now: app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="Issue",
            to_body="Programme Board",
            partnership="Pennine Lancashire IT Services",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        GoverningBodyNotFound,
        "body",
    ),
    (
        "escalate-to-a-body-not-yet-established",
        lambda app, now: app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="Issue",
            to_body="Partnership Board",
            partnership=PARTNERSHIP,
            envelope=Envelope(notes(), OFFICER, now),
        ),
        ChangeBeforeEstablishment,
        "toBody",
    ),
    (
        "escalate-nothing",
        lambda app, now: app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text=" ",
            to_body="Programme Board",
            partnership=PARTNERSHIP,
            envelope=Envelope(notes(), OFFICER, now),
        ),
        InvalidInput,
        "text",
    ),
    (
        "escalate-dated-tomorrow",
        lambda app, now: app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            text="Issue",
            to_body="Programme Board",
            partnership=PARTNERSHIP,
            envelope=Envelope(notes(FUTURE), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "correct-an-action-number",
        lambda app, now: app.correct_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            number="1",
            corrects_version=2,
            field="number",
            value="3",
            reason="R",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
    (
        "correct-a-due-date-to-before-the-meeting",
        lambda app, now: app.correct_supplier_action(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            number="2",
            corrects_version=3,
            field="due_date",
            value=date(2007, 1, 1),
            reason="R",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        DueBeforeMeeting,
        "value",
    ),
    (
        "correct-attendees-to-an-unregistered-authority",
        lambda app, now: app.correct_supplier_meeting(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            corrects_version=1,
            field="authority_attendees",
            value=[{"person": "P", "authority": "LCC"}],
            reason="R",
            envelope=Envelope(notes(), OFFICER, now),
        ),
        AuthorityNotFound,
        "value",
    ),
    (
        "correct-the-supplier",
        lambda app, now: app.correct_supplier_meeting(
            meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
            corrects_version=1,
            field="supplier",
            value="SX3",
            reason="R",
            envelope=Envelope(notes(), OFFICER, now),
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
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        text="Defect list",
        owner="Northgate",
        owner_side=SUPPLIER_SIDE,
        due_date=None,
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    app.raise_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        text="Go-live dates",
        owner="LCC",
        owner_side=AUTHORITY_SIDE,
        due_date=None,
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    app.close_supplier_action(
        meeting=SupplierMeetingAddress(SUPPLIER, DAY, TITLE),
        number="1",
        outcome="Received",
        envelope=Envelope(notes(), OFFICER, clock()),
    )
    before = app.head_position()
    with pytest.raises(error) as raised:
        attempt(app, clock())
    assert (raised.value.code, raised.value.field) == (error.code, field)
    assert app.head_position() == before
    assert app.get_supplier_meeting(SupplierMeetingAddress(SUPPLIER, DAY, TITLE)).version == 4
