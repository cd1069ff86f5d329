"""The timeline: one row per event, in effective-date order, with who recorded it and from where."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
)

from partnership.contracts import Contract, contract_id
from partnership.domain import RecordedEvent
from projections.base import Batch
from projections.database import UtcDateTime, metadata

timeline_entries = Table(
    "timeline_entries",
    metadata,
    # The log position is the key: a second row for one event cannot exist.
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("effective_date", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("summary", Text, nullable=False),
    Column("aggregate_id", String(36), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    Column("contract_reference", String(200)),
    Column("recorded_by", String(200), nullable=False),
    Column("recorded_by_authority", String(200), nullable=False),
    Column("source", Text, nullable=False),
    Index("ix_timeline_entries_effective", "effective_date", "position"),
    Index("ix_timeline_entries_aggregate", "aggregate_id", "effective_date", "position"),
    Index("ix_timeline_entries_kind", "kind", "effective_date", "position"),
)

timeline_authorities = Table(
    "timeline_authorities",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("authority", String(200), primary_key=True),
    Column("effective_date", Date, nullable=False),
    Index("ix_timeline_authorities_by_authority", "authority", "effective_date", "position"),
)

# What the timeline must remember of a contract to describe its later events.
timeline_contracts = Table(
    "timeline_contracts",
    metadata,
    Column("contract_id", String(36), primary_key=True),
    Column("reference", String(200), nullable=False),
    Column("authority", String(200), nullable=False),
    Column("head_contract_reference", String(200)),
)


@dataclass
class ContractFacts:
    reference: str
    authority: str
    head_contract_reference: str | None


def describe_contract_event(event: RecordedEvent, contract: ContractFacts) -> tuple[str, str]:
    ref = contract.reference
    if isinstance(event, Contract.Awarded):
        return "CONTRACT_AWARDED", (
            f"Contract {ref} ({event.title}) awarded by {event.authority} to {event.supplier}, "
            f"{_day(event.start_date)} to {_day(event.end_date)}"
            + (
                f", back-to-back with {event.head_contract_reference}"
                if event.head_contract_reference
                else ""
            )
        )
    if isinstance(event, Contract.Extended):
        return "CONTRACT_EXTENDED", (
            f"Contract {ref} extended by {event.months} months to {_day(event.new_end_date)}"
        )
    if isinstance(event, Contract.Novated):
        return "CONTRACT_NOVATED", (
            f"Contract {ref} novated from {event.previous_supplier} to {event.new_supplier}"
        )
    if isinstance(event, Contract.Varied):
        changes = []
        if event.new_end_date is not None:
            changes.append(f"end date now {_day(event.new_end_date)}")
        if event.new_value is not None:
            changes.append(f"value now £{event.new_value:,}")
        extra = f" ({'; '.join(changes)})" if changes else ""
        return "CONTRACT_VARIED", f"Contract {ref} varied: {event.description}{extra}"
    if isinstance(event, Contract.Terminated):
        return "CONTRACT_TERMINATED", f"Contract {ref} terminated: {event.reason}"
    if isinstance(event, Contract.Corrected):
        label = event.field.replace("_", " ")
        return "CONTRACT_CORRECTED", (
            f"Contract {ref}: {label} corrected to {event.value} "
            f"(fact {event.corrects_version} was wrong: {event.reason})"
        )
    raise TypeError(f"The timeline cannot describe {type(event).__qualname__}")


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


class TimelineProjection:
    name = "timeline"
    tables: Sequence[Table] = (timeline_entries, timeline_authorities, timeline_contracts)

    def process(self, conn: Connection, batch: Batch) -> None:
        contracts = self._known_contracts(conn, batch)
        new_contracts: list[dict[str, object]] = []
        entries: list[dict[str, object]] = []
        authorities: list[dict[str, object]] = []
        for position, domain_event in batch:
            event = domain_event
            if not isinstance(event, Contract.Event):
                continue
            key = str(event.originator_id)
            if isinstance(event, Contract.Awarded):
                contracts[key] = ContractFacts(
                    event.reference, event.authority, event.head_contract_reference
                )
                new_contracts.append(
                    {
                        "contract_id": key,
                        "reference": event.reference,
                        "authority": event.authority,
                        "head_contract_reference": event.head_contract_reference,
                    }
                )
            facts = contracts[key]
            kind, summary = describe_contract_event(event, facts)
            entries.append(
                {
                    "position": position,
                    "effective_date": event.effective_date,
                    "recorded_at": event.timestamp,
                    "kind": kind,
                    "summary": summary,
                    "aggregate_id": key,
                    "aggregate_version": event.originator_version,
                    "contract_reference": facts.reference,
                    "recorded_by": event.recorded_by,
                    "recorded_by_authority": event.recorded_by_authority,
                    "source": event.source,
                }
            )
            for authority in self._authorities(conn, facts, contracts):
                authorities.append(
                    {
                        "position": position,
                        "authority": authority,
                        "effective_date": event.effective_date,
                    }
                )
        if new_contracts:
            conn.execute(insert(timeline_contracts), new_contracts)
        if entries:
            conn.execute(insert(timeline_entries), entries)
        if authorities:
            conn.execute(insert(timeline_authorities), authorities)

    def _known_contracts(self, conn: Connection, batch: Batch) -> dict[str, ContractFacts]:
        ids = {str(event.originator_id) for _, event in batch if isinstance(event, Contract.Event)}
        if not ids:
            return {}
        rows = conn.execute(
            select(timeline_contracts).where(timeline_contracts.c.contract_id.in_(ids))
        )
        return {
            row.contract_id: ContractFacts(
                row.reference, row.authority, row.head_contract_reference
            )
            for row in rows
        }

    def _authorities(
        self, conn: Connection, facts: ContractFacts, known: dict[str, ContractFacts]
    ) -> list[str]:
        """The contracting authority and, for a back-to-back contract, the head's authority."""
        found = [facts.authority]
        if facts.head_contract_reference:
            head = self._contract(conn, str(contract_id(facts.head_contract_reference)), known)
            if head is not None and head.authority not in found:
                found.append(head.authority)
        return found

    def _contract(
        self, conn: Connection, key: str, known: dict[str, ContractFacts]
    ) -> ContractFacts | None:
        if key not in known:
            row = conn.execute(
                select(timeline_contracts).where(timeline_contracts.c.contract_id == key)
            ).first()
            if row is None:
                return None
            known[key] = ContractFacts(row.reference, row.authority, row.head_contract_reference)
        return known[key]
