"""The alerts read model: everything that can raise an alert, with its key date, and who
acknowledged which alert at which level.

How pressing an alert is depends on the day one asks, not only on the record, so the rows
hold what a level is worked out from (category, key date, open or not, how long a contract
runs) and the level is decided at query time, as of any day, by partnership/alerts.py's rules.

A head contract's change is one row per back-to-back contract under it, made when the change
is projected: the read model keeps which contracts are back-to-back with which head
(`alert_back_to_back`), so that finding them needs no other read model.
"""

from collections.abc import Callable, Sequence
from datetime import date
from functools import singledispatchmethod
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from partnership.alerts import (
    HEAD_CONTRACT_CHANGED,
    MILESTONE_OVERDUE,
    RECOMMENDATION_STALE,
    RENEWAL,
    SUPPLIER_ACTION_OVERDUE,
    Alert,
)
from partnership.contracts import ACTIVE, TERMINATED, WITHDRAWN, Contract, contract_id
from partnership.limits import NAME_MAX, REFERENCE_MAX, TITLE_MAX
from partnership.paper_dates import PERIOD_UNIT_MAX, none_for_days
from partnership.projects import ACHIEVED, MISSED, PLANNED, Project
from partnership.recommendations import IN_PROGRESS, OPEN, Inquiry
from partnership.supplier_meetings import ACTION_CLOSED, ACTION_OPEN, SupplierMeeting
from projections.alert_rows import (
    HEAD_CHANGE_ITEM,
    action_values,
    changed,
    milestone_values,
    new_row,
    parties,
    recommendation_values,
    withdrawn,
)
from projections.columns import UtcDateTime
from projections.creation import KnownFacts, creation_facts, named_authorities
from projections.database import metadata
from projections.kit import ReadModel, RowSet

# Alert keys are built from a kind, an aggregate's id, an item and a date (partnership.alerts),
# at most this long; an acknowledgement keeps the key it was sent, which may be up to a title.
_LONGEST_BUILT_KEY = len("supplier-action:") + 36 + len(":") + REFERENCE_MAX + len(":2199-12-31")
ALERT_KEY_MAX = max(TITLE_MAX, _LONGEST_BUILT_KEY)

alert_sources = Table(
    "alert_sources",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    # The milestone key, recommendation number or action number; "" for a contract's renewal,
    # "head:<version>" for the change that made its head contract's version.
    Column("item", String(REFERENCE_MAX), primary_key=True),
    Column("category", String(32), nullable=False),
    Column("alert_key", String(ALERT_KEY_MAX), nullable=False, index=True),
    # Notice deadline, due date, or last progress update (or, with none, the day it was made).
    Column("key_date", Date),
    Column("is_open", Boolean, nullable=False),
    # A contract's end date: past it, the contract needs no renewal decision.
    Column("runs_until", Date),
    # The notice period's amount, in notice_period_unit (weeks, months; NULL: days).
    Column("notice_period_days", Integer),
    Column("notice_period_unit", String(PERIOD_UNIT_MAX)),
    Column("status", String(20), nullable=False),
    Column("subject", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("authority", String(NAME_MAX)),
    Column("authorities", JSON, nullable=False),
    Column("partnership", String(NAME_MAX)),
    Column("contract_reference", String(REFERENCE_MAX)),
    Column("head_contract_reference", String(REFERENCE_MAX)),
    Column("project", String(NAME_MAX)),
    Column("scrutiny_body", String(NAME_MAX)),
    Column("inquiry", String(TITLE_MAX)),
    Column("supplier", String(NAME_MAX)),
    Column("supplier_meeting", String(TITLE_MAX)),
    Column("meeting_day", Date),
    Column("last_position", BigInteger, nullable=False),
    Index("ix_alert_sources_due", "category", "is_open", "key_date"),
)

# The authorities attending a supplier meeting, or taking part in a project, once a correction
# or revision has changed them from those its creating event named (projections.creation):
# its later actions, or milestones of the whole project, concern them.
alert_meeting_authorities = Table(
    "alert_meeting_authorities",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("authorities", JSON, nullable=False),
)

# Which contracts are back-to-back with which head contract, as their awards named it.
alert_back_to_back = Table(
    "alert_back_to_back",
    metadata,
    Column("head_contract_id", String(36), primary_key=True),
    Column("contract_id", String(36), primary_key=True),
)

alert_acknowledgements = Table(
    "alert_acknowledgements",
    metadata,
    Column("alert_key", String(ALERT_KEY_MAX), primary_key=True),
    Column("level", String(32), primary_key=True),
    Column("acknowledged_on", Date, nullable=False),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("acknowledged_by", String(NAME_MAX), nullable=False),
    Column("acknowledged_by_authority", String(NAME_MAX), nullable=False),
    Column("note", Text),
    Column("position", BigInteger, nullable=False),
)

Row = dict[str, Any]


class AlertsProjection(ReadModel):
    name = "alerts"
    # 5: facts of projects, inquiries and supplier meetings corrected and withdrawn; a closed
    # inquiry's recommendations run until it closed.
    schema_version = 5
    tables: Sequence[Table] = (
        alert_sources,
        alert_acknowledgements,
        alert_meeting_authorities,
        alert_back_to_back,
        creation_facts,
    )

    def __init__(self) -> None:
        self.sources = RowSet(alert_sources, ("aggregate_id", "item"))
        # One row an acknowledgement, never changed: nothing to remember.
        self.acknowledgements = RowSet(
            alert_acknowledgements, ("alert_key", "level"), remember_at_most=0
        )
        self.meeting_authorities = RowSet(alert_meeting_authorities, ("aggregate_id",))
        self.back_to_back = RowSet(alert_back_to_back, ("head_contract_id", "contract_id"))
        # Head contracts changed in the batch: their back-to-back contracts' rows are loaded
        # once the links are.
        self._heads_changed: set[str] = set()
        # Projects, inquiries and supplier meetings: what their alerts are about.
        self.created = KnownFacts()
        super().__init__(
            self.sources,
            self.acknowledgements,
            self.meeting_authorities,
            self.back_to_back,
            facts=self.created,
        )

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Other events change no row written before."""

    @wants.register
    def _(self, event: Contract.Event) -> None:
        self.sources.want((str(event.originator_id), ""))

    @wants.register
    def _(self, event: Contract.Awarded) -> None:
        """A new row: nothing to read."""

    @wants.register
    def _(
        self,
        event: Contract.Extended
        | Contract.Novated
        | Contract.Varied
        | Contract.Terminated
        | Contract.FactCorrected
        | Contract.FactWithdrawn,
    ) -> None:
        # Every row of the contract (its renewal and its head's changes), and as a head
        # contract, its back-to-back contracts.
        key = str(event.originator_id)
        self.sources.want_all_of(key)
        self.back_to_back.want_all_of(key)
        self._heads_changed.add(key)

    @wants.register
    def _(
        self,
        event: Project.MilestoneReplanned
        | Project.MilestoneAchieved
        | Project.MilestoneMissed
        | Project.MilestoneCorrected,
    ) -> None:
        self.sources.want((str(event.originator_id), event.key))
        self.created.want(str(event.originator_id))
        self.meeting_authorities.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Inquiry.ProgressRecorded | Inquiry.RecommendationCorrected) -> None:
        self.sources.want((str(event.originator_id), event.number))

    @wants.register
    def _(self, event: SupplierMeeting.ActionClosed | SupplierMeeting.ActionCorrected) -> None:
        self.sources.want((str(event.originator_id), event.number))

    @wants.register
    def _(self, event: Inquiry.RecommendationMade) -> None:
        self.created.want(str(event.originator_id))
        # One withdrawn in error may be made again under its number: its row is replaced.
        self.sources.want((str(event.originator_id), event.number))

    @wants.register
    def _(
        self,
        event: Project.FactCorrected
        | Project.FactWithdrawn
        | Inquiry.FactCorrected
        | Inquiry.FactWithdrawn
        | SupplierMeeting.FactCorrected
        | SupplierMeeting.FactWithdrawn,
    ) -> None:
        self.sources.want_all_of(str(event.originator_id))
        self.created.want(str(event.originator_id))
        self.meeting_authorities.want((str(event.originator_id),))

    @wants.register
    def _(self, event: Project.MilestonePlanned | SupplierMeeting.ActionRaised) -> None:
        self.created.want(str(event.originator_id))
        self.meeting_authorities.want((str(event.originator_id),))
        # One withdrawn in error may be made again under its key: its row is replaced.
        item = event.key if isinstance(event, Project.MilestonePlanned) else event.number
        self.sources.want((str(event.originator_id), item))

    @wants.register
    def _(self, event: Inquiry.Closed) -> None:
        self.sources.want_all_of(str(event.originator_id))

    @wants.register
    def _(self, event: SupplierMeeting.Corrected) -> None:
        if event.field == "authority_attendees":
            self.sources.want_all_of(str(event.originator_id))
            self.meeting_authorities.want((str(event.originator_id),))

    def load(self, conn: Connection) -> None:
        """Then the rows of the back-to-back contracts under each head contract changed."""
        super().load(conn)
        for head in self._heads_changed:
            for link in self.back_to_back.all_of(head):
                self.sources.want_all_of(link["contract_id"])
        self._heads_changed = set()
        self.sources.load(conn)

    def forget(self) -> None:
        super().forget()
        self._heads_changed = set()

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Other events raise no alert and change none."""

    @apply.register
    def _(self, event: Alert.Acknowledged, position: int) -> None:
        self.acknowledgements.add(
            {
                "alert_key": event.alert_key,
                "level": event.level,
                "acknowledged_on": event.effective_date,
                "recorded_at": event.timestamp,
                "acknowledged_by": event.recorded_by,
                "acknowledged_by_authority": event.recorded_by_authority,
                "note": event.note,
                "position": position,
            }
        )

    @apply.register
    def _(self, event: Contract.Awarded, position: int) -> None:
        row = new_row(
            str(event.originator_id),
            "",
            RENEWAL,
            runs_until=event.end_date,
            notice_period_days=event.notice_period_days,
            notice_period_unit=event.notice_period_unit,
            status=ACTIVE,
            title=event.title,
            authority=event.authority,
            authorities=[event.authority],
            contract_reference=event.reference,
            supplier=event.supplier,
        )
        changed(self.sources.add(row), position)
        head = event.head_contract_reference
        if head is not None:
            link = {"head_contract_id": str(contract_id(head)), "contract_id": row["aggregate_id"]}
            self.back_to_back.add(link)

    @apply.register
    def _(self, event: Contract.Event, position: int) -> None:
        changed(self._contract(event), position)

    @apply.register
    def _(self, event: Contract.Extended, position: int) -> None:
        self._runs_until(event, event.new_end_date, position)
        self._alert_back_to_back(
            event,
            f"extended by {event.months} months, to end on {event.new_end_date.isoformat()}",
            position,
        )

    @apply.register
    def _(self, event: Contract.Varied, position: int) -> None:
        self._runs_until(event, event.new_end_date, position)
        ending = "" if event.new_end_date is None else f" (to end on {event.new_end_date})"
        self._alert_back_to_back(event, f"varied{ending}: {event.description}", position)

    @apply.register
    def _(self, event: Contract.Novated, position: int) -> None:
        row = self._contract(event)
        row["supplier"] = event.new_supplier
        changed(row, position)
        self._alert_back_to_back(
            event,
            f"novated from {event.previous_supplier} to {event.new_supplier}",
            position,
        )

    @apply.register
    def _(self, event: Contract.Terminated, position: int) -> None:
        for row in self.sources.all_of(str(event.originator_id)):
            row["status"] = TERMINATED
            row["is_open"] = False
            changed(row, position)
        self._alert_back_to_back(event, f"terminated: {event.reason}", position)

    @apply.register
    def _(self, event: Contract.FactCorrected | Contract.FactWithdrawn, position: int) -> None:
        """The renewal follows the contract as revised; a withdrawn contract is reminded of no
        more, and a change withdrawn from a head contract no longer alerts those under it."""
        key, changes = str(event.originator_id), event.changes
        renewal = self._contract(event)
        for attribute in (
            "title",
            "notice_period_days",
            "notice_period_unit",
            "supplier",
            "authority",
        ):
            if attribute in changes:
                renewal[attribute] = changes[attribute]
        if "authority" in changes:
            renewal["authorities"] = [changes["authority"]]
        for row in self.sources.all_of(key):
            if "end_date" in changes:
                row["runs_until"] = changes["end_date"]
            if "status" in changes:
                row["status"] = changes["status"]
                row["is_open"] = changes["status"] not in (TERMINATED, WITHDRAWN)
            changed(row, position)
        if isinstance(event, Contract.FactWithdrawn):
            item = f"{HEAD_CHANGE_ITEM}{event.revises_version}"
            for link in self.back_to_back.all_of(key):
                raised = self.sources.get((link["contract_id"], item))
                if raised is not None:
                    raised["status"] = WITHDRAWN
                    raised["is_open"] = False
                    changed(raised, position)

    @apply.register
    def _(self, event: Contract.Corrected, position: int) -> None:
        row = self._contract(event)
        if event.field in ("title", "notice_period_days"):
            row[event.field] = event.value
        elif event.field == "notice_period":
            row["notice_period_days"] = event.value["amount"]
            row["notice_period_unit"] = none_for_days(event.value["unit"])
        changed(row, position)

    @apply.register
    def _(self, event: Project.MilestonePlanned, position: int) -> None:
        aggregate = str(event.originator_id)
        project = self.created[aggregate]
        row = new_row(
            aggregate,
            event.key,
            MILESTONE_OVERDUE,
            key_date=event.due_date,
            status=PLANNED,
            title=event.title,
            authority=event.authority,
            authorities=[event.authority] if event.authority else self._taking_part(aggregate),
            partnership=project.partnership,
            project=project.title,
        )
        changed(self.sources.add(row), position)

    @apply.register
    def _(self, event: Project.MilestoneReplanned, position: int) -> None:
        row = self._item(event, event.key)
        row["key_date"] = event.new_due_date
        row["status"] = PLANNED
        changed(row, position)

    @apply.register
    def _(self, event: Project.MilestoneAchieved, position: int) -> None:
        row = self._item(event, event.key)
        row["status"] = ACHIEVED
        row["is_open"] = False
        changed(row, position)

    @apply.register
    def _(self, event: Project.MilestoneMissed, position: int) -> None:
        row = self._item(event, event.key)
        # Missed is not achieved: it stays overdue until achieved or re-planned.
        row["status"] = MISSED
        changed(row, position)

    @apply.register
    def _(self, event: Project.MilestoneCorrected, position: int) -> None:
        row = self._item(event, event.key)
        if event.field == "title":
            row["title"] = event.value
        elif event.field == "authority":
            row["authority"] = event.value
            taking_part = self._taking_part(str(event.originator_id))
            row["authorities"] = [event.value] if event.value else taking_part
        changed(row, position)

    @apply.register
    def _(self, event: Inquiry.RecommendationMade, position: int) -> None:
        aggregate = str(event.originator_id)
        inquiry = self.created[aggregate]
        row = new_row(
            aggregate,
            event.number,
            RECOMMENDATION_STALE,
            key_date=event.effective_date,
            status=OPEN,
            title=event.text,
            authority=event.owner_authority,
            authorities=[event.owner_authority] if event.owner_authority else [],
            scrutiny_body=inquiry.body,
            inquiry=inquiry.title,
        )
        changed(self.sources.add(row), position)

    @apply.register
    def _(self, event: Inquiry.ProgressRecorded, position: int) -> None:
        row = self._item(event, event.number)
        # Papers arrive late and out of order: an older update does not make it fresher.
        row["key_date"] = max(row["key_date"], event.effective_date)
        if event.status is not None:
            row["status"] = event.status
            row["is_open"] = event.status in (OPEN, IN_PROGRESS)
        changed(row, position)

    @apply.register
    def _(self, event: Inquiry.RecommendationCorrected, position: int) -> None:
        row = self._item(event, event.number)
        if event.field == "text":
            row["title"] = event.value
        elif event.field == "owner_authority":
            row["authority"] = event.value
            row["authorities"] = [event.value] if event.value else []
        changed(row, position)

    @apply.register
    def _(self, event: Inquiry.Closed, position: int) -> None:
        for row in self.sources.all_of(str(event.originator_id)):
            row["is_open"] = False
            # Kept, so that a revision of the closed inquiry's recommendations keeps them shut.
            row["runs_until"] = event.effective_date
            changed(row, position)

    @apply.register
    def _(self, event: SupplierMeeting.ActionRaised, position: int) -> None:
        aggregate = str(event.originator_id)
        meeting = self.created[aggregate]
        corrected = self.meeting_authorities.get((aggregate,))
        authorities = meeting.authorities if corrected is None else corrected["authorities"]
        row = new_row(
            aggregate,
            event.number,
            SUPPLIER_ACTION_OVERDUE,
            key_date=event.due_date,
            status=ACTION_OPEN,
            title=event.text,
            authorities=list(authorities),
            supplier=meeting.supplier,
            supplier_meeting=meeting.title,
            meeting_day=meeting.day,
        )
        changed(self.sources.add(row), position)

    @apply.register
    def _(self, event: SupplierMeeting.ActionClosed, position: int) -> None:
        row = self._item(event, event.number)
        row["status"] = ACTION_CLOSED
        row["is_open"] = False
        changed(row, position)

    @apply.register
    def _(self, event: SupplierMeeting.ActionCorrected, position: int) -> None:
        row = self._item(event, event.number)
        if event.field == "due_date":
            value = event.value
            row["key_date"] = date.fromisoformat(value) if isinstance(value, str) else value
        elif event.field == "text":
            row["title"] = event.value
        changed(row, position)

    @apply.register
    def _(self, event: SupplierMeeting.Corrected, position: int) -> None:
        if event.field != "authority_attendees":
            return
        aggregate = str(event.originator_id)
        authorities = named_authorities(event.value)
        self.meeting_authorities.add({"aggregate_id": aggregate, "authorities": authorities})
        for row in self.sources.all_of(aggregate):
            row["authorities"] = list(authorities)
            changed(row, position)

    @apply.register
    def _(self, event: Project.FactCorrected | Project.FactWithdrawn, position: int) -> None:
        """Each milestone's alert as the revised project holds the milestone; one withdrawn
        (or every one, the project withdrawn) alerts no more."""
        key, changes = str(event.originator_id), event.changes
        project = self.created[key]
        if "authorities" in changes:
            named = list(changes["authorities"])
            # An authority's own project concerns its owner, first of those its start named.
            owner = project.authorities[0] if project.partnership is None else None
            taking_part = named if owner is None or owner in named else [owner, *named]
            self.meeting_authorities.add({"aggregate_id": key, "authorities": taking_part})

        def planned(milestone_key: str) -> Row:
            """A milestone whose key a revision corrected: alerted under its new key."""
            return new_row(
                key,
                milestone_key,
                MILESTONE_OVERDUE,
                partnership=project.partnership,
                project=project.title,
            )

        self._follow_items(
            key,
            changes,
            "milestones",
            lambda milestone: milestone_values(milestone, self._taking_part(key)),
            position,
            planned,
        )

    @apply.register
    def _(self, event: Inquiry.FactCorrected | Inquiry.FactWithdrawn, position: int) -> None:
        """Each recommendation's alert as the revised inquiry holds the recommendation; all
        shut, or open again, as its closing is revised."""
        key, changes = str(event.originator_id), event.changes
        if "closed_on" in changes:
            for row in self.sources.all_of(key):
                if row["status"] != WITHDRAWN:
                    row["runs_until"] = changes["closed_on"]
                    row["is_open"] = (
                        row["status"] in (OPEN, IN_PROGRESS) and row["runs_until"] is None
                    )
                    changed(row, position)

        def values(recommendation: Row) -> Row:
            row = self.sources[(key, recommendation["number"])]
            return recommendation_values(recommendation, row["runs_until"])

        self._follow_items(key, changes, "recommendations", values, position)

    @apply.register
    def _(
        self, event: SupplierMeeting.FactCorrected | SupplierMeeting.FactWithdrawn, position: int
    ) -> None:
        """Each action's alert as the revised meeting holds the action; the authorities who
        attended, as it now lists them."""
        key, changes = str(event.originator_id), event.changes
        if "authority_attendees" in changes:
            authorities = named_authorities(changes["authority_attendees"])
            self.meeting_authorities.add({"aggregate_id": key, "authorities": authorities})
            for row in self.sources.all_of(key):
                row["authorities"] = list(authorities)
                changed(row, position)
        self._follow_items(key, changes, "actions", action_values, position)

    def _follow_items(
        self,
        key: str,
        changes: dict[str, Any],
        items: str,
        values_of: Callable[[Row], Row],
        position: int,
        made: Callable[[str], Row] | None = None,
    ) -> None:
        """The rows of a record's items as the record now holds them (`changes[items]`, if
        the revision changed them): one it no longer holds (or every one, the record
        withdrawn) alerts no more; one it holds that has no row yet is `made`."""
        held: dict[str, Any] | None = changes.get(items)
        record_withdrawn = bool(changes.get("withdrawn"))
        for row in self.sources.all_of(key):
            gone = record_withdrawn or (held is not None and row["item"] not in held)
            if gone and withdrawn(row):
                changed(row, position)
        for item, state in (held or {}).items():
            found = self.sources.get((key, item))
            if found is None and made is not None:
                found = self.sources.add(made(item))
            if found is None:
                continue
            values = values_of(state)
            if any(found[name] != value for name, value in values.items()):
                found.update(values)
                changed(found, position)

    def _taking_part(self, aggregate: str) -> list[str]:
        """The authorities a project's milestones of the whole project concern: those taking
        part as last revised, or else as it started."""
        revised = self.meeting_authorities.get((aggregate,))
        if revised is not None:
            return list(revised["authorities"])
        return list(self.created[aggregate].authorities)

    def _contract(self, event: Contract.Event) -> Row:
        return self.sources[(str(event.originator_id), "")]

    def _runs_until(self, event: Contract.Event, end: date | None, position: int) -> None:
        """A contract's new end date, on its renewal and on each alert of its head's changes."""
        for row in self.sources.all_of(str(event.originator_id)):
            row["runs_until"] = end or row["runs_until"]
            changed(row, position)

    def _alert_back_to_back(self, event: Contract.Event, what: str, position: int) -> None:
        """One alert on each back-to-back contract under this one, for this change, concerning
        that contract's parties: its own contracting authority and its head's."""
        head = self._contract(event)
        for link in self.back_to_back.all_of(str(event.originator_id)):
            under = self.sources[(link["contract_id"], "")]
            row = new_row(
                under["aggregate_id"],
                f"{HEAD_CHANGE_ITEM}{event.originator_version}",
                HEAD_CONTRACT_CHANGED,
                key_date=event.effective_date,
                is_open=under["is_open"],
                runs_until=under["runs_until"],
                status=under["status"],
                title=f"Head contract {head['contract_reference']} {what}",
                authority=under["authority"],
                authorities=parties(under["authority"], head["authority"]),
                contract_reference=under["contract_reference"],
                head_contract_reference=head["contract_reference"],
            )
            changed(self.sources.add(row), position)

    def _item(self, event: Any, item: str) -> Row:
        return self.sources[(str(event.originator_id), item)]
