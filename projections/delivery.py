"""Delivery registers: project milestones, scrutiny recommendations and supplier actions.

One row per milestone, recommendation or action, kept current by their aggregates' events,
so that "what is overdue" and "what has gone unmonitored" are single indexed queries. The
same read model keeps projects and inquiries whole (projections.projects, .inquiries): what
each is and every report or update made on it, beside the milestones and recommendations.
"""

from collections.abc import Sequence
from datetime import date
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.paper_dates import PAPER_DATE_MAX
from partnership.projects import ACHIEVED, MISSED, PLANNED, Project
from partnership.recommendations import OPEN, Inquiry
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN, SupplierMeeting
from projections import inquiries, projects
from projections.creation import KnownFacts, creation_facts
from projections.database import metadata
from projections.inquiries import inquiries_register, recommendation_updates
from projections.kit import ReadModel, RowSet
from projections.projects import project_progress, projects_register
from projections.revised import withdrawn_column

milestones_register = Table(
    "milestones_register",
    metadata,
    Column("project_id", String(36), primary_key=True),
    Column("milestone_key", String(REFERENCE_MAX), primary_key=True),
    Column("partnership", String(NAME_MAX), nullable=False),
    Column("project", String(NAME_MAX), nullable=False),
    Column("title", String(TITLE_MAX), nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("original_due_date", Date, nullable=False),
    Column("current_due_date", Date, nullable=False),
    # [{"due_date", "due_when", "reason", "effective_date"}, ...], dates as ISO text; the first
    # is the plan. due_date is the deadline (the last day of a loose due_when, EDTF, if any).
    Column("due_dates", JSON, nullable=False),
    Column("slippage_days", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("achieved_on", Date),
    # Withdrawn as recorded in error (the milestone's plan, or its whole project): it stays,
    # marked.
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_milestones_register_due", "status", "current_due_date"),
    # A partnership's milestones, soonest due first.
    Index("ix_milestones_register_partnership", "partnership", "current_due_date"),
)

recommendations_register = Table(
    "recommendations_register",
    metadata,
    Column("inquiry_id", String(36), primary_key=True),
    Column("number", String(REFERENCE_MAX), primary_key=True),
    Column("body", String(NAME_MAX), nullable=False),
    Column("inquiry_title", String(TITLE_MAX), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner_authority", String(NAME_MAX)),
    Column("objective", String(TITLE_MAX)),
    Column("status", String(20), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("last_update_on", Date),
    Column("updates", Integer, nullable=False),
    # Withdrawn as recorded in error (the recommendation's fact, or its whole inquiry).
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_recommendations_register_status", "status", "last_update_on"),
    # The register is read by body, inquiry and number; a body's name and an inquiry's title
    # at their longest are more than PostgreSQL can index together (2,704 bytes an entry), so
    # each is indexed alone and the rest of the order sorted.
    Index("ix_recommendations_register_body", "body"),
    Index("ix_recommendations_register_inquiry", "inquiry_title"),
)

supplier_actions_register = Table(
    "supplier_actions_register",
    metadata,
    Column("meeting_id", String(36), primary_key=True),
    Column("number", String(REFERENCE_MAX), primary_key=True),
    Column("supplier", String(NAME_MAX), nullable=False),
    Column("meeting_day", Date, nullable=False),
    Column("meeting_title", String(TITLE_MAX), nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", String(NAME_MAX), nullable=False),
    Column("owner_side", String(20), nullable=False),
    # The deadline: the last day of due_when, the date as the paper gave it (EDTF), if loose.
    Column("due_date", Date),
    Column("due_when", String(PAPER_DATE_MAX)),
    Column("status", String(20), nullable=False),
    Column("closed_on", Date),
    Column("outcome", Text),
    # Withdrawn as recorded in error (the action's fact, or its whole meeting).
    withdrawn_column(),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_supplier_actions_register_due", "status", "due_date"),
    # The register is read by supplier, meeting and action number; with the meeting's title
    # at its longest, that is more than PostgreSQL can index (2,704 bytes an entry), so the
    # index stops at the meeting's day and the rest of the order is sorted.
    Index("ix_supplier_actions_register_supplier", "supplier", "meeting_day"),
)

Row = dict[str, Any]


class DeliveryRegistersProjection(ReadModel):
    name = "delivery_registers"
    # 4: projects of an authority alone (`authority`, `owner`; `partnership` may be null).
    # 6: facts of projects, inquiries and supplier meetings corrected and withdrawn: rows
    # marked withdrawn, reports and updates kept by their facts' versions.
    schema_version = 6
    tables: Sequence[Table] = (
        milestones_register,
        recommendations_register,
        supplier_actions_register,
        projects_register,
        project_progress,
        inquiries_register,
        recommendation_updates,
        creation_facts,
    )

    def __init__(self) -> None:
        self.milestones = RowSet(milestones_register, ("project_id", "milestone_key"))
        self.recommendations = RowSet(recommendations_register, ("inquiry_id", "number"))
        self.actions = RowSet(supplier_actions_register, ("meeting_id", "number"))
        self.projects = RowSet(projects_register, ("project_id",))
        self.inquiries = RowSet(inquiries_register, ("inquiry_id",))
        # A report or an update is written once and never changed.
        self.progress = RowSet(project_progress, ("project_id", "position"), remember_at_most=0)
        self.updates = RowSet(
            recommendation_updates, ("inquiry_id", "position"), remember_at_most=0
        )
        # Projects, inquiries and supplier meetings: whose milestones, recommendations and actions.
        self.created = KnownFacts()
        super().__init__(
            self.milestones,
            self.recommendations,
            self.actions,
            self.projects,
            self.progress,
            self.inquiries,
            self.updates,
            facts=self.created,
        )

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no row of the registers."""

    @wants.register
    def _(
        self,
        event: Project.MilestoneReplanned
        | Project.MilestoneAchieved
        | Project.MilestoneMissed
        | Project.MilestoneCorrected,
    ) -> None:
        self.milestones.want((str(event.originator_id), event.key))

    @wants.register
    def _(self, event: Inquiry.ProgressRecorded | Inquiry.RecommendationCorrected) -> None:
        self.recommendations.want((str(event.originator_id), event.number))

    @wants.register
    def _(self, event: SupplierMeeting.ActionClosed | SupplierMeeting.ActionCorrected) -> None:
        self.actions.want((str(event.originator_id), event.number))

    @wants.register
    def _(self, event: Project.Corrected) -> None:
        self.projects.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Inquiry.Corrected | Inquiry.Closed) -> None:
        self.inquiries.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Inquiry.RecommendationMade | SupplierMeeting.ActionRaised) -> None:
        self.created.want(str(event.originator_id))
        # One withdrawn in error may be made again under its number: its row is replaced.
        made = (
            self.recommendations if isinstance(event, Inquiry.RecommendationMade) else self.actions
        )
        made.want((str(event.originator_id), event.number))

    @wants.register
    def _(self, event: Project.MilestonePlanned) -> None:
        # An authority's own project has no partnership: its row names the owner instead.
        self.created.want(str(event.originator_id))
        self.projects.want((str(event.originator_id),))
        # One withdrawn in error may be planned again under its key: its row is replaced.
        self.milestones.want((str(event.originator_id), event.key))

    @wants.register
    def _(self, event: Project.FactCorrected | Project.FactWithdrawn) -> None:
        key = str(event.originator_id)
        self.projects.want((key,))
        self.milestones.want_all_of(key)
        self.progress.want_all_of(key)

    @wants.register
    def _(self, event: Inquiry.FactCorrected | Inquiry.FactWithdrawn) -> None:
        key = str(event.originator_id)
        self.inquiries.want((key,))
        self.recommendations.want_all_of(key)
        self.updates.want_all_of(key)

    @wants.register
    def _(self, event: SupplierMeeting.FactCorrected | SupplierMeeting.FactWithdrawn) -> None:
        self.actions.want_all_of(str(event.originator_id))
        self.created.want(str(event.originator_id))

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events do not concern the registers."""

    @apply.register
    def _(self, event: Project.MilestonePlanned, position: int) -> None:
        key = str(event.originator_id)
        project = self.created[key]
        self.milestones.add(
            {
                "project_id": key,
                "milestone_key": event.key,
                # The owner, as milestones are addressed: the partnership, or the authority.
                "partnership": project.partnership or self.projects[(key,)]["owner"],
                "project": project.title,
                "title": event.title,
                "authority": event.authority,
                "original_due_date": event.due_date,
                "current_due_date": event.due_date,
                "due_dates": [_due(event.due_date, None, event.effective_date, event.due_when)],
                "slippage_days": 0,
                "status": PLANNED,
                "achieved_on": None,
                # A key planned again after its first plan was withdrawn starts afresh.
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Project.MilestoneReplanned, position: int) -> None:
        row = self._milestone(event, position)
        row["due_dates"] = [
            *row["due_dates"],
            _due(event.new_due_date, event.reason, event.effective_date, event.new_due_when),
        ]
        row["current_due_date"] = event.new_due_date
        row["slippage_days"] = (event.new_due_date - row["original_due_date"]).days
        row["status"] = PLANNED

    @apply.register
    def _(self, event: Project.MilestoneAchieved, position: int) -> None:
        row = self._milestone(event, position)
        row["status"] = ACHIEVED
        row["achieved_on"] = event.achieved_on

    @apply.register
    def _(self, event: Project.MilestoneMissed, position: int) -> None:
        self._milestone(event, position)["status"] = MISSED

    @apply.register
    def _(self, event: Project.MilestoneCorrected, position: int) -> None:
        self._milestone(event, position)[event.field] = event.value

    @apply.register
    def _(self, event: Inquiry.RecommendationMade, position: int) -> None:
        key = str(event.originator_id)
        inquiry = self.created[key]
        self.recommendations.add(
            {
                "inquiry_id": key,
                "number": event.number,
                "body": inquiry.body,
                "inquiry_title": inquiry.title,
                "text": event.text,
                "owner_authority": event.owner_authority,
                "objective": event.objective,
                "status": OPEN,
                "made_on": event.effective_date,
                "last_update_on": None,
                "updates": 0,
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: Inquiry.ProgressRecorded, position: int) -> None:
        row = self._recommendation(event, position)
        row["updates"] += 1
        row["last_update_on"] = event.effective_date
        if event.status is not None:
            row["status"] = event.status
        self.updates.add(inquiries.update_row(event, position))

    @apply.register
    def _(self, event: Inquiry.RecommendationCorrected, position: int) -> None:
        self._recommendation(event, position)[event.field] = event.value

    @apply.register
    def _(self, event: Inquiry.Opened, position: int) -> None:
        self.inquiries.add(inquiries.opened_row(event, position))

    @apply.register
    def _(self, event: Inquiry.Corrected, position: int) -> None:
        inquiries.corrected(self.inquiries[(str(event.originator_id),)], event, position)

    @apply.register
    def _(self, event: Inquiry.Closed, position: int) -> None:
        inquiries.closed(self.inquiries[(str(event.originator_id),)], event, position)

    @apply.register
    def _(self, event: Project.Started, position: int) -> None:
        self.projects.add(projects.started_row(event, position))

    @apply.register
    def _(self, event: Project.ProgressReported, position: int) -> None:
        self.progress.add(projects.progress_row(event, position))

    @apply.register
    def _(self, event: Project.Corrected, position: int) -> None:
        projects.corrected(self.projects[(str(event.originator_id),)], event, position)

    @apply.register
    def _(self, event: SupplierMeeting.ActionRaised, position: int) -> None:
        key = str(event.originator_id)
        meeting = self.created[key]
        self.actions.add(
            {
                "meeting_id": key,
                "number": event.number,
                "supplier": meeting.supplier,
                "meeting_day": meeting.day,
                "meeting_title": meeting.title,
                "text": event.text,
                "owner": event.owner,
                "owner_side": event.owner_side,
                "due_date": event.due_date,
                "due_when": event.due_when,
                "status": ACTION_OPEN,
                "closed_on": None,
                "outcome": None,
                "withdrawn": False,
                "last_position": position,
            }
        )

    @apply.register
    def _(self, event: SupplierMeeting.ActionClosed, position: int) -> None:
        row = self._action(event, position)
        row["status"] = ACTION_CLOSED
        row["closed_on"] = event.effective_date
        row["outcome"] = event.outcome

    @apply.register
    def _(self, event: SupplierMeeting.ActionCorrected, position: int) -> None:
        value = event.value
        if event.field == "due_date" and isinstance(value, str):
            value = date.fromisoformat(value)
        row = self._action(event, position)
        row[event.field] = value
        if event.field == "due_date":
            row["due_when"] = None

    @apply.register
    def _(self, event: Project.FactCorrected | Project.FactWithdrawn, position: int) -> None:
        """The project, its milestones and its reports as the revision left them."""
        key, changes = str(event.originator_id), event.changes
        project = self.projects[(key,)]
        projects.revised(project, changes, position)
        withdrawn = project["withdrawn"]
        projects.revised_reports(self.progress.all_of(key), changes, withdrawn)
        held = changes.get("milestones")
        for row in self.milestones.all_of(key):
            if withdrawn or (held is not None and row["milestone_key"] not in held):
                _withdrawn(row, position)
        # As a milestone planned: the owner names it, the partnership or the authority.
        of_project = {
            "partnership": project["partnership"] or project["owner"],
            "project": project["name"],
        }
        for milestone_key, milestone in (held or {}).items():
            values = projects.milestone_values(milestone)
            _revised_item(self.milestones, (key, milestone_key), values, of_project, position)

    @apply.register
    def _(self, event: Inquiry.FactCorrected | Inquiry.FactWithdrawn, position: int) -> None:
        """The inquiry, its recommendations and their updates as the revision left them."""
        key, changes = str(event.originator_id), event.changes
        inquiry = self.inquiries[(key,)]
        inquiries.revised(inquiry, changes, position)
        withdrawn = inquiry["withdrawn"]
        inquiries.revised_updates(self.updates.all_of(key), changes, withdrawn)
        held = changes.get("recommendations")
        for row in self.recommendations.all_of(key):
            if withdrawn or (held is not None and row["number"] not in held):
                _withdrawn(row, position)
        of_inquiry = {"body": inquiry["body"], "inquiry_title": inquiry["title"]}
        for number, recommendation in (held or {}).items():
            values = inquiries.recommendation_values(recommendation)
            _revised_item(self.recommendations, (key, number), values, of_inquiry, position)

    @apply.register
    def _(
        self, event: SupplierMeeting.FactCorrected | SupplierMeeting.FactWithdrawn, position: int
    ) -> None:
        """The meeting's actions as the revision left them."""
        key, changes = str(event.originator_id), event.changes
        held = changes.get("actions")
        withdrawn = bool(changes.get("withdrawn"))
        for row in self.actions.all_of(key):
            if withdrawn or (held is not None and row["number"] not in held):
                _withdrawn(row, position)
        meeting = self.created[key]
        of_meeting = {
            "supplier": meeting.supplier,
            "meeting_day": meeting.day,
            "meeting_title": meeting.title,
        }
        for number, action in (held or {}).items():
            values = {name: action.get(name) for name in _ACTION_STATE}
            _revised_item(self.actions, (key, number), values, of_meeting, position)

    def _milestone(self, event: Any, position: int) -> Row:
        row = self.milestones[(str(event.originator_id), event.key)]
        row["last_position"] = position
        return row

    def _recommendation(self, event: Any, position: int) -> Row:
        row = self.recommendations[(str(event.originator_id), event.number)]
        row["last_position"] = position
        return row

    def _action(self, event: Any, position: int) -> Row:
        row = self.actions[(str(event.originator_id), event.number)]
        row["last_position"] = position
        return row


# What an action's row takes from the action as its meeting holds it.
_ACTION_STATE = (
    "text",
    "owner",
    "owner_side",
    "due_date",
    "due_when",
    "status",
    "closed_on",
    "outcome",
)


def _withdrawn(row: Row, position: int) -> None:
    if not row["withdrawn"]:
        row.update(withdrawn=True, last_position=position)


def _revised_item(
    rows: RowSet, key: tuple[str, str], values: Row, of_record: Row, position: int
) -> None:
    """An item's row as its record now holds the item; one the revision brings about (a
    milestone's key corrected, say) is added."""
    # Held again (a key corrected to that of one withdrawn, say): no longer withdrawn.
    values = values | {"withdrawn": False}
    row = rows.get(key)
    if row is None:
        first = dict(zip(rows.key_columns, key, strict=True))
        rows.add(first | of_record | values | {"last_position": position})
    elif any(row[name] != value for name, value in values.items()):
        row.update(values, last_position=position)


def _due(
    due_date: date, reason: str | None, effective_date: date, due_when: str | None = None
) -> Row:
    # Only a loose date is kept beside the day: an exact one says no more.
    loose = {} if due_when is None else {"due_when": due_when}
    return {
        "due_date": due_date.isoformat(),
        "reason": reason,
        "effective_date": effective_date.isoformat(),
    } | loose
