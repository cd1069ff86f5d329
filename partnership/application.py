"""The one application service: each public method is a command on the partnership's record.

Commands are grouped by area in partnership/commands/ so that each module stays readable;
they compose into this single Application, which is what every process uses.
"""

from partnership.commands.base import CommandResult
from partnership.commands.contracts import ContractCommands
from partnership.contracts import Contract

__all__ = ["CommandResult", "PartnershipApplication"]


class PartnershipApplication(ContractCommands):
    snapshotting_intervals = {Contract: 200}
