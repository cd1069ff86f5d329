"""What the log says was recorded during a run, held against who sent each request.

During the run the head of the log is read after every answer, so each event recorded is
known to come from one request: no other process writes to the log while it runs. Afterwards
every such event is read back with the product's own application class, and must

- come from a request that was not refused (a refused request records nothing);
- name, as `recorded_by_id`, the person whose token the request carried;
- be a change that person's grants allow where it landed, by the access policy's own table,
  with the grants as the log stood when it was recorded.

Where an event landed is worked out from the log too (its record as it stood just before), not
from the request, so a permission that looked in the wrong place would show here.
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.application import AggregateNotFoundError

from access.policy import RULES, Rule, Target, Where, refusal
from partnership.access import Grant, Principal, Role, ScopeKind
from partnership.alerts import Alert
from partnership.application import PartnershipApplication
from partnership.contracts import Contract, contract_id
from partnership.domain import RecordedEvent
from partnership.governance import GoverningBody
from partnership.meetings import Meeting
from partnership.partnerships import Authority, Partnership
from partnership.people import Person
from partnership.projects import Project
from partnership.recommendations import Inquiry
from partnership.supplier_meetings import SupplierMeeting
from projections import read
from projections.read import ReadModelStore
from tests.fuzz.credentials import DemoToken
from tests.fuzz.generation import Request


@dataclass(frozen=True)
class Span:
    """The events recorded while one request was answered: positions after `before`, up to
    and including `head`."""

    number: int
    request: Request
    refused: bool
    before: int
    head: int


@dataclass
class Senders:
    """The people who sent requests, with their grants as the log has them so far."""

    principals: dict[str, Principal] = field(default_factory=dict)

    @classmethod
    def of(cls, people: list[DemoToken]) -> "Senders":
        return cls({person.person_id: Principal(person.person_id, "", "", "") for person in people})

    def follow(self, event: Any) -> None:
        """Keeps a sender's grants as the log changes them."""
        person = self.principals.get(str(event.originator_id))
        if person is None:
            return
        grants = {grant.grant_id: grant for grant in person.grants}
        if isinstance(event, Person.Registered):
            person = Principal(person.person_id, event.name, event.email, event.authority)
        elif isinstance(event, Person.RoleGranted):
            grants[event.grant_id] = Grant(
                event.grant_id,
                Role(event.role),
                ScopeKind(event.scope_kind),
                event.scope,
                event.effective_date,
                event.partnership,
            )
        elif isinstance(event, Person.GrantRevoked):
            grants.pop(event.grant_id, None)
        self.principals[person.person_id] = Principal(
            person.person_id,
            person.name,
            person.email,
            person.authority,
            tuple(grants.values()),
        )


def events_after(app: PartnershipApplication, start: int) -> Iterator[tuple[int, Any]]:
    """(position, event) for each event after `start`, read in pages."""
    head = app.head_position()
    while start < head:
        page = app.recorder.select_notifications(start=start + 1, limit=500, stop=head)
        if not page:
            return
        for notification in page:
            yield notification.id, app.mapper.to_domain_event(notification)
        start = page[-1].id


def recorded_wrongly(
    app: PartnershipApplication,
    store: ReadModelStore,
    people: list[DemoToken],
    start: int,
    spans: list[Span],
) -> list[str]:
    """Every event after `start` that breaks a rule above, one line each."""
    senders = Senders.of(people)
    found = []
    by_position = {p: span for span in spans for p in range(span.before + 1, span.head + 1)}
    for position, event in events_after(app, 0):
        if position > start:
            found += _judged(app, store, senders, position, event, by_position.get(position))
        senders.follow(event)
    return found


def _judged(
    app: PartnershipApplication,
    store: ReadModelStore,
    senders: Senders,
    position: int,
    event: Any,
    span: Span | None,
) -> list[str]:
    if not isinstance(event, RecordedEvent):
        return []  # an idempotency key's record: nobody's change
    named = f"event {position} ({type(event).__qualname__}, recorded by {event.recorded_by_id!r})"
    if span is None:
        return [f"{named}: recorded while no request was being answered"]
    request = span.request
    sent = f"request #{span.number}: {request.shown(600)}"
    if span.refused:
        return [f"{named}: recorded by a refused request, {sent}"]
    if event.recorded_by_id != request.credential.person_id:
        return [f"{named}: not the sender of {sent}"]
    principal = senders.principals.get(event.recorded_by_id)
    rule, where = landing(app, store, event)
    reason = refusal(rule, principal, where)
    if reason is not None:
        held = principal.grants if principal else ()
        grants = ", ".join(f"{g.role} on {g.scope or g.scope_kind}" for g in held) or "none"
        return [
            f"{named}: a change by {request.credential.kind} (grants: {grants}) that the "
            f"policy's row {rule.operation} does not allow ({reason}) at {where}; {sent}"
        ]
    return []


# Where each kind of record's changes land, and by which row of the policy they are judged.
# Rows with the same roles and target judge alike, so one stands for all of its kind.
ROWS: Mapping[type, str] = {
    Authority: "registerAuthority",
    Person: "registerPerson",
    Partnership: "formPartnership",
    GoverningBody: "appointChair",
    Meeting: "planMeeting",
    Project: "startProject",
    Inquiry: "openInquiry",
    Contract: "extendContract",
    SupplierMeeting: "raiseSupplierAction",
    Alert: "acknowledgeAlert",
}
ROWS_OF_EVENTS: Mapping[type, str] = {
    Partnership.VisionStated: "stateVision",
    Partnership.BodyEstablished: "establishBody",
    GoverningBody.Established: "establishBody",
    Contract.Awarded: "awardContract",
    SupplierMeeting.Recorded: "recordSupplierMeeting",
}


def landing(
    app: PartnershipApplication, store: ReadModelStore, event: Any
) -> tuple[Rule, Where | None]:
    """The policy row that judges `event`, and where it landed: its record as it stood just
    before (or, for the event that made it, just after)."""
    version = max(1, event.originator_version - 1)
    record: Any = app.repository.get(event.originator_id, version=version)
    kind = next(cls for cls in ROWS if isinstance(record, cls))
    rule = RULES[ROWS_OF_EVENTS.get(type(event), ROWS[kind])]
    return rule, WHERE[kind](app, store, record, rule)


def _partnership(_app: Any, _store: Any, record: Partnership, rule: Rule) -> Where:
    return Where(partnership=record.name) if rule.target is Target.PARTNERSHIP else Where()


def _body(_app: Any, _store: Any, record: GoverningBody, rule: Rule) -> Where:
    if rule.target is Target.PARTNERSHIP:  # the body being established
        return Where(partnership=record.partnership)
    return Where(partnership=record.partnership, body=record.name)


def _contract(app: PartnershipApplication, _store: Any, record: Contract, _rule: Rule) -> Where:
    """Its contracting authority and, back-to-back, its head contract's."""
    parties = {record.authority}
    if record.head_contract_reference:
        try:
            head: Contract = app.repository.get(contract_id(record.head_contract_reference))
        except AggregateNotFoundError:
            pass
        else:
            parties.add(head.authority)
    return Where(authorities=frozenset(parties))


def _alert(_app: Any, store: ReadModelStore, record: Alert, _rule: Rule) -> Where | None:
    with store.reader.connect() as conn:
        scope = read.scope_of_alert(conn, record.alert_key)
    if scope is None:
        return None
    return Where(scope.partnership, scope.body, frozenset(scope.authorities))


WHERE: Mapping[type, Callable[..., Where | None]] = {
    Authority: lambda *_: Where(),
    Person: lambda *_: Where(),
    Partnership: _partnership,
    GoverningBody: _body,
    Meeting: lambda _a, _s, record, _r: Where(partnership=record.partnership, body=record.body),
    Project: lambda _a, _s, record, _r: Where(partnership=record.partnership),
    Inquiry: lambda _a, _s, record, _r: Where(body=record.body),
    Contract: _contract,
    SupplierMeeting: lambda _a, _s, record, _r: Where(
        authorities=frozenset(each["authority"] for each in record.authority_attendees)
    ),
    Alert: _alert,
}
