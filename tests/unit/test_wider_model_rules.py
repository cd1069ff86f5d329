"""A wider model, by its rules: bodies and projects of one authority alone, several roles held
by one member at once, and recurring practices. The commands run on a log in memory."""

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.governance import (
    GoverningBody,
    GoverningBodyNotFound,
    authority_body_id,
    governing_body_id,
)
from partnership.partnerships import (
    HOST,
    LEAD,
    PARTNER,
    AuthorityNotFound,
    BodyAlreadyEstablished,
    LastRoleHeld,
    LeadAlreadyTaken,
    OutOfDateOrder,
    Partnership,
    RoleAlreadyHeld,
    RoleNotHeld,
)
from partnership.practices import (
    Cadence,
    Practice,
    PracticeAlreadyEnded,
    PracticeAlreadyRecorded,
    PracticeEndsBeforeStart,
    PracticeNotFound,
)
from partnership.projects import Project, ProjectAlreadyStarted, authority_project_id, project_id

OFFICER = Actor("Ruth Hawes", "Hart District Council", "ruth-hawes")
NOW = datetime(2011, 9, 2, 9, 0, tzinfo=UTC)
HAMPSHIRE = "Hampshire County Council"
HART = "Hart District Council"
RUSHMOOR = "Rushmoor Borough Council"
PARTNERSHIP = "Hampshire Shared Services"
FORMED = date(2007, 4, 1)
EXECUTIVE = "Executive"
LIBERATA_MEETING = "Weekly supplier meeting with Liberata"


def paper(day: date, source: str = "Cabinet minutes") -> Provenance:
    return Provenance(day, source)


def sent(day: date) -> Envelope:
    return Envelope(paper(day), OFFICER, NOW)


@pytest.fixture
def app() -> PartnershipApplication:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    app.register_authority(name=HAMPSHIRE, kind="county", envelope=sent(FORMED))
    for district in (HART, RUSHMOOR):
        app.register_authority(name=district, kind="district", envelope=sent(FORMED))
    app.form_partnership(name=PARTNERSHIP, purpose="Shared back office", envelope=sent(FORMED))
    return app


def refused(
    app: PartnershipApplication,
    error: type[DomainError],
    attempt: Callable[[], Any],
    field: str | None = None,
) -> DomainError:
    """`attempt` raises `error` with its code (naming `field`, if given) and writes nothing."""
    before = app.head_position()
    with pytest.raises(error) as raised:
        attempt()
    assert app.head_position() == before
    assert raised.value.code == error.code
    if field is not None:
        assert raised.value.field == field
    return raised.value


# Bodies and projects of one authority


def test_an_authority_establishes_its_own_body_named_as_registered(
    app: PartnershipApplication,
) -> None:
    app.establish_body(
        authority="  hart district   COUNCIL ",
        name=EXECUTIVE,
        kind="executive",
        envelope=sent(FORMED),
    )
    body = app.repository.get(authority_body_id(HART, EXECUTIVE))
    assert isinstance(body, GoverningBody)
    assert (body.partnership, body.authority, body.name, body.kind) == (
        None,
        HART,
        EXECUTIVE,
        "executive",
    )
    # The same name under another authority, or in a partnership, is another body.
    app.establish_body(authority=RUSHMOOR, name=EXECUTIVE, kind="executive", envelope=sent(FORMED))
    app.establish_body(partnership=PARTNERSHIP, name=EXECUTIVE, kind="other", envelope=sent(FORMED))
    assert len({authority_body_id(HART, EXECUTIVE), authority_body_id(RUSHMOOR, EXECUTIVE)}) == 2
    assert governing_body_id(PARTNERSHIP, EXECUTIVE) != authority_body_id(PARTNERSHIP, EXECUTIVE)
    refused(
        app,
        BodyAlreadyEstablished,
        lambda: app.establish_body(
            authority=HART, name="executive", kind="council", envelope=sent(FORMED)
        ),
        "bodyName",
    )


def test_a_body_belongs_to_exactly_one_owner(app: PartnershipApplication) -> None:
    both = refused(
        app,
        InvalidInput,
        lambda: app.establish_body(
            partnership=PARTNERSHIP,
            authority=HART,
            name=EXECUTIVE,
            kind="executive",
            envelope=sent(FORMED),
        ),
        "authority",
    )
    assert "not both" in both.message
    refused(
        app,
        InvalidInput,
        lambda: app.establish_body(name=EXECUTIVE, kind="executive", envelope=sent(FORMED)),
        "partnership",
    )
    # A blank owner is no owner.
    refused(
        app,
        InvalidInput,
        lambda: app.establish_body(
            partnership=" ", authority="", name=EXECUTIVE, kind="executive", envelope=sent(FORMED)
        ),
        "partnership",
    )


def test_an_unregistered_authority_owns_nothing(app: PartnershipApplication) -> None:
    refused(
        app,
        AuthorityNotFound,
        lambda: app.establish_body(
            authority="Fleet Town Council", name=EXECUTIVE, kind="executive", envelope=sent(FORMED)
        ),
        "authority",
    )
    refused(
        app,
        AuthorityNotFound,
        lambda: app.start_project(
            authority="Fleet Town Council",
            name="Channel shift",
            description="Fewer calls",
            authorities=[HART],
            envelope=sent(FORMED),
        ),
        "authority",
    )


def test_an_authority_body_reports_to_another_of_its_own(app: PartnershipApplication) -> None:
    panel = "Overview and Scrutiny Committee"
    app.establish_body(authority=HART, name=panel, kind="scrutiny_panel", envelope=sent(FORMED))
    app.establish_body(
        authority=HART,
        name="Shared Services Task Group",
        kind="scrutiny_sub_group",
        parent_body="overview and scrutiny committee",
        envelope=sent(date(2008, 1, 1)),
    )
    group = app.repository.get(authority_body_id(HART, "Shared Services Task Group"))
    assert group.parent_body == panel
    # Another authority's body, or one not yet established, is no parent.
    refused(
        app,
        GoverningBodyNotFound,
        lambda: app.establish_body(
            authority=RUSHMOOR,
            name="Task Group",
            kind="scrutiny_sub_group",
            parent_body=panel,
            envelope=sent(date(2008, 1, 1)),
        ),
        "parentBody",
    )


def test_a_body_established_before_owners_could_be_authorities_still_loads() -> None:
    """An Established event without `authority` (as recorded before) is a partnership's."""
    body = GoverningBody.establish(
        PARTNERSHIP, "Joint Committee", "joint_committee", None, paper(FORMED), OFFICER
    )
    established = body.collect_events()[0]
    state = dict(established.__dict__)
    del state["authority"]
    old = object.__new__(GoverningBody.Established)
    object.__setattr__(old, "__dict__", state)
    loaded = old.mutate(None)
    assert loaded is not None
    assert (loaded.partnership, loaded.authority, loaded.id) == (
        PARTNERSHIP,
        None,
        governing_body_id(PARTNERSHIP, "Joint Committee"),
    )


def test_an_authority_starts_its_own_project_with_any_registered_authorities(
    app: PartnershipApplication,
) -> None:
    app.start_project(
        authority=HART,
        name="Channel shift",
        description="Move enquiries to the web",
        authorities=["hart district council", RUSHMOOR],
        envelope=sent(date(2008, 4, 1)),
    )
    project = app.repository.get(authority_project_id(HART, "Channel shift"))
    assert isinstance(project, Project)
    assert (project.partnership, project.authority, project.authorities) == (
        None,
        HART,
        [HART, RUSHMOOR],
    )
    assert authority_project_id(HART, "Channel shift") != project_id(HART, "Channel shift")
    refused(
        app,
        ProjectAlreadyStarted,
        lambda: app.start_project(
            authority=HART,
            name="channel shift",
            description="Again",
            authorities=[HART],
            envelope=sent(date(2008, 4, 1)),
        ),
        "name",
    )
    refused(
        app,
        AuthorityNotFound,
        lambda: app.start_project(
            authority=HART,
            name="Web chat",
            description="Chat",
            authorities=["Nowhere Council"],
            envelope=sent(date(2008, 4, 1)),
        ),
        "authorities",
    )
    refused(
        app,
        InvalidInput,
        lambda: app.start_project(
            partnership=PARTNERSHIP,
            authority=HART,
            name="Web chat",
            description="Chat",
            authorities=[HART],
            envelope=sent(date(2008, 4, 1)),
        ),
        "authority",
    )


# Several roles at once


def test_the_county_is_lead_and_host_at_once(app: PartnershipApplication) -> None:
    app.admit_member(
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role=LEAD,
        additional_roles=[HOST],
        envelope=sent(FORMED),
    )
    app.admit_member(partnership=PARTNERSHIP, authority=HART, role=PARTNER, envelope=sent(FORMED))
    partnership = app.repository.get(Partnership.create_id(PARTNERSHIP))
    assert partnership.roles_on(HAMPSHIRE, FORMED) == [LEAD, HOST]
    assert partnership.role_on(HAMPSHIRE, FORMED) == LEAD
    assert partnership.lead_on(FORMED) == HAMPSHIRE
    # Hart takes on hosting too; nobody else may take the lead while the county holds it.
    app.give_member_role(
        partnership=PARTNERSHIP, authority=HART, role=HOST, envelope=sent(date(2008, 4, 1))
    )
    refused(
        app,
        LeadAlreadyTaken,
        lambda: app.give_member_role(
            partnership=PARTNERSHIP, authority=HART, role=LEAD, envelope=sent(date(2008, 4, 1))
        ),
        "role",
    )
    app.take_member_role(
        partnership=PARTNERSHIP, authority=HAMPSHIRE, role=HOST, envelope=sent(date(2009, 4, 1))
    )
    partnership = app.repository.get(Partnership.create_id(PARTNERSHIP))
    assert partnership.roles_on(HART, date(2008, 3, 31)) == [PARTNER]
    assert partnership.roles_on(HART, date(2008, 4, 1)) == [HOST, PARTNER]
    assert partnership.roles_on(HAMPSHIRE, date(2009, 3, 31)) == [LEAD, HOST]
    assert partnership.roles_on(HAMPSHIRE, date(2009, 4, 1)) == [LEAD]
    held = partnership.memberships[0]["roles"]
    assert [(r["role"], r["effective_date"], r["until"]) for r in held] == [
        (LEAD, FORMED, None),
        (HOST, FORMED, date(2009, 4, 1)),
    ]


def test_giving_and_taking_roles_is_refused_where_it_makes_no_sense(
    app: PartnershipApplication,
) -> None:
    app.admit_member(partnership=PARTNERSHIP, authority=HART, role=PARTNER, envelope=sent(FORMED))
    refused(
        app,
        RoleAlreadyHeld,
        lambda: app.give_member_role(
            partnership=PARTNERSHIP, authority=HART, role=PARTNER, envelope=sent(FORMED)
        ),
        "role",
    )
    refused(
        app,
        RoleNotHeld,
        lambda: app.take_member_role(
            partnership=PARTNERSHIP, authority=HART, role=HOST, envelope=sent(FORMED)
        ),
        "role",
    )
    refused(
        app,
        LastRoleHeld,
        lambda: app.take_member_role(
            partnership=PARTNERSHIP, authority=HART, role=PARTNER, envelope=sent(FORMED)
        ),
        "role",
    )
    app.give_member_role(
        partnership=PARTNERSHIP, authority=HART, role=HOST, envelope=sent(date(2008, 4, 1))
    )
    refused(
        app,
        OutOfDateOrder,
        lambda: app.take_member_role(
            partnership=PARTNERSHIP, authority=HART, role=HOST, envelope=sent(date(2008, 3, 1))
        ),
        "effectiveDate",
    )
    refused(
        app,
        InvalidInput,
        lambda: app.admit_member(
            partnership=PARTNERSHIP,
            authority=RUSHMOOR,
            role=HOST,
            additional_roles=[HOST],
            envelope=sent(FORMED),
        ),
        "additionalRoles",
    )
    refused(
        app,
        InvalidInput,
        lambda: app.admit_member(
            partnership=PARTNERSHIP,
            authority=RUSHMOOR,
            role=PARTNER,
            additional_roles=["chair"],
            envelope=sent(FORMED),
        ),
        "additionalRoles",
    )


def test_a_change_of_role_ends_every_role_held(app: PartnershipApplication) -> None:
    app.admit_member(
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role=LEAD,
        additional_roles=[HOST],
        envelope=sent(FORMED),
    )
    app.change_member_role(
        partnership=PARTNERSHIP, authority=HAMPSHIRE, role=PARTNER, envelope=sent(date(2010, 4, 1))
    )
    partnership = app.repository.get(Partnership.create_id(PARTNERSHIP))
    assert partnership.roles_on(HAMPSHIRE, date(2010, 3, 31)) == [LEAD, HOST]
    assert partnership.roles_on(HAMPSHIRE, date(2010, 4, 1)) == [PARTNER]


def test_an_admission_recorded_with_one_role_loads_as_one_role() -> None:
    partnership = Partnership.form(PARTNERSHIP, "Shared back office", paper(FORMED), OFFICER)
    partnership.admit_member(HART, HOST, paper(FORMED), OFFICER)
    admitted = partnership.collect_events()[-1]
    state = dict(admitted.__dict__)
    del state["additional_roles"]
    old = object.__new__(Partnership.MemberAdmitted)
    object.__setattr__(old, "__dict__", state)
    replayed = Partnership.form(PARTNERSHIP, "Shared back office", paper(FORMED), OFFICER)
    replayed.collect_events()
    old.apply(replayed)
    assert replayed.roles_on(HART, FORMED) == [HOST]


# Recurring practices


def weekly_liberata(app: PartnershipApplication, **given: Any) -> None:
    arguments: dict[str, Any] = {
        "name": LIBERATA_MEETING,
        "kind": "supplier_meeting",
        "authorities": [HART],
        "suppliers": ["Liberata"],
        "cadence": "weekly",
        "starts_on": date(2008, 4, 1),
        "envelope": sent(date(2008, 3, 20)),
    }
    app.record_practice(**(arguments | given))


def test_a_weekly_supplier_meeting_runs_until_further_notice(app: PartnershipApplication) -> None:
    weekly_liberata(app, authorities=["HART district council"])
    practice = app.get_practice(LIBERATA_MEETING.upper())
    assert (practice.authorities, practice.suppliers) == ([HART], ["Liberata"])
    assert practice.cadence == Cadence(1, "week")
    assert (practice.starts_on, practice.ends_on) == (date(2008, 4, 1), None)
    assert not practice.runs_on(date(2008, 3, 31))
    assert practice.runs_on(date(2030, 1, 1))
    app.end_practice(
        name=LIBERATA_MEETING,
        ends_on=date(2010, 3, 31),
        reason="Contract ended",
        envelope=sent(date(2010, 3, 1)),
    )
    practice = app.get_practice(LIBERATA_MEETING)
    assert practice.ends_on == date(2010, 3, 31)
    assert practice.runs_on(date(2010, 3, 31))
    assert not practice.runs_on(date(2010, 4, 1))
    refused(
        app,
        PracticeAlreadyEnded,
        lambda: app.end_practice(
            name=LIBERATA_MEETING,
            ends_on=date(2011, 3, 31),
            reason="Again",
            envelope=sent(date(2011, 3, 1)),
        ),
        "name",
    )


@pytest.mark.parametrize(
    ("cadence", "every", "expected", "words"),
    [
        ("weekly", None, Cadence(1, "week"), "weekly"),
        ("fortnightly", None, Cadence(2, "week"), "fortnightly"),
        ("monthly", None, Cadence(1, "month"), "monthly"),
        ("quarterly", None, Cadence(3, "month"), "quarterly"),
        ("every_n_weeks", 6, Cadence(6, "week"), "every 6 weeks"),
        ("every_n_months", 2, Cadence(2, "month"), "every 2 months"),
        ("every_n_weeks", 2, Cadence(2, "week"), "fortnightly"),
    ],
)
def test_every_cadence_reads_back_in_words(
    cadence: str, every: int | None, expected: Cadence, words: str
) -> None:
    found = Cadence.of(cadence, every)
    assert found == expected
    assert found.describe() == words


@pytest.mark.parametrize(
    ("cadence", "every", "field"),
    [
        ("daily", None, "cadence"),
        ("weekly", 2, "every"),
        ("every_n_weeks", None, "every"),
        ("every_n_weeks", 0, "every"),
        ("every_n_weeks", 53, "every"),
        ("every_n_months", 13, "every"),
        ("every_n_months", True, "every"),
    ],
)
def test_a_cadence_that_says_nothing_sensible_is_refused(
    cadence: str, every: Any, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        Cadence.of(cadence, every)
    assert raised.value.field == field


def test_a_practice_is_refused_for_what_cannot_be(app: PartnershipApplication) -> None:
    refused(
        app,
        PracticeEndsBeforeStart,
        lambda: weekly_liberata(app, ends_on=date(2008, 3, 31)),
        "endsOn",
    )
    refused(
        app,
        AuthorityNotFound,
        lambda: weekly_liberata(app, authorities=[HART, "Fleet Town Council"]),
        "authorities",
    )
    refused(app, InvalidInput, lambda: weekly_liberata(app, authorities=[]), "authorities")
    refused(
        app,
        InvalidInput,
        lambda: weekly_liberata(app, authorities=[HART, "hart district council"]),
        "authorities",
    )
    refused(app, InvalidInput, lambda: weekly_liberata(app, suppliers=[]), "suppliers")
    refused(app, InvalidInput, lambda: weekly_liberata(app, kind="ritual"), "kind")
    refused(app, InvalidInput, lambda: weekly_liberata(app, cadence="hourly"), "cadence")
    refused(app, InvalidInput, lambda: weekly_liberata(app, name="  "), "name")
    weekly_liberata(app)
    refused(app, PracticeAlreadyRecorded, lambda: weekly_liberata(app, cadence="monthly"), "name")
    refused(
        app,
        PracticeNotFound,
        lambda: app.end_practice(
            name="Monthly meeting with Capita",
            ends_on=date(2010, 1, 1),
            reason="Never was",
            envelope=sent(date(2010, 1, 1)),
        ),
        "name",
    )
    refused(
        app,
        PracticeEndsBeforeStart,
        lambda: app.end_practice(
            name=LIBERATA_MEETING,
            ends_on=date(2008, 3, 1),
            reason="Too early",
            envelope=sent(date(2010, 1, 1)),
        ),
        "endsOn",
    )


def test_an_other_practice_needs_no_supplier(app: PartnershipApplication) -> None:
    app.record_practice(
        name="Quarterly finance officers' meeting",
        kind="other",
        authorities=[HART, RUSHMOOR],
        suppliers=[],
        cadence="quarterly",
        starts_on=date(2008, 4, 1),
        ends_on=date(2009, 3, 31),
        envelope=sent(date(2008, 3, 1)),
    )
    practice: Practice = app.get_practice("quarterly finance officers' meeting")
    assert (practice.kind, practice.cadence.describe(), practice.ends_on) == (
        "other",
        "quarterly",
        date(2009, 3, 31),
    )
