"""How each kind of event reads as a line of the timeline, and whom it concerns.

Every event class of the domain has an entry here; an event without one stops the projector
loudly (a test checks that none is missing), rather than leaving a silent gap in the history.
The entries are a table keyed by the exact class, not handlers dispatched by class: a class
without its own line must not borrow its base class's.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import Aggregate

from partnership.alerts import Alert, level_words
from partnership.contracts import Contract
from partnership.governance import GoverningBody
from partnership.meetings import Meeting, MeetingDateAlias
from partnership.paper_dates import stored_paper_date
from partnership.partnerships import Authority, Partnership
from partnership.people import Person
from partnership.practices import Cadence, Practice
from partnership.projects import Project
from partnership.recommendations import Inquiry
from partnership.revisions import Revisable
from partnership.supplier_meetings import SupplierMeeting
from projections.creation import CreationFacts, day, named_authorities

__all__ = ["AGGREGATES", "EVENT_KINDS", "KIND_OF", "LINES", "Line", "day", "event_kind"]


@dataclass(frozen=True)
class Line:
    summary: str
    authorities: list[str] = field(default_factory=list)


def event_kind(event_class: type[Any]) -> str:
    """CONTRACT_AWARDED, MEETING_DECISION_RECORDED, …: aggregate and event, upper snake case."""
    aggregate, name = event_class.__qualname__.split(".")[-2:]
    return f"{_snake(aggregate)}_{_snake(name)}".upper()


def _snake(name: str) -> str:
    return "".join(f"_{c}" if c.isupper() and i else c for i, c in enumerate(name)).lower()


def _correction(e: Any, s: CreationFacts) -> Line:
    what = e.field.replace("_", " ")
    return Line(f"{s.label}: {what} corrected (fact {e.corrects_version} was wrong: {e.reason})")


# A corrected value quoted in a line: enough to recognise it, the rest is in the record.
_QUOTED_AT_MOST = 120


def _fact_corrected(e: Any, s: CreationFacts) -> Line:
    what = e.field.replace("_", " ")
    value = "nothing" if e.value is None else str(e.value)
    if len(value) > _QUOTED_AT_MOST:
        value = value[: _QUOTED_AT_MOST - 1] + "…"
    return Line(f"{s.label}: fact {e.revises_version} corrected, {what} {value} ({e.reason})")


def _fact_withdrawn(e: Any, s: CreationFacts) -> Line:
    if e.revises_version == 1:
        return Line(f"{s.label} withdrawn as recorded in error ({e.reason})")
    return Line(f"{s.label}: fact {e.revises_version} withdrawn as recorded in error ({e.reason})")


def _item_correction(item: str) -> Callable[[Any, CreationFacts], Line]:
    def describe(e: Any, s: CreationFacts) -> Line:
        key = getattr(e, "key", None) or getattr(e, "number", None)
        what = e.field.replace("_", " ")
        return Line(
            f"{s.label}: {item} {key} {what} corrected "
            f"(fact {e.corrects_version} was wrong: {e.reason})"
        )

    return describe


def _contract_awarded(e: Any, s: CreationFacts) -> Line:
    back_to_back = (
        f", back-to-back with {e.head_contract_reference}" if e.head_contract_reference else ""
    )
    return Line(
        f"Contract {e.reference} ({e.title}) awarded by {e.authority} to {e.supplier}, "
        f"{day(e.start_date)} to {day(e.end_date)}{back_to_back}"
    )


def _contract_varied(e: Any, s: CreationFacts) -> Line:
    changes = []
    if e.new_end_date is not None:
        changes.append(f"end date now {day(e.new_end_date)}")
    if e.new_value is not None:
        # The amount is commercially sensitive: the timeline is read by every member of a
        # partnership, so it says only that the value changed; the contract shows it to those
        # who may see it.
        changes.append("value changed")
    extra = f" ({'; '.join(changes)})" if changes else ""
    return Line(f"{s.label} varied: {e.description}{extra}")


def _meeting_held(e: Any, s: CreationFacts) -> Line:
    present = len(e.attendees)
    apologies = len(e.apologies)
    interests = (
        "declarations not recorded"
        if e.declarations is None
        else f"{len(e.declarations)} interest(s) declared"
        if e.declarations
        else "no interests declared"
    )
    return Line(
        f"{s.label} held: {present} present, {apologies} apolog{'y' if apologies == 1 else 'ies'}"
        f", {interests}",
        named_authorities([*e.attendees, *e.apologies]),
    )


def _decision(e: Any, s: CreationFacts) -> Line:
    votes = (
        ", ".join(f"{a} {v}" for a, v in sorted(e.votes.items()))
        if e.votes
        else "no votes recorded"
    )
    return Line(
        f"{s.label}, item {e.item}: {e.form}: {e.wording} ({votes})",
        sorted(e.votes),
    )


def _due(due_date: Any, due_when: str | None) -> str:
    """A due date as the paper gave it: 'September 2008' rather than its last day."""
    return day(due_date) if due_when is None else stored_paper_date(due_when, due_date).label


def _milestone_planned(e: Any, s: CreationFacts) -> Line:
    who = f" ({e.authority})" if e.authority else ""
    return Line(
        f"{s.label}: milestone '{e.title}'{who} planned for {_due(e.due_date, e.due_when)}",
        [e.authority] if e.authority else [],
    )


def _recommendation_progress(e: Any, s: CreationFacts) -> Line:
    status = f" [status now {e.status.replace('_', ' ')}]" if e.status else ""
    by = f" ({e.reported_by_authority})" if e.reported_by_authority else ""
    return Line(
        f"{s.label}: progress on recommendation {e.number}{by}: {e.text}{status}",
        [e.reported_by_authority] if e.reported_by_authority else [],
    )


def _alert_acknowledged(e: Any, s: CreationFacts) -> Line:
    words = level_words(e.level)
    level = f", {words}" if words == e.level else f" at {words}"  # ", overdue"; " at 90 days"
    note = f" \N{EM DASH} {e.note}" if e.note else ""
    return Line(f"Alert acknowledged: {e.description}{level}{note}")


def _scope_words(e: Any) -> str:
    if e.scope_kind == "everything":
        return "the whole record"
    if e.scope_kind == "body":
        return f"{e.scope} of {e.partnership}" if e.partnership else str(e.scope)
    return f"{e.scope_kind} {e.scope}"


def _role_granted(e: Any, s: CreationFacts) -> Line:
    role = e.role.replace("_", " ")
    return Line(
        f"{s.label} granted the {role} role on {_scope_words(e)} (grant {e.grant_id})",
        [e.scope] if e.scope_kind == "authority" else [],
    )


LINES: dict[type[Any], Callable[[Any, CreationFacts], Line]] = {
    Contract.Awarded: _contract_awarded,
    Contract.Extended: lambda e, s: Line(
        f"{s.label} extended by {e.months} months to {day(e.new_end_date)}"
    ),
    Contract.Novated: lambda e, s: Line(
        f"{s.label} novated from {e.previous_supplier} to {e.new_supplier}"
    ),
    Contract.Varied: _contract_varied,
    Contract.Terminated: lambda e, s: Line(f"{s.label} terminated: {e.reason}"),
    Contract.Corrected: _correction,
    Authority.Registered: lambda e, s: Line(f"{e.name} registered as a {e.kind} authority"),
    Authority.Corrected: _correction,
    Partnership.Formed: lambda e, s: Line(f"Partnership {e.name} formed: {e.purpose}"),
    Partnership.VisionStated: lambda e, s: Line(
        f"{s.label}: vision statement set: {e.vision_statement}"
    ),
    Partnership.MemberAdmitted: lambda e, s: Line(
        f"{e.authority} joined {s.label} as {' and '.join((e.role, *e.additional_roles))}",
        [e.authority],
    ),
    Partnership.MemberRoleChanged: lambda e, s: Line(
        f"{e.authority}'s role in {s.label} changed from {e.previous_role} to {e.role}",
        [e.authority],
    ),
    Partnership.MemberRoleGiven: lambda e, s: Line(
        f"{e.authority} also {e.role} of {s.label}", [e.authority]
    ),
    Partnership.MemberRoleTaken: lambda e, s: Line(
        f"{e.authority} no longer {e.role} of {s.label}", [e.authority]
    ),
    Partnership.MemberLeft: lambda e, s: Line(
        f"{e.authority} left {s.label}: {e.reason}", [e.authority]
    ),
    Partnership.BodyEstablished: lambda e, s: Line(f"{s.label}: {e.body_name} established"),
    Partnership.Corrected: _correction,
    GoverningBody.Established: lambda e, s: Line(
        f"{e.name} ({e.kind.replace('_', ' ')}) established"
        + (f" under {e.parent_body}" if e.parent_body else "")
        + (f" in {e.partnership}" if e.partnership else f" by {e.authority}")
    ),
    GoverningBody.TermsOfReferenceAdopted: lambda e, s: Line(
        f"{s.label}: terms of reference version {e.version} adopted ({len(e.items)} items)"
    ),
    GoverningBody.MemberAppointed: lambda e, s: Line(
        f"{e.authority} appointed to {s.label}", [e.authority]
    ),
    GoverningBody.MemberRemoved: lambda e, s: Line(
        f"{e.authority} removed from {s.label}: {e.reason}", [e.authority]
    ),
    GoverningBody.ChairAppointed: lambda e, s: Line(
        f"{e.person} ({e.authority}) appointed chair of {s.label}", [e.authority]
    ),
    GoverningBody.DecisionRuleAdopted: lambda e, s: Line(
        f"{s.label}: decision rule adopted: quorum {e.rule['quorum']}, "
        f"{e.rule['voting'].replace('_', ' ')}"
        + (
            f", absent members may respond electronically within "
            f"{e.rule['electronic_response_days']} days"
            if e.rule.get("electronic_response_days")
            else ""
        )
    ),
    GoverningBody.Corrected: _correction,
    Meeting.Registered: lambda e, s: Line(f"{s.label} scheduled"),
    Meeting.Held: _meeting_held,
    Meeting.Cancelled: lambda e, s: Line(f"{s.label} cancelled: {e.reason}"),
    Meeting.AgendaItemRecorded: lambda e, s: Line(f"{s.label}, item {e.number}: {e.title}"),
    Meeting.AgendaItemTitleCorrected: lambda e, s: Line(
        f"{s.label}, item {e.number}: title corrected to '{e.title}' ({e.reason})"
    ),
    Meeting.DecisionRecorded: _decision,
    Meeting.ElectronicResponseRecorded: lambda e, s: Line(
        f"{s.label}, decision {e.decision}: {e.authority} responded electronically "
        f"({e.vote}) on {day(e.received_on)}",
        [e.authority],
    ),
    Meeting.SupersessionRecorded: lambda e, s: Line(
        f"{s.label}, decision {e.decision} {e.how} by decision {e.successor['decision']}"
    ),
    Meeting.DecisionWordingCorrected: lambda e, s: Line(
        f"{s.label}, decision {e.decision}: wording corrected ({e.reason})"
    ),
    Meeting.Corrected: _correction,
    MeetingDateAlias.Registered: lambda e, s: Line(
        f"{s.label}: the meeting's date corrected to this day, it is found under it"
    ),
    Project.Started: lambda e, s: Line(
        f"Project {e.name} started: {e.description}", list(e.authorities)
    ),
    Project.MilestonePlanned: _milestone_planned,
    Project.MilestoneReplanned: lambda e, s: Line(
        f"{s.label}: milestone {e.key} moved from "
        f"{_due(e.previous_due_date, e.previous_due_when)} to "
        f"{_due(e.new_due_date, e.new_due_when)}: {e.reason}"
    ),
    Project.MilestoneAchieved: lambda e, s: Line(
        f"{s.label}: milestone {e.key} achieved on {day(e.achieved_on)}"
    ),
    Project.MilestoneMissed: lambda e, s: Line(
        f"{s.label}: milestone {e.key} missed its due date {_due(e.due_date, e.due_when)}: "
        f"{e.reason}"
    ),
    Project.ProgressReported: lambda e, s: Line(
        f"{s.label}: {e.authority} at stage '{e.stage}'" + (f": {e.note}" if e.note else ""),
        [e.authority],
    ),
    Project.MilestoneCorrected: _item_correction("milestone"),
    Project.Corrected: _correction,
    Inquiry.Opened: lambda e, s: Line(f"{s.label} opened by {e.body}"),
    Inquiry.RecommendationMade: lambda e, s: Line(
        f"{s.label}: recommendation {e.number}"
        + (f" (owner {e.owner_authority})" if e.owner_authority else "")
        + f": {e.text}",
        [e.owner_authority] if e.owner_authority else [],
    ),
    Inquiry.ProgressRecorded: _recommendation_progress,
    Inquiry.RecommendationCorrected: _item_correction("recommendation"),
    Inquiry.Closed: lambda e, s: Line(f"{s.label} closed"),
    Inquiry.Corrected: _correction,
    SupplierMeeting.Recorded: lambda e, s: Line(
        f"{s.label}: {', '.join(e.topics) or 'no topics recorded'}",
        named_authorities(e.authority_attendees),
    ),
    SupplierMeeting.ActionRaised: lambda e, s: Line(
        f"{s.label}: action {e.number} for {e.owner} ({e.owner_side})"
        + (f", due {_due(e.due_date, e.due_when)}" if e.due_date else "")
        + f": {e.text}"
    ),
    SupplierMeeting.ActionClosed: lambda e, s: Line(
        f"{s.label}: action {e.number} closed: {e.outcome}"
    ),
    SupplierMeeting.IssueEscalated: lambda e, s: Line(
        f"{s.label}: issue escalated to {e.to_body}: {e.text}"
    ),
    SupplierMeeting.ActionCorrected: _item_correction("action"),
    SupplierMeeting.Corrected: _correction,
    Practice.Recorded: lambda e, s: Line(
        f"{s.label}: {Cadence(e.cadence_every, e.cadence_unit).describe()} from "
        f"{day(e.starts_on)}" + (f" to {day(e.ends_on)}" if e.ends_on else ", until further notice")
    ),
    Practice.Ended: lambda e, s: Line(f"{s.label}: ends after {day(e.ends_on)}: {e.reason}"),
    Alert.Acknowledged: _alert_acknowledged,
    Person.Registered: lambda e, s: Line(f"{e.name} registered, acting for {e.authority}"),
    Person.RoleGranted: _role_granted,
    Person.GrantRevoked: lambda e, s: Line(f"{s.label}: grant {e.grant_id} revoked: {e.reason}"),
    Person.Corrected: _correction,
}

AGGREGATES: tuple[type[Aggregate], ...] = (
    Contract,
    Authority,
    Partnership,
    GoverningBody,
    Meeting,
    MeetingDateAlias,
    Project,
    Inquiry,
    SupplierMeeting,
    Practice,
    Alert,
    Person,
)

# Every record that can be revised reads its corrections and withdrawals alike.
for _aggregate in AGGREGATES:
    if issubclass(_aggregate, Revisable):
        _revisable: Any = _aggregate
        LINES[_revisable.FactCorrected] = _fact_corrected
        LINES[_revisable.FactWithdrawn] = _fact_withdrawn

# Worked out once: the projector looks a kind up for every event it processes.
KIND_OF: dict[type[Any], str] = {cls: event_kind(cls) for cls in LINES}
EVENT_KINDS: tuple[str, ...] = tuple(sorted(set(KIND_OF.values())))
