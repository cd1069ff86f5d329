"""The contracts register: each contract's current terms and its notice deadline."""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from partnership.contracts import (
    ACTIVE,
    TERMINATED,
    Contract,
    contract_id,
    notice_deadline,
    taken_over,
)
from partnership.limits import MONEY_TEXT_MAX, NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.paper_dates import PERIOD_UNIT_MAX, none_for_days
from projections.columns import UtcDateTime
from projections.database import metadata
from projections.kit import ReadModel, RowSet

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
    # The notice period's amount, in notice_period_unit (weeks, months; NULL: days).
    Column("notice_period_days", Integer, nullable=False),
    Column("notice_period_unit", String(PERIOD_UNIT_MAX)),
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


class ContractsRegisterProjection(ReadModel):
    name = "contracts_register"
    schema_version = 2
    tables: Sequence[Table] = (contracts_register,)

    def __init__(self) -> None:
        self.contracts = RowSet(contracts_register, ("contract_id",))
        super().__init__(self.contracts)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no contract."""

    @wants.register
    def _(self, event: Contract.Event) -> None:
        self.contracts.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Contract.Awarded) -> None:
        """A new row: nothing to read."""

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the register."""

    @apply.register
    def _(self, event: Contract.Awarded, position: int) -> None:
        row = self.contracts.add(_awarded_row(str(event.originator_id), event))
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.Event, position: int) -> None:
        _stamp(self._row(event), event, position)

    @apply.register
    def _(self, event: Contract.Extended, position: int) -> None:
        row = self._row(event)
        row["end_date"] = event.new_end_date
        row["extension_options_left"] = list(row["extension_options_left"])[1:]
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.Novated, position: int) -> None:
        row = self._row(event)
        row["supplier"] = event.new_supplier
        row["suppliers"] = [*row["suppliers"], event.new_supplier]
        row["supplier_history"] = _taken_over(row["supplier_history"], event)
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.Varied, position: int) -> None:
        row = self._row(event)
        if event.new_end_date is not None:
            row["end_date"] = event.new_end_date
        if event.new_value is not None:
            row["value"] = str(event.new_value)
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.Terminated, position: int) -> None:
        row = self._row(event)
        row["status"] = TERMINATED
        row["termination_reason"] = event.reason
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.FactCorrected | Contract.FactWithdrawn, position: int) -> None:
        """The contract as the revision left it: each changed part of its state that the
        register keeps."""
        row = self._row(event)
        columns = contracts_register.c
        for attribute, value in event.changes.items():
            if attribute == "value":
                row["value"] = None if value is None else str(value)
            elif attribute == "head_contract_reference":
                row[attribute] = value
                row["head_contract_id"] = None if value is None else str(contract_id(value))
            elif attribute in columns and attribute not in _BOOKKEEPING:
                row[attribute] = value
        _stamp(row, event, position)

    @apply.register
    def _(self, event: Contract.Corrected, position: int) -> None:
        row = self._row(event)
        # Neither the supplier nor the start date is among Contract.correctable_fields (the
        # supplier changes only by novation), so a correction never touches supplier_history.
        if event.field == "value":
            # A value corrected to unknown is NULL, not the text "None".
            row["value"] = None if event.value is None else str(event.value)
        elif event.field == "notice_period":
            row["notice_period_days"] = event.value["amount"]
            row["notice_period_unit"] = none_for_days(event.value["unit"])
        else:
            row[event.field] = event.value
        _stamp(row, event, position)

    def _row(self, event: Contract.Event) -> dict[str, Any]:
        return self.contracts[(str(event.originator_id),)]


# What the register keeps of its own, never taken from a contract's state.
_BOOKKEEPING = frozenset(
    {"contract_id", "version", "last_changed_on", "last_recorded_at", "last_position"}
)


def _stamp(row: dict[str, Any], event: Contract.Event, position: int) -> None:
    """What every change of a contract changes, after the change itself."""
    row["notice_deadline"] = notice_deadline(
        row["end_date"], row["notice_period_days"], row.get("notice_period_unit")
    )
    row["version"] = event.originator_version
    row["last_changed_on"] = event.effective_date
    row["last_recorded_at"] = event.timestamp
    row["last_position"] = position


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
        "notice_period_unit": event.notice_period_unit,
        "value": None if event.value is None else str(event.value),
        "extension_options_left": list(event.extension_options_months),
        "auto_renews": event.auto_renews,
        "status": ACTIVE,
        "termination_reason": None,
        "awarded_on": event.effective_date,
    }


def _taken_over(history: list[dict[str, str]], event: Contract.Novated) -> list[dict[str, str]]:
    return taken_over(history, event.new_supplier, event.effective_date)
