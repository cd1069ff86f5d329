"""Following a revision (partnership.revisions): a corrected or withdrawn fact's effect on a row.

A revision carries the record's state wherever the revision changed it, under the names the
record keeps; a read model whose row mirrors that state takes each changed part it has a column
for. JSON columns hold dates as ISO text and amounts as text, as the handlers of other events
write them.
"""

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Column, Table, false

from partnership.revisions import WITHDRAWN_ATTRIBUTE


def withdrawn_column() -> Column[bool]:
    """Whether the record was withdrawn as recorded in error: it stays, marked."""
    return Column(WITHDRAWN_ATTRIBUTE, Boolean, nullable=False, server_default=false())


def follow_revision(
    row: dict[str, Any],
    changes: Mapping[str, Any],
    table: Table,
    renamed: Mapping[str, str] | None = None,
    kept: frozenset[str] = frozenset(),
) -> None:
    """Each changed part of the state that `table` has a column for, into `row`; `renamed` maps
    a state name to its column's where they differ, and `kept` names columns the read model
    works out itself."""
    for attribute, value in changes.items():
        column = (renamed or {}).get(attribute, attribute)
        if column not in table.c or column in kept:
            continue
        row[column] = as_json(value) if isinstance(table.c[column].type, JSON) else value


def as_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: as_json(each) for key, each in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(each) for each in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
