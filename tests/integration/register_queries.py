"""Questions only the tests ask of the registers: whole lists, unpaged, straight from the
tables, to check what the projections wrote."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, RowMapping, func, select

from partnership.projects import ACHIEVED
from partnership.recommendations import IN_PROGRESS, OPEN
from partnership.supplier_meetings import ACTION_OPEN
from projections.decisions import decisions_register, meetings_register
from projections.delivery import (
    milestones_register,
    recommendations_register,
    supplier_actions_register,
)


def decisions_of_body(conn: Connection, partnership: str, body: str) -> list[dict[str, Any]]:
    """Every decision of a body, newest meeting first, each meeting's in the minutes' order."""
    query = (
        select(decisions_register)
        .where(decisions_register.c.partnership == partnership)
        .where(decisions_register.c.body == body)
        .order_by(
            decisions_register.c.meeting_date.desc(),
            decisions_register.c.sequence.desc(),
            decisions_register.c.recorded_position,
        )
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def meeting_row(conn: Connection, meeting_id: str) -> dict[str, Any] | None:
    found = (
        conn.execute(select(meetings_register).where(meetings_register.c.meeting_id == meeting_id))
        .mappings()
        .first()
    )
    return None if found is None else dict(found)


def overdue_milestones(conn: Connection, as_of: date) -> list[RowMapping]:
    """Milestones not achieved whose current due date is before `as_of`, most overdue first.

    Judged on the register as it stands: a milestone achieved since `as_of` is not listed.
    """
    table = milestones_register
    return list(
        conn.execute(
            select(table)
            .where(table.c.status != ACHIEVED, table.c.current_due_date < as_of)
            .order_by(table.c.current_due_date, table.c.project, table.c.milestone_key)
        ).mappings()
    )


def stale_recommendations(conn: Connection, as_of: date, days: int) -> list[RowMapping]:
    """Open or in-progress recommendations with no update (or, lacking one, not made) in the
    `days` days up to `as_of`: their latest update is at least `days` days old."""
    table = recommendations_register
    cutoff = as_of - timedelta(days=days)
    last = func.coalesce(table.c.last_update_on, table.c.made_on)
    return list(
        conn.execute(
            select(table)
            .where(table.c.status.in_((OPEN, IN_PROGRESS)), last <= cutoff)
            .order_by(last, table.c.inquiry_title, table.c.number)
        ).mappings()
    )


def overdue_actions(conn: Connection, as_of: date) -> list[RowMapping]:
    """Open supplier-meeting actions whose due date is before `as_of`, most overdue first."""
    table = supplier_actions_register
    return list(
        conn.execute(
            select(table)
            .where(table.c.status == ACTION_OPEN, table.c.due_date < as_of)
            .order_by(table.c.due_date, table.c.meeting_day, table.c.number)
        ).mappings()
    )
