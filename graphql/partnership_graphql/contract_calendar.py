"""Where a contract stands on a day by the calendar, beside the status the record holds.

The recorded `status` changes only by a recorded fact (a termination); a contract left to run
out stays `ACTIVE` there for good. The calendar status adds what the day says: whether notice
can still be given, and whether the contract has ended.
"""

from datetime import date
from enum import Enum
from typing import Annotated

import strawberry

from partnership import contracts


@strawberry.enum(description="Where a contract stands on a day, by its dates and its record.")
class ContractCalendarStatus(Enum):
    ACTIVE = strawberry.enum_value(
        contracts.ACTIVE,
        description="Running, and notice can still be given: the day is on or before the "
        "notice deadline.",
    )
    IN_NOTICE_PERIOD = strawberry.enum_value(
        contracts.IN_NOTICE_PERIOD,
        description="Running, but past the notice deadline: from the day after it up to and "
        "including the end date.",
    )
    EXPIRED = strawberry.enum_value(
        contracts.EXPIRED,
        description="Ran its course: the day is after its current end date.",
    )
    TERMINATED = strawberry.enum_value(
        contracts.TERMINATED,
        description="Terminated on the record: stands whatever the day.",
    )
    WITHDRAWN = strawberry.enum_value(
        contracts.WITHDRAWN,
        description="Withdrawn as awarded in error: kept on the record, marked, whatever the day.",
    )


CalendarAsOf = Annotated[
    date | None,
    strawberry.argument(description="The day to judge it on (default today)."),
]


def calendar_status_on(
    recorded_status: str, end_date: date, notice_deadline: date, day: date
) -> ContractCalendarStatus:
    return ContractCalendarStatus(
        contracts.calendar_status(recorded_status, end_date, notice_deadline, day)
    )
