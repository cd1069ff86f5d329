"""Alerts as of a day: what needs attention, most urgent first, and one alert by its key.

The alerts read model holds what a level is worked out from; the level is decided here, as of
the day asked about, by the domain's rules.

Each question answers only the alerts the asker may see (`visibility`): a partnership's with
the partnership; a contract's renewal with the contract; any other (a head contract's change
among them, which concerns the parties of the contract under it) with the authorities it
concerns.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Select, select

from partnership.alerts import (
    CATEGORIES,
    HEAD_CONTRACT_CHANGED,
    OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    STALE,
    level_as_of,
    threshold_of,
)
from partnership.domain import normalise_key
from projections.alerts import alert_acknowledgements, alert_sources
from projections.read import names
from projections.read.paging import Page, PageRequest, Row, sorted_page
from projections.read.visibility import EVERYTHING, Visibility, alert_seen, spellings

# The parts of FoundAlert.urgency, as a cursor holds them.
URGENCY_KINDS = (int, date, str)


@dataclass(frozen=True)
class AlertRules:
    """The part of the rules a deployment sets."""

    renewal_days: tuple[int, ...] = (180, 90, 30, 7)
    stale_recommendation_days: int = 90


@dataclass(frozen=True)
class FoundAlert:
    row: Row
    level: str
    as_of: date
    acknowledgement: Row | None

    @property
    def key(self) -> str:
        return str(self.row["alert_key"])

    @property
    def threshold_days(self) -> int | None:
        return threshold_of(self.level)

    @property
    def days_until(self) -> int:
        key_date: date = self.row["key_date"]
        return (key_date - self.as_of).days

    def urgency(self) -> tuple[int, date, str]:
        """Missed notice deadlines, then other overdue things, then coming notice deadlines and
        head contracts' changes, then recommendations gone unmonitored; within each, the
        earliest key date first."""
        if self.level == OVERDUE:
            rank = 0 if self.row["category"] == RENEWAL else 1
        else:
            rank = 3 if self.level == STALE else 2
        return rank, self.row["key_date"], self.key


def alerts_as_of(
    conn: Connection,
    as_of: date,
    rules: AlertRules,
    categories: Sequence[str] = CATEGORIES,
    include_acknowledged: bool = False,
    authority: str | None = None,
    *,
    visible: Visibility = EVERYTHING,
) -> list[FoundAlert]:
    """The alerts standing on `as_of`, most urgent first (see FoundAlert.urgency).

    Judged on the record as it stands: a milestone achieved since `as_of` is not listed.
    """
    if authority:
        # Refused before any work if not on record (or not seen): never an empty list.
        names.authority_named(conn, authority, visible)
    rows: list[Row] = []
    for category in dict.fromkeys(categories):
        query = _seen(conn, _candidates(category, as_of, rules), visible)
        rows += [dict(row) for row in conn.execute(query).mappings()]
    if authority:
        wanted = normalise_key(authority)
        rows = [r for r in rows if any(normalise_key(a) == wanted for a in r["authorities"])]
    found = _with_levels(conn, rows, as_of, rules)
    if not include_acknowledged:
        found = [alert for alert in found if alert.acknowledgement is None]
    return sorted(found, key=FoundAlert.urgency)


def alert_by_key(
    conn: Connection,
    key: str,
    as_of: date,
    rules: AlertRules,
    *,
    visible: Visibility = EVERYTHING,
) -> FoundAlert | None:
    """The alert `key` as it stands on `as_of` (acknowledged or not), or None if it is none."""
    query = select(alert_sources).where(alert_sources.c.alert_key == key, alert_sources.c.is_open)
    rows = [dict(row) for row in conn.execute(_seen(conn, query, visible)).mappings()]
    found = _with_levels(conn, rows, as_of, rules)
    return found[0] if found else None


def _seen(conn: Connection, query: Select[Any], visible: Visibility) -> Select[Any]:
    if visible.everything:
        return query
    return query.where(alert_seen(alert_sources, spellings(visible), conn.dialect.name))


def _candidates(category: str, as_of: date, rules: AlertRules) -> Select[Any]:
    """Open rows of `category` whose key date is near or past enough to alert: index-backed."""
    table = alert_sources
    query = select(table).where(table.c.category == category, table.c.is_open)
    if category == RENEWAL:
        latest = as_of + timedelta(days=max(rules.renewal_days))
        return query.where(table.c.key_date <= latest, table.c.runs_until >= as_of)
    if category == RECOMMENDATION_STALE:
        latest = as_of - timedelta(days=rules.stale_recommendation_days)
        return query.where(table.c.key_date <= latest)
    if category == HEAD_CONTRACT_CHANGED:
        return query.where(table.c.runs_until >= as_of)
    return query.where(table.c.key_date < as_of)


def _with_levels(
    conn: Connection, rows: list[Row], as_of: date, rules: AlertRules
) -> list[FoundAlert]:
    levelled = []
    for row in rows:
        level = level_as_of(
            row["category"],
            row["key_date"],
            as_of,
            rules.renewal_days,
            rules.stale_recommendation_days,
            runs_until=row["runs_until"],
        )
        if level is not None:
            levelled.append((row, level))
    acknowledged = _acknowledgements(conn, {row["alert_key"] for row, _ in levelled})
    return [
        FoundAlert(row, level, as_of, acknowledged.get((row["alert_key"], level)))
        for row, level in levelled
    ]


def _acknowledgements(conn: Connection, keys: set[str]) -> dict[tuple[str, str], Row]:
    if not keys:
        return {}
    table = alert_acknowledgements
    found = conn.execute(select(table).where(table.c.alert_key.in_(sorted(keys)))).mappings()
    return {(row["alert_key"], row["level"]): dict(row) for row in found}


def alerts_page(
    conn: Connection,
    as_of: date,
    rules: AlertRules,
    request: PageRequest,
    categories: Sequence[str] = CATEGORIES,
    include_acknowledged: bool = False,
    authority: str | None = None,
    *,
    visible: Visibility = EVERYTHING,
) -> Page[FoundAlert]:
    """A page of the alerts standing on `as_of`, most urgent first.

    Levels depend on the day, so every candidate is judged before the page is cut; candidates
    are bounded by the register's open rows near their key dates.
    """
    request.check()
    found = alerts_as_of(
        conn, as_of, rules, categories, include_acknowledged, authority, visible=visible
    )
    return sorted_page("alerts", found, FoundAlert.urgency, URGENCY_KINDS, request)
