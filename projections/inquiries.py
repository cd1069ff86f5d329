"""Scrutiny inquiries as a whole: their terms of reference and every progress update.

Each recommendation itself is a row of the recommendations register (projections.delivery);
these tables keep the inquiry it belongs to and the text of each update the register counts,
so that an inquiry can be read back whole. The rows are written by the delivery registers'
read model, which already follows every inquiry event.
"""

from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Date, Index, String, Table, Text

from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.recommendations import Inquiry
from projections.database import metadata

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
    }


def corrected(row: Row, event: Inquiry.Corrected, position: int) -> None:
    column = CORRECTABLE_COLUMNS.get(event.field)
    if column is not None:
        row[column] = list(event.value)
    row["last_position"] = position


def closed(row: Row, event: Inquiry.Closed, position: int) -> None:
    row["closed_on"] = event.effective_date
    row["last_position"] = position
