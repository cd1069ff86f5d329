"""The timeline: one row per event, in effective-date order, with who recorded it and from where."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    insert,
    select,
    text,
)

from partnership.contracts import contract_id
from partnership.limits import NAME_MAX, REFERENCE_MAX
from projections.base import REMEMBER_AT_MOST, Batch
from projections.database import UtcDateTime, metadata
from projections.timeline_text import KIND_OF, LINES, SUBJECTS, Subject

timeline_entries = Table(
    "timeline_entries",
    metadata,
    # The log position is the key: a second row for one event cannot exist.
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("effective_date", Date, nullable=False),
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
    Column("source", Text, nullable=False),
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

# What the timeline must remember of each aggregate to describe its later events.
timeline_subjects = Table(
    "timeline_subjects",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("label", Text, nullable=False),
    Column("partnership", String(NAME_MAX)),
    Column("body", String(NAME_MAX)),
    Column("contract_reference", String(REFERENCE_MAX)),
    Column("project", String(NAME_MAX)),
    Column("authorities", JSON, nullable=False),
    Column("head_contract_reference", String(REFERENCE_MAX)),
)


class TimelineProjection:
    name = "timeline"
    schema_version = 1
    tables: Sequence[Table] = (timeline_entries, timeline_authorities, timeline_subjects)

    def __init__(self) -> None:
        # Subjects never change once written, but a rebuild drops them: see forget().
        self._subjects: dict[str, Subject] = {}

    def forget(self) -> None:
        self._subjects = {}

    def process(self, conn: Connection, batch: Batch) -> None:
        subjects = self._known_subjects(conn, batch)
        new_subjects: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        authorities: list[dict[str, Any]] = []
        for position, event in batch:
            key = str(event.originator_id)
            make_subject = SUBJECTS.get(type(event))
            if make_subject is not None:
                subjects[key] = make_subject(event)
                # Shallow, unlike asdict(): nothing here needs a deep copy.
                new_subjects.append({"aggregate_id": key, **vars(subjects[key])})
            describe = LINES.get(type(event))
            if describe is None:
                raise TypeError(f"The timeline cannot describe {type(event).__qualname__}")
            subject = subjects[key]
            line = describe(event, subject)
            recorded: Any = event
            entries.append(
                {
                    "position": position,
                    "effective_date": recorded.effective_date,
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
                    "source": recorded.source,
                }
            )
            concerned = self._authorities(conn, subject, subjects)
            concerned += [a for a in line.authorities if a not in concerned]
            authorities += [
                {"position": position, "authority": a, "effective_date": recorded.effective_date}
                for a in concerned
            ]
        if new_subjects:
            conn.execute(insert(timeline_subjects), new_subjects)
        if entries:
            conn.execute(insert(timeline_entries), entries)
        if authorities:
            conn.execute(insert(timeline_authorities), authorities)
        if len(self._subjects) > REMEMBER_AT_MOST:
            self.forget()
        self._subjects.update(subjects)

    def _known_subjects(self, conn: Connection, batch: Batch) -> dict[str, Subject]:
        ids = {str(event.originator_id) for _, event in batch}
        known = {key: self._subjects[key] for key in ids if key in self._subjects}
        unknown = ids - set(known)
        if unknown:
            rows = conn.execute(
                select(timeline_subjects).where(timeline_subjects.c.aggregate_id.in_(unknown))
            )
            known.update((row.aggregate_id, _subject(row)) for row in rows)
        return known

    def _authorities(
        self, conn: Connection, subject: Subject, known: dict[str, Subject]
    ) -> list[str]:
        """The subject's authorities and, for a back-to-back contract, the head's too."""
        found = list(subject.authorities)
        if subject.head_contract_reference:
            head = self._subject(conn, str(contract_id(subject.head_contract_reference)), known)
            if head is not None:
                found += [a for a in head.authorities if a not in found]
        return found

    def _subject(self, conn: Connection, key: str, known: dict[str, Subject]) -> Subject | None:
        if key not in known:
            row = conn.execute(
                select(timeline_subjects).where(timeline_subjects.c.aggregate_id == key)
            ).first()
            if row is None:
                return None
            known[key] = _subject(row)
        return known[key]


def _subject(row: Any) -> Subject:
    return Subject(
        kind=row.kind,
        label=row.label,
        partnership=row.partnership,
        body=row.body,
        contract_reference=row.contract_reference,
        project=row.project,
        authorities=list(row.authorities),
        head_contract_reference=row.head_contract_reference,
    )
