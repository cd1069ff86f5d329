"""The one application service: each public method is a command on the partnership's record.

Commands are grouped by area in partnership/commands/ so that each module stays readable;
they compose into this single Application, which is what every process uses.
"""

from partnership.commands.alerts import AlertCommands
from partnership.commands.base import CommandResult
from partnership.commands.contracts import ContractCommands
from partnership.commands.governance import GovernanceCommands
from partnership.commands.meetings import MeetingCommands
from partnership.commands.partnerships import PartnershipCommands
from partnership.commands.people import PeopleCommands
from partnership.commands.practices import PracticeCommands
from partnership.commands.projects import ProjectCommands
from partnership.commands.recommendations import RecommendationCommands
from partnership.commands.revisions import RevisionCommands
from partnership.commands.supplier_meetings import SupplierMeetingCommands
from partnership.contracts import Contract
from partnership.governance import GoverningBody
from partnership.meetings import Meeting
from partnership.partnerships import Partnership
from partnership.people import Person
from partnership.projects import Project
from partnership.recommendations import Inquiry
from partnership.supplier_meetings import SupplierMeeting

__all__ = ["CommandResult", "PartnershipApplication"]


class PartnershipApplication(
    ContractCommands,
    PartnershipCommands,
    GovernanceCommands,
    MeetingCommands,
    ProjectCommands,
    RecommendationCommands,
    SupplierMeetingCommands,
    PracticeCommands,
    AlertCommands,
    PeopleCommands,
    RevisionCommands,
):
    # Long-lived aggregates load from a snapshot rather than from their first event.
    snapshotting_intervals = {
        Contract: 200,
        Partnership: 200,
        GoverningBody: 200,
        Meeting: 200,
        Project: 200,
        Inquiry: 200,
        SupplierMeeting: 200,
        Person: 200,
    }
