"""Contract commands: award, extend, novate, vary, terminate, correct."""

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.contracts import (
    Contract,
    ContractAlreadyAwarded,
    ContractNotFound,
    ContractTerms,
    contract_id,
)
from partnership.domain import NotFound
from partnership.global_ids import Kind


class HeadContractNotFound(ContractNotFound):
    def __init__(self, reference: str) -> None:
        NotFound.__init__(
            self,
            f"There is no contract with reference {reference!r} for this one to be "
            "back-to-back with; award the head contract first.",
            "headContractReference",
        )


class ContractCommands(CommandBase):
    @command
    def award_contract(self, *, terms: ContractTerms, envelope: Envelope) -> CommandResult:
        """Only a registered authority contracts, under its registered name, and a
        back-to-back contract follows a head contract already on record."""
        terms = terms.validated()
        contracting = self.get_authority(terms.authority)
        if terms.head_contract_reference is not None:
            head = terms.head_contract_reference
            self.load(Contract, contract_id(head), lambda: HeadContractNotFound(head))
        contract = Contract.award(
            replace(terms, authority=contracting.name), envelope.provenance, envelope.actor
        )
        return self.record_new(contract, lambda: ContractAlreadyAwarded(contract.reference))

    @command
    def extend_contract(self, *, reference: str, envelope: Envelope) -> CommandResult:
        return self.change_one(
            self.get_contract(reference),
            envelope,
            lambda contract: contract.extend(envelope.provenance, envelope.actor),
        )

    @command
    def novate_contract(
        self, *, reference: str, new_supplier: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_contract(reference),
            envelope,
            lambda contract: contract.novate(new_supplier, envelope.provenance, envelope.actor),
        )

    @command
    def vary_contract(
        self,
        *,
        reference: str,
        description: str,
        new_end_date: date | None = None,
        new_value: Decimal | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_contract(reference),
            envelope,
            lambda contract: contract.vary(
                description, envelope.provenance, envelope.actor, new_end_date, new_value
            ),
        )

    @command
    def terminate_contract(
        self, *, reference: str, reason: str, envelope: Envelope
    ) -> CommandResult:
        return self.change_one(
            self.get_contract(reference),
            envelope,
            lambda contract: contract.terminate(reason, envelope.provenance, envelope.actor),
        )

    @command
    def correct_contract(
        self,
        *,
        reference: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        return self.change_one(
            self.get_contract(reference),
            envelope,
            lambda contract: contract.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    def get_contract(self, reference: str) -> Contract:
        reference = self.named(reference, Kind.CONTRACT, "reference")
        return self.load(Contract, contract_id(reference), lambda: ContractNotFound(reference))
