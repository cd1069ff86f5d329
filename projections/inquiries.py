"""Scrutiny inquiries as a whole: their terms of reference and every progress update.

Each recommendation itself is a row of the recommendations register (projections.delivery);
these tables keep the inquiry it belongs to and the text of each update the register counts,
so that an inquiry can be read back whole. The rows are written by the delivery registers'
read model, which already follows every inquiry event.
"""

from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, Integer, String, Table, Text

from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.recommendations import Inquiry
from projections.database import metadata
from projections.revised import follow_revision, withdrawn_column

Row = dict[str, Any]

inquiries_register = Table(
    "inquiries_register",
    metadata,
    Column("inquiry_id", String(36), primary_key=True),
    Column("body", String(NAME_MAX), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("terms_of_reference", JSON, nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("closed_on", Date),
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    # Read by body and title; together at their longest they are more than PostgreSQL can
    # index (2,704 bytes an entry), so each is indexed alone, as the recommendations register.
    Index("ix_inquiries_register_body", "body"),
    Index("ix_inquiries_register_title", "title"),
)

recommendation_updates = Table(
    "recommendation_updates",
    metadata,
    Column("inquiry_id", String(36), primary_key=True),
    # The update's place in the log: an inquiry's updates in the order they were recorded.
    Column("position", BigInteger, primary_key=True),
    Column("number", String(REFERENCE_MAX), nullable=False),
    Column("text", Text, nullable=False),
    # The status it set; null when it left the status as it was.
    Column("status", String(20)),
    Column("reported_by_authority", String(NAME_MAX)),
    Column("reported_on", Date, nullable=False),
    # The update's fact within the inquiry: what a revision of it names.
    Column("version", Integer, nullable=False),
    # Withdrawn as recorded in error (the update's fact, its recommendation's or the whole
    # inquiry's): it stays, marked.
    withdrawn_column(),
)

# An inquiry's only correctable top-level fact (Inquiry.correctable_fields).
CORRECTABLE_COLUMNS = {"terms_of_reference": "terms_of_reference"}


def opened_row(event: Inquiry.Opened, position: int) -> Row:
    return {
        "inquiry_id": str(event.originator_id),
        "body": event.body,
        "title": event.title,
        "terms_of_reference": list(event.terms_of_reference),
        "opened_on": event.effective_date,
        "closed_on": None,
        "withdrawn": False,
        "last_position": position,
    }


def update_row(event: Inquiry.ProgressRecorded, position: int) -> Row:
    return {
        "inquiry_id": str(event.originator_id),
        "position": position,
        "number": event.number,
        "text": event.text,
        "status": event.status,
        "reported_by_authority": event.reported_by_authority,
        "reported_on": event.effective_date,
        "version": event.originator_version,
        "withdrawn": False,
    }


def corrected(row: Row, event: Inquiry.Corrected, position: int) -> None:
    column = CORRECTABLE_COLUMNS.get(event.field)
    if column is not None:
        row[column] = list(event.value)
    row["last_position"] = position


def closed(row: Row, event: Inquiry.Closed, position: int) -> None:
    row["closed_on"] = event.effective_date
    row["last_position"] = position


def revised(row: Row, changes: Mapping[str, Any], position: int) -> None:
    """The inquiry as a revision left it."""
    follow_revision(row, changes, inquiries_register, kept=_KEPT)
    row["last_position"] = position


# What the register keeps itself: the key, where it was last changed.
_KEPT = frozenset({"inquiry_id", "last_position"})


def revised_updates(updates: list[Row], changes: Mapping[str, Any], withdrawn: bool) -> None:
    """Each update as the inquiry now holds it, found by its fact's version; one it no longer
    holds (or every one, the inquiry withdrawn) marked withdrawn."""
    recommendations = changes.get("recommendations")
    held: dict[int, tuple[str, Mapping[str, Any]]] = {}
    for number, recommendation in (recommendations or {}).items():
        for update in recommendation["updates"]:
            held[update["version"]] = (number, update)
    for row in updates:
        found = held.get(row["version"])
        if withdrawn or (recommendations is not None and found is None):
            row["withdrawn"] = True
        elif found is not None:
            number, update = found
            row.update(
                number=number,
                text=update["text"],
                status=update["status"],
                reported_by_authority=update["reported_by_authority"],
                reported_on=update["effective_date"],
            )


def recommendation_values(held: Mapping[str, Any]) -> Row:
    """A recommendation's row of the register as the inquiry holds the recommendation."""
    updates = held["updates"]
    return {
        "text": held["text"],
        "owner_authority": held["owner_authority"],
        "objective": held["objective"],
        "status": held["status"],
        "made_on": held["made_on"],
        # As the register counts them: the latest recorded, not the latest dated.
        "last_update_on": updates[-1]["effective_date"] if updates else None,
        "updates": len(updates),
    }
