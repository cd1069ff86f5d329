"""The timeline: one row per event, in effective-date order, with who recorded it and from where."""

from collections.abc import Sequence
from functools import singledispatchmethod
from typing import Any

from eventsourcing.domain import Aggregate
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    select,
    text,
    update,
)

from partnership.contracts import Contract, contract_id
from partnership.limits import NAME_MAX, PERSON_ID_MAX, REFERENCE_MAX
from partnership.paper_dates import PAPER_DATE_MAX
from partnership.revisions import FactCorrection, FactRevision, FactWithdrawal
from projections.columns import UtcDateTime
from projections.creation import CreationFacts, KnownFacts, creation_facts
from projections.database import metadata
from projections.kit import ReadModel, RowSet
from projections.timeline_text import KIND_OF, LINES

timeline_entries = Table(
    "timeline_entries",
    metadata,
    # The log position is the key: a second row for one event cannot exist.
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("effective_date", Date, nullable=False),
    # The date as the paper gave it (EDTF), when it gave no exact day; effective_date is then
    # the period's first day, which orders it.
    Column("effective_when", String(PAPER_DATE_MAX)),
    Column("recorded_at", UtcDateTime(), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("summary", Text, nullable=False),
    Column("aggregate_type", String(32), nullable=False),
    Column("aggregate_id", String(36), nullable=False),
    Column("aggregate_version", Integer, nullable=False),
    # Built from several fields (a meeting's title, its supplier and its day, say).
    Column("subject", Text, nullable=False),
    Column("partnership", String(NAME_MAX)),
    Column("body", String(NAME_MAX)),
    Column("project", String(NAME_MAX)),
    Column("contract_reference", String(REFERENCE_MAX)),
    Column("recorded_by", String(NAME_MAX), nullable=False),
    Column("recorded_by_authority", String(NAME_MAX), nullable=False),
    # Empty for facts recorded before the record kept who recorded them by id.
    Column("recorded_by_id", String(PERSON_ID_MAX), nullable=False, server_default=""),
    Column("source", Text, nullable=False),
    # Why the fact was withdrawn as recorded in error, if it was; the entry stays, marked.
    Column("withdrawn_reason", Text),
    # Where the latest correction or withdrawal of this fact stands in the log.
    Column("revised_at", BigInteger),
    Index("ix_timeline_entries_effective", "effective_date", "position"),
    Index("ix_timeline_entries_aggregate", "aggregate_id", "effective_date", "position"),
    Index("ix_timeline_entries_kind", "kind", "effective_date", "position"),
    Index("ix_timeline_entries_partnership", "partnership", "effective_date", "position"),
    # Most entries concern no body or project: partial indexes keep those out of them.
    Index(
        "ix_timeline_entries_body",
        "body",
        "effective_date",
        "position",
        sqlite_where=text("body IS NOT NULL"),
        postgresql_where=text("body IS NOT NULL"),
    ),
    Index(
        "ix_timeline_entries_project",
        "project",
        "effective_date",
        "position",
        sqlite_where=text("project IS NOT NULL"),
        postgresql_where=text("project IS NOT NULL"),
    ),
)

timeline_authorities = Table(
    "timeline_authorities",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("authority", String(NAME_MAX), primary_key=True),
    Column("effective_date", Date, nullable=False),
    Index("ix_timeline_authorities_by_authority", "authority", "effective_date", "position"),
)


class TimelineProjection(ReadModel):
    name = "timeline"
    schema_version = 5
    tables: Sequence[Table] = (timeline_entries, timeline_authorities, creation_facts)

    def __init__(self) -> None:
        # One row an event (and an authority), never changed: nothing to remember.
        self.entries = RowSet(timeline_entries, ("position",), remember_at_most=0)
        self.authorities = RowSet(
            timeline_authorities, ("position", "authority"), remember_at_most=0
        )
        # What each aggregate's later events are described against.
        self.subjects = KnownFacts()
        self._contracts: set[str] = set()
        # Revisions of entries already written (perhaps in this batch): applied once it is.
        self._revisions: list[tuple[int, FactRevision]] = []
        super().__init__(self.entries, self.authorities, facts=self.subjects)

    def process(self, conn: Connection, batch: Any) -> None:
        super().process(conn, batch)
        revisions, self._revisions = self._revisions, []
        for position, revision in revisions:
            _mark_revised(conn, position, revision)

    @singledispatchmethod
    def wants(self, event: object) -> None:
        """Every event is described against its aggregate's subject."""

    @wants.register
    def _(self, event: Aggregate.Event) -> None:
        self.subjects.want(str(event.originator_id))

    @wants.register
    def _(self, event: Contract.Event) -> None:
        self.subjects.want(str(event.originator_id))
        self._contracts.add(str(event.originator_id))

    def load(self, conn: Connection) -> None:
        """Then the head contracts of back-to-back ones: their authorities are concerned too."""
        super().load(conn)
        for key in self._contracts:
            subject = self.subjects.get(key)
            if subject is not None and subject.head_contract_reference:
                self.subjects.want(str(contract_id(subject.head_contract_reference)))
        self._contracts = set()
        self.subjects.load(conn)

    @singledispatchmethod
    def apply(self, event: object, position: int) -> None:
        """Only the events of aggregates reach the timeline."""

    @apply.register
    def _(self, event: Aggregate.Event, position: int) -> None:
        describe = LINES.get(type(event))
        if describe is None:
            raise TypeError(f"The timeline cannot describe {type(event).__qualname__}")
        key = str(event.originator_id)
        subject = self.subjects[key]
        line = describe(event, subject)
        recorded: Any = event
        self.entries.add(
            {
                "position": position,
                "effective_date": recorded.effective_date,
                "effective_when": getattr(recorded, "effective_when", None),
                "recorded_at": recorded.timestamp,
                "kind": KIND_OF[type(event)],
                "summary": line.summary,
                "aggregate_type": subject.kind,
                "aggregate_id": key,
                "aggregate_version": event.originator_version,
                "subject": subject.label,
                "partnership": subject.partnership,
                "body": subject.body,
                "project": subject.project,
                "contract_reference": subject.contract_reference,
                "recorded_by": recorded.recorded_by,
                "recorded_by_authority": recorded.recorded_by_authority,
                "recorded_by_id": recorded.recorded_by_id,
                "source": recorded.source,
            }
        )
        if isinstance(event, FactRevision):
            self._revisions.append((position, event))
        concerned = self._authorities(subject)
        concerned += [a for a in line.authorities if a not in concerned]
        for authority in concerned:
            self.authorities.add(
                {
                    "position": position,
                    "authority": authority,
                    "effective_date": recorded.effective_date,
                }
            )

    def _authorities(self, subject: CreationFacts) -> list[str]:
        """The subject's authorities and, for a back-to-back contract, the head's too."""
        found = list(subject.authorities)
        if subject.head_contract_reference:
            head = self.subjects.get(str(contract_id(subject.head_contract_reference)))
            if head is not None:
                found += [a for a in head.authorities if a not in found]
        return found

    def forget(self) -> None:
        super().forget()
        self._contracts = set()
        self._revisions = []


def _mark_revised(conn: Connection, position: int, revision: FactRevision) -> None:
    """The entry of the fact revised, marked where it stands; withdrawing a record's first fact
    withdraws the record, so every entry of it is marked. A corrected effective date or paper
    moves the entry to where it now belongs."""
    entries = timeline_entries
    of_record = entries.c.aggregate_id == str(revision.originator_id)
    revised = entries.c.aggregate_version == revision.revises_version
    marks: dict[str, Any] = {"revised_at": position}
    if isinstance(revision, FactWithdrawal):
        marks["withdrawn_reason"] = revision.reason
        if revision.revises_version == 1:
            earlier = entries.c.position < position
            conn.execute(update(entries).where(of_record, earlier).values(**marks))
            return
    if isinstance(revision, FactCorrection) and revision.field in ("effective_date", "source"):
        marks[revision.field] = revision.value
    conn.execute(update(entries).where(of_record, revised).values(**marks))
    if "effective_date" in marks:
        moved = select(timeline_entries.c.position).where(of_record, revised)
        conn.execute(
            update(timeline_authorities)
            .where(timeline_authorities.c.position.in_(moved))
            .values(effective_date=marks["effective_date"])
        )
