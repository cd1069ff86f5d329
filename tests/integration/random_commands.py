"""A seeded random sequence of commands over every area of the record, for the rebuild tests.

Arguments are built from what the record already holds (read back through the application's
own getters), so most commands succeed; some are refused by the domain's rules, as real input
sometimes is (a second lead, an effective date before the thing existed, a closed inquiry).
Names are sometimes spelled with other case and spacing, since the record keeps the registered
spelling and projections must not depend on which spelling a command used.
"""

import itertools
import random
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from partnership.access import ROLE_SCOPES, Role, ScopeKind
from partnership.addresses import (
    DecisionAddress,
    MeetingAddress,
    MilestoneAddress,
    SupplierMeetingAddress,
)
from partnership.application import CommandResult, PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.commands.governance import SCRUTINY_KINDS
from partnership.contracts import Contract, ContractTerms
from partnership.domain import Actor, DomainError, Provenance
from partnership.governance import BODY_KINDS, GoverningBody
from partnership.limits import COUNT_MAX, DAYS_MAX, NAME_MAX
from partnership.meetings import AGREED, CANCELLED, HELD, NOTED, PLANNED, RESOLVED, Meeting
from partnership.partnerships import Authority, Partnership
from partnership.people import Person
from partnership.projects import ACHIEVED, Project
from partnership.projects import PLANNED as MILESTONE_PLANNED
from partnership.recommendations import STATUSES, Inquiry
from partnership.supplier_meetings import ACTION_OPEN, SupplierMeeting
from partnership.voting import VOTING_RULES, DecisionRule
from tests.conftest import MovableClock

try:
    from partnership import alerts
    from partnership.commands.alerts import AlertStanding
except ImportError:  # acknowledging alerts is optional here: see acknowledge_alert below
    alerts = None  # type: ignore[assignment]

AREAS = (
    "partnerships",
    "governance",
    "meetings",
    "contracts",
    "projects",
    "recommendations",
    "supplier_meetings",
)

# Every event the sequence must produce at least once, so no projection handler goes untried.
EVENTS: dict[type[Any], tuple[str, ...]] = {
    Authority: ("Registered", "Corrected"),
    Partnership: (
        "Formed",
        "VisionStated",
        "MemberAdmitted",
        "MemberRoleChanged",
        "MemberLeft",
        "BodyEstablished",
        "Corrected",
    ),
    GoverningBody: (
        "Established",
        "TermsOfReferenceAdopted",
        "MemberAppointed",
        "MemberRemoved",
        "ChairAppointed",
        "DecisionRuleAdopted",
        "Corrected",
    ),
    Meeting: (
        "Registered",
        "Held",
        "Cancelled",
        "AgendaItemRecorded",
        "AgendaItemTitleCorrected",
        "DecisionRecorded",
        "ElectronicResponseRecorded",
        "SupersessionRecorded",
        "DecisionWordingCorrected",
        "Corrected",
    ),
    Contract: ("Awarded", "Extended", "Novated", "Varied", "Terminated", "Corrected"),
    Project: (
        "Started",
        "MilestonePlanned",
        "MilestoneReplanned",
        "MilestoneAchieved",
        "MilestoneMissed",
        "MilestoneCorrected",
        "ProgressReported",
        "Corrected",
    ),
    Inquiry: (
        "Opened",
        "RecommendationMade",
        "ProgressRecorded",
        "RecommendationCorrected",
        "Closed",
        "Corrected",
    ),
    SupplierMeeting: (
        "Recorded",
        "ActionRaised",
        "ActionClosed",
        "ActionCorrected",
        "IssueEscalated",
        "Corrected",
    ),
    Person: ("Registered", "RoleGranted", "GrantRevoked", "Corrected"),
}

AUTHORITIES = (
    "Lancashire County Council",
    "Chorley Borough Council",
    "Burnley Borough Council",
    "Pendle Borough Council",
    "Preston City Council",
    "Hyndburn Borough Council",
    "Rossendale Borough Council",
    "South Ribble Borough Council",
    "Blackburn with Darwen Borough Council",
    "Blackpool Council",
)
PARTNERSHIPS = (
    "Lancashire Shared Services Contact Centre",
    "Pennine Lancashire IT Partnership",
    "Central Lancashire Waste Partnership",
)
BODIES = {
    "Joint Committee": "joint_committee",
    "Programme Board": "programme_board",
    "Partnership Board": "partnership_board",
    "Scrutiny Panel": "scrutiny_panel",
    "Partnership Sub-Group": "scrutiny_sub_group",
    "Officer Group": "officer_group",
}
PROJECTS = ("CRM Front Office", "Complaints pilot", "Customer Access Strategy", "Shared Payroll")
SCRUTINY = ("Corporate and Customer Overview and Scrutiny Panel", "Burnley Scrutiny Committee")
SUPPLIERS = ("Northgate", "SX3", "Capita", "Agilisys", "Liberata")
SURNAMES = ("Baker", "Khan", "Birchall", "Molyneaux", "Russell", "Hawes", "Lowe", "Ashworth")
OFFICERS = ("Patel", "Nuttall", "Greenwood", "Whittaker", "Holden", "Pickup", "Hargreaves")
STAGES = ("scoping", "procurement", "build", "testing", "live", "review")


@dataclass(frozen=True)
class Names:
    """The names a sequence draws from; a sequence of extreme values brings its own."""

    authorities: tuple[str, ...] = AUTHORITIES
    partnerships: tuple[str, ...] = PARTNERSHIPS
    bodies: dict[str, str] = field(default_factory=lambda: dict(BODIES))
    projects: tuple[str, ...] = PROJECTS
    scrutiny: tuple[str, ...] = SCRUTINY
    suppliers: tuple[str, ...] = SUPPLIERS
    surnames: tuple[str, ...] = SURNAMES
    officers: tuple[str, ...] = OFFICERS


Factory = Callable[["RandomCommands"], CommandResult]


class Skip(Exception):
    """The command has nothing to act on yet; another is drawn and nothing is counted."""


@dataclass(frozen=True)
class Kind:
    area: str
    weight: int
    run: Factory


COMMANDS: dict[str, Kind] = {}


def command(area: str, weight: int) -> Callable[[Factory], Factory]:
    def register(run: Factory) -> Factory:
        COMMANDS[run.__name__] = Kind(area, weight, run)
        return run

    return register


@dataclass
class Counts:
    attempted: Counter[str] = field(default_factory=Counter)
    succeeded: Counter[str] = field(default_factory=Counter)
    refusals: Counter[str] = field(default_factory=Counter)

    def by_area(self, counter: Counter[str]) -> Counter[str]:
        totals: Counter[str] = Counter()
        for name, count in counter.items():
            totals[COMMANDS[name].area] += count
        return totals


@dataclass(frozen=True)
class MeetingKey:
    partnership: str
    body: str
    day: date
    sequence: int


def allows_responses(body: GoverningBody) -> bool:
    rule = body.rule_on(date.max)
    return rule is not None and rule.allows_electronic_responses


def awaits_responses(meeting: Meeting) -> bool:
    rule = meeting.rule_snapshot
    present = {a["authority"] for a in meeting.attendees or []}
    return (
        meeting.status == HELD
        and bool(meeting.agenda)
        and rule is not None
        and rule.allows_electronic_responses
        and any(m not in present for m in meeting.members or [])
    )


class RandomCommands:
    """Draws one command at a time; `step()` runs it and returns its result, or None if refused.

    The values it makes up (names, text, days, amounts) come from a few methods, so that a
    subclass can make them extreme without changing which commands are drawn.
    """

    names = Names()

    def __init__(
        self, app: PartnershipApplication, clock: MovableClock, rng: random.Random, actor: Actor
    ) -> None:
        self.app = app
        self.clock = clock
        self.rng = rng
        self.actor = actor
        self.counts = Counts()
        self.numbers = itertools.count(1)
        self.authorities: list[str] = []
        self.partnerships: list[str] = []
        self.bodies: list[tuple[str, str]] = []
        self.meetings: list[MeetingKey] = []
        self.decisions: list[tuple[MeetingKey, str]] = []
        self.contracts: list[str] = []
        self.projects: list[tuple[str, str]] = []
        self.inquiries: list[tuple[str, str]] = []
        self.supplier_meetings: list[tuple[str, date, str]] = []
        self.registered_people: list[str] = []
        self._names = list(COMMANDS)
        self._weights = [COMMANDS[name].weight for name in self._names]

    def step(self) -> CommandResult | None:
        # Time moves on between most facts, so effective dates spread over a few years.
        self.clock.set_day(self.next_day())
        for _ in range(1000):
            name = self.rng.choices(self._names, self._weights)[0]
            try:
                result = COMMANDS[name].run(self)
            except Skip:
                continue
            except DomainError as error:
                self.counts.attempted[name] += 1
                self.counts.refusals[f"{name}: {error.code}"] += 1
                return None
            self.counts.attempted[name] += 1
            self.counts.succeeded[name] += 1
            return result
        raise AssertionError("no command could be drawn in 1000 tries")

    # Helpers

    def next_day(self) -> date:
        return self.today + timedelta(days=self.rng.choice((0, 0, 1, 1, 2, 3, 5)))

    def day_near(self, day: date, low: int, high: int) -> date:
        """A day from `low` to `high` days after `day` (before it, if negative)."""
        return day + timedelta(days=self.rng.randint(low, high))

    def number_between(self, low: int, high: int, cap: int) -> int:
        """A whole number from `low` to `high`; `cap` is the most the record allows."""
        return self.rng.randint(low, high)

    def clip(self, text: str, limit: int = NAME_MAX) -> str:
        return text[:limit]

    def contract_reference(self, number: int) -> str:
        return f"LCC/CON/{number:03d}"

    def milestone_key(self, number: int) -> str:
        return f"step {number}" if self.chance(0.2) else f"step-{number}"

    def email(self, surname: str, number: int) -> str:
        return f"{surname.split()[0].lower()}.{number}@lancashire.gov.uk"

    def agenda_number(self, number: int) -> str:
        return str(number)

    def recommendation_number(self, number: int) -> str:
        return self.pick((f"{number}", f"{number}a", f"{number} (b)", f"0{number},c"))

    def extension_months(self) -> int:
        return self.pick((6, 12, 24))

    def response_windows(self) -> tuple[int | None, ...]:
        return (None, 14, 28, 56)

    @property
    def today(self) -> date:
        return self.clock.now.date()

    def pick(self, items: list[Any] | tuple[Any, ...]) -> Any:
        if not items:
            raise Skip
        return self.rng.choice(items)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def text(self, what: str) -> str:
        return f"{what} {next(self.numbers)}"

    def spell(self, name: str) -> str:
        """The same name as a clerk might type it: the record keeps the registered spelling."""
        if self.chance(0.1):
            return f"  {name.upper()} "
        if self.chance(0.05):
            return name.replace(" ", "  ")
        return name

    def on(self, not_before: date | None = None) -> Provenance:
        """Mostly today; sometimes a past day; rarely a day the rules refuse."""
        day = self.today
        roll = self.rng.random()
        if roll < 0.02:
            day = self.today + timedelta(days=self.rng.randint(1, 30))
        elif roll < 0.04 and not_before is not None:
            day = not_before - timedelta(days=self.rng.randint(1, 30))
        elif roll < 0.2 and not_before is not None and not_before < self.today:
            day = not_before + timedelta(days=self.rng.randint(0, (self.today - not_before).days))
        return Provenance(day, self.text("Paper"))

    def dated(self, day: date) -> Provenance:
        return Provenance(day, self.text("Minutes"))

    def version_of(self, aggregate: Any) -> int:
        return self.rng.randint(1, aggregate.version)

    def people(self, authorities: list[str], pool: tuple[str, ...], prefix: str) -> list[dict]:
        names = self.rng.sample(pool, k=min(len(pool), len(authorities)))
        return [
            {"person": f"{prefix} {surname}", "authority": authority}
            for surname, authority in zip(names, authorities, strict=False)
        ]

    def voting_members(self, body: GoverningBody, day: date) -> list[str]:
        members = body.members_on(day)
        if body.kind in SCRUTINY_KINDS:
            return members
        partnership = self.app.get_partnership(body.partnership)
        return [m for m in members if partnership.is_member(m, day)]

    def get_meeting(self, key: MeetingKey) -> Meeting:
        return self.app.get_meeting(
            MeetingAddress(key.partnership, key.body, key.day, key.sequence)
        )

    def meeting_where(self, wanted: Callable[[Meeting], bool], tries: int = 8) -> MeetingKey:
        for _ in range(tries):
            # Minutes are mostly written up soon after a meeting, while responses can still come.
            key = self.pick(self.meetings[-8:] if self.chance(0.7) else self.meetings)
            if wanted(self.get_meeting(key)):
                return key
        raise Skip

    # Authorities and partnerships

    @command("partnerships", 4)
    def register_authority(self) -> CommandResult:
        unregistered = [a for a in self.names.authorities if a not in self.authorities]
        if not unregistered and not self.chance(0.02):
            raise Skip
        name = self.pick(unregistered or self.names.authorities)
        kind = "county" if "County" in name else self.pick(("district", "unitary"))
        result = self.app.register_authority(
            name=name, kind=kind, envelope=Envelope(self.on(), self.actor, self.clock())
        )
        self.authorities.append(name)
        return result

    @command("partnerships", 2)
    def correct_authority(self) -> CommandResult:
        name = self.pick(self.authorities)
        found = self.app.get_authority(name)
        return self.app.correct_authority(
            name=self.spell(name),
            corrects_version=self.version_of(found),
            field="kind",
            value=self.pick(("county", "district", "unitary")),
            reason="Kind typed wrongly",
            envelope=Envelope(self.on(found.registered_on), self.actor, self.clock()),
        )

    @command("partnerships", 3)
    def form_partnership(self) -> CommandResult:
        unformed = [p for p in self.names.partnerships if p not in self.partnerships]
        if not unformed or not self.authorities:
            raise Skip
        name = self.pick(unformed)
        result = self.app.form_partnership(
            name=name,
            purpose=self.text("Purpose"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )
        self.partnerships.append(name)
        return result

    @command("partnerships", 2)
    def state_vision(self) -> CommandResult:
        name = self.pick(self.partnerships)
        formed_on = self.app.get_partnership(name).formed_on
        return self.app.state_vision(
            partnership=name,
            vision_statement=self.text("Vision"),
            envelope=Envelope(self.on(formed_on), self.actor, self.clock()),
        )

    @command("partnerships", 5)
    def admit_member(self) -> CommandResult:
        name = self.pick(self.partnerships)
        found = self.app.get_partnership(name)
        joining = self.pick([a for a in self.authorities if a not in found.members])
        has_lead = any(m["role"] == "lead" for m in found.members.values())
        role = "lead" if self.chance(0.05 if has_lead else 0.4) else self.pick(("partner", "host"))
        return self.app.admit_member(
            partnership=name,
            authority=self.spell(joining),
            role=role,
            envelope=Envelope(self.on(found.formed_on), self.actor, self.clock()),
        )

    @command("partnerships", 2)
    def change_member_role(self) -> CommandResult:
        name = self.pick(self.partnerships)
        members = self.app.get_partnership(name).members
        member = self.pick(sorted(members))
        role = self.pick([r for r in ("lead", "host", "partner") if r != members[member]["role"]])
        return self.app.change_member_role(
            partnership=name,
            authority=self.spell(member),
            role=role,
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("partnerships", 2)
    def record_member_leaving(self) -> CommandResult:
        name = self.pick(self.partnerships)
        members = sorted(self.app.get_partnership(name).members)
        if len(members) < 3:
            raise Skip  # keep enough partners for bodies, meetings and projects to draw on
        return self.app.record_member_leaving(
            partnership=name,
            authority=self.pick(members),
            reason=self.text("Left"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("partnerships", 2)
    def correct_partnership(self) -> CommandResult:
        name = self.pick(self.partnerships)
        found = self.app.get_partnership(name)
        return self.app.correct_partnership(
            partnership=name,
            corrects_version=self.version_of(found),
            field="purpose",
            value=self.text("Purpose"),
            reason="Misquoted",
            envelope=Envelope(self.on(found.formed_on), self.actor, self.clock()),
        )

    # Governing bodies

    @command("governance", 4)
    def establish_body(self) -> CommandResult:
        partnership = self.pick(self.partnerships)
        free = [b for b in self.names.bodies if (partnership, b) not in self.bodies]
        body = self.pick(free)
        kind = self.names.bodies[body] if self.chance(0.85) else self.pick(BODY_KINDS)
        parents = [b for p, b in self.bodies if p == partnership]
        parent = self.pick(parents) if parents and self.chance(0.4) else None
        not_before = (
            self.app.get_body(partnership, parent).established_on
            if parent
            else self.app.get_partnership(partnership).formed_on
        )
        result = self.app.establish_body(
            partnership=self.spell(partnership),
            name=body,
            kind=kind,
            parent_body=parent,
            envelope=Envelope(self.on(not_before), self.actor, self.clock()),
        )
        self.bodies.append((partnership, body))
        return result

    def body(
        self, preferring: Callable[[GoverningBody], bool] = lambda b: True
    ) -> tuple[str, str, GoverningBody]:
        for _ in range(5):
            partnership, name = self.pick(self.bodies)
            found = self.app.get_body(partnership, name)
            if preferring(found):
                break
        return partnership, name, found

    @command("governance", 2)
    def adopt_terms_of_reference(self) -> CommandResult:
        partnership, name, found = self.body()
        items = [self.text("Term") for _ in range(self.rng.randint(1, 3))]
        return self.app.adopt_terms_of_reference(
            partnership=partnership,
            body=name,
            items=items,
            envelope=Envelope(self.on(found.established_on), self.actor, self.clock()),
        )

    @command("governance", 8)
    def appoint_body_member(self) -> CommandResult:
        partnership, name, found = self.body()
        if found.kind in SCRUTINY_KINDS:
            eligible = self.authorities
        else:
            eligible = sorted(self.app.get_partnership(partnership).members)
        member = self.pick([a for a in eligible if a not in found.current_members])
        return self.app.appoint_body_member(
            partnership=partnership,
            body=name,
            authority=self.spell(member),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("governance", 2)
    def remove_body_member(self) -> CommandResult:
        partnership, name, found = self.body()
        if len(found.current_members) < 2:
            raise Skip
        return self.app.remove_body_member(
            partnership=partnership,
            body=name,
            authority=self.pick(found.current_members),
            reason=self.text("Stood down"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("governance", 2)
    def appoint_chair(self) -> CommandResult:
        partnership, name, found = self.body()
        authority = self.pick(found.current_members or self.authorities)
        return self.app.appoint_chair(
            partnership=partnership,
            body=name,
            person=f"Councillor {self.pick(self.names.surnames)}",
            authority=self.spell(authority),
            envelope=Envelope(self.on(found.established_on), self.actor, self.clock()),
        )

    @command("governance", 3)
    def adopt_decision_rule(self) -> CommandResult:
        partnership, name, found = self.body(
            lambda b: bool(b.current_members) and not b.decision_rules
        )
        rule = DecisionRule(
            quorum=self.number_between(0, 3, COUNT_MAX),
            voting=self.pick(VOTING_RULES),
            electronic_response_days=self.pick(self.response_windows()),
        )
        return self.app.adopt_decision_rule(
            partnership=partnership,
            body=name,
            rule=rule,
            envelope=Envelope(self.on(found.established_on), self.actor, self.clock()),
        )

    @command("governance", 2)
    def correct_body(self) -> CommandResult:
        partnership, name, found = self.body()
        value: str | None
        if self.chance(0.5):
            field_name, value = "kind", self.pick(BODY_KINDS)
        else:
            others = [b for p, b in self.bodies if p == partnership and b != name]
            field_name = "parent_body"
            value = self.pick(others) if others and self.chance(0.7) else ""
        return self.app.correct_body(
            partnership=partnership,
            body=name,
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Wrongly minuted",
            envelope=Envelope(self.on(found.established_on), self.actor, self.clock()),
        )

    # Meetings

    @command("meetings", 4)
    def plan_meeting(self) -> CommandResult:
        partnership, name, found = self.body()
        day = max(found.established_on, self.today + timedelta(days=self.rng.randint(-5, 30)))
        key = MeetingKey(partnership, name, day, 2 if self.chance(0.1) else 1)
        result = self.app.plan_meeting(
            meeting=MeetingAddress(partnership, name, day, key.sequence),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )
        self.meetings.append(key)
        return result

    @command("meetings", 7)
    def record_meeting_held(self) -> CommandResult:
        key = self.due_meeting() if self.chance(0.6) else None
        if key is not None:
            found = self.app.get_body(key.partnership, key.body)
        else:
            # Mostly a body with members, so that votes can be cast, often one whose rule lets
            # absent members respond electronically afterwards.
            electronic = self.chance(0.5)
            partnership, name, found = self.body(
                lambda b: bool(b.current_members) and (not electronic or allows_responses(b))
            )
            earliest = max(found.established_on, self.today - timedelta(days=20))
            if earliest > self.today:
                raise Skip
            day = earliest + timedelta(days=self.rng.randint(0, (self.today - earliest).days))
            key = MeetingKey(partnership, name, day, 1)
        members = self.voting_members(found, key.day)
        present = [m for m in members if self.chance(0.6)] or members[:1]
        attendees = self.people(present, self.names.surnames, "Councillor") or [
            {"person": "Ms Officer", "authority": self.pick(self.authorities)}
        ]
        if self.chance(0.3):
            attendees[0] = {**attendees[0], "role": "Chair"}
        absent = [m for m in members if m not in present]
        apologies = self.people(absent, self.names.officers, "Councillor")
        declarations = self.pick((None, [], [{"person": attendees[0]["person"], "item": "1",
                                              "interest": "Personal"}]))  # fmt: skip
        result = self.app.record_meeting_held(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            attendees=attendees,
            apologies=apologies,
            declarations=declarations,
            envelope=Envelope(self.dated(key.day), self.actor, self.clock()),
        )
        if key not in self.meetings:
            self.meetings.append(key)
        return result

    def due_meeting(self) -> MeetingKey | None:
        """A planned meeting whose day has come, if one turns up."""
        try:
            return self.meeting_where(
                lambda m: m.status == PLANNED and m.meeting_date <= self.today
            )
        except Skip:
            return None

    @command("meetings", 2)
    def cancel_meeting(self) -> CommandResult:
        key = self.meeting_where(lambda m: m.status == PLANNED)
        return self.app.cancel_meeting(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            reason=self.text("Not quorate"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("meetings", 6)
    def record_agenda_item(self) -> CommandResult:
        key = self.meeting_where(lambda m: m.status != CANCELLED)
        if self.chance(0.5):
            # A held meeting with nothing on its agenda yet has no decisions to record.
            with suppress(Skip):
                key = self.meeting_where(lambda m: m.status == HELD and not m.agenda, tries=4)
        number = self.agenda_number(
            len(self.get_meeting(key).agenda) + (1 if self.chance(0.95) else 0)
        )
        return self.app.record_agenda_item(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            number=number,
            title=self.text("Item"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("meetings", 2)
    def correct_agenda_item_title(self) -> CommandResult:
        key = self.meeting_where(lambda m: bool(m.agenda))
        number = self.pick(sorted(self.get_meeting(key).agenda))
        return self.app.correct_agenda_item_title(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            number=number,
            title=self.text("Item"),
            reason="Misnumbered",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("meetings", 8)
    def record_decision(self) -> CommandResult:
        key = self.meeting_where(lambda m: m.status == HELD and bool(m.agenda))
        if self.chance(0.5):
            # Where absent members may still respond, so that electronic responses follow.
            with suppress(Skip):
                key = self.meeting_where(awaits_responses, tries=4)
        meeting = self.get_meeting(key)
        present = {a["authority"] for a in meeting.attendees or []}
        votes: dict[str, str] = {}
        if self.chance(0.7):
            for member in meeting.members or []:
                if member in present:
                    votes[self.spell(member)] = self.pick(("for", "for", "against", "abstain"))
                elif self.chance(0.5):
                    votes[member] = "absent"
        supersedes, how = None, "superseded"
        if self.decisions and self.chance(0.25):
            supersedes, how = self.supersedable(key), self.pick(("revised", "superseded"))
        result = self.app.record_decision(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            item=self.pick(sorted(meeting.agenda)),
            wording=self.text("RESOLVED that"),
            form=self.pick((RESOLVED, AGREED, NOTED)),
            votes=votes,
            supersedes=supersedes,
            how=how,
            envelope=Envelope(self.dated(key.day), self.actor, self.clock()),
        )
        self.decisions.append((key, result.number))
        return result

    def supersedable(self, later: MeetingKey) -> DecisionAddress | None:
        for _ in range(5):
            key, number = self.pick(self.decisions)
            if key.day <= later.day and not self.get_meeting(key).superseded_by(number):
                return DecisionAddress(
                    MeetingAddress(key.partnership, key.body, key.day, key.sequence), number
                )
        return None

    @command("meetings", 5)
    def record_electronic_response(self) -> CommandResult:
        # Mostly the newest decisions: a response may be recorded late, but is rarely news.
        recent = self.decisions[-12:]
        older = self.rng.sample(self.decisions, k=min(8, len(self.decisions)))
        for key, number in [*self.rng.sample(recent, k=len(recent)), *older]:
            meeting = self.get_meeting(key)
            rule = meeting.rule_snapshot
            decision = meeting.decision(number)
            deadline = None if rule is None else rule.response_deadline(key.day)
            waiting = [
                m
                for m in meeting.members or []
                if decision["votes"].get(m, "absent") == "absent"
                and m not in decision["electronic_responses"]
            ]
            if deadline is None or not decision["votes"] or not waiting:
                continue
            last = min(deadline, self.today)
            if last < key.day:
                continue
            received = key.day + timedelta(days=self.rng.randint(0, (last - key.day).days))
            return self.app.record_electronic_response(
                meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
                decision_number=number,
                authority=self.spell(self.pick(waiting)),
                vote=self.pick(("for", "against", "abstain")),
                received_on=received,
                envelope=Envelope(self.dated(received), self.actor, self.clock()),
            )
        raise Skip

    @command("meetings", 2)
    def correct_decision_wording(self) -> CommandResult:
        key, number = self.pick(self.decisions)
        return self.app.correct_decision_wording(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            decision_number=number,
            wording=self.text("RESOLVED instead that"),
            reason="Misminuted",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("meetings", 2)
    def correct_meeting(self) -> CommandResult:
        key = self.meeting_where(lambda m: m.status == HELD)
        meeting = self.get_meeting(key)
        members = list(meeting.members or []) or self.authorities
        field_name = self.pick(("attendees", "apologies", "declarations"))
        value: Any
        if field_name == "attendees":
            value = self.people(self.rng.sample(members, k=1), self.names.surnames, "Councillor")
        elif field_name == "apologies":
            value = self.people(members[:2], self.names.officers, "Mr")
        else:
            value = self.pick(([], None, [{"person": "Mr Lowe", "item": "2", "interest": "Own"}]))
        return self.app.correct_meeting(
            meeting=MeetingAddress(key.partnership, key.body, key.day, key.sequence),
            corrects_version=self.version_of(meeting),
            field=field_name,
            value=value,
            reason="The minutes were wrong",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    # Contracts

    @command("contracts", 5)
    def award_contract(self) -> CommandResult:
        # Only a registered authority is awarded a contract.
        if len(self.contracts) >= 30 or not self.authorities:
            raise Skip
        reference = self.contract_reference(len(self.contracts) + 1)
        start = self.day_near(self.today, -400, 60)
        terms = ContractTerms(
            reference=reference,
            title=self.text("Managed service"),
            supplier=self.pick(self.names.suppliers),
            authority=self.spell(self.pick(self.authorities)),
            start_date=start,
            end_date=self.day_near(start, 200, 2000),
            notice_period_days=self.number_between(0, 180, DAYS_MAX),
            value=self.money() if self.chance(0.7) else None,
            extension_options_months=tuple(
                self.extension_months() for _ in range(self.rng.randint(0, 2))
            ),
            head_contract_reference=(
                self.spell(self.pick(self.contracts))
                if self.contracts and self.chance(0.3)
                else None
            ),
            auto_renews=self.chance(0.2),
        )
        result = self.app.award_contract(
            terms=terms, envelope=Envelope(self.on(), self.actor, self.clock())
        )
        self.contracts.append(reference)
        return result

    def money(self) -> Decimal:
        return Decimal(f"{self.rng.randint(0, 900_000)}.{self.rng.randint(0, 99):02d}")

    def contract(self) -> tuple[str, Contract]:
        reference = self.pick(self.contracts)
        return reference, self.app.get_contract(reference)

    @command("contracts", 2)
    def extend_contract(self) -> CommandResult:
        # Mostly one with an option left: exercising none is refused, which is rarely news.
        for _ in range(5):
            reference, found = self.contract()
            if found.extension_options_left:
                break
        return self.app.extend_contract(
            reference=reference,
            envelope=Envelope(self.on(found.awarded_on), self.actor, self.clock()),
        )

    @command("contracts", 2)
    def novate_contract(self) -> CommandResult:
        reference, found = self.contract()
        supplier = self.pick([s for s in self.names.suppliers if s != found.supplier])
        return self.app.novate_contract(
            reference=reference,
            new_supplier=supplier,
            envelope=Envelope(self.on(found.awarded_on), self.actor, self.clock()),
        )

    @command("contracts", 3)
    def vary_contract(self) -> CommandResult:
        reference, found = self.contract()
        new_end_date = self.day_near(found.end_date, -60, 400)
        return self.app.vary_contract(
            reference=reference,
            description=self.text("Variation"),
            new_end_date=new_end_date if self.chance(0.5) else None,
            new_value=self.money() if self.chance(0.5) else None,
            envelope=Envelope(self.on(found.awarded_on), self.actor, self.clock()),
        )

    @command("contracts", 2)
    def terminate_contract(self) -> CommandResult:
        reference, found = self.contract()
        return self.app.terminate_contract(
            reference=reference,
            reason=self.text("Supplier failure"),
            envelope=Envelope(self.on(found.awarded_on), self.actor, self.clock()),
        )

    @command("contracts", 2)
    def correct_contract(self) -> CommandResult:
        reference, found = self.contract()
        field_name = self.pick(("title", "notice_period_days", "value"))
        value: Any = {
            "title": self.text("Managed service"),
            "notice_period_days": self.number_between(0, 180, DAYS_MAX),
            "value": self.money(),
        }[field_name]
        return self.app.correct_contract(
            reference=self.spell(reference),
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Typed wrongly",
            envelope=Envelope(self.on(found.awarded_on), self.actor, self.clock()),
        )

    # Projects and milestones

    @command("projects", 3)
    def start_project(self) -> CommandResult:
        partnership = self.pick(self.partnerships)
        name = self.pick([p for p in self.names.projects if (partnership, p) not in self.projects])
        members = self.app.get_partnership(partnership).member_authorities(self.today)
        count = self.rng.randint(min(1, len(members)), min(3, len(members)))
        taking_part = self.rng.sample(members, k=count)
        result = self.app.start_project(
            partnership=partnership,
            name=name,
            description=self.text("Description"),
            authorities=[self.spell(a) for a in taking_part],
            envelope=Envelope(Provenance(self.today, self.text("Paper")), self.actor, self.clock()),
        )
        self.projects.append((partnership, name))
        return result

    def project(self) -> tuple[str, str, Project]:
        partnership, name = self.pick(self.projects)
        return partnership, name, self.app.get_project(partnership, name)

    def milestone(self, wanted: Callable[[dict[str, Any]], bool]) -> tuple[str, str, str]:
        for _ in range(5):
            partnership, name, found = self.project()
            keys = [k for k, m in found.milestones.items() if wanted(m)]
            if keys:
                return partnership, name, self.pick(sorted(keys))
        raise Skip

    @command("projects", 5)
    def plan_milestone(self) -> CommandResult:
        partnership, name, found = self.project()
        number = next(self.numbers)
        key = self.milestone_key(number)
        authority = self.pick(found.authorities) if self.chance(0.6) else None
        return self.app.plan_milestone(
            milestone=MilestoneAddress(partnership, name, key),
            title=self.text("Milestone"),
            due_date=self.day_near(self.today, -20, 200),
            authority=authority,
            envelope=Envelope(self.on(found.started_on), self.actor, self.clock()),
        )

    @command("projects", 3)
    def replan_milestone(self) -> CommandResult:
        partnership, name, key = self.milestone(lambda m: m["status"] != ACHIEVED)
        current = self.app.get_project(partnership, name).current_due_date(key)
        shift = self.pick((-10, -3, 7, 14, 30, 90))
        return self.app.replan_milestone(
            milestone=MilestoneAddress(partnership, name, key),
            new_due_date=current + timedelta(days=shift),
            reason=self.text("Slipped"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("projects", 2)
    def record_milestone_achieved(self) -> CommandResult:
        partnership, name, key = self.milestone(lambda m: m["status"] != ACHIEVED)
        started_on = self.app.get_project(partnership, name).started_on
        earliest = max(started_on, self.today - timedelta(days=20))
        achieved = earliest + timedelta(days=self.rng.randint(0, (self.today - earliest).days))
        return self.app.record_milestone_achieved(
            milestone=MilestoneAddress(partnership, name, key),
            achieved_on=achieved,
            envelope=Envelope(
                Provenance(self.today, self.text("Report")), self.actor, self.clock()
            ),
        )

    @command("projects", 2)
    def record_milestone_missed(self) -> CommandResult:
        partnership, name, key = self.milestone(lambda m: m["status"] == MILESTONE_PLANNED)
        return self.app.record_milestone_missed(
            milestone=MilestoneAddress(partnership, name, key),
            reason=self.text("Supplier late"),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("projects", 3)
    def report_progress(self) -> CommandResult:
        partnership, name, found = self.project()
        return self.app.report_progress(
            partnership=partnership,
            project=name,
            authority=self.spell(self.pick(found.authorities)),
            stage=self.pick(STAGES),
            note=self.text("Note"),
            envelope=Envelope(self.on(found.started_on), self.actor, self.clock()),
        )

    @command("projects", 2)
    def correct_milestone(self) -> CommandResult:
        partnership, name, key = self.milestone(lambda m: True)
        found = self.app.get_project(partnership, name)
        if self.chance(0.6):
            field_name, value = "title", self.text("Milestone")
        else:
            field_name, value = "authority", self.pick([*found.authorities, None])
        return self.app.correct_milestone(
            milestone=MilestoneAddress(partnership, name, key),
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Misrecorded",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("projects", 2)
    def correct_project(self) -> CommandResult:
        partnership, name, found = self.project()
        return self.app.correct_project(
            partnership=partnership,
            project=name,
            corrects_version=self.version_of(found),
            field="description",
            value=self.text("Description"),
            reason="Misquoted",
            envelope=Envelope(self.on(found.started_on), self.actor, self.clock()),
        )

    # Inquiries and recommendations

    @command("recommendations", 2)
    def open_inquiry(self) -> CommandResult:
        if len(self.inquiries) >= 6:
            raise Skip
        body, title = self.pick(self.names.scrutiny), self.text("Inquiry into partnership working")
        result = self.app.open_inquiry(
            body=body,
            title=title,
            terms_of_reference=[self.text("Term")] if self.chance(0.7) else None,
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )
        self.inquiries.append((body, title))
        return result

    def inquiry(self) -> tuple[str, str, Inquiry]:
        # Mostly an open one: adding to a closed inquiry is refused, which is rarely news.
        for _ in range(5):
            body, title = self.pick(self.inquiries)
            found = self.app.get_inquiry(body, title)
            if not found.is_closed:
                break
        return body, title, found

    def recommendation(self) -> tuple[str, str, Inquiry, str]:
        for _ in range(5):
            body, title, found = self.inquiry()
            if found.recommendations:
                return body, title, found, self.pick(sorted(found.recommendations))
        raise Skip

    @command("recommendations", 5)
    def make_recommendation(self) -> CommandResult:
        body, title, found = self.inquiry()
        number = len(found.recommendations) + 1
        spelled = self.recommendation_number(number)
        owner = self.spell(self.pick(self.authorities)) if self.authorities else None
        return self.app.make_recommendation(
            body=body,
            inquiry=title,
            number=spelled,
            text=self.text("Recommendation"),
            owner_authority=owner if self.chance(0.6) else None,
            objective=self.text("Objective") if self.chance(0.5) else None,
            envelope=Envelope(self.on(found.opened_on), self.actor, self.clock()),
        )

    @command("recommendations", 5)
    def record_recommendation_progress(self) -> CommandResult:
        body, title, found, number = self.recommendation()
        return self.app.record_recommendation_progress(
            body=body,
            inquiry=title,
            number=number,
            text=self.text("Update"),
            status=self.pick(STATUSES) if self.chance(0.6) else None,
            reported_by_authority=self.pick(self.authorities)
            if self.authorities and self.chance(0.5)
            else None,
            envelope=Envelope(
                self.on(found.recommendations[number]["made_on"]), self.actor, self.clock()
            ),
        )

    @command("recommendations", 2)
    def close_inquiry(self) -> CommandResult:
        body, title, found = self.inquiry()
        if len(found.recommendations) < 3 and not self.chance(0.1):
            raise Skip
        return self.app.close_inquiry(
            body=body,
            title=title,
            envelope=Envelope(self.on(found.opened_on), self.actor, self.clock()),
        )

    @command("recommendations", 2)
    def correct_recommendation(self) -> CommandResult:
        body, title, found, number = self.recommendation()
        field_name = self.pick(("text", "owner_authority", "objective"))
        value = {
            "text": self.text("Recommendation"),
            "owner_authority": self.pick([*self.authorities, None]),
            "objective": self.pick((self.text("Objective"), None)),
        }[field_name]
        return self.app.correct_recommendation(
            body=body,
            inquiry=title,
            number=number,
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Misquoted",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    @command("recommendations", 2)
    def correct_inquiry(self) -> CommandResult:
        body, title, found = self.inquiry()
        return self.app.correct_inquiry(
            body=body,
            title=title,
            corrects_version=self.version_of(found),
            field="terms_of_reference",
            value=[self.text("Term")],
            reason="Misquoted",
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )

    # Supplier meetings and actions

    @command("supplier_meetings", 3)
    def record_supplier_meeting(self) -> CommandResult:
        if len(self.supplier_meetings) >= 15:
            raise Skip
        supplier, title = self.pick(self.names.suppliers), self.text("Weekly contract meeting")
        day = self.today - timedelta(days=self.rng.randint(0, 10))
        attending = self.rng.sample(self.authorities, k=min(len(self.authorities), 2))
        attendees = [
            {**a, "authority": self.spell(a["authority"])}
            for a in self.people(attending, self.names.officers, "Ms")
        ]
        result = self.app.record_supplier_meeting(
            meeting=SupplierMeetingAddress(supplier, day, title),
            authority_attendees=attendees,
            supplier_attendees=[self.clip(f"{supplier} account manager")],
            topics=[self.text("Topic")],
            envelope=Envelope(self.dated(day), self.actor, self.clock()),
        )
        self.supplier_meetings.append((supplier, day, title))
        return result

    def supplier_meeting(self) -> tuple[str, date, str, SupplierMeeting]:
        supplier, day, title = self.pick(self.supplier_meetings)
        return (
            supplier,
            day,
            title,
            self.app.get_supplier_meeting(SupplierMeetingAddress(supplier, day, title)),
        )

    def action(self, wanted: Callable[[dict[str, Any]], bool]) -> tuple[Any, ...]:
        for _ in range(5):
            supplier, day, title, found = self.supplier_meeting()
            numbers = [n for n, a in found.actions.items() if wanted(a)]
            if numbers:
                return supplier, day, title, found, self.pick(sorted(numbers))
        raise Skip

    @command("supplier_meetings", 4)
    def raise_supplier_action(self) -> CommandResult:
        supplier, day, title, _ = self.supplier_meeting()
        due = self.day_near(day, -2, 60) if self.chance(0.7) else None
        return self.app.raise_supplier_action(
            meeting=SupplierMeetingAddress(supplier, day, title),
            text=self.text("Action"),
            owner=self.pick((supplier, "Ms Patel")),
            owner_side=self.pick(("supplier", "authority")),
            due_date=due,
            envelope=Envelope(self.on(day), self.actor, self.clock()),
        )

    @command("supplier_meetings", 2)
    def close_supplier_action(self) -> CommandResult:
        supplier, day, title, _, number = self.action(lambda a: a["status"] == ACTION_OPEN)
        return self.app.close_supplier_action(
            meeting=SupplierMeetingAddress(supplier, day, title),
            number=number,
            outcome=self.text("Done"),
            envelope=Envelope(self.on(day), self.actor, self.clock()),
        )

    @command("supplier_meetings", 2)
    def escalate_supplier_issue(self) -> CommandResult:
        supplier, day, title, _ = self.supplier_meeting()
        partnership, body = self.pick(self.bodies)
        return self.app.escalate_supplier_issue(
            meeting=SupplierMeetingAddress(supplier, day, title),
            text=self.text("Issue"),
            to_body=self.spell(body),
            partnership=partnership,
            envelope=Envelope(self.on(day), self.actor, self.clock()),
        )

    @command("supplier_meetings", 2)
    def correct_supplier_action(self) -> CommandResult:
        supplier, day, title, found, number = self.action(lambda a: True)
        field_name = self.pick(("text", "owner", "owner_side", "due_date"))
        value = {
            "text": self.text("Action"),
            "owner": self.pick((supplier, "Mr Holden")),
            "owner_side": self.pick(("supplier", "authority")),
            "due_date": self.pick((None, day + timedelta(days=self.rng.randint(0, 30)))),
        }[field_name]
        return self.app.correct_supplier_action(
            meeting=SupplierMeetingAddress(supplier, day, title),
            number=number,
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Misrecorded",
            envelope=Envelope(self.on(day), self.actor, self.clock()),
        )

    @command("supplier_meetings", 2)
    def correct_supplier_meeting(self) -> CommandResult:
        supplier, day, title, found = self.supplier_meeting()
        field_name = self.pick(("authority_attendees", "supplier_attendees", "topics"))
        value = {
            "authority_attendees": self.people(self.authorities[:1], self.names.officers, "Mrs"),
            "supplier_attendees": [self.clip(f"{supplier} director")],
            "topics": [self.text("Topic"), self.text("Topic")],
        }[field_name]
        return self.app.correct_supplier_meeting(
            meeting=SupplierMeetingAddress(supplier, day, title),
            corrects_version=self.version_of(found),
            field=field_name,
            value=value,
            reason="Misrecorded",
            envelope=Envelope(self.on(day), self.actor, self.clock()),
        )

    # Alerts, when the record has them

    if alerts is not None and hasattr(PartnershipApplication, "acknowledge_alert"):

        @command("alerts", 2)
        def acknowledge_alert(self) -> CommandResult:
            """Acknowledge a renewal or milestone alert at the level it stands at today."""
            if self.chance(0.5):
                reference, found = self.contract()
                key = alerts.renewal_alert_key(found.reference, found.notice_deadline)
                days_left = (found.notice_deadline - self.today).days
                level = alerts.renewal_level(days_left, (180, 90, 30, 7)) or "180_days"
                description = f"Renewal of contract {reference}"
            else:
                partnership, name, milestone = self.milestone(lambda m: m["status"] != ACHIEVED)
                found_project = self.app.get_project(partnership, name)
                due = found_project.current_due_date(milestone)
                key = alerts.milestone_alert_key(str(found_project.id), milestone, due)
                level, description = alerts.OVERDUE, f"Milestone {milestone} of {name}"
            now = self.clock()
            return self.app.acknowledge_alert(
                key=key,
                level=level,
                note=self.text("Seen") if self.chance(0.5) else None,
                standing=AlertStanding(key, level, description),
                envelope=Envelope(
                    Provenance(now.date(), alerts.ACKNOWLEDGED_HERE), self.actor, now
                ),
            )

    # People and their grants

    @command("people", 3)
    def register_person(self) -> CommandResult:
        if self.registered_people and self.chance(0.05):
            # The same address in other letter case is the same person: refused.
            email = self.pick(self.registered_people).upper()
        elif len(self.registered_people) >= 8:
            raise Skip
        else:
            email = self.email(self.pick(self.names.surnames), next(self.numbers))
        name = f"{self.pick(('Ms', 'Mr', 'Cllr'))} {self.pick(self.names.surnames)}"
        result = self.app.register_person(
            name=self.clip(name),
            email=email,
            authority=self.spell(self.pick(self.authorities)),
            envelope=Envelope(self.on(), self.actor, self.clock()),
        )
        self.registered_people.append(email)
        return result

    def person(self) -> tuple[str, Person]:
        email = self.pick(self.registered_people)
        return email, self.app.get_person(email)

    def scope(self, kind: ScopeKind) -> tuple[str | None, str | None]:
        """A scope of that kind the record holds (and a body's partnership, if it has one)."""
        if kind is ScopeKind.EVERYTHING:
            return None, None
        if kind is ScopeKind.PARTNERSHIP:
            return self.spell(self.pick(self.partnerships)), None
        if kind is ScopeKind.AUTHORITY:
            return self.spell(self.pick(self.authorities)), None
        if self.chance(0.2):
            return self.pick(self.names.scrutiny), None
        partnership, body = self.pick(self.bodies)
        return self.spell(body), self.spell(partnership)

    @command("people", 4)
    def grant_role(self) -> CommandResult:
        email, found = self.person()
        role = self.pick(list(Role))
        # Rarely a kind of scope the role cannot have, which the rules refuse.
        kinds = list(ScopeKind) if self.chance(0.03) else sorted(ROLE_SCOPES[role])
        kind = self.pick(kinds)
        scope, partnership = self.scope(kind)
        return self.app.grant_role(
            email=email.upper() if self.chance(0.1) else email,
            role=role.value,
            scope_kind=kind.value,
            scope=scope,
            partnership=partnership,
            envelope=Envelope(self.on(found.registered_on), self.actor, self.clock()),
        )

    @command("people", 2)
    def revoke_grant(self) -> CommandResult:
        for _ in range(5):
            email, found = self.person()
            # Mostly a grant in force; now and then one revoked already, which is refused.
            current = [g.grant_id for g in found.current_grants()]
            chosen = current if current and not self.chance(0.05) else list(found.grants)
            if chosen:
                grant_id = self.pick(chosen)
                break
        else:
            raise Skip
        return self.app.revoke_grant(
            email=email,
            grant_id=grant_id,
            reason=self.text("Left the post"),
            envelope=Envelope(
                self.on(found.grants[grant_id]["granted_on"]), self.actor, self.clock()
            ),
        )

    @command("people", 2)
    def correct_person(self) -> CommandResult:
        email, found = self.person()
        return self.app.correct_person(
            email=email,
            corrects_version=self.version_of(found),
            field="name",
            value=self.clip(f"Dr {self.pick(self.names.surnames)}"),
            reason="Misspelled",
            envelope=Envelope(self.on(found.registered_on), self.actor, self.clock()),
        )
