"""Projects and milestones: planning, re-planning, achieving, missing, progress per authority.

Cross-aggregate rules kept here (the Project cannot see the Partnership):
- a project starts in an existing partnership, and every authority taking part must be a
  member of it on the project's start date (membership, not mere registration: a project of
  the partnership is run by its partners);
- an authority that a milestone is planned for, or that reports progress, must still be a
  member on that fact's effective date (a partner that has left neither plans nor reports).
The project keeps the partnership's and the members' names as the partnership spells them.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from partnership.commands.base import CommandBase, CommandResult
from partnership.domain import Actor, InvalidInput, Provenance, normalise_key
from partnership.partnerships import NotAMember, Partnership
from partnership.projects import (
    ChangeBeforeStart,
    Project,
    ProjectAlreadyStarted,
    ProjectNotFound,
    project_id,
)


class ProjectCommands(CommandBase):
    def start_project(
        self,
        partnership: str,
        name: str,
        description: str,
        authorities: list[str],
        provenance: Provenance,
        actor: Actor,
        now: datetime,
    ) -> CommandResult:
        """Start a project of `partnership`; each authority must be a member on the start date."""
        self.check(provenance, now)
        found = self.get_partnership(partnership)
        day = provenance.effective_date
        # Blank names pass through unchanged, so that Project.start refuses them as input errors.
        taking_part = [
            _member_as_spelled(found, authority, day, "authorities")
            if authority.strip()
            else authority
            for authority in authorities
        ]
        project = Project.start(found.name, name, description, taking_part, provenance, actor)
        return self.record_new(project, lambda: ProjectAlreadyStarted(found.name, project.name))

    def plan_milestone(
        self,
        partnership: str,
        project: str,
        key: str,
        title: str,
        due_date: date,
        authority: str | None,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Plan a milestone (authority None: for the whole project); its key is milestone_key(key).

        The due date may be in the future (that is the point of a plan); the effective date is
        the day it was planned, which may not be.
        """
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.plan_milestone(key, title, due_date, authority, provenance, actor),
            acting_authority=authority,
        )

    def replan_milestone(
        self,
        partnership: str,
        project: str,
        key: str,
        new_due_date: date,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Move a milestone's due date (a slip, or bringing it forward); earlier dates are kept."""
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.replan_milestone(key, new_due_date, reason, provenance, actor),
        )

    def record_milestone_achieved(
        self,
        partnership: str,
        project: str,
        key: str,
        achieved_on: date,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Record a milestone reached on `achieved_on`.

        The effective date is the date of the paper that reports the achievement, which may be
        later than the achievement itself (a report of 9 July saying training began on 1 July),
        so `achieved_on` may precede it but never follow it: nothing is reported before it
        happens. Nor can it be after today, or before the project started.
        """
        self.check(provenance, now)
        if achieved_on > now.date():
            raise InvalidInput(
                f"The achievement date {achieved_on.isoformat()} is in the future; record an "
                f"achievement on or after the day it happens (today is {now.date().isoformat()}).",
                "achievedOn",
            )
        if achieved_on > provenance.effective_date:
            raise InvalidInput(
                f"The achievement date {achieved_on.isoformat()} is after the effective date "
                f"{provenance.effective_date.isoformat()} of the paper reporting it; a paper "
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
            found.record_milestone_achieved(key, achieved_on, provenance, actor)

        return self._change_project(
            partnership, project, provenance, now, expected_version, achieve
        )

    def record_milestone_missed(
        self,
        partnership: str,
        project: str,
        key: str,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Record that a milestone will not be met on its current due date, and why."""
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.record_milestone_missed(key, reason, provenance, actor),
        )

    def report_progress(
        self,
        partnership: str,
        project: str,
        authority: str,
        stage: str,
        note: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Record the stage one partner has reached; it must be a member on the effective date."""
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.report_progress(authority, stage, note, provenance, actor),
            acting_authority=authority,
        )

    def correct_milestone(
        self,
        partnership: str,
        project: str,
        key: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Put right a milestone's title or authority (one of the project's authorities)."""
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.correct_milestone(
                key, corrects_version, field, value, reason, provenance, actor
            ),
        )

    def correct_project(
        self,
        partnership: str,
        project: str,
        corrects_version: int,
        field: str,
        value: Any,
        reason: str,
        provenance: Provenance,
        actor: Actor,
        now: datetime,
        expected_version: int | None = None,
    ) -> CommandResult:
        """Put right the project's description."""
        return self._change_project(
            partnership,
            project,
            provenance,
            now,
            expected_version,
            lambda p: p.correct(corrects_version, field, value, reason, provenance, actor),
        )

    def get_project(self, partnership: str, name: str) -> Project:
        return self.load(
            Project, project_id(partnership, name), lambda: ProjectNotFound(partnership, name)
        )

    def _change_project(
        self,
        partnership: str,
        name: str,
        provenance: Provenance,
        now: datetime,
        expected_version: int | None,
        change: Callable[[Project], Any],
        acting_authority: str | None = None,
    ) -> CommandResult:
        """Load, check, change and save one project; `acting_authority`, if it takes part in
        the project, must be a member of the partnership on the effective date."""

        def checked_change(project: Project) -> None:
            if acting_authority is not None and _takes_part(project, acting_authority):
                # An authority outside the project is refused by the project itself, more clearly.
                _member_as_spelled(
                    self.get_partnership(project.partnership),
                    acting_authority,
                    provenance.effective_date,
                    "authority",
                )
            change(project)

        return self.change_one(
            lambda: self.get_project(partnership, name),
            provenance,
            now,
            expected_version,
            checked_change,
        )


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
