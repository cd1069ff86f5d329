"""Projects as a whole: what each is, who takes part, and every stage a partner reported.

A project's milestones are kept in the milestones register (projections.delivery); these
tables keep the rest of what a project's events record, so that a project can be read back
whole. The rows are written by the delivery registers' read model, which already follows every
project event.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, String, Table, Text

from partnership.limits import NAME_MAX, TITLE_MAX
from partnership.projects import Project
from projections.database import metadata

Row = dict[str, Any]

projects_register = Table(
    "projects_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("name", String(NAME_MAX), nullable=False),
    Column("description", Text, nullable=False),
    # The authorities taking part, as the project spells them, in the order it listed them.
    Column("authorities", JSON, nullable=False),
    Column("started_on", Date, nullable=False),
    Column("last_position", BigInteger, nullable=False),
    # A partnership's projects by name, as the list of projects is read.
    Index("ix_projects_register_partnership", "partnership", "name"),
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
)

# A project's only correctable top-level fact (Project.correctable_fields).
CORRECTABLE_COLUMNS = {"description": "description"}


def started_row(event: Project.Started, position: int) -> Row:
    return {
        "project_id": str(event.originator_id),
        "partnership": event.partnership,
        "name": event.name,
        "description": event.description,
        "authorities": list(event.authorities),
        "started_on": event.effective_date,
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
    }


def corrected(row: Row, event: Project.Corrected, position: int) -> None:
    column = CORRECTABLE_COLUMNS.get(event.field)
    if column is not None:
        row[column] = event.value
    row["last_position"] = position
