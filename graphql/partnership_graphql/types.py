"""The GraphQL types a board member, procurement officer or auditor reads."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from partnership import paper_dates
from partnership.contracts import contract_id
from partnership.global_ids import Kind
from partnership_graphql.commercial import (
    Withheld,
    may_see_commercial,
    withheld_from_non_parties,
)
from partnership_graphql.context import context_of
from partnership_graphql.contract_calendar import (
    CalendarAsOf,
    ContractCalendarStatus,
    calendar_status_on,
)
from partnership_graphql.nodes import Node, node_id
from partnership_graphql.read_whole import day_asked
from projections.read import EVENT_KINDS

if TYPE_CHECKING:
    from projections import read

# One value per kind of event the domain records, taken from the timeline projection so the
# schema can never lag behind it.
if TYPE_CHECKING:
    EventKind = Enum
else:
    EventKind = strawberry.enum(
        Enum("EventKind", {kind: kind for kind in EVENT_KINDS}),
        description="What kind of fact a timeline entry records: the record and what happened.",
    )


@strawberry.enum(
    description="The status the record holds: it changes only by a recorded termination, so a "
    "contract left to run out stays ACTIVE; see `Contract.calendarStatus` for the day's."
)
class ContractStatus(Enum):
    ACTIVE = "active"
    TERMINATED = "terminated"
    WITHDRAWN = "withdrawn"


@strawberry.type(
    name="PaperDate",
    description="A date as the paper gives it: a day, a month or a year, perhaps approximate.",
)
class PaperDateValue:
    edtf: str = strawberry.field(
        description="The date in EDTF (ISO 8601-2): 2011-10-31, 2007-02, 2011, 2008-09~ (about)."
    )
    label: str = strawberry.field(
        description="As a reader says it: '31 October 2011', 'February 2007', "
        "'about September 2008'."
    )
    earliest: date = strawberry.field(description="The first day of the period it names.")
    latest: date = strawberry.field(
        description="The last day of the period it names: what a deadline is judged by."
    )

    @classmethod
    def of(cls, when: paper_dates.PaperDate) -> "PaperDateValue":
        return cls(edtf=when.edtf, label=when.label, earliest=when.earliest, latest=when.latest)

    @classmethod
    def stored(cls, edtf: str | None, day: date) -> "PaperDateValue":
        return cls.of(paper_dates.stored_paper_date(edtf, day))


@strawberry.enum(description="What a period is counted in; months count on the calendar.")
class PeriodUnit(Enum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


@strawberry.type(name="Period", description="A length of time as a contract states it.")
class PeriodValue:
    amount: int
    unit: PeriodUnit
    label: str = strawberry.field(description="As a reader says it, e.g. '3 months'.")
    iso: str = strawberry.field(description="In ISO 8601, e.g. P3M.")

    @classmethod
    def of(cls, period: paper_dates.Period) -> "PeriodValue":
        return cls(
            amount=period.amount, unit=PeriodUnit(period.unit), label=period.label, iso=period.iso
        )


# The kind of record each timeline subject is, as its global id names it.
_KIND_OF_SUBJECT = {
    "contract": Kind.CONTRACT,
    "authority": Kind.AUTHORITY,
    "partnership": Kind.PARTNERSHIP,
    "body": Kind.GOVERNING_BODY,
    "meeting": Kind.MEETING,
    "project": Kind.PROJECT,
    "inquiry": Kind.INQUIRY,
    "supplier_meeting": Kind.SUPPLIER_MEETING,
    "person": Kind.PERSON,
}


def _record_id(subject_type: str, aggregate_id: str) -> strawberry.ID | None:
    kind = _KIND_OF_SUBJECT.get(subject_type)
    return None if kind is None else node_id(kind, aggregate_id)


@strawberry.type(description="One fact in the partnership's record, as a line of its history.")
class TimelineEntry:
    position: int = strawberry.field(
        description="Where the fact stands in the permanent log (the order it was recorded)."
    )
    effective_date: date = strawberry.field(
        description="When it happened in the world, e.g. the meeting or decision date."
    )
    effective_when: str | None = strawberry.field(
        description="When it happened as the paper gives it, in EDTF (2007-02), if the paper "
        "gives no exact day; `effectiveDate` is then the period's first day. Null for a day."
    )
    effective_label: str = strawberry.field(
        description="When it happened, as a reader says it: 'February 2007', '12 March 2008'."
    )
    recorded_at: datetime = strawberry.field(description="When the record learned of it (UTC).")
    kind: EventKind
    summary: str = strawberry.field(description="One line, in plain words.")
    subject: str = strawberry.field(
        description="The record it belongs to, e.g. 'Joint Committee meeting of 20 Nov 2007'."
    )
    subject_type: str = strawberry.field(
        description="contract, authority, partnership, body, meeting, project, inquiry, "
        "supplier_meeting or alert."
    )
    partnership: str | None = strawberry.field(description="The partnership, if known.")
    body: str | None = strawberry.field(description="The governing body, if any.")
    project: str | None = strawberry.field(description="The project, if any.")
    contract_reference: str | None = strawberry.field(
        description="The contract it concerns, if any."
    )
    authorities: list[str] = strawberry.field(description="The authorities it concerns.")
    recorded_by: str = strawberry.field(description="The person who recorded it.")
    recorded_by_authority: str = strawberry.field(
        description="The authority that person recorded it for."
    )
    recorded_by_id: str = strawberry.field(
        description="Who recorded it for certain: the person's id (a `Person`'s `personId`), or "
        "'system:' and what the system was doing; empty for facts recorded before ids were kept."
    )
    source: str = strawberry.field(
        description="The paper it came from: body, meeting date, item or paper title."
    )
    record_id: strawberry.ID | None = strawberry.field(
        description="The id of the record the fact belongs to: give it, with `version`, to "
        "`correctFact` or `withdrawFact` to put the fact right. Null for an alert's "
        "acknowledgement, which is not itself a record's fact."
    )
    version: int = strawberry.field(
        description="Which of its record's facts this is (1 is the first fact recorded about it)."
    )
    withdrawn_reason: str | None = strawberry.field(
        description="Why the fact was withdrawn as recorded in error; null unless it was. A "
        "withdrawn fact stays in the timeline, marked."
    )
    revised_at: int | None = strawberry.field(
        description="Where the latest correction or withdrawal of this fact stands in the log; "
        "null if it was never revised."
    )

    @classmethod
    def from_row(cls, row: dict[str, Any], authorities: list[str]) -> "TimelineEntry":
        return cls(
            position=row["position"],
            effective_date=row["effective_date"],
            effective_when=row.get("effective_when"),
            effective_label=paper_dates.stored_paper_date(
                row.get("effective_when"), row["effective_date"]
            ).label,
            recorded_at=row["recorded_at"],
            kind=EventKind(row["kind"]),
            summary=row["summary"],
            subject=row["subject"],
            subject_type=row["aggregate_type"],
            partnership=row["partnership"],
            body=row["body"],
            project=row["project"],
            contract_reference=row["contract_reference"],
            authorities=authorities,
            recorded_by=row["recorded_by"],
            recorded_by_authority=row["recorded_by_authority"],
            recorded_by_id=row["recorded_by_id"],
            source=row["source"],
            record_id=_record_id(row["aggregate_type"], row["aggregate_id"]),
            version=row["aggregate_version"],
            withdrawn_reason=row.get("withdrawn_reason"),
            revised_at=row.get("revised_at"),
        )


@strawberry.type(
    description="One supplier's time on a contract: from the contract's start, or from the "
    "novation that brought them in, until the next novation."
)
class SupplierTenure:
    supplier: str = strawberry.field(description="The supplier, as named in the award or novation.")
    from_date: date = strawberry.field(
        name="from",
        description="The day this supplier took the contract on: the contract's start date for "
        "the supplier it was awarded to, the novation's effective date for each later one (never "
        "before the day the supplier it follows took over).",
    )
    until: date | None = strawberry.field(
        description="The day the next supplier took over (the next tenure's `from`); null for "
        "the current supplier, even once the contract has ended (see `endDate` and `status`)."
    )

    @classmethod
    def from_history(cls, history: list[dict[str, str]]) -> list["SupplierTenure"]:
        starts = [date.fromisoformat(tenure["from"]) for tenure in history]
        return [
            cls(supplier=tenure["supplier"], from_date=start, until=until)
            for tenure, start, until in zip(history, starts, [*starts[1:], None], strict=True)
        ]


@strawberry.type(description="A contract as it stands now, from the contracts register.")
class Contract(Node):
    reference: str = strawberry.field(description="The contract's reference, e.g. LSSCC-CRM-LCC.")
    title: str = strawberry.field(description="What the contract is for.")
    supplier: str = strawberry.field(description="The current supplier.")
    suppliers: list[str] = strawberry.field(
        description="Every supplier the contract has had, first to current (novations)."
    )
    supplier_history: list[SupplierTenure] = strawberry.field(
        description="Who supplied the contract when, first to current: the supplier it was "
        "awarded to, then each supplier it was novated to, with the days they took over."
    )
    authority: str = strawberry.field(description="The contracting authority.")
    head_contract_reference: str | None = strawberry.field(
        description="For a back-to-back contract, the head contract it mirrors."
    )
    counterparty: str | None = strawberry.field(
        description="For a back-to-back contract, the other party: its head contract's "
        "contracting authority; null for a head contract, or if the head contract is not on "
        "the register."
    )
    start_date: date = strawberry.field(description="The day the contract started.")
    end_date: date = strawberry.field(description="The current end date, after any extensions.")
    notice_period_days: int = strawberry.field(
        description="Days of notice needed before the end date to end or renew it (for a "
        "period in weeks or months, the days from the notice deadline to the end date)."
    )
    notice_period: PeriodValue = strawberry.field(
        description="The notice period as the contract states it: 92 days, 3 months."
    )
    notice_deadline: date = strawberry.field(
        description="End date minus notice period: the day a renewal decision is really due by."
    )
    recorded_value: strawberry.Private[Decimal | None]
    extension_options_left: list[int] = strawberry.field(
        description="Lengths in months of the extension options not yet used, in order."
    )
    auto_renews: bool = strawberry.field(description="Whether it renews unless notice is given.")
    status: ContractStatus = strawberry.field(
        description="As recorded: ACTIVE until a termination is recorded, even past the end "
        "date (see `calendarStatus`)."
    )
    termination_reason: str | None = strawberry.field(
        description="Why it was terminated; null while it runs."
    )
    awarded_on: date = strawberry.field(description="The day it was awarded.")
    version: int = strawberry.field(
        description="How many changes the contract has had; pass as `expectedVersion` to "
        "refuse a change if someone else changed it first."
    )
    last_changed_on: date = strawberry.field(description="Effective date of the latest change.")

    @strawberry.field(
        description="Contract value in pounds, if known. Commercially sensitive: null for "
        "anyone not of one of the contract's parties (its contracting authority or, for a "
        "back-to-back contract, its head contract's), unless an auditor or admin; "
        "`withheld` then says so."
    )
    async def value(self, info: Info) -> Decimal | None:
        return self.recorded_value if await self._commercial_shown(info) else None

    @strawberry.field(
        description="Where the contract stands on `asOf` by its dates: ACTIVE up to and "
        "including the notice deadline, IN_NOTICE_PERIOD after it up to and including the end "
        "date, EXPIRED after the end date; TERMINATED, once recorded, whatever the day."
    )
    def calendar_status(self, info: Info, as_of: CalendarAsOf = None) -> ContractCalendarStatus:
        day = day_asked(info, as_of)
        return calendar_status_on(self.status.value, self.end_date, self.notice_deadline, day)

    @strawberry.field(description="The fields of this contract withheld from you, and why.")
    async def withheld(self, info: Info) -> list[Withheld]:
        if await self._commercial_shown(info):
            return []
        return [withheld_from_non_parties("value")]

    async def _commercial_shown(self, info: Info) -> bool:
        context = context_of(info)
        parties = {self.authority}
        if self.head_contract_reference is not None:
            head = await context.loaders.contract.load(
                str(contract_id(self.head_contract_reference))
            )
            if head is not None:
                parties.add(head["authority"])
        return may_see_commercial(context.principal, frozenset(parties))

    @strawberry.field(
        description="For a back-to-back contract, the head contract it mirrors; null for a "
        "head contract, or if the head contract is not on the register."
    )
    async def head_contract(self, info: Info) -> "Contract | None":
        if self.head_contract_reference is None:
            return None
        loader = context_of(info).loaders.contract
        row = await loader.load(str(contract_id(self.head_contract_reference)))
        return None if row is None else Contract.from_row(row)

    @strawberry.field(
        description="The back-to-back contracts that mirror this one (a change to this "
        "contract concerns each of them), by reference; empty if there are none."
    )
    async def linked_contracts(self, info: Info) -> list["Contract"]:
        rows = await context_of(info).loaders.back_to_back.load(self.reference)
        return [Contract.from_row(row) for row in rows]

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "Contract":
        return cls(
            id=node_id(Kind.CONTRACT, row["contract_id"]),
            reference=row["reference"],
            title=row["title"],
            supplier=row["supplier"],
            suppliers=list(row["suppliers"]),
            supplier_history=SupplierTenure.from_history(row["supplier_history"]),
            authority=row["authority"],
            head_contract_reference=row["head_contract_reference"],
            counterparty=row.get("counterparty"),
            start_date=row["start_date"],
            end_date=row["end_date"],
            notice_period_days=(row["end_date"] - row["notice_deadline"]).days,
            notice_period=PeriodValue.of(
                paper_dates.Period(
                    row["notice_period_days"], row.get("notice_period_unit") or paper_dates.DAYS
                )
            ),
            notice_deadline=row["notice_deadline"],
            recorded_value=None if row["value"] is None else Decimal(row["value"]),
            extension_options_left=list(row["extension_options_left"]),
            auto_renews=row["auto_renews"],
            status=ContractStatus(row["status"]),
            termination_reason=row["termination_reason"],
            awarded_on=row["awarded_on"],
            version=row["version"],
            last_changed_on=row["last_changed_on"],
        )


@strawberry.type(description="A contract whose renewal decision is due within the horizon.")
class RenewalDue:
    contract: Contract
    days_until_notice_deadline: int = strawberry.field(
        description="Negative once the notice deadline has passed."
    )


@strawberry.type(
    description="An event a read model failed to project: it stops just before it, and is "
    "tried again, at growing intervals up to a minute, until it succeeds."
)
class ProjectionStall:
    position: int = strawberry.field(description="The log position of the failing event.")
    event_type: str = strawberry.field(description="What kind of event, e.g. Contract.Awarded.")
    event_topic: str = strawberry.field(description="The event's stored type, in full.")
    error: str = strawberry.field(description="What went wrong, in the database's words.")
    since: datetime = strawberry.field(description="When it first failed on this event.")
    last_attempt: datetime = strawberry.field(description="When it was last tried.")
    attempts: int = strawberry.field(description="How many times it has been tried.")


@strawberry.type(description="How current one read model is.")
class ProjectionStatus:
    name: str
    position: int = strawberry.field(description="The last event it has processed.")
    head: int = strawberry.field(description="The last event in the log.")
    lag_events: int = strawberry.field(description="Events recorded that it has yet to show.")
    lag_seconds: float = strawberry.field(
        description="Recorded time between its last event and the log's last event."
    )
    stall: ProjectionStall | None = strawberry.field(
        default=None,
        description="Set while it is stopped on an event it cannot project; null while it "
        "keeps up.",
    )

    @classmethod
    def from_status(cls, status: "read.ProjectionStatus") -> "ProjectionStatus":
        stall = status.stall
        return cls(
            name=status.name,
            position=status.position,
            head=status.head,
            lag_events=status.lag_events,
            lag_seconds=status.lag_seconds,
            stall=None
            if stall is None
            else ProjectionStall(
                position=stall.position,
                event_type=stall.event_name,
                event_topic=stall.event_type,
                error=stall.error,
                since=stall.since,
                last_attempt=stall.last_attempt,
                attempts=stall.attempts,
            ),
        )
