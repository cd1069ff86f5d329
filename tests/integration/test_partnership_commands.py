"""Authority and partnership commands: what is saved, and what is refused.

The helpers at the top build the Lancashire Shared Services Contact Centre partnership; the
governance and meeting tests build on them.
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.partnerships import (
    AlreadyAMember,
    AuthorityAlreadyRegistered,
    AuthorityNotFound,
    ChangeBeforeFormation,
    LeadAlreadyTaken,
    NotAMember,
    OutOfDateOrder,
    PartnershipAlreadyFormed,
    PartnershipNotFound,
    RoleUnchanged,
    VisionAlreadyRecorded,
)
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

pytestmark = pytest.mark.store_agnostic

LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
BURNLEY = "Burnley Borough Council"
# The papers name Chorley and Burnley among the six districts; these four are illustrative.
OTHER_DISTRICTS = (
    "Hyndburn Borough Council",
    "Pendle Borough Council",
    "Rossendale Borough Council",
    "Ribble Valley Borough Council",
)
LSSCC_MEMBERS = (LCC, CHORLEY, BURNLEY, *OTHER_DISTRICTS)
# A Pennine Lancashire authority (seed 000): registered, but no partner in the contact centre.
BLACKBURN = "Blackburn with Darwen Borough Council"

LSSCC = "Lancashire Shared Services Contact Centre"
LSSCC_PURPOSE = (
    "A virtual network between the County and the six districts, so that the County answers "
    "a district's calls when all its lines are busy; in phase two, partners deliver services "
    "for each other."
)
# Assumed: the papers do not date the formation; the CRM contract's start is used instead.
FORMED = date(2004, 12, 1)
FORMATION_PAPER = "LSSCC inter-authority agreement (formation date assumed)"

SUB_GROUP_DAY = date(2006, 10, 26)
SUB_GROUP_MINUTES = "Chorley Partnership Sub-Group minutes, 26 October 2006, item 6"
SCRUTINY_DAY = date(2007, 11, 20)
SCRUTINY_PAPER = "Chorley C&C Overview and Scrutiny Panel, 20 November 2007, item 6"


def paper(day: date, source: str = FORMATION_PAPER) -> Provenance:
    return Provenance(day, source)


def register_authorities(app: PartnershipApplication, now: datetime) -> None:
    app.register_authority(name=LCC, kind="county", envelope=Envelope(paper(FORMED), OFFICER, now))
    for name in (CHORLEY, BURNLEY, *OTHER_DISTRICTS):
        app.register_authority(
            name=name, kind="district", envelope=Envelope(paper(FORMED), OFFICER, now)
        )
    app.register_authority(
        name=BLACKBURN, kind="unitary", envelope=Envelope(paper(FORMED), OFFICER, now)
    )


def form_lsscc(app: PartnershipApplication, now: datetime) -> None:
    """The partnership with LCC as lead and the six districts as partners from its start."""
    register_authorities(app, now)
    app.form_partnership(
        name=LSSCC, purpose=LSSCC_PURPOSE, envelope=Envelope(paper(FORMED), OFFICER, now)
    )
    app.admit_member(
        partnership=LSSCC,
        authority=LCC,
        role="lead",
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    for name in (CHORLEY, BURNLEY, *OTHER_DISTRICTS):
        app.admit_member(
            partnership=LSSCC,
            authority=name,
            role="partner",
            envelope=Envelope(paper(FORMED), OFFICER, now),
        )


def refused(
    app: PartnershipApplication,
    error: type[DomainError],
    attempt: Callable[[], Any],
    field: str | None = None,
) -> DomainError:
    """`attempt` raises `error` (naming `field`, if given) and writes nothing at all."""
    before = app.head_position()
    with pytest.raises(error) as raised:
        attempt()
    assert app.head_position() == before
    assert raised.value.code == error.code
    if field is not None:
        assert raised.value.field == field
    return raised.value


# Authorities


def test_an_authority_is_registered_and_its_kind_corrected(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    before = app.head_position()
    registered = app.register_authority(
        name=CHORLEY, kind="county", envelope=Envelope(paper(FORMED), OFFICER, clock())
    )
    assert registered.position > before
    corrected = app.correct_authority(
        name=" chorley  borough council ",
        corrects_version=1,
        field="kind",
        value="district",
        reason="Chorley is a district council",
        envelope=Envelope(
            paper(SUB_GROUP_DAY, SUB_GROUP_MINUTES), OFFICER, clock(), expected_version=1
        ),
    )
    assert corrected.position == app.head_position() > registered.position
    authority = app.get_authority("CHORLEY BOROUGH COUNCIL")
    assert (authority.name, authority.kind, authority.version) == (CHORLEY, "district", 2)
    assert authority.registered_on == FORMED


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [
        (
            lambda app, now: app.register_authority(
                name="chorley borough council",
                kind="district",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            AuthorityAlreadyRegistered,
            "name",
        ),
        (
            lambda app, now: app.register_authority(
                name="Preston City Council",
                kind="city",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            InvalidInput,
            "kind",
        ),
        (
            lambda app, now: app.register_authority(
                name="Preston City Council",
                kind="district",
                envelope=Envelope(paper(date(2011, 9, 3)), OFFICER, now),
            ),
            InvalidInput,
            "effectiveDate",
        ),
        (
            lambda app, now: app.correct_authority(
                name="Preston City Council",
                corrects_version=1,
                field="kind",
                value="district",
                reason="Wrong",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            AuthorityNotFound,
            "authority",
        ),
        (
            lambda app, now: app.correct_authority(
                name=CHORLEY,
                corrects_version=1,
                field="name",
                value="Chorley Council",
                reason="Renamed",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            InvalidInput,
            "field",
        ),
        (
            lambda app, now: app.correct_authority(
                name=CHORLEY,
                corrects_version=1,
                field="kind",
                value="unitary",
                reason="Wrong",
                envelope=Envelope(paper(FORMED), OFFICER, now, expected_version=5),
            ),
            ConcurrentChange,
            "expectedVersion",
        ),
    ],
    ids=["twice", "bad-kind", "future", "unknown", "uncorrectable", "stale"],
)
def test_refused_authority_commands_write_nothing(
    runtime: Runtime, clock: MovableClock, attempt: Any, error: type[DomainError], field: str
) -> None:
    runtime.app.register_authority(
        name=CHORLEY, kind="district", envelope=Envelope(paper(FORMED), OFFICER, clock())
    )
    refused(runtime.app, error, lambda: attempt(runtime.app, clock()), field)
    assert runtime.app.get_authority(CHORLEY).version == 1


# Partnerships


def test_a_partnership_is_formed_with_its_vision_members_and_roles(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    register_authorities(app, now)
    before = app.head_position()
    formed = app.form_partnership(
        name=LSSCC, purpose=LSSCC_PURPOSE, envelope=Envelope(paper(FORMED), OFFICER, now)
    )
    assert formed.position > before
    # Joining under the registered name, whatever the spelling given.
    app.admit_member(
        partnership=LSSCC,
        authority="lancashire county council",
        role="lead",
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    app.admit_member(
        partnership=LSSCC,
        authority=CHORLEY,
        role="partner",
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    app.admit_member(
        partnership=LSSCC,
        authority=BURNLEY,
        role="partner",
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    app.state_vision(
        partnership=LSSCC,
        vision_statement="For customers to access all services from a single point",
        envelope=Envelope(paper(SUB_GROUP_DAY, SUB_GROUP_MINUTES), OFFICER, now),
    )
    app.state_vision(
        partnership=LSSCC,
        vision_statement=(
            "A three year vision statement, with an action plan, aiming for shared information "
            "services"
        ),
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now),
    )
    app.change_member_role(
        partnership=LSSCC,
        authority=CHORLEY,
        role="host",
        envelope=Envelope(paper(date(2007, 2, 1)), OFFICER, now),
    )
    left = app.record_member_leaving(
        partnership=LSSCC,
        authority=BURNLEY,
        reason="Illustrative: left the partnership",
        envelope=Envelope(paper(date(2011, 3, 31)), OFFICER, now),
    )
    corrected = app.correct_partnership(
        partnership=LSSCC,
        corrects_version=1,
        field="purpose",
        value="Shared customer access between the County and the districts",
        reason="The purpose was summarised wrongly",
        envelope=Envelope(
            paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now, expected_version=left.version
        ),
    )
    assert corrected.position == app.head_position() > left.position

    partnership = app.get_partnership("lancashire shared services contact centre")
    assert partnership.version == corrected.version == 9
    assert partnership.purpose == "Shared customer access between the County and the districts"
    assert partnership.vision_on(date(2007, 1, 1)) == (
        "For customers to access all services from a single point"
    )
    assert str(partnership.vision).startswith("A three year")
    assert partnership.member_authorities(date(2010, 1, 1)) == [BURNLEY, CHORLEY, LCC]
    assert partnership.member_authorities(date(2011, 3, 31)) == [CHORLEY, LCC]
    assert partnership.lead_on(date(2008, 1, 1)) == LCC
    assert (
        partnership.role_on(CHORLEY, date(2007, 1, 31)),
        partnership.role_on(CHORLEY, date(2007, 2, 1)),
    ) == ("partner", "host")
    assert partnership.memberships[2]["leaving_reason"] == "Illustrative: left the partnership"


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [
        (
            lambda app, now: app.form_partnership(
                name=" lancashire shared services  contact centre",
                purpose="Again",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            PartnershipAlreadyFormed,
            "name",
        ),
        (
            lambda app, now: app.form_partnership(
                name="Pennine Lancashire IT Services",
                purpose=" ",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            InvalidInput,
            "purpose",
        ),
        (
            lambda app, now: app.state_vision(
                partnership="Pennine Lancashire IT Services",
                vision_statement="Shared IT",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            PartnershipNotFound,
            "partnership",
        ),
        (
            lambda app, now: app.state_vision(
                partnership=LSSCC,
                vision_statement="A single point of access",
                envelope=Envelope(paper(SUB_GROUP_DAY), OFFICER, now),
            ),
            VisionAlreadyRecorded,
            "visionStatement",
        ),
        (
            lambda app, now: app.state_vision(
                partnership=LSSCC,
                vision_statement="Earlier",
                envelope=Envelope(paper(date(2004, 11, 30)), OFFICER, now),
            ),
            ChangeBeforeFormation,
            "effectiveDate",
        ),
        (
            lambda app, now: app.admit_member(
                partnership=LSSCC,
                authority="Preston City Council",
                role="partner",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            AuthorityNotFound,
            "authority",
        ),
        (
            lambda app, now: app.admit_member(
                partnership=LSSCC,
                authority="chorley borough council",
                role="partner",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            AlreadyAMember,
            "authority",
        ),
        (
            lambda app, now: app.admit_member(
                partnership=LSSCC,
                authority=BLACKBURN,
                role="lead",
                envelope=Envelope(paper(date(2008, 1, 1)), OFFICER, now),
            ),
            LeadAlreadyTaken,
            "role",
        ),
        (
            lambda app, now: app.admit_member(
                partnership=LSSCC,
                authority=BLACKBURN,
                role="partner",
                envelope=Envelope(paper(date(2011, 9, 3)), OFFICER, now),
            ),
            InvalidInput,
            "effectiveDate",
        ),
        (
            lambda app, now: app.change_member_role(
                partnership=LSSCC,
                authority=CHORLEY,
                role="partner",
                envelope=Envelope(paper(date(2008, 1, 1)), OFFICER, now),
            ),
            RoleUnchanged,
            "role",
        ),
        (
            lambda app, now: app.change_member_role(
                partnership=LSSCC,
                authority=BLACKBURN,
                role="host",
                envelope=Envelope(paper(date(2008, 1, 1)), OFFICER, now),
            ),
            NotAMember,
            "authority",
        ),
        (
            lambda app, now: app.record_member_leaving(
                partnership=LSSCC,
                authority=CHORLEY,
                reason="Left",
                envelope=Envelope(paper(date(2004, 11, 1)), OFFICER, now),
            ),
            OutOfDateOrder,
            "effectiveDate",
        ),
        (
            lambda app, now: app.record_member_leaving(
                partnership=LSSCC,
                authority=BLACKBURN,
                reason="Left",
                envelope=Envelope(paper(date(2008, 1, 1)), OFFICER, now),
            ),
            NotAMember,
            "authority",
        ),
        (
            lambda app, now: app.correct_partnership(
                partnership=LSSCC,
                corrects_version=1,
                field="name",
                value="LSSCC",
                reason="Shorter",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            InvalidInput,
            "field",
        ),
        (
            lambda app, now: app.correct_partnership(
                partnership=LSSCC,
                corrects_version=1,
                field="purpose",
                value="Shared services",
                reason="Wrong",
                envelope=Envelope(paper(FORMED), OFFICER, now, expected_version=3),
            ),
            ConcurrentChange,
            "expectedVersion",
        ),
    ],
    ids=[
        "formed-twice",
        "no-purpose",
        "unknown-partnership",
        "same-vision-same-day",
        "vision-before-formation",
        "unregistered-authority",
        "already-a-member",
        "second-lead",
        "future-admission",
        "role-unchanged",
        "role-of-non-member",
        "leaving-before-joining",
        "non-member-leaving",
        "uncorrectable",
        "stale",
    ],
)
def test_refused_partnership_commands_write_nothing(
    runtime: Runtime, clock: MovableClock, attempt: Any, error: type[DomainError], field: str
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    app.state_vision(
        partnership=LSSCC,
        vision_statement="A single point of access",
        envelope=Envelope(paper(SUB_GROUP_DAY), OFFICER, now),
    )
    version = app.get_partnership(LSSCC).version
    refused(app, error, lambda: attempt(app, now), field)
    assert app.get_partnership(LSSCC).version == version
