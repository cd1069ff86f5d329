"""What a read model keeps of the event that created each aggregate: one shared table.

Later events name only their aggregate's id, yet their rows need its name, partnership, body
or supplier. Those come from the creating event and never change (a correction is an event of
its own, which a read model applies where it keeps its rows), so one row per aggregate serves
every read model that needs them.

Each such read model writes these rows itself, for every creating event it is handed, with an
insert that leaves a row already there alone: it never waits on another read model's progress
nor stops at another's stall. A row is the same whoever writes it. A rebuild swaps whole
tables, so the read models sharing this one are rebuilt together. Within one transaction a row
is inserted once, by the first read model to meet its event.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import singledispatch
from typing import Any

from sqlalchemy import JSON, Column, Connection, Date, String, Table, Text

from partnership.alerts import Alert
from partnership.contracts import Contract
from partnership.governance import GoverningBody
from partnership.limits import NAME_MAX, REFERENCE_MAX
from partnership.meetings import Meeting, MeetingDateAlias
from partnership.partnerships import Authority, Partnership
from partnership.people import Person
from partnership.practices import Practice
from partnership.projects import Project
from partnership.recommendations import Inquiry
from partnership.supplier_meetings import SupplierMeeting
from projections.database import metadata
from projections.rowset import Row, RowSet

creation_facts = Table(
    "creation_facts",
    metadata,
    Column("aggregate_id", String(36), primary_key=True),
    Column("kind", String(32), nullable=False),
    # How the timeline names the aggregate: built from several fields, so unbounded.
    Column("label", Text, nullable=False),
    # Its own name: a project's name, an inquiry's or a supplier meeting's title, ...
    Column("title", Text),
    Column("partnership", String(NAME_MAX)),
    Column("body", String(NAME_MAX)),
    Column("project", String(NAME_MAX)),
    Column("contract_reference", String(REFERENCE_MAX)),
    Column("head_contract_reference", String(REFERENCE_MAX)),
    Column("supplier", String(NAME_MAX)),
    Column("day", Date),  # a supplier meeting's
    Column("authorities", JSON, nullable=False),
)


@dataclass(frozen=True)
class CreationFacts:
    kind: str
    label: str
    title: str | None = None
    partnership: str | None = None
    body: str | None = None
    project: str | None = None
    contract_reference: str | None = None
    head_contract_reference: str | None = None
    supplier: str | None = None
    day: date | None = None
    authorities: list[str] = field(default_factory=list)


def day(value: date) -> str:
    return f"{value.day} {value:%b %Y}"


def named_authorities(items: Iterable[Any], key: str = "authority") -> list[str]:
    """The authorities named in a list of attendees (or the like), each once, in order."""
    found: list[str] = []
    for item in items or ():
        value = item.get(key) if isinstance(item, dict) else None
        if value and value not in found:
            found.append(value)
    return found


@singledispatch
def facts_of(event: object) -> CreationFacts | None:
    """None: only the event that creates an aggregate has facts to keep."""
    return None


@facts_of.register
def _(e: Contract.Awarded) -> CreationFacts:
    return CreationFacts(
        "contract",
        f"Contract {e.reference}",
        title=e.title,
        contract_reference=e.reference,
        head_contract_reference=e.head_contract_reference,
        supplier=e.supplier,
        authorities=[e.authority],
    )


@facts_of.register
def _(e: Authority.Registered) -> CreationFacts:
    return CreationFacts("authority", e.name, title=e.name, authorities=[e.name])


@facts_of.register
def _(e: Partnership.Formed) -> CreationFacts:
    return CreationFacts("partnership", e.name, title=e.name, partnership=e.name)


@facts_of.register
def _(e: GoverningBody.Established) -> CreationFacts:
    # An authority's own body concerns that authority, and is seen through it.
    return CreationFacts(
        "body",
        e.name,
        title=e.name,
        partnership=e.partnership,
        body=e.name,
        authorities=[e.authority] if e.authority else [],
    )


@facts_of.register
def _(e: Meeting.Registered) -> CreationFacts:
    # A meeting of an authority's own body concerns that authority, and is seen through it.
    return CreationFacts(
        "meeting",
        f"{e.body} meeting of {day(e.meeting_date)}",
        partnership=e.partnership,
        body=e.body,
        authorities=[e.authority] if e.authority else [],
    )


@facts_of.register
def _(e: MeetingDateAlias.Registered) -> CreationFacts:
    # Not a meeting of its own: the place a meeting's corrected date holds in the record.
    return CreationFacts(
        "meeting_date",
        f"{e.body} meeting of {day(e.meeting_date)}",
        partnership=e.partnership,
        body=e.body,
        authorities=[e.authority] if e.authority else [],
    )


@facts_of.register
def _(e: Project.Started) -> CreationFacts:
    return CreationFacts(
        "project",
        f"Project {e.name}",
        title=e.name,
        partnership=e.partnership,
        project=e.name,
        # An authority's own project concerns that authority too, and is seen through it.
        authorities=_owner_first(e.authority, e.authorities),
    )


@facts_of.register
def _(e: Inquiry.Opened) -> CreationFacts:
    return CreationFacts("inquiry", f"Inquiry '{e.title}'", title=e.title, body=e.body)


@facts_of.register
def _(e: SupplierMeeting.Recorded) -> CreationFacts:
    return CreationFacts(
        "supplier_meeting",
        f"{e.title} with {e.supplier} on {day(e.day)}",
        title=e.title,
        supplier=e.supplier,
        day=e.day,
        authorities=named_authorities(e.authority_attendees),
    )


@facts_of.register
def _(e: Practice.Recorded) -> CreationFacts:
    return CreationFacts(
        "practice",
        f"Practice {e.name}",
        title=e.name,
        supplier=e.suppliers[0] if e.suppliers else None,
        authorities=list(e.authorities),
    )


def _owner_first(owner: str | None, authorities: Iterable[str]) -> list[str]:
    named = list(authorities)
    return named if owner is None or owner in named else [owner, *named]


@facts_of.register
def _(e: Alert.Acknowledged) -> CreationFacts:
    return CreationFacts(
        "alert",
        e.description,
        title=e.description,
        authorities=[e.authority] if e.authority else [],
    )


@facts_of.register
def _(e: Person.Registered) -> CreationFacts:
    # Named, never addressed: the timeline is no place for a person's e-mail address.
    return CreationFacts("person", e.name, title=e.name, authorities=[e.authority])


class KnownFacts:
    """The creation facts of the aggregates a batch concerns, read and written as a row set."""

    def __init__(self) -> None:
        self.rows = RowSet(creation_facts, ("aggregate_id",), insert_if_absent=True)
        self._facts: dict[str, CreationFacts] = {}
        self._created: dict[str, Row] = {}

    def keep(self, event: Any) -> None:
        """Keep the facts of `event` if it creates an aggregate."""
        facts = facts_of(event)
        if facts is not None:
            aggregate_id = str(event.originator_id)
            self._facts[aggregate_id] = facts
            self._created[aggregate_id] = {"aggregate_id": aggregate_id, **vars(facts)}

    def want(self, aggregate_id: str) -> None:
        if aggregate_id not in self._facts:
            self.rows.want((aggregate_id,))

    def load(self, conn: Connection) -> None:
        self.rows.load(conn)

    def get(self, aggregate_id: str) -> CreationFacts | None:
        found = self._facts.get(aggregate_id)
        if found is None:
            row = self.rows.get((aggregate_id,))
            if row is None:
                return None
            found = self._facts[aggregate_id] = CreationFacts(
                **{name: value for name, value in row.items() if name != "aggregate_id"}
            )
        return found

    def __getitem__(self, aggregate_id: str) -> CreationFacts:
        found = self.get(aggregate_id)
        if found is None:
            raise LookupError(f"aggregate {aggregate_id} has no creating event on record")
        return found

    def write(self, conn: Connection) -> None:
        inserted = _inserted_in(conn)
        for aggregate_id, row in self._created.items():
            if aggregate_id in inserted:
                self.rows.add_written(row)
            else:
                self.rows.add(row)
        inserted.update(self._created)
        self.rows.write(conn)
        self._facts = {}
        self._created = {}

    def forget(self) -> None:
        self.rows.forget()
        self._facts = {}
        self._created = {}


_INSERTED = "creation_facts_inserted"


def _inserted_in(conn: Connection) -> set[str]:
    """The aggregates whose facts this transaction has inserted: every read model of a batch
    is written in one, and the later ones need not send the same rows again. Kept with the
    transaction itself, so that rows of one rolled back are never taken as there."""
    transaction = conn.get_transaction()
    held = conn.info.get(_INSERTED)
    if held is None or held[0] is not transaction:
        held = conn.info[_INSERTED] = (transaction, set())
    inserted: set[str] = held[1]
    return inserted
