"""Projects as a whole: what each is, who takes part, and every stage a partner reported.

A project's milestones are kept in the milestones register (projections.delivery); these
tables keep the rest of what a project's events record, so that a project can be read back
whole. The rows are written by the delivery registers' read model, which already follows every
project event.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Table, Text

from partnership.limits import NAME_MAX, TITLE_MAX
from partnership.projects import Project
from projections.database import metadata
from projections.revised import as_json, follow_revision, withdrawn_column

Row = dict[str, Any]

projects_register = Table(
    "projects_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    # A project belongs to a partnership or to one authority (its own project): one is null.
    Column("partnership", String(NAME_MAX)),
    Column("authority", String(NAME_MAX)),
    # The partnership or the authority, whichever it belongs to: what projects are listed by.
    Column("owner", String(NAME_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("description", Text, nullable=False),
    # The authorities taking part, as the project spells them, in the order it listed them.
    Column("authorities", JSON, nullable=False),
    Column("started_on", Date, nullable=False),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    # An owner's projects by name, as the list of projects is read.
    Index("ix_projects_register_owner", "owner", "name", "project_id"),
    Index("ix_projects_register_partnership", "partnership", "name"),
    Index("ix_projects_register_authority", "authority", "name"),
)

project_progress = Table(
    "project_progress",
    metadata,
    Column("project_id", String(36), primary_key=True),
    # The report's place in the log: a project's reports in the order they were recorded.
    Column("position", BigInteger, primary_key=True),
    Column("authority", String(NAME_MAX), nullable=False),
    Column("stage", String(TITLE_MAX), nullable=False),
    Column("note", Text, nullable=False),
    Column("reported_on", Date, nullable=False),
    # The report's fact within the project: what a revision of it names.
    Column("version", Integer, nullable=False),
    # Withdrawn as recorded in error (the report's fact, or the whole project): it stays, marked.
    withdrawn_column(),
)

# A project's only correctable top-level fact (Project.correctable_fields).
CORRECTABLE_COLUMNS = {"description": "description"}


def started_row(event: Project.Started, position: int) -> Row:
    return {
        "project_id": str(event.originator_id),
        "partnership": event.partnership,
        "authority": event.authority,
        "owner": event.partnership or event.authority,
        "name": event.name,
        "description": event.description,
        "authorities": list(event.authorities),
        "started_on": event.effective_date,
        "withdrawn": False,
        "last_position": position,
    }


def progress_row(event: Project.ProgressReported, position: int) -> Row:
    return {
        "project_id": str(event.originator_id),
        "position": position,
        "authority": event.authority,
        "stage": event.stage,
        "note": event.note,
        "reported_on": event.effective_date,
        "version": event.originator_version,
        "withdrawn": False,
    }


def corrected(row: Row, event: Project.Corrected, position: int) -> None:
    column = CORRECTABLE_COLUMNS.get(event.field)
    if column is not None:
        row[column] = event.value
    row["last_position"] = position


def revised(row: Row, changes: Mapping[str, Any], position: int) -> None:
    """The project as a revision left it."""
    follow_revision(row, changes, projects_register, kept=_KEPT)
    row["last_position"] = position


# What the register keeps itself: the key, where it was last changed.
_KEPT = frozenset({"project_id", "last_position"})


def revised_reports(reports: list[Row], changes: Mapping[str, Any], withdrawn: bool) -> None:
    """Each report as the project now holds it, found by its fact's version; one it no longer
    holds (or every one, the project withdrawn) marked withdrawn."""
    progress = changes.get("progress")
    held: dict[int, tuple[str, Mapping[str, Any]]] = {}
    for authority, entries in (progress or {}).items():
        for entry in entries:
            held[entry["version"]] = (authority, entry)
    for report in reports:
        found = held.get(report["version"])
        if withdrawn or (progress is not None and found is None):
            report["withdrawn"] = True
        elif found is not None:
            authority, entry = found
            report.update(
                authority=authority,
                stage=entry["stage"],
                note=entry["note"],
                reported_on=entry["effective_date"],
            )


def milestone_values(held: Mapping[str, Any]) -> Row:
    """A milestone's row as the project holds the milestone."""
    due_dates = held["due_dates"]
    original, current = due_dates[0]["due_date"], due_dates[-1]["due_date"]
    return {
        "title": held["title"],
        "authority": held["authority"],
        "original_due_date": original,
        "current_due_date": current,
        "due_dates": as_json(due_dates),
        "slippage_days": (current - original).days,
        "status": held["status"],
        "achieved_on": held["achieved_on"],
    }
