"""Contract commands: award, extend, novate, vary, terminate, correct."""

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from partnership.commands.base import CommandBase, CommandResult
from partnership.contracts import (
    Contract,
    ContractAlreadyAwarded,
    ContractNotFound,
    ContractTerms,
    contract_id,
)
from partnership.domain import Actor, Provenance


class ContractCommands(CommandBase):
    def award_contract(
        self, terms: ContractTerms, provenance: Provenance, actor: Actor, now: datetime
    ) -> CommandResult:
        self.check(provenance, now)
        contract = Contract.award(terms, provenance, actor)
        return self.record_new(contract, lambda: ContractAlreadyAwarded(contract.reference))

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
        return self.load(Contract, contract_id(reference), lambda: ContractNotFound(reference))

    def _change_contract(
        self,
        reference: str,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[Contract], Any],
    ) -> CommandResult:
        return self.change_one(
            lambda: self.get_contract(reference), provenance, now, expected_version, change
        )
