"""Mutations for projects: milestones planned, re-planned, achieved or missed; progress."""

from datetime import date
from enum import Enum

import strawberry
from strawberry.types import Info

from partnership_graphql.input_limits import limits_stated
from partnership_graphql.mutations import (
    CORRECTION,
    CORRECTION_REASON,
    CORRECTS_VERSION,
    EFFECTIVE_DATE,
    SOURCE,
    RecordResult,
    domain_code,
    optional_value,
    provenance_of,
    record,
    required_value,
    version_seen,
)
from partnership_graphql.mutations_partnerships import AUTHORITY, PARTNERSHIP

PROJECT = "The project's name, as it was started, e.g. CRM Front Office implementation."
KEY = "The milestone's key, e.g. pilot-start ('Pilot start' means the same)."
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
@strawberry.input(description="A project of a partnership, run by some of its members.")
class StartProjectInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    name: str = strawberry.field(description="The project's name; it identifies it for good.")
    description: str = strawberry.field(description="What the project is to do.")
    authorities: list[str] = strawberry.field(
        description="The member authorities taking part, each a member on the start date."
    )
    effective_date: date = strawberry.field(description="The day the project started.")
    source: str = strawberry.field(description=SOURCE)


@limits_stated
@strawberry.input(description="A milestone planned for one authority or the whole project.")
class PlanMilestoneInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(
        description="A short key to refer to it by, e.g. pilot-start: words of letters and "
        "digits, joined by hyphens."
    )
    title: str = strawberry.field(description="What is to be reached, in plain words.")
    due_date: date = strawberry.field(description="When it is due; may be ahead.")
    authority: str | None = strawberry.field(
        default=None,
        description="The authority taking part it is for; leave out for the whole project.",
    )
    effective_date: date = strawberry.field(description="The day it was planned.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description="A milestone's due date moved (a slip, or brought forward).")
class ReplanMilestoneInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(description=KEY)
    new_due_date: date = strawberry.field(description="When it is now due.")
    reason: str = strawberry.field(description="Why it moved, as the paper gives it.")
    effective_date: date = strawberry.field(description="The day the new date was agreed.")
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description="A milestone reached, perhaps late.")
class RecordMilestoneAchievedInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(description=KEY)
    achieved_on: date = strawberry.field(
        description="The day it was reached; on or before the effective date."
    )
    effective_date: date = strawberry.field(
        description="The date of the paper reporting it, which may be later than the day "
        "it was reached."
    )
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description="A milestone that will not be met on its current due date.")
class RecordMilestoneMissedInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(description=KEY)
    reason: str = strawberry.field(description="Why it was missed, as the paper gives it.")
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description="The stage one partner has reached; partners move at their pace.")
class ReportProgressInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    authority: str = strawberry.field(description=f"An authority taking part. {AUTHORITY}")
    stage: str = strawberry.field(description="The stage reached, e.g. piloting.")
    note: str = strawberry.field(default="", description="Anything the paper adds.")
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectProjectInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: ProjectCorrectableField
    value: str = strawberry.field(description="The right description, in full.")
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


@limits_stated
@strawberry.input(description=CORRECTION)
class CorrectMilestoneInput:
    partnership: str = strawberry.field(description=PARTNERSHIP)
    project: str = strawberry.field(description=PROJECT)
    key: str = strawberry.field(description=KEY)
    corrects_version: int = strawberry.field(description=CORRECTS_VERSION)
    field: MilestoneCorrectableField
    value: str | None = strawberry.field(
        default=None,
        description="The right value: the title; or the authority taking part it is for, "
        "null for the whole project.",
    )
    reason: str = strawberry.field(description=CORRECTION_REASON)
    effective_date: date = strawberry.field(description=EFFECTIVE_DATE)
    source: str = strawberry.field(description=SOURCE)
    expected_version: int | None = strawberry.field(default=None, description=PROJECT_VERSION)


def _corrected_milestone_value(field: MilestoneCorrectableField, value: str | None) -> str | None:
    if field is MilestoneCorrectableField.TITLE:
        return required_value(value, "title")
    return optional_value(value)


@strawberry.type
class ProjectMutation:
    @strawberry.mutation(description="Record that a partnership started a project.")
    async def start_project(self, info: Info, input: StartProjectInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.start_project(
                input.partnership,
                input.name,
                input.description,
                list(input.authorities),
                provenance_of(input),
                actor,
                now,
            ),
        )

    @strawberry.mutation(description="Plan a milestone of a project.")
    async def plan_milestone(self, info: Info, input: PlanMilestoneInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.plan_milestone(
                input.partnership,
                input.project,
                input.key,
                input.title,
                input.due_date,
                optional_value(input.authority),
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Move a milestone's due date, saying why.")
    async def replan_milestone(self, info: Info, input: ReplanMilestoneInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.replan_milestone(
                input.partnership,
                input.project,
                input.key,
                input.new_due_date,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Record a milestone reached.")
    async def record_milestone_achieved(
        self, info: Info, input: RecordMilestoneAchievedInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_milestone_achieved(
                input.partnership,
                input.project,
                input.key,
                input.achieved_on,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Record a milestone missing its due date, and why.")
    async def record_milestone_missed(
        self, info: Info, input: RecordMilestoneMissedInput
    ) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.record_milestone_missed(
                input.partnership,
                input.project,
                input.key,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Record the stage one partner has reached in a project.")
    async def report_progress(self, info: Info, input: ReportProgressInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.report_progress(
                input.partnership,
                input.project,
                input.authority,
                input.stage,
                input.note,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Correct a wrongly recorded fact about a project.")
    async def correct_project(self, info: Info, input: CorrectProjectInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_project(
                input.partnership,
                input.project,
                input.corrects_version,
                domain_code(input.field),
                input.value,
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )

    @strawberry.mutation(description="Correct a milestone's title or the authority it is for.")
    async def correct_milestone(self, info: Info, input: CorrectMilestoneInput) -> RecordResult:
        return await record(
            info,
            lambda app, actor, now: app.correct_milestone(
                input.partnership,
                input.project,
                input.key,
                input.corrects_version,
                domain_code(input.field),
                _corrected_milestone_value(input.field, input.value),
                input.reason,
                provenance_of(input),
                actor,
                now,
                input.expected_version,
            ),
            NAMED_PROJECT,
        )
