"""Projects and milestones: planning, re-planning, achieving, missing, progress per authority.

Cross-aggregate rules kept here (the Project cannot see the Partnership):
- a project starts in an existing partnership, and every authority taking part must be a
  member of it on the project's start date (membership, not mere registration: a project of
  the partnership is run by its partners);
- an authority that a milestone is planned for, or that reports progress, must still be a
  member on that fact's effective date (a partner that has left neither plans nor reports);
- before any of these rules, every authority named must be registered: a name not on record
  is refused as such, never judged as a non-member or as outside the project.
An authority's own project answers to no partnership: its milestones and progress are changed
as a partnership's are, addressed by the authority's name where a partnership's would be
(`CommandBase.owned_key`), with no membership to check.
The project keeps the partnership's and the members' names as the partnership spells them.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from partnership.addresses import MilestoneAddress
from partnership.commands.base import CommandBase, CommandResult, command
from partnership.commands.envelope import Envelope
from partnership.commands.partnerships import registered_authority_name
from partnership.domain import InvalidInput, normalise_key
from partnership.global_ids import Kind
from partnership.limits import check_list
from partnership.partnerships import NotAMember, Partnership, one_owner
from partnership.projects import (
    ChangeBeforeStart,
    Project,
    ProjectAlreadyStarted,
    ProjectNotFound,
    owned_project_id,
)


class ProjectCommands(CommandBase):
    @command
    def start_project(
        self,
        *,
        partnership: str | None = None,
        authority: str | None = None,
        name: str,
        description: str,
        authorities: list[str],
        envelope: Envelope,
    ) -> CommandResult:
        """Start a project of `partnership`, each authority a member on the start date; or of
        `authority` alone, with any registered authorities taking part."""
        partnership, authority = one_owner(partnership, authority)
        if authority is not None:
            return self._start_authority_project(
                authority, name, description, authorities, envelope
            )
        found = self.get_partnership(partnership or "")
        day = envelope.provenance.effective_date
        check_list(authorities, "authorities", "The list of authorities")
        registered = [
            registered_authority_name(self, authority, "authorities") for authority in authorities
        ]
        # Blank names pass through unchanged, so that Project.start refuses them as input errors.
        taking_part = [
            _member_as_spelled(found, authority, day, "authorities")
            if authority.strip()
            else authority
            for authority in registered
        ]
        project = Project.start(
            found.name, name, description, taking_part, envelope.provenance, envelope.actor
        )
        return self.record_new(project, lambda: ProjectAlreadyStarted(found.name, project.name))

    @command
    def plan_milestone(
        self,
        *,
        milestone: MilestoneAddress,
        title: str,
        due_date: date | None = None,
        due_when: str | None = None,
        authority: str | None = None,
        envelope: Envelope,
    ) -> CommandResult:
        """Plan a milestone (authority None: for the whole project); its key is milestone_key(key).

        The due date may be in the future (that is the point of a plan); the effective date is
        the day it was planned, which may not be. It is a day (`due_date`) or, as the paper
        gives it, a month or year (`due_when`, EDTF): the milestone is due by its last day.
        """
        return self._change_project(
            milestone.partnership,
            milestone.project,
            envelope,
            lambda p: p.plan_milestone(
                milestone.key,
                title,
                due_date,
                authority,
                envelope.provenance,
                envelope.actor,
                due_when=due_when,
            ),
            acting_authority=authority,
        )

    @command
    def replan_milestone(
        self,
        *,
        milestone: MilestoneAddress,
        new_due_date: date | None = None,
        new_due_when: str | None = None,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Move a milestone's due date (a slip, or bringing it forward); earlier dates are kept."""
        return self._change_project(
            milestone.partnership,
            milestone.project,
            envelope,
            lambda p: p.replan_milestone(
                milestone.key,
                new_due_date,
                reason,
                envelope.provenance,
                envelope.actor,
                new_due_when=new_due_when,
            ),
        )

    @command
    def record_milestone_achieved(
        self, *, milestone: MilestoneAddress, achieved_on: date, envelope: Envelope
    ) -> CommandResult:
        """Record a milestone reached on `achieved_on`.

        The effective date is the date of the paper that reports the achievement, which may be
        later than the achievement itself (a report of 9 July saying training began on 1 July),
        so `achieved_on` may precede it but never follow it: nothing is reported before it
        happens. Nor can it be after today, or before the project started.
        """
        today, reported_on = envelope.now.date(), envelope.provenance.effective_date
        if achieved_on > today:
            raise InvalidInput(
                f"The achievement date {achieved_on.isoformat()} is in the future; record an "
                f"achievement on or after the day it happens (today is {today.isoformat()}).",
                "achievedOn",
            )
        if achieved_on > reported_on:
            raise InvalidInput(
                f"The achievement date {achieved_on.isoformat()} is after the effective date "
                f"{reported_on.isoformat()} of the paper reporting it; a paper "
                "cannot report an achievement before it happens.",
                "achievedOn",
            )

        def achieve(found: Project) -> None:
            if achieved_on < found.started_on:
                raise ChangeBeforeStart(
                    f"The achievement date {achieved_on.isoformat()} is before {found.name} "
                    f"started ({found.started_on.isoformat()}).",
                    "achievedOn",
                )
            found.record_milestone_achieved(
                milestone.key, achieved_on, envelope.provenance, envelope.actor
            )

        return self._change_project(milestone.partnership, milestone.project, envelope, achieve)

    @command
    def record_milestone_missed(
        self, *, milestone: MilestoneAddress, reason: str, envelope: Envelope
    ) -> CommandResult:
        """Record that a milestone will not be met on its current due date, and why."""
        return self._change_project(
            milestone.partnership,
            milestone.project,
            envelope,
            lambda p: p.record_milestone_missed(
                milestone.key, reason, envelope.provenance, envelope.actor
            ),
        )

    @command
    def report_progress(
        self,
        *,
        partnership: str,
        project: str,
        authority: str,
        stage: str,
        note: str = "",
        envelope: Envelope,
    ) -> CommandResult:
        """Record the stage one partner has reached; it must be a member on the effective date."""
        return self._change_project(
            partnership,
            project,
            envelope,
            lambda p: p.report_progress(
                authority, stage, note, envelope.provenance, envelope.actor
            ),
            acting_authority=authority,
        )

    @command
    def correct_milestone(
        self,
        *,
        milestone: MilestoneAddress,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right a milestone's title or authority (one of the project's authorities)."""

        def correct(project: Project) -> None:
            corrected = value
            if field == "authority" and isinstance(value, str):
                corrected = registered_authority_name(self, value, "value")
            project.correct_milestone(
                milestone.key,
                corrects_version,
                field,
                corrected,
                reason,
                envelope.provenance,
                envelope.actor,
            )

        return self._change_project(milestone.partnership, milestone.project, envelope, correct)

    @command
    def correct_project(
        self,
        *,
        partnership: str,
        project: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        envelope: Envelope,
    ) -> CommandResult:
        """Put right the project's description."""
        return self._change_project(
            partnership,
            project,
            envelope,
            lambda p: p.correct(
                corrects_version, field, value, reason, envelope.provenance, envelope.actor
            ),
        )

    def _start_authority_project(
        self,
        authority: str,
        name: str,
        description: str,
        authorities: list[str],
        envelope: Envelope,
    ) -> CommandResult:
        owner = registered_authority_name(self, authority)
        check_list(authorities, "authorities", "The list of authorities")
        taking_part = [registered_authority_name(self, each, "authorities") for each in authorities]
        project = Project.start(
            None,
            name,
            description,
            taking_part,
            envelope.provenance,
            envelope.actor,
            authority=owner,
        )
        return self.record_new(project, lambda: ProjectAlreadyStarted(owner, project.name))

    def get_project(self, partnership: str, name: str) -> Project:
        """A project by its owner's name (a partnership's, or an authority's for its own)."""
        name = self.named(name, Kind.PROJECT, "project")
        return self.load_owned(
            Project,
            partnership,
            lambda partnership_, authority: owned_project_id(partnership_, authority, name),
            lambda owner: ProjectNotFound(owner, name),
        )

    def _change_project(
        self,
        partnership: str,
        name: str,
        envelope: Envelope,
        change: Callable[[Project], Any],
        acting_authority: str | None = None,
    ) -> CommandResult:
        """Load, check, change and save one project; `acting_authority` must be registered,
        and if it takes part in the project, a member of the partnership on the effective date."""

        def checked_change(project: Project) -> None:
            if acting_authority is not None:
                registered_authority_name(self, acting_authority)
                # An authority outside the project is refused by the project itself, more clearly;
                # an authority's own project answers to no partnership.
                if project.partnership is not None and _takes_part(project, acting_authority):
                    _member_as_spelled(
                        self.get_partnership(project.partnership),
                        acting_authority,
                        envelope.provenance.effective_date,
                        "authority",
                    )
            change(project)

        return self.change_one(self.get_project(partnership, name), envelope, checked_change)


def _takes_part(project: Project, authority: str) -> bool:
    return any(normalise_key(a) == normalise_key(authority) for a in project.authorities)


def _member_as_spelled(partnership: Partnership, authority: str, day: date, field: str) -> str:
    """The member as the partnership spells it, if `authority` was a member on `day`."""
    for member in partnership.member_authorities(day):
        if normalise_key(member) == normalise_key(authority):
            return member
    raise NotAMember(
        f"{authority.strip()} was not a member of {partnership.name} on {day.isoformat()}.",
        field,
    )
