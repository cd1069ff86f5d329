"""A synthetic but realistic partnership log, projected into the timeline read model.

The timeline query benchmark reads only the read model, so the log itself is never stored:
real domain event objects (`Contract.Awarded`, `Meeting.Held`, …, the classes the product
records) are built here and fed to `TimelineProjection.process` in batches of 500, one
transaction each, exactly as the projection runner does. The rows are therefore the rows
production writes, indexes included, built up incrementally as production builds them.

The story: the 13 Lancashire councils (the county and its 12 districts) in one partnership,
over about 15 years from January 2011. Contracts (awarded by one council, sometimes
back-to-back with another's, then extended, varied or novated), meetings of three governing
bodies (registered, held with the members' councils present, agenda items and decisions with
each present council's vote) and joint projects (milestones and progress reports by council).
Events come in effective-date order with a few recorded late, as a clerk records them; the
county, the lead, is concerned by most. Everything derives from one seed: the same N gives the
same rows.
"""

import heapq
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import chain, count, islice
from typing import Any
from uuid import UUID

from eventsourcing.domain import DomainEventProtocol
from eventsourcing.utils import get_topic

from partnership.contracts import Contract, contract_id
from partnership.governance import GoverningBody
from partnership.meetings import Meeting
from partnership.partnerships import Authority, Partnership
from partnership.projects import Project
from projections.kit import Batch
from service.example_papers import LSSCC

# Bump when the generated story changes, so that cached databases are rebuilt.
DATASET_VERSION = 1
SEED = 20110101
FIRST_DAY = date(2011, 1, 1)
MONTHS = 180  # 15 years

COUNTY = "Lancashire County Council"
AUTHORITIES = (
    COUNTY,
    "Burnley Borough Council",
    "Chorley Borough Council",
    "Fylde Borough Council",
    "Hyndburn Borough Council",
    "Lancaster City Council",
    "Pendle Borough Council",
    "Preston City Council",
    "Ribble Valley Borough Council",
    "Rossendale Borough Council",
    "South Ribble Borough Council",
    "West Lancashire Borough Council",
    "Wyre Borough Council",
)
DISTRICTS = AUTHORITIES[1:]
# (name, kind, members): the joint committee has every council; the others a few.
BODIES = (
    ("Joint Committee", "joint_committee", AUTHORITIES),
    ("Partnership Board", "partnership_board", (COUNTY, *DISTRICTS[:6])),
    ("Officer Working Group", "officer_group", (COUNTY, *DISTRICTS[6:])),
)
SERVICES = (
    "Contact centre telephony",
    "Customer relationship management system",
    "Revenues and benefits processing",
    "Highways maintenance",
    "Street lighting",
    "Waste collection vehicles",
    "Payroll and HR system",
    "Print and post room",
)
SUPPLIERS = tuple(f"Supplier {n} Ltd" for n in range(1, 41))
STAGES = ("planning", "procurement", "implementation", "live", "review")

# Share of events by kind of record, and the mean number of events each record has.
SHARES = {"contract": 0.30, "meeting": 0.40, "project": 0.30}
EVENTS_PER_RECORD = {"contract": 3.2, "meeting": 9.0, "project": 10.0}
LATE_RECORDING = 0.03  # recorded up to a year after the fact


@dataclass
class _Record:
    """What the generator remembers of one aggregate: its id, version and who it concerns."""

    id: UUID
    label: str
    authorities: tuple[str, ...]
    version: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


Make = Callable[[_Record, dict[str, Any]], DomainEventProtocol[UUID]]
Due = tuple[date, int, _Record, Make, dict[str, Any]]


class _Story:
    def __init__(self, events: int) -> None:
        self.rng = random.Random(SEED)
        self.target = events
        self.per_month = events / (MONTHS - 6)
        self.pending: list[Due] = []
        self.sequence = 0
        self.recorded = 0
        self.contracts: list[_Record] = []
        self.carry = dict.fromkeys(SHARES, 0.0)

    def schedule(self, day: date, record: _Record, make: Make, **fields: Any) -> None:
        self.sequence += 1
        heapq.heappush(self.pending, (day, self.sequence, record, make, fields))

    def uuid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def month(self, number: int) -> Iterator[DomainEventProtocol[UUID]]:
        """Every event recorded in month `number`, in the order recorded."""
        first = _add_months(FIRST_DAY, number)
        last = _add_months(FIRST_DAY, number + 1) - timedelta(days=1)
        for kind, share in SHARES.items():
            self.carry[kind] += self.per_month * share / EVENTS_PER_RECORD[kind]
            while self.carry[kind] >= 1:
                self.carry[kind] -= 1
                day = first + timedelta(days=self.rng.randrange((last - first).days + 1))
                getattr(self, f"new_{kind}")(day)
        while self.pending and self.pending[0][0] <= last:
            day, _, record, make, fields = heapq.heappop(self.pending)
            record.version += 1
            effective = day
            if record.version > 1 and self.rng.random() < LATE_RECORDING:
                late = timedelta(days=self.rng.randrange(30, 366))
                effective = max(FIRST_DAY, day - late)
            self.recorded += 1
            # Recorded the working day after, in log order within the day.
            stamp = datetime.combine(day + timedelta(days=1), time(9), UTC)
            stamp += timedelta(seconds=self.recorded % 28_800)
            yield make(record, {**fields, "effective_date": effective, "timestamp": stamp})

    # Records: each schedules its whole life when it is created.

    def new_contract(self, day: date) -> None:
        rng = self.rng
        authority = rng.choice((COUNTY, COUNTY, *DISTRICTS))
        reference = f"LSS/{day.year}/{len(self.contracts) + 1:06d}"
        head = None
        concerned: tuple[str, ...] = (authority,)
        if self.contracts and rng.random() < 0.1:
            chosen = rng.choice(self.contracts[-50:])
            head = chosen.extra["reference"]
            concerned = (authority, *(a for a in chosen.authorities if a != authority))
        start = day + timedelta(days=30)
        years = rng.choice((3, 4, 5))
        end = _add_months(start, 12 * years) - timedelta(days=1)
        service = rng.choice(SERVICES)
        record = _Record(
            contract_id(reference),
            f"Contract {reference}",
            concerned,
            extra={"reference": reference, "authority": authority, "end": end},
        )
        self.contracts.append(record)
        supplier = rng.choice(SUPPLIERS)
        self.schedule(
            day,
            record,
            _awarded,
            title=f"{service}, lot {rng.randint(1, 6)}",
            supplier=supplier,
            start_date=start,
            end_date=end,
            head_contract_reference=head,
        )
        for _ in range(rng.choice((0, 1, 1, 2))):
            when = start + timedelta(days=rng.randrange(90, 365 * years))
            self.schedule(when, record, _varied, description=f"{service}: scope varied")
        if rng.random() < 0.15:
            when = start + timedelta(days=rng.randrange(180, 365 * years))
            self.schedule(when, record, _novated, previous=supplier, new=rng.choice(SUPPLIERS))
        for option in range(rng.choice((0, 1, 1, 2))):
            when = _add_months(end, 12 * option) - timedelta(days=90)
            self.schedule(when, record, _extended, new_end=_add_months(end, 12 * (option + 1)))

    def new_meeting(self, day: date) -> None:
        rng = self.rng
        body, _, members = rng.choice(BODIES)
        held_on = day + timedelta(days=21)
        record = _Record(self.uuid(), f"{body} meeting of {held_on:%d %b %Y}", ())
        self.schedule(day, record, _registered, body=body, meeting_date=held_on)
        present = [a for a in members if rng.random() < 0.85] or [COUNTY]
        self.schedule(
            held_on,
            record,
            _held,
            present=present,
            absent=[a for a in members if a not in present],
            members=list(members),
        )
        items = rng.randint(3, 5)
        for item in range(1, items + 1):
            self.schedule(held_on, record, _agenda_item, number=str(item + 3))
        for item in rng.sample(range(1, items + 1), rng.randint(2, min(4, items))):
            votes = {a: "for" if rng.random() < 0.9 else "abstain" for a in present}
            self.schedule(held_on, record, _decision, item=str(item + 3), votes=votes)

    def new_project(self, day: date) -> None:
        rng = self.rng
        concerned = (COUNTY, *rng.sample(DISTRICTS, rng.randint(1, 5)))
        name = f"{rng.choice(SERVICES)} {day.year}-{self.sequence}"
        record = _Record(self.uuid(), f"Project {name}", concerned)
        self.schedule(day, record, _started, name=name)
        for key in range(1, 4):
            due = day + timedelta(days=120 * key)
            self.schedule(
                day + timedelta(days=14 * key),
                record,
                _milestone,
                key=f"M{key}",
                due=due,
                owner=rng.choice(concerned),
            )
            if key < 3:
                self.schedule(due, record, _achieved, key=f"M{key}")
        for report in range(1, 5):
            self.schedule(
                day + timedelta(days=91 * report),
                record,
                _progress,
                authority=rng.choice(concerned),
                stage=STAGES[min(report, len(STAGES) - 1)],
            )


def _new(event_class: Any, **fields: Any) -> DomainEventProtocol[UUID]:
    # The event classes' own dataclass __init__ (mypy sees only eventsourcing's base ones).
    event: DomainEventProtocol[UUID] = event_class(**fields)
    return event


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def _meta(record: _Record, f: dict[str, Any], by: str, source: str) -> dict[str, Any]:
    return {
        "originator_id": record.id,
        "originator_version": record.version,
        "timestamp": f["timestamp"],
        "effective_date": f["effective_date"],
        "source": source,
        "recorded_by": "Partnership Officer",
        "recorded_by_id": "benchmark:partnership-officer",
        "recorded_by_authority": by,
    }


def _awarded(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    reference, authority = r.extra["reference"], r.extra["authority"]
    return _new(
        Contract.Awarded,
        **_meta(r, f, authority, f"{authority} contract award notice {reference}"),
        originator_topic=_CONTRACT_TOPIC,
        reference=reference,
        title=f["title"],
        supplier=f["supplier"],
        authority=authority,
        start_date=f["start_date"],
        end_date=f["end_date"],
        notice_period_days=90,
        value=Decimal(250_000 + r.version * 1000 + len(reference)),
        extension_options_months=[12, 12],
        head_contract_reference=f["head_contract_reference"],
    )


def _varied(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    by = r.extra["authority"]
    return _new(
        Contract.Varied,
        **_meta(r, f, by, f"{by} variation order {r.version} to {r.extra['reference']}"),
        description=f["description"],
        new_end_date=None,
        new_value=Decimal(300_000 + r.version),
    )


def _novated(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    by = r.extra["authority"]
    return _new(
        Contract.Novated,
        **_meta(r, f, by, f"{by} deed of novation for {r.extra['reference']}"),
        previous_supplier=f["previous"],
        new_supplier=f["new"],
    )


def _extended(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    by = r.extra["authority"]
    return _new(
        Contract.Extended,
        **_meta(r, f, by, f"{by} extension letter for {r.extra['reference']}"),
        months=12,
        new_end_date=f["new_end"],
    )


def _minutes(r: _Record) -> str:
    return f"Minutes of the {r.label}"


def _registered(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Meeting.Registered,
        **_meta(r, f, COUNTY, f"Notice of the {r.label}"),
        originator_topic=_MEETING_TOPIC,
        partnership=LSSCC,
        body=f["body"],
        meeting_date=f["meeting_date"],
        sequence=1,
    )


def _held(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Meeting.Held,
        **_meta(r, f, COUNTY, _minutes(r)),
        attendees=[
            {"person": f"Councillor {i + 1} of {a}", "authority": a, "role": "member"}
            for i, a in enumerate(f["present"])
        ],
        apologies=[{"person": f"Councillor of {a}", "authority": a} for a in f["absent"]],
        declarations=[],
        members=f["members"],
        rule=None,
    )


def _agenda_item(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Meeting.AgendaItemRecorded,
        **_meta(r, f, COUNTY, f"{_minutes(r)}, item {f['number']}"),
        number=f["number"],
        title=f"Report of the Head of Customer Services, item {f['number']}",
    )


def _decision(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Meeting.DecisionRecorded,
        **_meta(r, f, COUNTY, f"{_minutes(r)}, item {f['item']}"),
        number=f"{f['item']}.1",
        item=f["item"],
        wording="That the recommendations in the report be approved.",
        form="RESOLVED",
        votes=f["votes"],
        supersedes=None,
    )


def _started(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Project.Started,
        **_meta(r, f, COUNTY, f"Project initiation document: {f['name']}"),
        originator_topic=_PROJECT_TOPIC,
        partnership=LSSCC,
        name=f["name"],
        description="A joint project of the partner councils.",
        authorities=list(r.authorities),
    )


def _milestone(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Project.MilestonePlanned,
        **_meta(r, f, COUNTY, f"{r.label} plan, milestone {f['key']}"),
        key=f["key"],
        title=f"Milestone {f['key']}",
        due_date=f["due"],
        authority=f["owner"],
    )


def _achieved(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Project.MilestoneAchieved,
        **_meta(r, f, COUNTY, f"{r.label} highlight report"),
        key=f["key"],
        achieved_on=f["effective_date"],
    )


def _progress(r: _Record, f: dict[str, Any]) -> DomainEventProtocol[UUID]:
    return _new(
        Project.ProgressReported,
        **_meta(r, f, f["authority"], f"{r.label} highlight report"),
        authority=f["authority"],
        stage=f["stage"],
        note="On track.",
    )


_CONTRACT_TOPIC = get_topic(Contract)
_MEETING_TOPIC = get_topic(Meeting)
_PROJECT_TOPIC = get_topic(Project)


def _opening(moment: datetime) -> list[DomainEventProtocol[UUID]]:
    """The partnership itself: the councils, the partnership and its bodies."""
    meta = {
        "originator_version": 1,
        "timestamp": moment,
        "effective_date": FIRST_DAY,
        "source": "Partnership agreement, schedule 1",
        "recorded_by": "Partnership Officer",
        "recorded_by_id": "benchmark:partnership-officer",
        "recorded_by_authority": COUNTY,
    }
    events: list[DomainEventProtocol[UUID]] = [
        _new(
            Authority.Registered,
            **meta,
            originator_id=UUID(int=i + 1),
            originator_topic=get_topic(Authority),
            name=name,
            kind="county" if name == COUNTY else "district",
        )
        for i, name in enumerate(AUTHORITIES)
    ]
    events.append(
        _new(
            Partnership.Formed,
            **meta,
            originator_id=UUID(int=100),
            originator_topic=get_topic(Partnership),
            name=LSSCC,
            purpose="A shared contact centre and shared services for the partner councils.",
        )
    )
    events += [
        _new(
            GoverningBody.Established,
            **meta,
            originator_id=UUID(int=200 + i),
            originator_topic=get_topic(GoverningBody),
            partnership=LSSCC,
            name=name,
            kind=kind,
            parent_body=None,
        )
        for i, (name, kind, _) in enumerate(BODIES)
    ]
    return events


def synthetic_log(events: int, batch_size: int = 500) -> Iterator[Batch]:
    """`events` (position, event) pairs from position 1, in batches of `batch_size`."""
    story = _Story(events)
    opening = _opening(datetime.combine(FIRST_DAY, time(9), UTC))
    months = chain.from_iterable(story.month(number) for number in count())
    batch: list[tuple[int, DomainEventProtocol[UUID]]] = []
    for position, event in enumerate(islice(chain(opening, months), events), start=1):
        batch.append((position, event))
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch
