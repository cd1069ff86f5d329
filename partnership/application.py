"""The one application service: each public method is a command on the partnership's record."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import IntegrityError, JSONTranscoder

from partnership.contracts import (
    Contract,
    ContractAlreadyAwarded,
    ContractNotFound,
    ContractTerms,
    contract_id,
)
from partnership.domain import (
    Actor,
    ConcurrentChange,
    DateAsISO,
    Provenance,
    check_provenance,
)


@dataclass(frozen=True)
class CommandResult:
    """What a caller needs after a command: which aggregate, and the log position to wait for."""

    aggregate_id: UUID
    version: int
    position: int


class PartnershipApplication(Application[UUID]):
    # Pinned: PostgreSQL table names derive from it, and renaming would hide every event.
    name = "partnership"
    snapshotting_intervals = {Contract: 200}

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    # Contracts

    def award_contract(
        self, terms: ContractTerms, provenance: Provenance, actor: Actor, now: datetime
    ) -> CommandResult:
        check_provenance(provenance, now)
        contract = Contract.award(terms, provenance, actor)
        try:
            return self._save(contract)
        except IntegrityError:
            # The id derives from the reference, so the store itself refuses a second award.
            raise ContractAlreadyAwarded(terms.reference.strip()) from None

    def extend_contract(
        self,
        reference: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_contract(
            reference,
            provenance,
            now,
            expected_version,
            lambda contract: contract.extend(provenance, actor),
        )

    def novate_contract(
        self,
        reference: str,
        new_supplier: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_contract(
            reference,
            provenance,
            now,
            expected_version,
            lambda contract: contract.novate(new_supplier, provenance, actor),
        )

    def vary_contract(
        self,
        reference: str,
        description: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        new_end_date: date | None = None,
        new_value: Decimal | None = None,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_contract(
            reference,
            provenance,
            now,
            expected_version,
            lambda contract: contract.vary(description, provenance, actor, new_end_date, new_value),
        )

    def terminate_contract(
        self,
        reference: str,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_contract(
            reference,
            provenance,
            now,
            expected_version,
            lambda contract: contract.terminate(reason, provenance, actor),
        )

    def correct_contract(
        self,
        reference: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        return self._change_contract(
            reference,
            provenance,
            now,
            expected_version,
            lambda contract: contract.correct(
                corrects_version, field, value, reason, provenance, actor
            ),
        )

    def get_contract(self, reference: str) -> Contract:
        try:
            contract: Contract = self.repository.get(contract_id(reference))
        except AggregateNotFoundError:
            raise ContractNotFound(reference) from None
        return contract

    def _change_contract(
        self,
        reference: str,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[Contract], Any],
    ) -> CommandResult:
        check_provenance(provenance, now)
        contract = self.get_contract(reference)
        if expected_version is not None and contract.version != expected_version:
            raise ConcurrentChange(f"Contract {contract.reference}")
        change(contract)
        try:
            return self._save(contract)
        except IntegrityError:
            raise ConcurrentChange(f"Contract {contract.reference}") from None

    def _save(self, aggregate: Aggregate) -> CommandResult:
        recordings = self.save(aggregate)
        return CommandResult(
            aggregate_id=aggregate.id,
            version=aggregate.version,
            position=recordings[-1].notification.id,
        )

    def head_position(self) -> int:
        return self.recorder.max_notification_id() or 0
