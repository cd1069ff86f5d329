"""The supplier meetings register against both stores: what the commands record is read back
with its actions, seen only by those who see an attending authority, and a rebuild in small
batches gives the same rows as one in a single batch."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from partnership.addresses import SupplierMeetingAddress
from partnership.commands.envelope import Envelope
from partnership.supplier_meetings import SUPPLIER_SIDE
from projections.read import (
    NOTHING,
    PageRequest,
    SupplierMeetingFilter,
    Visibility,
    actions_of_meetings,
    supplier_meetings_page,
)
from projections.read.names import SupplierNotFound
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from projections.supplier_meetings import (
    SupplierMeetingsRegisterProjection,
    supplier_meetings_register,
)
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_supplier_meeting_commands import (
    DAY,
    LCC,
    PARTNERSHIP,
    SUPPLIER,
    TITLE,
    notes,
    record_meeting,
    save_bodies,
)

MEETING = SupplierMeetingAddress(SUPPLIER, DAY, TITLE)
LATER = date(2007, 11, 19)


def runner_of(runtime: Runtime, batch_size: int = 500) -> ProjectionRunner:
    return ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[SupplierMeetingsRegisterProjection()],
        batch_size=batch_size,
    )


def all_rows(runtime: Runtime) -> list[dict[str, Any]]:
    table = supplier_meetings_register
    with runtime.store.reader.connect() as conn:
        return [
            dict(r) for r in conn.execute(select(table).order_by(table.c.meeting_id)).mappings()
        ]


def the_record(runtime: Runtime, clock: MovableClock) -> None:
    app = runtime.app
    save_bodies(app)
    clock.set_day(LATER)
    now = clock()
    record_meeting(app, now)
    for text in ("Send the defect list", "Fix the CRM defects"):
        app.raise_supplier_action(
            meeting=MEETING,
            text=text,
            owner="Northgate Account Manager",
            owner_side=SUPPLIER_SIDE,
            due_date=LATER,
            envelope=Envelope(notes(), OFFICER, now),
        )
    app.escalate_supplier_issue(
        meeting=MEETING,
        text="CRM defects hold back go-live",
        to_body="Programme Board",
        partnership=PARTNERSHIP,
        envelope=Envelope(notes(), OFFICER, now),
    )
    app.correct_supplier_meeting(
        meeting=MEETING,
        corrects_version=1,
        field="supplier_attendees",
        value=["Northgate Account Manager", "Northgate CRM Lead"],
        reason="The notes list two",
        envelope=Envelope(notes(LATER), OFFICER, now),
    )
    app.record_supplier_meeting(
        meeting=SupplierMeetingAddress(SUPPLIER, LATER, TITLE),
        authority_attendees=[{"person": "LCC Project Manager", "authority": LCC}],
        supplier_attendees=[],
        topics=[],
        envelope=Envelope(notes(LATER), OFFICER, now),
    )


def test_supplier_meetings_read_back_with_their_actions(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    lcc_only = Visibility(False, authorities=frozenset({LCC}))
    others = Visibility(False, authorities=frozenset({"Chorley Borough Council"}))

    with runtime.store.reader.connect() as conn:
        every = supplier_meetings_page(conn, SupplierMeetingFilter(), PageRequest())
        first = supplier_meetings_page(
            conn, SupplierMeetingFilter(supplier=" northgate "), PageRequest(first=1)
        )
        on_day = supplier_meetings_page(
            conn, SupplierMeetingFilter(meeting_from=DAY, meeting_to=DAY), PageRequest()
        )
        seen = supplier_meetings_page(
            conn, SupplierMeetingFilter(), PageRequest(), visible=lcc_only
        )
        unseen = supplier_meetings_page(
            conn, SupplierMeetingFilter(), PageRequest(), visible=others
        )
        actions = actions_of_meetings(conn, [row["meeting_id"] for row in every.rows])
        with pytest.raises(SupplierNotFound):
            supplier_meetings_page(
                conn, SupplierMeetingFilter(supplier=SUPPLIER), PageRequest(), visible=NOTHING
            )

    assert [row["meeting_day"] for row in every.rows] == [LATER, DAY]
    assert [row["meeting_day"] for row in first.rows] == [LATER]
    assert first.has_next_page
    assert [row["meeting_day"] for row in on_day.rows] == [DAY]
    assert [row["meeting_id"] for row in seen.rows] == [row["meeting_id"] for row in every.rows]
    assert unseen.rows == []

    meeting = every.rows[1]
    assert (meeting["supplier"], meeting["title"]) == (SUPPLIER, TITLE)
    assert meeting["authority_attendees"] == [{"person": "LCC Project Manager", "authority": LCC}]
    assert meeting["supplier_attendees"] == ["Northgate Account Manager", "Northgate CRM Lead"]
    assert meeting["topics"] == ["Front Office roll-out", "CRM defects"]
    assert meeting["escalations"] == [
        {
            "number": "1",
            "text": "CRM defects hold back go-live",
            "to_body": "Programme Board",
            "effective_date": DAY.isoformat(),
        }
    ]
    assert [a["text"] for a in actions[meeting["meeting_id"]]] == [
        "Send the defect list",
        "Fix the CRM defects",
    ]
    assert every.rows[0]["meeting_id"] not in actions

    before = all_rows(runtime)
    runner_of(runtime, batch_size=2).rebuild()
    assert all_rows(runtime) == before
    runner_of(runtime).rebuild()
    assert all_rows(runtime) == before
