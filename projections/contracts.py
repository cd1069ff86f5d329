"""The contracts register: each contract's current terms and its notice deadline."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
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
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)

from partnership.contracts import ACTIVE, TERMINATED, Contract, contract_id, notice_deadline
from partnership.limits import MONEY_TEXT_MAX, NAME_MAX, REFERENCE_MAX, TITLE_MAX
from projections.base import REMEMBER_AT_MOST, Batch
from projections.database import UtcDateTime, metadata

contracts_register = Table(
    "contracts_register",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("reference", String(REFERENCE_MAX), nullable=False, unique=True),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("supplier", String(NAME_MAX), nullable=False),
    Column("suppliers", JSON, nullable=False),
    # [{"supplier": name, "from": ISO date}, ...], first to current, as `suppliers` is ordered.
    Column("supplier_history", JSON, nullable=False),
    Column("authority", String(NAME_MAX), nullable=False, index=True),
    Column("head_contract_reference", String(REFERENCE_MAX)),
    # The head contract's id, so that finding a head's back-to-back contracts is an index look-up
    # whatever letter case the clerk typed its reference in.
    Column("head_contract_id", String(36), index=True),
    Column("start_date", Date, nullable=False),
    Column("end_date", Date, nullable=False),
    Column("notice_period_days", Integer, nullable=False),
    Column("notice_deadline", Date, nullable=False),
    # Exact decimal text: money must not pass through a float, and SQLite has no decimal type.
    Column("value", String(MONEY_TEXT_MAX)),
    Column("extension_options_left", JSON, nullable=False),
    Column("auto_renews", Boolean, nullable=False),
    Column("status", String(20), nullable=False),
    Column("termination_reason", Text),
    Column("awarded_on", Date, nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_changed_on", Date, nullable=False),
    Column("last_recorded_at", UtcDateTime(), nullable=False),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_contracts_register_deadline", "status", "notice_deadline"),
)


class ContractsRegisterProjection:
    name = "contracts_register"
    schema_version = 1
    tables: Sequence[Table] = (contracts_register,)

    def __init__(self) -> None:
        self._written: dict[str, dict[str, Any]] = {}

    def forget(self) -> None:
        self._written = {}

    def process(self, conn: Connection, batch: Batch) -> None:
        touched = {str(e.originator_id) for _, e in batch if isinstance(e, Contract.Event)}
        if not touched:
            return
        rows = {key: dict(self._written[key]) for key in touched if key in self._written}
        unknown = touched - set(rows)
        if unknown:
            query = select(contracts_register).where(contracts_register.c.contract_id.in_(unknown))
            rows.update((row["contract_id"], dict(row)) for row in conn.execute(query).mappings())
        as_read = {key: dict(row) for key, row in rows.items()}
        for position, event in batch:
            if not isinstance(event, Contract.Event):
                continue
            key = str(event.originator_id)
            if isinstance(event, Contract.Awarded):
                rows[key] = _awarded_row(key, event)
            else:
                _apply(rows[key], event)
            row = rows[key]
            row["notice_deadline"] = notice_deadline(row["end_date"], row["notice_period_days"])
            row["version"] = event.originator_version
            row["last_changed_on"] = event.effective_date
            row["last_recorded_at"] = event.timestamp
            row["last_position"] = position
        new_rows = [row for key, row in rows.items() if key not in as_read]
        if new_rows:
            conn.execute(insert(contracts_register), new_rows)
        # Write only the columns that changed, one statement per set of columns: rewriting
        # every column (and its JSON) for each change dominated rebuilds.
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for key, before in as_read.items():
            after = rows[key]
            changed = tuple(sorted(name for name in after if after[name] != before[name]))
            by_columns[changed].append({"key": key, **{name: after[name] for name in changed}})
        for columns, changes in by_columns.items():
            conn.execute(
                update(contracts_register)
                .where(contracts_register.c.contract_id == bindparam("key"))
                .values({name: bindparam(name) for name in columns}),
                changes,
            )
        if len(self._written) > REMEMBER_AT_MOST:
            self.forget()
        self._written.update(rows)


def _awarded_row(key: str, event: Contract.Awarded) -> dict[str, Any]:
    head = event.head_contract_reference
    return {
        "contract_id": key,
        "reference": event.reference,
        "title": event.title,
        "supplier": event.supplier,
        "suppliers": [event.supplier],
        # From the start date, not the award's effective date: a procurement officer asking who
        # supplied the contract on a day means who delivered it, and nobody does before it
        # starts (an award is often decided weeks ahead, for standstill and mobilisation).
        "supplier_history": [{"supplier": event.supplier, "from": event.start_date.isoformat()}],
        "authority": event.authority,
        "head_contract_reference": head,
        "head_contract_id": None if head is None else str(contract_id(head)),
        "start_date": event.start_date,
        "end_date": event.end_date,
        "notice_period_days": event.notice_period_days,
        "value": None if event.value is None else str(event.value),
        "extension_options_left": list(event.extension_options_months),
        "auto_renews": event.auto_renews,
        "status": ACTIVE,
        "termination_reason": None,
        "awarded_on": event.effective_date,
    }


def _apply(row: dict[str, Any], event: Contract.Event) -> None:
    if isinstance(event, Contract.Extended):
        row["end_date"] = event.new_end_date
        row["extension_options_left"] = list(row["extension_options_left"])[1:]
    elif isinstance(event, Contract.Novated):
        row["supplier"] = event.new_supplier
        row["suppliers"] = [*row["suppliers"], event.new_supplier]
        row["supplier_history"] = _taken_over(row["supplier_history"], event)
    elif isinstance(event, Contract.Varied):
        if event.new_end_date is not None:
            row["end_date"] = event.new_end_date
        if event.new_value is not None:
            row["value"] = str(event.new_value)
    elif isinstance(event, Contract.Terminated):
        row["status"] = TERMINATED
        row["termination_reason"] = event.reason
    elif isinstance(event, Contract.Corrected):
        # Neither the supplier nor the start date is among Contract.correctable_fields (the
        # supplier changes only by novation), so a correction never touches supplier_history.
        if event.field == "value":
            # A value corrected to unknown is NULL, not the text "None".
            row["value"] = None if event.value is None else str(event.value)
        else:
            row[event.field] = event.value


def _taken_over(history: list[dict[str, str]], event: Contract.Novated) -> list[dict[str, str]]:
    """The history with the new supplier's tenure added; a new list, so the row read back for
    comparison keeps the old one.

    A novation may be dated before the contract starts (a supplier bought out between award and
    start), or before an earlier novation (backdated): a tenure then begins when the one before
    it began, so that no tenure ends before it starts.
    """
    day = max(event.effective_date, date.fromisoformat(history[-1]["from"]))
    return [*history, {"supplier": event.new_supplier, "from": day.isoformat()}]
