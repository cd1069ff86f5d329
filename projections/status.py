"""How current each read model is: its lag behind the log, and the event it is stalled on.

Positions are the live generation's, the one queries read: a rebuild in progress does not move
them until its generation is swapped in, and says only that it was asked for.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from partnership.application import PartnershipApplication
from projections.tracking import Stall, Tracked

# Lags up to this many events are counted exactly; beyond it, positions are subtracted.
EXACT_LAG_AT_MOST = 10_000


@dataclass(frozen=True)
class ProjectionStatus:
    name: str
    position: int
    head: int
    lag_events: int
    lag_seconds: float
    stall: Stall | None = None
    # Since when a rebuild of it has been asked for and not yet swapped in.
    rebuild_requested: datetime | None = None


def read_status(
    app: PartnershipApplication, tracked: Sequence[tuple[str, Tracked]]
) -> list[ProjectionStatus]:
    head = app.head_position()
    head_time = _recorded_at(app, head)
    found = []
    for name, at in tracked:
        behind = head_time - _recorded_at(app, at.position) if at.position < head else None
        found.append(
            ProjectionStatus(
                name=name,
                position=at.position,
                head=head,
                lag_events=_count_after(app, at.position, head),
                lag_seconds=0.0 if behind is None else max(0.0, behind.total_seconds()),
                stall=at.stall,
                rebuild_requested=at.rebuild_requested,
            )
        )
    return found


def _recorded_at(app: PartnershipApplication, position: int) -> datetime:
    """When the event at `position` was recorded (before any: the first event's time)."""
    notifications = app.recorder.select_notifications(start=position, limit=1)
    if not notifications:
        return datetime.now(UTC)
    try:
        event: Any = app.mapper.to_domain_event(notifications[0])
    except Exception:
        # An event that cannot be read is what a stall reports; the status must still answer.
        return datetime.now(UTC)
    timestamp: datetime = event.timestamp
    return timestamp


def _count_after(app: PartnershipApplication, position: int, head: int) -> int:
    # PostgreSQL positions can have gaps, so count events rather than subtract positions.
    if position >= head:
        return 0
    counted = len(
        app.recorder.select_notifications(
            start=position, limit=min(head - position, EXACT_LAG_AT_MOST), inclusive_of_start=False
        )
    )
    # Far behind (a long stall), the gap between positions stands in, at most a little above
    # the true count: a health check must not read the whole backlog each time it asks.
    return counted if counted < EXACT_LAG_AT_MOST else head - position
