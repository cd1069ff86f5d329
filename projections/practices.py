"""The practices register: each recurring practice with its parties, cadence and dates.

A practice belongs to no partnership: it concerns the authorities taking part in it, and the
suppliers it is held with are names as recorded.
"""

from collections.abc import Sequence
from functools import singledispatchmethod

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Table, Text

from partnership.limits import NAME_MAX
from partnership.practices import Practice
from projections.database import metadata
from projections.kit import ReadModel, RowSet

practices_register = Table(
    "practices_register",
    metadata,
    Column("practice_id", String(36), primary_key=True),
    Column("name", String(NAME_MAX), nullable=False),
    Column("kind", String(40), nullable=False),
    # The authorities taking part, as registered, in the order recorded.
    Column("authorities", JSON, nullable=False),
    # The suppliers it is held with, as recorded.
    Column("suppliers", JSON, nullable=False),
    Column("cadence_every", Integer, nullable=False),
    Column("cadence_unit", String(10), nullable=False),
    Column("starts_on", Date, nullable=False),
    # Its last day: planned when recorded, or set by its ending; null until further notice.
    Column("ends_on", Date),
    # Why it ended, once an ending is recorded.
    Column("ending_reason", Text),
    Column("recorded_on", Date, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_practices_register_name", "name", "practice_id"),
)


class PracticesRegisterProjection(ReadModel):
    name = "practices_register"
    schema_version = 1
    tables: Sequence[Table] = (practices_register,)

    def __init__(self) -> None:
        self.practices = RowSet(practices_register, ("practice_id",))
        super().__init__(self.practices)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no practice."""

    @wants.register
    def _(self, event: Practice.Ended) -> None:
        self.practices.want((str(event.originator_id),))

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the register."""

    @apply.register
    def _(self, event: Practice.Recorded, position: int) -> None:
        self.practices.add(
            {
                "practice_id": str(event.originator_id),
                "name": event.name,
                "kind": event.kind,
                "authorities": list(event.authorities),
                "suppliers": list(event.suppliers),
                "cadence_every": event.cadence_every,
                "cadence_unit": event.cadence_unit,
                "starts_on": event.starts_on,
                "ends_on": event.ends_on,
                "ending_reason": None,
                "recorded_on": event.effective_date,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Practice.Ended, position: int) -> None:
        practice = self.practices[(str(event.originator_id),)]
        practice["ends_on"] = event.ends_on
        practice["ending_reason"] = event.reason
        practice["last_position"] = position
