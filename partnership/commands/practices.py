"""Recurring practices: recording one and ending it.

Each authority taking part must be registered, and is kept as registered; suppliers are names
only (there is no supplier aggregate).
"""

from datetime import date

from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.commands.partnerships import registered_authority_name
from partnership.domain import InvalidInput
from partnership.limits import check_list
from partnership.practices import (
    Cadence,
    Practice,
    PracticeAlreadyRecorded,
    PracticeNotFound,
    practice_id,
)


class PracticeCommands(CommandBase):
    @command
    def record_practice(
        self,
        *,
        name: str,
        kind: str,
        authorities: list[str],
        suppliers: list[str],
        cadence: str,
        every: int | None = None,
        starts_on: date,
        ends_on: date | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """A practice from `starts_on` until `ends_on` (its last day) or further notice."""
        if isinstance(authorities, str):
            raise InvalidInput("The authorities must be a list of names.", "authorities")
        check_list(authorities, "authorities", "The authorities")
        parties = [registered_authority_name(self, each, "authorities") for each in authorities]
        practice = Practice.record(
            name,
            kind,
            parties,
            suppliers,
            Cadence.of(cadence, every),
            starts_on,
            ends_on,
            envelope.provenance,
            envelope.actor,
        )
        return self.record_new(practice, lambda: PracticeAlreadyRecorded(practice.name))

    @command
    def end_practice(
        self, *, name: str, ends_on: date, reason: str, envelope: Envelope
    ) -> CommandResult:
        """The practice stops; `ends_on` is the last day it runs."""
        return self.change_one(
            self.get_practice(name),
            envelope,
            lambda p: p.end(ends_on, reason, envelope.provenance, envelope.actor),
        )

    def get_practice(self, name: str) -> Practice:
        return self.load(Practice, practice_id(name), lambda: PracticeNotFound(name))
