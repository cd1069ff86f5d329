"""Delivery registers: project milestones, scrutiny recommendations and supplier actions.

One row per milestone, recommendation or action, kept current by their aggregates' events,
so that "what is overdue" and "what has gone unmonitored" are single indexed queries.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    RowMapping,
    String,
    Table,
    Text,
    and_,
    bindparam,
    func,
    insert,
    select,
    tuple_,
    update,
)

from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.projects import ACHIEVED, MISSED, PLANNED, Project
from partnership.recommendations import IN_PROGRESS, OPEN, Inquiry
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN, SupplierMeeting
from projections.base import REMEMBER_AT_MOST, Batch
from projections.database import metadata

milestones_register = Table(
    "milestones_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("milestone_key", String(REFERENCE_MAX), primary_key=True),
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("project", String(NAME_MAX), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("original_due_date", Date, nullable=False),
    Column("current_due_date", Date, nullable=False),
    # [{"due_date", "reason", "effective_date"}, ...], dates as ISO text; the first is the plan.
    Column("due_dates", JSON, nullable=False),
    Column("slippage_days", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("achieved_on", Date),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_milestones_register_due", "status", "current_due_date"),
    # A partnership's milestones, soonest due first.
    Index("ix_milestones_register_partnership", "partnership", "current_due_date"),
)

recommendations_register = Table(
    "recommendations_register",
    metadata,
    Column("inquiry_id", String(36), primary_key=True),
    Column("number", String(REFERENCE_MAX), primary_key=True),
    Column("body", String(NAME_MAX), nullable=False),
    Column("inquiry_title", String(TITLE_MAX), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_authority", String(NAME_MAX)),
    Column("status", String(20), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("last_update_on", Date),
    Column("updates", Integer, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_recommendations_register_status", "status", "last_update_on"),
    # The register is read by body, inquiry and number; a body's name and an inquiry's title
    # at their longest are more than PostgreSQL can index together (2,704 bytes an entry), so
    # each is indexed alone and the rest of the order sorted.
    Index("ix_recommendations_register_body", "body"),
    Index("ix_recommendations_register_inquiry", "inquiry_title"),
)

supplier_actions_register = Table(
    "supplier_actions_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("number", String(REFERENCE_MAX), primary_key=True),
    Column("supplier", String(NAME_MAX), nullable=False),
    Column("meeting_day", Date, nullable=False),
    Column("meeting_title", String(TITLE_MAX), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(NAME_MAX), nullable=False),
    Column("owner_side", String(20), nullable=False),
    Column("due_date", Date),
    Column("status", String(20), nullable=False),
    Column("closed_on", Date),
    Column("outcome", Text),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_supplier_actions_register_due", "status", "due_date"),
    # The register is read by supplier, meeting and action number; with the meeting's title
    # at its longest, that is more than PostgreSQL can index (2,704 bytes an entry), so the
    # index stops at the meeting's day and the rest of the order is sorted.
    Index("ix_supplier_actions_register_supplier", "supplier", "meeting_day"),
)

# What the registers must remember of each project, inquiry and meeting (named only when
# created, never corrected) to fill in the rows of its later events.
delivery_parents = Table(
    "delivery_parents",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("owner", String(NAME_MAX), nullable=False),  # partnership, scrutiny body or supplier
    Column("title", String(TITLE_MAX), nullable=False),  # project name, inquiry or meeting title
    Column("day", Date),  # the meeting's day
)

_REGISTER_EVENTS = (Project.Event, Inquiry.Event, SupplierMeeting.Event)

# The events that change a row already in a register.
_MILESTONE_EVENTS: tuple[type, ...] = (
    Project.MilestoneReplanned,
    Project.MilestoneAchieved,
    Project.MilestoneMissed,
    Project.MilestoneCorrected,
)
_RECOMMENDATION_EVENTS: tuple[type, ...] = (
    Inquiry.ProgressRecorded,
    Inquiry.RecommendationCorrected,
)
_ACTION_EVENTS: tuple[type, ...] = (SupplierMeeting.ActionClosed, SupplierMeeting.ActionCorrected)

Key = tuple[str, str]
Row = dict[str, Any]


class _Rows:
    """The rows of one register touched by a batch: read once, written back in bulk."""

    def __init__(self, table: Table, key_columns: tuple[str, str]) -> None:
        self.table = table
        self.key_columns = key_columns
        self.rows: dict[Key, Row] = {}
        self.as_read: dict[Key, Row] = {}

    def load(self, conn: Connection, keys: set[Key], remembered: dict[Key, Row]) -> None:
        """Start from the rows written by earlier batches, reading only those not remembered."""
        for key in keys & remembered.keys():
            self.rows[key] = dict(remembered[key])
            self.as_read[key] = dict(remembered[key])
        unknown = keys - remembered.keys()
        if not unknown:
            return
        first, second = (self.table.c[name] for name in self.key_columns)
        found = conn.execute(select(self.table).where(tuple_(first, second).in_(list(unknown))))
        for row in found.mappings():
            key = (row[self.key_columns[0]], row[self.key_columns[1]])
            self.rows[key] = dict(row)
            self.as_read[key] = dict(row)

    def write(self, conn: Connection) -> None:
        new_rows = [row for key, row in self.rows.items() if key not in self.as_read]
        if new_rows:
            conn.execute(insert(self.table), new_rows)
        # Only the columns that changed, one statement per set of columns.
        by_columns: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        for key, before in self.as_read.items():
            after = self.rows[key]
            changed = tuple(sorted(name for name in after if after[name] != before[name]))
            if changed:
                values = {name: after[name] for name in changed}
                by_columns[changed].append({"k_first": key[0], "k_second": key[1], **values})
        first, second = (self.table.c[name] for name in self.key_columns)
        for columns, changes in by_columns.items():
            conn.execute(
                update(self.table)
                .where(and_(first == bindparam("k_first"), second == bindparam("k_second")))
                .values({name: bindparam(name) for name in columns}),
                changes,
            )


class DeliveryRegistersProjection:
    name = "delivery_registers"
    schema_version = 1
    tables: Sequence[Table] = (
        milestones_register,
        recommendations_register,
        supplier_actions_register,
        delivery_parents,
    )

    def __init__(self) -> None:
        # What earlier batches wrote, sparing a rebuild from reading it back: see forget().
        self._parents: dict[str, Row] = {}
        self._written: dict[Table, dict[Key, Row]] = {}

    def forget(self) -> None:
        self._parents = {}
        self._written = {}

    def process(self, conn: Connection, batch: Batch) -> None:
        events = [(position, e) for position, e in batch if isinstance(e, _REGISTER_EVENTS)]
        if not events:
            return
        parents = self._known_parents(conn, {str(e.originator_id) for _, e in events})
        new_parents: list[Row] = []
        milestones = _Rows(milestones_register, ("project_id", "milestone_key"))
        recommendations = _Rows(recommendations_register, ("inquiry_id", "number"))
        actions = _Rows(supplier_actions_register, ("meeting_id", "number"))
        for rows, kinds, attribute in (
            (milestones, _MILESTONE_EVENTS, "key"),
            (recommendations, _RECOMMENDATION_EVENTS, "number"),
            (actions, _ACTION_EVENTS, "number"),
        ):
            remembered = self._written.setdefault(rows.table, {})
            rows.load(conn, _touched(events, kinds, attribute), remembered)
        for position, event in events:
            parent_id = str(event.originator_id)
            parent: Row | None
            if isinstance(event, Project.Started):
                parent = {"owner": event.partnership, "title": event.name, "day": None}
            elif isinstance(event, Inquiry.Opened):
                parent = {"owner": event.body, "title": event.title, "day": None}
            elif isinstance(event, SupplierMeeting.Recorded):
                parent = {"owner": event.supplier, "title": event.title, "day": event.day}
            else:
                parent = None
            if parent is not None:
                parents[parent_id] = parent
                new_parents.append({"aggregate_id": parent_id, **parent})
                continue
            row = _apply(event, parents.get(parent_id), milestones, recommendations, actions)
            if row is not None:
                row["last_position"] = position
        if new_parents:
            conn.execute(insert(delivery_parents), new_parents)
        for rows in (milestones, recommendations, actions):
            rows.write(conn)
        # Remembered only once written; the runner calls forget() if the batch does not commit.
        remembered_count = len(self._parents) + sum(len(r) for r in self._written.values())
        if remembered_count > REMEMBER_AT_MOST:
            self.forget()
        self._parents.update(parents)
        for rows in (milestones, recommendations, actions):
            self._written.setdefault(rows.table, {}).update(rows.rows)

    def _known_parents(self, conn: Connection, ids: set[str]) -> dict[str, Row]:
        known = {key: self._parents[key] for key in ids if key in self._parents}
        unknown = ids - known.keys()
        if unknown:
            known.update(_load_parents(conn, unknown))
        return known


def _touched(events: Batch, kinds: tuple[type, ...], attribute: str) -> set[Key]:
    """The keys of existing rows the batch changes (new rows are not looked for)."""
    return {
        (str(e.originator_id), getattr(e, attribute)) for _, e in events if isinstance(e, kinds)
    }


def _load_parents(conn: Connection, ids: set[str]) -> dict[str, Row]:
    found = conn.execute(select(delivery_parents).where(delivery_parents.c.aggregate_id.in_(ids)))
    return {
        row["aggregate_id"]: {"owner": row["owner"], "title": row["title"], "day": row["day"]}
        for row in found.mappings()
    }


def _apply(
    event: Any, parent: Row | None, milestones: _Rows, recommendations: _Rows, actions: _Rows
) -> Row | None:
    """Change the register row `event` concerns; returns it (None: no row concerned)."""
    key = str(event.originator_id)
    if isinstance(event, Project.Event):
        return _apply_to_milestone(event, key, parent, milestones.rows)
    if isinstance(event, Inquiry.Event):
        return _apply_to_recommendation(event, key, parent, recommendations.rows)
    if isinstance(event, SupplierMeeting.Event):
        return _apply_to_action(event, key, parent, actions.rows)
    return None


def _apply_to_milestone(
    event: Project.Event, key: str, parent: Row | None, rows: dict[Key, Row]
) -> Row | None:
    if isinstance(event, Project.MilestonePlanned):
        assert parent is not None, f"project {key} was never started"
        row: Row = {
            "project_id": key,
            "milestone_key": event.key,
            "partnership": parent["owner"],
            "project": parent["title"],
            "title": event.title,
            "authority": event.authority,
            "original_due_date": event.due_date,
            "current_due_date": event.due_date,
            "due_dates": [_due(event.due_date, None, event.effective_date)],
            "slippage_days": 0,
            "status": PLANNED,
            "achieved_on": None,
        }
        rows[(key, event.key)] = row
        return row
    if isinstance(event, Project.MilestoneReplanned):
        row = rows[(key, event.key)]
        row["due_dates"] = [
            *row["due_dates"],
            _due(event.new_due_date, event.reason, event.effective_date),
        ]
        row["current_due_date"] = event.new_due_date
        row["slippage_days"] = (event.new_due_date - row["original_due_date"]).days
        row["status"] = PLANNED
        return row
    if isinstance(event, Project.MilestoneAchieved):
        row = rows[(key, event.key)]
        row["status"] = ACHIEVED
        row["achieved_on"] = event.achieved_on
        return row
    if isinstance(event, Project.MilestoneMissed):
        row = rows[(key, event.key)]
        row["status"] = MISSED
        return row
    if isinstance(event, Project.MilestoneCorrected):
        row = rows[(key, event.key)]
        row[event.field] = event.value
        return row
    return None


def _apply_to_recommendation(
    event: Inquiry.Event, key: str, parent: Row | None, rows: dict[Key, Row]
) -> Row | None:
    if isinstance(event, Inquiry.RecommendationMade):
        assert parent is not None, f"inquiry {key} was never opened"
        row: Row = {
            "inquiry_id": key,
            "number": event.number,
            "body": parent["owner"],
            "inquiry_title": parent["title"],
            "text": event.text,
            "owner_authority": event.owner_authority,
            "status": OPEN,
            "made_on": event.effective_date,
            "last_update_on": None,
            "updates": 0,
        }
        rows[(key, event.number)] = row
        return row
    if isinstance(event, Inquiry.ProgressRecorded):
        row = rows[(key, event.number)]
        row["updates"] += 1
        row["last_update_on"] = event.effective_date
        if event.status is not None:
            row["status"] = event.status
        return row
    if isinstance(event, Inquiry.RecommendationCorrected):
        row = rows[(key, event.number)]
        if event.field in row:  # the objective is not kept in the register
            row[event.field] = event.value
        return row
    return None


def _apply_to_action(
    event: SupplierMeeting.Event, key: str, parent: Row | None, rows: dict[Key, Row]
) -> Row | None:
    if isinstance(event, SupplierMeeting.ActionRaised):
        assert parent is not None, f"supplier meeting {key} was never recorded"
        row: Row = {
            "meeting_id": key,
            "number": event.number,
            "supplier": parent["owner"],
            "meeting_day": parent["day"],
            "meeting_title": parent["title"],
            "text": event.text,
            "owner": event.owner,
            "owner_side": event.owner_side,
            "due_date": event.due_date,
            "status": ACTION_OPEN,
            "closed_on": None,
            "outcome": None,
        }
        rows[(key, event.number)] = row
        return row
    if isinstance(event, SupplierMeeting.ActionClosed):
        row = rows[(key, event.number)]
        row["status"] = ACTION_CLOSED
        row["closed_on"] = event.effective_date
        row["outcome"] = event.outcome
        return row
    if isinstance(event, SupplierMeeting.ActionCorrected):
        row = rows[(key, event.number)]
        value = event.value
        if event.field == "due_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        row[event.field] = value
        return row
    return None


def _due(due_date: date, reason: str | None, effective_date: date) -> Row:
    return {
        "due_date": due_date.isoformat(),
        "reason": reason,
        "effective_date": effective_date.isoformat(),
    }


# Queries


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
