"""The supplier meetings register: each meeting with a supplier, who came from either side, what
was discussed and what was escalated. Its actions are the supplier actions register's
(projections.delivery), read beside it by the meeting's id.

Attendees and topics are as last corrected; escalations are kept in the order recorded.
"""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, String, Table

from partnership.limits import NAME_MAX, TITLE_MAX
from partnership.supplier_meetings import SupplierMeeting
from projections.database import metadata
from projections.kit import ReadModel, RowSet
from projections.revised import follow_revision, withdrawn_column

supplier_meetings_register = Table(
    "supplier_meetings_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("supplier", String(NAME_MAX), nullable=False),
    Column("meeting_day", Date, nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    # [{"person", "authority"}]
    Column("authority_attendees", JSON, nullable=False),
    Column("supplier_attendees", JSON, nullable=False),
    Column("topics", JSON, nullable=False),
    # [{"number", "text", "to_body", "effective_date"}]
    Column("escalations", JSON, nullable=False),
    # Withdrawn as recorded in error: it stays, marked, with its actions.
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    # Read newest first, of every supplier or of one; the title is too long to index whole
    # (see the supplier actions register), so the id settles a tie.
    Index("ix_supplier_meetings_register_day", "meeting_day", "meeting_id"),
    Index("ix_supplier_meetings_register_supplier", "supplier", "meeting_day"),
)

CORRECTABLE = ("authority_attendees", "supplier_attendees", "topics")


class SupplierMeetingsRegisterProjection(ReadModel):
    name = "supplier_meetings_register"
    # 2: facts corrected and withdrawn; a meeting withdrawn in error, marked.
    schema_version = 2
    tables: Sequence[Table] = (supplier_meetings_register,)

    def __init__(self) -> None:
        self.meetings = RowSet(supplier_meetings_register, ("meeting_id",))
        super().__init__(self.meetings)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no supplier meeting."""

    @wants.register
    def _(
        self,
        event: SupplierMeeting.IssueEscalated
        | SupplierMeeting.Corrected
        | SupplierMeeting.FactCorrected
        | SupplierMeeting.FactWithdrawn,
    ) -> None:
        self.meetings.want((str(event.originator_id),))

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events (an action's, kept by the supplier actions register) change no row."""

    @apply.register
    def _(self, event: SupplierMeeting.Recorded, position: int) -> None:
        self.meetings.add(
            {
                "meeting_id": str(event.originator_id),
                "supplier": event.supplier,
                "meeting_day": event.day,
                "title": event.title,
                "authority_attendees": [dict(a) for a in event.authority_attendees],
                "supplier_attendees": list(event.supplier_attendees),
                "topics": list(event.topics),
                "escalations": [],
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: SupplierMeeting.IssueEscalated, position: int) -> None:
        meeting = self._meeting(event, position)
        escalated = {
            "number": event.number,
            "text": event.text,
            "to_body": event.to_body,
            "effective_date": event.effective_date.isoformat(),
        }
        meeting["escalations"] = [*meeting["escalations"], escalated]

    @apply.register
    def _(self, event: SupplierMeeting.Corrected, position: int) -> None:
        meeting = self._meeting(event, position)
        if event.field in CORRECTABLE:
            meeting[event.field] = _copied(event.value)

    @apply.register
    def _(
        self, event: SupplierMeeting.FactCorrected | SupplierMeeting.FactWithdrawn, position: int
    ) -> None:
        """The meeting as the revision left it (its actions are the actions register's)."""
        meeting = self._meeting(event, position)
        follow_revision(meeting, event.changes, supplier_meetings_register, _RENAMED, _KEPT)

    def _meeting(self, event: SupplierMeeting.Event, position: int) -> dict[str, Any]:
        meeting = self.meetings[(str(event.originator_id),)]
        meeting["last_position"] = position
        return meeting


# Where the register's column is named otherwise than the meeting's state.
_RENAMED = {"day": "meeting_day"}
# What the register keeps itself: the key, where it was last changed.
_KEPT = frozenset({"meeting_id", "last_position"})


def _copied(value: Any) -> Any:
    return [dict(item) if isinstance(item, dict) else item for item in value]
