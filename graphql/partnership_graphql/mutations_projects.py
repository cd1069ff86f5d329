"""Mutations for projects: milestones planned, re-planned, achieved or missed; progress."""

from datetime import date
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from partnership.application import PartnershipApplication as Commands
from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations_parts import (
    AUTHORITY,
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    OWNER,
    PARTNERSHIP,
    PROJECT,
    ChangeInput,
    MilestoneAt,
    StatedInput,
    optional_value,
    required_value,
    shared_parts_last,
    version_seen,
)
from partnership_graphql.mutations_path import MutationResult, record

PROJECT_VERSION = version_seen("project")
# A project is its "name" when started, and the `project` of every input after that.
NAMED_PROJECT = {"name": "project"}


@strawberry.enum(description="What of a project's record can be corrected.")
class ProjectCorrectableField(Enum):
    DESCRIPTION = "description"


@strawberry.enum(
    description="What of a milestone can be corrected; a due date moves by re-planning."
)
class MilestoneCorrectableField(Enum):
    TITLE = "title"
    AUTHORITY = "authority"


@limits_stated
@shared_parts_last
@strawberry.input(
    description="A project of a partnership, run by some of its members; or an authority's own "
    "project. Name either the partnership or the authority."
)
class StartProjectInput(StatedInput):
    partnership: str | None = strawberry.field(
        default=None, description=f"{PARTNERSHIP} Leave out for an authority's own project."
    )
    authority: str | None = strawberry.field(
        default=None,
        description=f"The authority the project belongs to, for a project of one authority "
        f"alone. {AUTHORITY}",
    )
    name: str = strawberry.field(description="The project's name; it identifies it for good.")
    description: str = strawberry.field(description="What the project is to do.")
    authorities: list[str] = strawberry.field(
        description="The authorities taking part: for a partnership's project, each a member "
        "on the start date; for an authority's own, any registered authorities."
    )
    effective_date: date = strawberry.field(description="The day the project started.")


@strawberry.input
class ProjectChangeInput(ChangeInput):
    partnership: str = strawberry.field(description=OWNER)
    project: str = strawberry.field(description=PROJECT)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@strawberry.input
class MilestoneChangeInput(MilestoneAt, ProjectChangeInput):
    pass


@limits_stated
@shared_parts_last
@strawberry.input(description="A milestone planned for one authority or the whole project.")
class PlanMilestoneInput(MilestoneChangeInput):
    key: str = strawberry.field(
        description="A short key to refer to it by, e.g. pilot-start: words of letters and "
        "digits, joined by hyphens."
    )
    title: str = strawberry.field(description="What is to be reached, in plain words.")
    due_date: date | None = strawberry.field(
        default=None,
        description="The day it is due; may be ahead. Give this, dueWhen, or both agreeing.",
    )
    due_when: str | None = strawberry.field(
        default=None,
        description="When it is due as the paper gives it, e.g. 2008-09 ('by September "
        "2008'): it is due by the period's last day, and overdue only after it.",
    )
    authority: str | None = strawberry.field(
        default=None,
        description="The authority taking part it is for; leave out for the whole project.",
    )
    effective_date: date = strawberry.field(description="The day it was planned.")

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        return given | {"authority": optional_value(self.authority)}


@limits_stated
@shared_parts_last
@strawberry.input(description="A milestone's due date moved (a slip, or brought forward).")
class ReplanMilestoneInput(MilestoneChangeInput):
    new_due_date: date | None = strawberry.field(
        default=None, description="The day it is now due. Give this, newDueWhen, or both."
    )
    new_due_when: str | None = strawberry.field(
        default=None,
        description="When it is now due as the paper gives it, e.g. 2011-10 ('end of October "
        "2011'): due by the period's last day.",
    )
    reason: str = strawberry.field(description="Why it moved, as the paper gives it.")
    effective_date: date = strawberry.field(description="The day the new date was agreed.")


@limits_stated
@shared_parts_last
@strawberry.input(description="A milestone reached, perhaps late.")
class RecordMilestoneAchievedInput(MilestoneChangeInput):
    achieved_on: date = strawberry.field(
        description="The day it was reached; on or before the effective date."
    )
    effective_date: date = strawberry.field(
        description="The date of the paper reporting it, which may be later than the day "
        "it was reached."
    )


@limits_stated
@shared_parts_last
@strawberry.input(description="A milestone that will not be met on its current due date.")
class RecordMilestoneMissedInput(MilestoneChangeInput):
    reason: str = strawberry.field(description="Why it was missed, as the paper gives it.")


@limits_stated
@shared_parts_last
@strawberry.input(description="The stage one partner has reached; partners move at their pace.")
class ReportProgressInput(ProjectChangeInput):
    authority: str = strawberry.field(description=f"An authority taking part. {AUTHORITY}")
    stage: str = strawberry.field(description="The stage reached, e.g. piloting.")
    note: str = strawberry.field(default="", description="Anything the paper adds.")


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectProjectInput(ProjectChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: ProjectCorrectableField
    value: str = strawberry.field(description="The right description, in full.")
    reason: str = strawberry.field(description=CORRECTION_REASON)


@limits_stated
@shared_parts_last
@strawberry.input(description=CORRECTION)
class CorrectMilestoneInput(MilestoneChangeInput):
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: MilestoneCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: the title; or the authority taking part it is for, "
        "null for the whole project.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)

    def command_arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        if self.field is MilestoneCorrectableField.TITLE:
            return given | {"value": required_value(self.value, "title")}
        return given | {"value": optional_value(self.value)}


@strawberry.type
class ProjectMutation:
    @strawberry.mutation(
        description="Record that a partnership, or an authority alone, started a project."
    )
    async def start_project(self, info: Info, input: StartProjectInput) -> MutationResult:
        return await record(info, Commands.start_project, input)

    @strawberry.mutation(description="Plan a milestone of a project.")
    async def plan_milestone(self, info: Info, input: PlanMilestoneInput) -> MutationResult:
        return await record(info, Commands.plan_milestone, input, NAMED_PROJECT)

    @strawberry.mutation(description="Move a milestone's due date, saying why.")
    async def replan_milestone(self, info: Info, input: ReplanMilestoneInput) -> MutationResult:
        return await record(info, Commands.replan_milestone, input, NAMED_PROJECT)

    @strawberry.mutation(description="Record a milestone reached.")
    async def record_milestone_achieved(
        self, info: Info, input: RecordMilestoneAchievedInput
    ) -> MutationResult:
        return await record(info, Commands.record_milestone_achieved, input, NAMED_PROJECT)

    @strawberry.mutation(description="Record a milestone missing its due date, and why.")
    async def record_milestone_missed(
        self, info: Info, input: RecordMilestoneMissedInput
    ) -> MutationResult:
        return await record(info, Commands.record_milestone_missed, input, NAMED_PROJECT)

    @strawberry.mutation(description="Record the stage one partner has reached in a project.")
    async def report_progress(self, info: Info, input: ReportProgressInput) -> MutationResult:
        return await record(info, Commands.report_progress, input, NAMED_PROJECT)

    @strawberry.mutation(description="Correct a wrongly recorded fact about a project.")
    async def correct_project(self, info: Info, input: CorrectProjectInput) -> MutationResult:
        return await record(info, Commands.correct_project, input, NAMED_PROJECT)

    @strawberry.mutation(description="Correct a milestone's title or the authority it is for.")
    async def correct_milestone(self, info: Info, input: CorrectMilestoneInput) -> MutationResult:
        return await record(info, Commands.correct_milestone, input, NAMED_PROJECT)
