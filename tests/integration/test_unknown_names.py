"""Every command refuses every name that is not on record, with a coded NotFound, and records
nothing: a misspelt authority, partnership, body, meeting, project, inquiry, contract, supplier
meeting or person is never taken as a new one.

`UNKNOWN` (unknown_name_cases.py) holds, for each command of the application, each argument
that names something which must already be on record, with the code it is refused with. A
command added without its entry fails `test_every_command_has_its_entry`, and an argument
naming something without its case `test_every_naming_argument_has_its_case`; a command that
names nothing on record has an empty entry, said so on purpose. Being on record is asked
first: a registered authority outside a membership is still refused by that rule, with its own
code (`OUTSIDE`).
"""

import inspect
from datetime import date, datetime
from typing import Any

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import DomainError, Provenance
from partnership.voting import DecisionRule
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock
from tests.integration.unknown_name_cases import (
    BODY,
    CONTRACT,
    COUNTY,
    DISTRICT,
    EMAIL,
    GAPS,
    HELD_ON,
    INQUIRY,
    MEETING,
    OUTSIDE,
    OUTSIDER,
    PAPER,
    PROJECT,
    SCRUTINY,
    SUPPLIER_MEETING,
    UNKNOWN,
    Known,
    P,
    decided,
    granted,
    held,
    milestone,
    planned,
    recommended,
    terms,
)

# Arguments that name something, by the name commands give them.
NAMING = {
    "partnership",
    "authority",
    "authorities",
    "owner_authority",
    "reported_by_authority",
    "body",
    "to_body",
    "parent_body",
    "meeting",
    "milestone",
    "project",
    "inquiry",
    "reference",
    "email",
    "grant_id",
    "decision_number",
    "terms",
}
# Those that bring what they name onto the record, or name what need not be on it.
CREATING = {
    ("open_inquiry", "body"),  # a scrutiny body is a name as the papers give it
    ("record_supplier_meeting", "meeting"),
    ("register_person", "email"),
    ("grant_role", "partnership"),  # only with a body: covered as "partnership (of a body)"
}


def command_names() -> set[str]:
    """The application's commands: each public method wrapped by `@command`."""
    return set(command_arguments())


def command_arguments() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, member in inspect.getmembers(PartnershipApplication):
        wrapped = getattr(member, "__wrapped__", None)
        if name.startswith("_") or wrapped is None:
            continue
        parameters = list(inspect.signature(wrapped).parameters)
        if "envelope" in parameters:
            found[name] = parameters
    return found


def test_every_command_has_its_entry() -> None:
    """A new command must say which of its arguments name something on record."""
    assert set(UNKNOWN) == command_names()


def test_every_naming_argument_has_its_case() -> None:
    missing = [
        (command, argument)
        for command, arguments in command_arguments().items()
        for argument in arguments
        if argument in NAMING
        and (command, argument) not in CREATING
        and not any(case.split(".")[0].split(" ")[0] == argument for case in UNKNOWN[command])
    ]
    assert missing == []


def record_the_world(app: PartnershipApplication, now: datetime) -> Known:
    """One of each thing a command may name, recorded before any name is asked about."""

    def on(day: date = date(2006, 1, 1)) -> Envelope:
        return Envelope(Provenance(day, "Minutes"), OFFICER, now)

    app.register_authority(name=COUNTY, kind="county", envelope=on())
    app.register_authority(name=DISTRICT, kind="district", envelope=on())
    app.form_partnership(name=P, purpose="Shared services", envelope=on())
    app.admit_member(partnership=P, authority=COUNTY, role="lead", envelope=on())
    app.admit_member(partnership=P, authority=DISTRICT, role="partner", envelope=on())
    app.establish_body(
        partnership=P, name=BODY, kind="joint_committee", parent_body=None, envelope=on()
    )
    for member in (COUNTY, DISTRICT):
        app.appoint_body_member(partnership=P, body=BODY, authority=member, envelope=on())
    app.adopt_decision_rule(
        partnership=P,
        body=BODY,
        rule=DecisionRule(1, electronic_response_days=30),
        envelope=on(),
    )
    app.record_meeting_held(**held(MEETING), envelope=on(HELD_ON))
    app.record_agenda_item(meeting=MEETING, number="1", title="Report", envelope=on(HELD_ON))
    decision = app.record_decision(**decided(), envelope=on(HELD_ON)).number
    app.start_project(
        partnership=P, name=PROJECT, description="D", authorities=[COUNTY], envelope=on()
    )
    app.plan_milestone(**planned(milestone()), envelope=on())
    app.open_inquiry(body=SCRUTINY, title=INQUIRY, envelope=on())
    app.make_recommendation(
        **recommended(number="1", owner_authority=COUNTY), envelope=on(date(2006, 2, 1))
    )
    app.award_contract(terms=terms(reference=CONTRACT), envelope=on(date(2004, 12, 1)))
    app.record_supplier_meeting(
        meeting=SUPPLIER_MEETING,
        authority_attendees=[{"person": "Ms Patel", "authority": COUNTY}],
        supplier_attendees=[],
        topics=[],
        envelope=on(SUPPLIER_MEETING.day),
    )
    action = app.raise_supplier_action(
        meeting=SUPPLIER_MEETING,
        text="Send the terms",
        owner="Northgate",
        owner_side="supplier",
        due_date=None,
        envelope=on(SUPPLIER_MEETING.day),
    ).number
    app.register_person(name="Ruth Hawes", email=EMAIL, authority=COUNTY, envelope=on())
    app.grant_role(**granted(), envelope=on())
    [grant] = app.get_person(EMAIL).grants.values()
    assert decision is not None
    assert action is not None
    return Known(decision=decision, action=action, grant_id=grant["grant_id"])


def test_every_command_refuses_every_name_not_on_record(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    known = record_the_world(app, clock())
    wrong: list[tuple[str, str, Any]] = []
    for command, arguments in UNKNOWN.items():
        for argument, (attempt, code) in arguments.items():
            head = app.head_position()
            try:
                attempt(app, known, Envelope(PAPER, OFFICER, clock()))
            except DomainError as refused:
                answered: Any = (refused.category, refused.code)
            else:
                answered = "recorded"
            recorded = app.head_position() != head
            gap = GAPS.get((command, argument))
            if gap is not None:
                # Answered as before, until fixed: then it must come off the list.
                if answered != gap or (recorded and gap != "recorded"):
                    wrong.append((command, argument, answered))
            elif answered != ("not_found", code) or recorded:
                wrong.append((command, argument, answered))
    assert wrong == [], "\n".join(map(str, wrong))


def test_a_registered_authority_outside_a_membership_is_judged_by_its_rule(
    runtime: Runtime, clock: MovableClock
) -> None:
    """Being on record comes first; a registered authority that is not a member of what the
    command concerns still breaks that rule, and is told so with the rule's own code."""
    app = runtime.app
    known = record_the_world(app, clock())
    app.register_authority(
        name=OUTSIDER,
        kind="district",
        envelope=Envelope(Provenance(date(2006, 1, 1), "Minutes"), OFFICER, clock()),
    )
    wrong: list[tuple[str, str, Any]] = []
    for (command, argument), (attempt, expected) in OUTSIDE.items():
        head = app.head_position()
        try:
            attempt(app, known, Envelope(PAPER, OFFICER, clock()))
        except DomainError as refused:
            answered: Any = (refused.category, refused.code)
        else:
            answered = "recorded"
        if answered != expected or app.head_position() != head:
            wrong.append((command, argument, answered))
    assert wrong == [], "\n".join(map(str, wrong))
