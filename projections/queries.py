"""Read-side questions answered from the read models (never from aggregates)."""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Select, and_, literal, select, tuple_

from partnership.contracts import ACTIVE, contract_id
from partnership.domain import InvalidInput
from projections.contracts import contracts_register
from projections.timeline import timeline_authorities, timeline_entries

MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class TimelineFilter:
    contract: str | None = None
    authority: str | None = None
    kinds: Sequence[str] = ()
    effective_from: date | None = None
    effective_to: date | None = None


@dataclass(frozen=True)
class TimelinePage:
    rows: list[dict[str, Any]]
    authorities: dict[int, list[str]]
    has_next_page: bool
    cursors: list[str] = field(default_factory=list)


def encode_cursor(effective_date: date, position: int) -> str:
    return base64.urlsafe_b64encode(f"{effective_date.isoformat()}|{position}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[date, int]:
    try:
        day, position = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return date.fromisoformat(day), int(position)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(
            "The cursor is not one this service gave out; start again without `after`.",
            "after",
        ) from None


def timeline_page(
    conn: Connection, filters: TimelineFilter, first: int, after: str | None = None
) -> TimelinePage:
    """Newest first by effective date; ties broken by the order the facts were recorded."""
    if first < 1 or first > MAX_PAGE_SIZE:
        raise InvalidInput(f"Ask for between 1 and {MAX_PAGE_SIZE} entries at a time.", "first")
    if (
        filters.effective_from is not None
        and filters.effective_to is not None
        and filters.effective_to < filters.effective_from
    ):
        raise InvalidInput("The date range ends before it starts.", "effectiveTo")
    entries = timeline_entries
    if filters.authority:
        # Order by the authority table's own columns so its index serves the whole query.
        by = timeline_authorities
        query: Select[Any] = (
            select(entries)
            .join(by, by.c.position == entries.c.position)
            .where(by.c.authority == filters.authority)
        )
        order_date, order_position = by.c.effective_date, by.c.position
    else:
        query = select(entries)
        order_date, order_position = entries.c.effective_date, entries.c.position
    if filters.contract:
        # By id, so the reference matches however it is spaced or cased.
        query = query.where(entries.c.aggregate_id == str(contract_id(filters.contract)))
    if filters.kinds:
        query = query.where(entries.c.kind.in_(list(filters.kinds)))
    if filters.effective_from is not None:
        query = query.where(order_date >= filters.effective_from)
    if filters.effective_to is not None:
        query = query.where(order_date <= filters.effective_to)
    if after is not None:
        after_date, after_position = decode_cursor(after)
        query = query.where(
            tuple_(order_date, order_position)
            < tuple_(literal(after_date), literal(after_position))
        )
    query = query.order_by(order_date.desc(), order_position.desc()).limit(first + 1)
    rows = [dict(row) for row in conn.execute(query).mappings()]
    has_next = len(rows) > first
    rows = rows[:first]
    return TimelinePage(
        rows=rows,
        authorities=_authorities_of(conn, [row["position"] for row in rows]),
        has_next_page=has_next,
        cursors=[encode_cursor(row["effective_date"], row["position"]) for row in rows],
    )


def timeline_entry(conn: Connection, position: int) -> tuple[dict[str, Any], list[str]] | None:
    """The timeline row of the event at `position`, with the authorities it concerns."""
    row = (
        conn.execute(select(timeline_entries).where(timeline_entries.c.position == position))
        .mappings()
        .first()
    )
    if row is None:
        return None
    return dict(row), _authorities_of(conn, [position])[position]


def _authorities_of(conn: Connection, positions: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {position: [] for position in positions}
    if positions:
        query = (
            select(timeline_authorities.c.position, timeline_authorities.c.authority)
            .where(timeline_authorities.c.position.in_(positions))
            .order_by(timeline_authorities.c.position, timeline_authorities.c.authority)
        )
        for position, authority in conn.execute(query):
            found[position].append(authority)
    return found


def contract_by_id(conn: Connection, contract_id: UUID) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(contracts_register).where(contracts_register.c.contract_id == str(contract_id))
        )
        .mappings()
        .first()
    )
    return None if row is None else dict(row)


def list_contracts(
    conn: Connection,
    authority: str | None = None,
    reference: str | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    query = select(contracts_register).order_by(
        contracts_register.c.notice_deadline, contracts_register.c.reference
    )
    if authority:
        query = query.where(contracts_register.c.authority == authority)
    if reference:
        query = query.where(contracts_register.c.reference == reference)
    if status:
        query = query.where(contracts_register.c.status == status)
    return [dict(row) for row in conn.execute(query).mappings()]


def contracts_due_for_renewal(
    conn: Connection, today: date, horizon_days: int
) -> list[dict[str, Any]]:
    """Live contracts whose notice deadline falls on or before today + horizon.

    A deadline already passed is included while the contract runs: that is the most urgent case.
    """
    register = contracts_register
    query = (
        select(register)
        .where(
            and_(
                register.c.status == ACTIVE,
                register.c.notice_deadline <= today + timedelta(days=horizon_days),
                register.c.end_date >= today,
            )
        )
        .order_by(register.c.notice_deadline, register.c.reference)
    )
    return [dict(row) for row in conn.execute(query).mappings()]
