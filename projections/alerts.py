"""The alerts read model: everything that can raise an alert, with its key date, and who
acknowledged which alert at which level.

How pressing an alert is depends on the day one asks, not only on the record, so the rows
hold what a level is worked out from (category, key date, open or not, how long a contract
runs) and the level is decided at query time, as of any day, by partnership/alerts.py's rules.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    Select,
    String,
    Table,
    Text,
    and_,
    bindparam,
    insert,
    select,
    tuple_,
    update,
)

from partnership.alerts import (
    CATEGORIES,
    MILESTONE_OVERDUE,
    OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    STALE,
    SUPPLIER_ACTION_OVERDUE,
    Alert,
    level_as_of,
    milestone_alert_key,
    recommendation_alert_key,
    renewal_alert_key,
    supplier_action_alert_key,
    threshold_of,
)
from partnership.contracts import ACTIVE, TERMINATED, Contract, notice_deadline
from partnership.domain import normalise_key
from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.projects import ACHIEVED, MISSED, PLANNED, Project
from partnership.recommendations import IN_PROGRESS, OPEN, Inquiry
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN, SupplierMeeting
from projections.base import REMEMBER_AT_MOST, Batch
from projections.database import UtcDateTime, metadata
from projections.timeline_text import day

# Alert keys are built from a kind, an aggregate's id, an item and a date (partnership.alerts),
# at most this long; an acknowledgement keeps the key it was sent, which may be up to a title.
_LONGEST_BUILT_KEY = len("supplier-action:") + 36 + len(":") + REFERENCE_MAX + len(":2199-12-31")
ALERT_KEY_MAX = max(TITLE_MAX, _LONGEST_BUILT_KEY)

alert_sources = Table(
    "alert_sources",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    # The milestone key, recommendation number or action number; "" for a contract.
    Column("item", String(REFERENCE_MAX), primary_key=True),
    Column("category", String(32), nullable=False),
    Column("alert_key", String(ALERT_KEY_MAX), nullable=False, index=True),
    # Notice deadline, due date, or last progress update (or, with none, the day it was made).
    Column("key_date", Date),
    Column("is_open", Boolean, nullable=False),
    # A contract's end date: past it, the contract needs no renewal decision.
    Column("runs_until", Date),
    Column("notice_period_days", Integer),
    Column("status", String(20), nullable=False),
    Column("subject", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("authorities", JSON, nullable=False),
    Column("partnership", String(NAME_MAX)),
    Column("contract_reference", String(REFERENCE_MAX)),
    Column("project", String(NAME_MAX)),
    Column("scrutiny_body", String(NAME_MAX)),
    Column("inquiry", String(TITLE_MAX)),
    Column("supplier", String(NAME_MAX)),
    Column("supplier_meeting", String(TITLE_MAX)),
    Column("meeting_day", Date),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_alert_sources_due", "category", "is_open", "key_date"),
)

# What the rows of a project, inquiry or supplier meeting need from the event that created it.
alert_parents = Table(
    "alert_parents",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("owner", String(NAME_MAX), nullable=False),  # partnership, scrutiny body or supplier
    Column("title", String(TITLE_MAX), nullable=False),  # project name, inquiry or meeting title
    Column("day", Date),  # the meeting's day
    Column("authorities", JSON, nullable=False),
)

alert_acknowledgements = Table(
    "alert_acknowledgements",
    metadata,
    Column("alert_key", String(ALERT_KEY_MAX), primary_key=True),
    Column("level", String(32), primary_key=True),
    Column("acknowledged_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("acknowledged_by", String(NAME_MAX), nullable=False),
    Column("acknowledged_by_authority", String(NAME_MAX), nullable=False),
    Column("note", Text),
    Column("position", BigInteger, nullable=False),
)

Key = tuple[str, ...]
Row = dict[str, Any]

_WATCHED = (Contract.Event, Project.Event, Inquiry.Event, SupplierMeeting.Event, Alert.Event)
_CREATES_PARENT = (Project.Started, Inquiry.Opened, SupplierMeeting.Recorded)
_MILESTONE_CHANGES = (
    Project.MilestoneReplanned,
    Project.MilestoneAchieved,
    Project.MilestoneMissed,
    Project.MilestoneCorrected,
)
# Events that change a row already written, each naming it by this attribute.
_CHANGES_ROW: dict[type, str] = {
    Project.MilestoneReplanned: "key",
    Project.MilestoneAchieved: "key",
    Project.MilestoneMissed: "key",
    Project.MilestoneCorrected: "key",
    Inquiry.ProgressRecorded: "number",
    Inquiry.RecommendationCorrected: "number",
    SupplierMeeting.ActionClosed: "number",
    SupplierMeeting.ActionCorrected: "number",
}


class _Rows:
    """The rows of one table a batch touches: read once, written back in bulk, only what changed."""

    def __init__(self, table: Table, key_columns: tuple[str, ...]) -> None:
        self.table = table
        self.key_columns = key_columns
        self.rows: dict[Key, Row] = {}
        self.as_read: dict[Key, Row] = {}

    def key_of(self, row: Row) -> Key:
        return tuple(row[name] for name in self.key_columns)

    def load(
        self,
        conn: Connection,
        keys: set[Key],
        remembered: dict[Key, Row],
        whole: Iterable[str] = (),
    ) -> None:
        """Start from the rows earlier batches wrote, reading only those not remembered; for
        the aggregates in `whole`, every row (an event that concerns them all is coming)."""
        for key in keys & remembered.keys():
            self._keep(remembered[key])
        columns = [self.table.c[name] for name in self.key_columns]
        unknown = list(keys - remembered.keys())
        if unknown:
            matching = (
                columns[0].in_([key[0] for key in unknown])
                if len(columns) == 1
                else tuple_(*columns).in_(unknown)
            )
            self._read(conn, select(self.table).where(matching))
        whole = set(whole)
        if whole:
            self._read(conn, select(self.table).where(columns[0].in_(whole)))

    def _read(self, conn: Connection, query: Select[Any]) -> None:
        for found in conn.execute(query).mappings():
            if self.key_of(dict(found)) not in self.rows:
                self._keep(found)

    def _keep(self, row: Any) -> None:
        key = self.key_of(row)
        self.rows[key] = dict(row)
        self.as_read[key] = dict(row)

    def write(self, conn: Connection) -> None:
        new_rows = [row for key, row in self.rows.items() if key not in self.as_read]
        if new_rows:
            conn.execute(insert(self.table), new_rows)
        by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for key, before in self.as_read.items():
            after = self.rows[key]
            changed = tuple(sorted(name for name in after if after[name] != before[name]))
            if changed:
                keys = {f"k_{i}": part for i, part in enumerate(key)}
                by_columns[changed].append({**keys, **{name: after[name] for name in changed}})
        match = and_(
            *(self.table.c[name] == bindparam(f"k_{i}") for i, name in enumerate(self.key_columns))
        )
        for columns, changes in by_columns.items():
            conn.execute(
                update(self.table).where(match).values({name: bindparam(name) for name in columns}),
                changes,
            )


class AlertsProjection:
    name = "alerts"
    schema_version = 1
    tables: Sequence[Table] = (alert_sources, alert_parents, alert_acknowledgements)

    def __init__(self) -> None:
        # What earlier batches wrote, sparing a rebuild from reading it back: see forget().
        self._written: dict[str, dict[Key, Row]] = {}

    def forget(self) -> None:
        self._written = {}

    def process(self, conn: Connection, batch: Batch) -> None:
        events: list[tuple[int, Any]] = [(at, e) for at, e in batch if isinstance(e, _WATCHED)]
        if not events:
            return
        parents = _Rows(alert_parents, ("aggregate_id",))
        sources = _Rows(alert_sources, ("aggregate_id", "item"))
        parents.load(
            conn,
            {(str(e.originator_id),) for _, e in events if _has_parent(e)},
            self._written.setdefault(parents.table.name, {}),
        )
        sources.load(
            conn,
            {key for _, e in events if (key := _row_key(e)) is not None},
            self._written.setdefault(sources.table.name, {}),
            whole={str(e.originator_id) for _, e in events if _concerns_every_row(e)},
        )
        acknowledgements: list[Row] = []
        for position, event in events:
            if isinstance(event, Alert.Acknowledged):
                acknowledgements.append(_acknowledgement(position, event))
                continue
            for row in _apply(event, parents.rows, sources.rows):
                _derive(row)
                row["last_position"] = position
        parents.write(conn)
        sources.write(conn)
        if acknowledgements:
            conn.execute(insert(alert_acknowledgements), acknowledgements)
        # Remembered only once written; the runner calls forget() if the batch does not commit.
        if sum(len(rows) for rows in self._written.values()) > REMEMBER_AT_MOST:
            self.forget()
        for rows in (parents, sources):
            self._written.setdefault(rows.table.name, {}).update(rows.rows)


def _has_parent(event: Any) -> bool:
    return isinstance(event, Project.Event | Inquiry.Event | SupplierMeeting.Event)


def _row_key(event: Any) -> Key | None:
    """The row an event changes, if it changes one already written."""
    if isinstance(event, Contract.Event) and not isinstance(event, Contract.Awarded):
        return (str(event.originator_id), "")
    attribute = _CHANGES_ROW.get(type(event))
    return None if attribute is None else (str(event.originator_id), getattr(event, attribute))


def _concerns_every_row(event: Any) -> bool:
    return isinstance(event, Inquiry.Closed) or (
        isinstance(event, SupplierMeeting.Corrected) and event.field == "authority_attendees"
    )


def _acknowledgement(position: int, event: Alert.Acknowledged) -> Row:
    return {
        "alert_key": event.alert_key,
        "level": event.level,
        "acknowledged_on": event.effective_date,
        "recorded_at": event.timestamp,
        "acknowledged_by": event.recorded_by,
        "acknowledged_by_authority": event.recorded_by_authority,
        "note": event.note,
        "position": position,
    }


def _apply(event: Any, parents: dict[Key, Row], rows: dict[Key, Row]) -> list[Row]:
    """Change what `event` changes; returns the alert rows it created or changed."""
    aggregate = str(event.originator_id)
    if isinstance(event, _CREATES_PARENT):
        parents[(aggregate,)] = {"aggregate_id": aggregate, **_parent(event)}
        return []
    if isinstance(event, Contract.Event):
        return [_apply_to_contract(event, aggregate, rows)]
    parent = parents.get((aggregate,))
    assert parent is not None, f"{type(event).__qualname__} of {aggregate} before its creation"
    if isinstance(event, Inquiry.Closed):
        closed = [row for key, row in rows.items() if key[0] == aggregate]
        for row in closed:
            row["is_open"] = False
        return closed
    if isinstance(event, SupplierMeeting.Corrected):
        if event.field != "authority_attendees":
            return []
        parent["authorities"] = _attending_authorities(event.value)
        actions = [row for key, row in rows.items() if key[0] == aggregate]
        for row in actions:
            row["authorities"] = list(parent["authorities"])
        return actions
    if isinstance(event, Project.Event):
        return _apply_to_milestone(event, aggregate, parent, rows)
    if isinstance(event, Inquiry.Event):
        return _apply_to_recommendation(event, aggregate, parent, rows)
    if isinstance(event, SupplierMeeting.Event):
        return _apply_to_action(event, aggregate, parent, rows)
    return []


def _parent(event: Any) -> Row:
    if isinstance(event, Project.Started):
        return {
            "owner": event.partnership,
            "title": event.name,
            "day": None,
            "authorities": list(event.authorities),
        }
    if isinstance(event, Inquiry.Opened):
        return {"owner": event.body, "title": event.title, "day": None, "authorities": []}
    return {
        "owner": event.supplier,
        "title": event.title,
        "day": event.day,
        "authorities": _attending_authorities(event.authority_attendees),
    }


def _attending_authorities(attendees: Any) -> list[str]:
    found: list[str] = []
    for attendee in attendees or ():
        name = attendee.get("authority") if isinstance(attendee, dict) else None
        if name and name not in found:
            found.append(name)
    return found


def _new_row(aggregate: str, item: str, category: str, **values: Any) -> Row:
    row: Row = {
        "aggregate_id": aggregate,
        "item": item,
        "category": category,
        "alert_key": "",
        "key_date": None,
        "is_open": True,
        "runs_until": None,
        "notice_period_days": None,
        "status": "",
        "subject": "",
        "title": "",
        "authority": None,
        "authorities": [],
        "partnership": None,
        "contract_reference": None,
        "project": None,
        "scrutiny_body": None,
        "inquiry": None,
        "supplier": None,
        "supplier_meeting": None,
        "meeting_day": None,
    }
    row.update(values)
    return row


def _apply_to_contract(event: Contract.Event, aggregate: str, rows: dict[Key, Row]) -> Row:
    if isinstance(event, Contract.Awarded):
        row = _new_row(
            aggregate,
            "",
            RENEWAL,
            runs_until=event.end_date,
            notice_period_days=event.notice_period_days,
            status=ACTIVE,
            title=event.title,
            authority=event.authority,
            authorities=[event.authority],
            contract_reference=event.reference,
            supplier=event.supplier,
        )
        rows[(aggregate, "")] = row
        return row
    row = rows[(aggregate, "")]
    if isinstance(event, Contract.Extended | Contract.Varied):
        row["runs_until"] = event.new_end_date or row["runs_until"]
    elif isinstance(event, Contract.Novated):
        row["supplier"] = event.new_supplier
    elif isinstance(event, Contract.Terminated):
        row["status"] = TERMINATED
        row["is_open"] = False
    elif isinstance(event, Contract.Corrected) and event.field in ("title", "notice_period_days"):
        row[event.field] = event.value
    return row


def _apply_to_milestone(
    event: Project.Event, aggregate: str, parent: Row, rows: dict[Key, Row]
) -> list[Row]:
    if isinstance(event, Project.MilestonePlanned):
        row = _new_row(
            aggregate,
            event.key,
            MILESTONE_OVERDUE,
            key_date=event.due_date,
            status=PLANNED,
            title=event.title,
            authority=event.authority,
            authorities=[event.authority] if event.authority else list(parent["authorities"]),
            partnership=parent["owner"],
            project=parent["title"],
        )
        rows[(aggregate, event.key)] = row
        return [row]
    if not isinstance(event, _MILESTONE_CHANGES):
        return []
    row = rows[(aggregate, event.key)]
    if isinstance(event, Project.MilestoneReplanned):
        row["key_date"] = event.new_due_date
        row["status"] = PLANNED
    elif isinstance(event, Project.MilestoneAchieved):
        row["status"] = ACHIEVED
        row["is_open"] = False
    elif isinstance(event, Project.MilestoneMissed):
        # Missed is not achieved: it stays overdue until achieved or re-planned.
        row["status"] = MISSED
    elif isinstance(event, Project.MilestoneCorrected) and event.field == "title":
        row["title"] = event.value
    elif isinstance(event, Project.MilestoneCorrected) and event.field == "authority":
        row["authority"] = event.value
        row["authorities"] = [event.value] if event.value else list(parent["authorities"])
    return [row]


def _apply_to_recommendation(
    event: Inquiry.Event, aggregate: str, parent: Row, rows: dict[Key, Row]
) -> list[Row]:
    if isinstance(event, Inquiry.RecommendationMade):
        row = _new_row(
            aggregate,
            event.number,
            RECOMMENDATION_STALE,
            key_date=event.effective_date,
            status=OPEN,
            title=event.text,
            authority=event.owner_authority,
            authorities=[event.owner_authority] if event.owner_authority else [],
            scrutiny_body=parent["owner"],
            inquiry=parent["title"],
        )
        rows[(aggregate, event.number)] = row
        return [row]
    if isinstance(event, Inquiry.ProgressRecorded):
        row = rows[(aggregate, event.number)]
        # Papers arrive late and out of order: an older update does not make it fresher.
        row["key_date"] = max(row["key_date"], event.effective_date)
        if event.status is not None:
            row["status"] = event.status
            row["is_open"] = event.status in (OPEN, IN_PROGRESS)
        return [row]
    if isinstance(event, Inquiry.RecommendationCorrected):
        row = rows[(aggregate, event.number)]
        if event.field == "text":
            row["title"] = event.value
        elif event.field == "owner_authority":
            row["authority"] = event.value
            row["authorities"] = [event.value] if event.value else []
        return [row]
    return []


def _apply_to_action(
    event: SupplierMeeting.Event, aggregate: str, parent: Row, rows: dict[Key, Row]
) -> list[Row]:
    if isinstance(event, SupplierMeeting.ActionRaised):
        row = _new_row(
            aggregate,
            event.number,
            SUPPLIER_ACTION_OVERDUE,
            key_date=event.due_date,
            status=ACTION_OPEN,
            title=event.text,
            authorities=list(parent["authorities"]),
            supplier=parent["owner"],
            supplier_meeting=parent["title"],
            meeting_day=parent["day"],
        )
        rows[(aggregate, event.number)] = row
        return [row]
    if isinstance(event, SupplierMeeting.ActionClosed):
        row = rows[(aggregate, event.number)]
        row["status"] = ACTION_CLOSED
        row["is_open"] = False
        return [row]
    if isinstance(event, SupplierMeeting.ActionCorrected):
        row = rows[(aggregate, event.number)]
        if event.field == "due_date":
            value = event.value
            row["key_date"] = date.fromisoformat(value) if isinstance(value, str) else value
        elif event.field == "text":
            row["title"] = event.value
        return [row]
    return []


def _derive(row: Row) -> None:
    """The key date of a renewal, and every row's alert key and subject, from the rest."""
    category, item, aggregate = row["category"], row["item"], row["aggregate_id"]
    if category == RENEWAL:
        row["key_date"] = notice_deadline(row["runs_until"], row["notice_period_days"])
        row["alert_key"] = renewal_alert_key(row["contract_reference"], row["key_date"])
        row["subject"] = f"Renewal of contract {row['contract_reference']}"
    elif category == MILESTONE_OVERDUE:
        row["alert_key"] = milestone_alert_key(aggregate, item, row["key_date"])
        row["subject"] = f"Milestone '{row['title']}' of project {row['project']}"
    elif category == RECOMMENDATION_STALE:
        row["alert_key"] = recommendation_alert_key(aggregate, item, row["key_date"])
        row["subject"] = f"Recommendation {item} of the inquiry '{row['inquiry']}'"
    else:
        row["alert_key"] = supplier_action_alert_key(aggregate, item, row["key_date"])
        row["subject"] = (
            f"Action {item} from the {row['supplier_meeting']} "
            f"({row['supplier']}, {day(row['meeting_day'])})"
        )


# Queries


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
        """Missed notice deadlines, then other overdue things, then coming notice deadlines,
        then recommendations gone unmonitored; within each, the earliest key date first."""
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
) -> list[FoundAlert]:
    """The alerts standing on `as_of`, most urgent first (see FoundAlert.urgency).

    Judged on the record as it stands: a milestone achieved since `as_of` is not listed.
    """
    rows: list[Row] = []
    for category in dict.fromkeys(categories):
        rows += [dict(row) for row in conn.execute(_candidates(category, as_of, rules)).mappings()]
    if authority:
        wanted = normalise_key(authority)
        rows = [r for r in rows if any(normalise_key(a) == wanted for a in r["authorities"])]
    found = _with_levels(conn, rows, as_of, rules)
    if not include_acknowledged:
        found = [alert for alert in found if alert.acknowledgement is None]
    return sorted(found, key=FoundAlert.urgency)


def alert_by_key(conn: Connection, key: str, as_of: date, rules: AlertRules) -> FoundAlert | None:
    """The alert `key` as it stands on `as_of` (acknowledged or not), or None if it is none."""
    rows = [
        dict(row)
        for row in conn.execute(
            select(alert_sources).where(alert_sources.c.alert_key == key, alert_sources.c.is_open)
        ).mappings()
    ]
    found = _with_levels(conn, rows, as_of, rules)
    return found[0] if found else None


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
