"""A wider model read back, on both stores: bodies and projects of one authority alone, several
roles held by one member at once, and recurring practices; each seen only by those who see
its owner (or the authorities taking part), and rebuilt in small batches as in one."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from partnership.access import Grant, Principal, Role, ScopeKind
from partnership.commands.envelope import Envelope
from partnership.domain import InvalidInput, Provenance
from partnership.partnerships import AuthorityNotFound, PartnershipNotFound
from projections.bodies import GoverningBodiesProjection, governing_bodies
from projections.delivery import DeliveryRegistersProjection
from projections.partnerships import PartnershipsRegisterProjection, partnerships_register
from projections.practices import PracticesRegisterProjection, practices_register
from projections.projects import projects_register
from projections.read import (
    EVERYTHING,
    NOTHING,
    BodyFilter,
    PageRequest,
    PracticeFilter,
    ProjectFilter,
    Visibility,
    bodies_page,
    partnership_named,
    practices_page,
    projects_page,
    visibility_of,
)
from projections.read.partnerships import memberships, roles_on
from projections.read.practices import PracticeSupplierNotFound
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

HAMPSHIRE = "Hampshire County Council"
# In no partnership of the record, and owning nothing in it.
BASINGSTOKE = "Basingstoke and Deane Borough Council"
HART = "Hart District Council"
RUSHMOOR = "Rushmoor Borough Council"
PARTNERSHIP = "Hampshire Shared Services"
FORMED = date(2007, 4, 1)
EXECUTIVE = "Executive"
HOSTING_ENDS = date(2009, 4, 1)
LIBERATA = "Weekly supplier meeting with Liberata"
FINANCE = "Quarterly finance officers' meeting"


def paper(day: date) -> Provenance:
    return Provenance(day, "Cabinet minutes")


def the_record(runtime: Runtime, clock: MovableClock) -> None:
    app = runtime.app
    now = clock()

    def sent(day: date) -> Envelope:
        return Envelope(paper(day), OFFICER, now)

    app.register_authority(name=HAMPSHIRE, kind="county", envelope=sent(FORMED))
    for district in (HART, RUSHMOOR):
        app.register_authority(name=district, kind="district", envelope=sent(FORMED))
    app.form_partnership(name=PARTNERSHIP, purpose="Shared back office", envelope=sent(FORMED))
    app.admit_member(
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role="lead",
        additional_roles=["host"],
        envelope=sent(FORMED),
    )
    app.admit_member(
        partnership=PARTNERSHIP, authority=RUSHMOOR, role="partner", envelope=sent(FORMED)
    )
    app.take_member_role(
        partnership=PARTNERSHIP, authority=HAMPSHIRE, role="host", envelope=sent(HOSTING_ENDS)
    )
    app.give_member_role(
        partnership=PARTNERSHIP, authority=RUSHMOOR, role="host", envelope=sent(HOSTING_ENDS)
    )
    app.establish_body(
        partnership=PARTNERSHIP,
        name="Joint Committee",
        kind="joint_committee",
        envelope=sent(FORMED),
    )
    app.establish_body(authority=HART, name=EXECUTIVE, kind="executive", envelope=sent(FORMED))
    app.establish_body(authority=RUSHMOOR, name=EXECUTIVE, kind="executive", envelope=sent(FORMED))
    app.start_project(
        authority=HART,
        name="Channel shift",
        description="Move enquiries to the web",
        authorities=[HART],
        envelope=sent(date(2008, 4, 1)),
    )
    app.start_project(
        partnership=PARTNERSHIP,
        name="Shared payroll",
        description="One payroll for both",
        authorities=[HAMPSHIRE, RUSHMOOR],
        envelope=sent(date(2008, 4, 1)),
    )
    app.record_practice(
        name=LIBERATA,
        kind="supplier_meeting",
        authorities=[HART],
        suppliers=["Liberata"],
        cadence="weekly",
        starts_on=date(2008, 4, 1),
        envelope=sent(date(2008, 3, 20)),
    )
    app.record_practice(
        name=FINANCE,
        kind="other",
        authorities=[RUSHMOOR, HAMPSHIRE],
        suppliers=[],
        cadence="every_n_months",
        every=3,
        starts_on=date(2008, 4, 1),
        envelope=sent(date(2008, 3, 20)),
    )
    app.end_practice(
        name=FINANCE,
        ends_on=date(2010, 3, 31),
        reason="Merged into the Joint Committee's work",
        envelope=sent(date(2010, 3, 1)),
    )


def person(authority: str, *grants: Grant) -> Principal:
    return Principal("person-1", "A Person", "a.person@example.org", authority, grants)


def grant(role: Role, kind: ScopeKind, scope: str | None) -> Grant:
    return Grant("grant-1", role, kind, scope, date(2010, 1, 4))


def names(page: Any) -> list[tuple[str | None, str | None, str]]:
    return [(row["partnership"], row["authority"], row["name"]) for row in page.rows]


def test_bodies_and_projects_show_their_owner_and_filter_by_authority(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    hart_people = Visibility(False, authorities=frozenset({HART}))
    with runtime.store.reader.connect() as conn:
        every = bodies_page(conn, BodyFilter(), PageRequest())
        of_hart = bodies_page(conn, BodyFilter(authority="hart DISTRICT council"), PageRequest())
        of_partnership = bodies_page(conn, BodyFilter(partnership=PARTNERSHIP), PageRequest())
        seen_by_hart = bodies_page(conn, BodyFilter(), PageRequest(), visible=hart_people)
        paged = bodies_page(conn, BodyFilter(), PageRequest(first=2))
        rest = bodies_page(conn, BodyFilter(), PageRequest(first=2, after=paged.cursors[-1]))
        projects = projects_page(conn, ProjectFilter(), PageRequest())
        hart_projects = projects_page(conn, ProjectFilter(authority=HART), PageRequest())
        projects_hart_sees = projects_page(
            conn, ProjectFilter(), PageRequest(), visible=hart_people
        )
        with pytest.raises(AuthorityNotFound):
            bodies_page(conn, BodyFilter(authority="Fleet Town Council"), PageRequest())
        with pytest.raises(AuthorityNotFound):
            # An authority one does not see is answered as one not on record.
            projects_page(
                conn, ProjectFilter(authority=RUSHMOOR), PageRequest(), visible=hart_people
            )

    # Listed by owner, then by name: Hampshire Shared Services, Hart, Rushmoor.
    assert names(every) == [
        (PARTNERSHIP, None, "Joint Committee"),
        (None, HART, EXECUTIVE),
        (None, RUSHMOOR, EXECUTIVE),
    ]
    assert names(of_hart) == [(None, HART, EXECUTIVE)]
    assert names(of_partnership) == [(PARTNERSHIP, None, "Joint Committee")]
    assert names(seen_by_hart) == [(None, HART, EXECUTIVE)]
    assert names(paged) + names(rest) == names(every)
    assert paged.has_next_page
    assert not rest.has_next_page
    assert names(projects) == [
        (PARTNERSHIP, None, "Shared payroll"),
        (None, HART, "Channel shift"),
    ]
    assert names(hart_projects) == [(None, HART, "Channel shift")]
    assert names(projects_hart_sees) == [(None, HART, "Channel shift")]
    executive = of_hart.rows[0]
    assert (executive["kind"], executive["established_on"], executive["owner"]) == (
        "executive",
        FORMED,
        HART,
    )


def test_who_sees_an_authoritys_own_body(runtime: Runtime, clock: MovableClock) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:

        def bodies_seen_by(principal: Principal) -> list[tuple[str | None, str | None, str]]:
            visible = visibility_of(conn, principal)
            return names(bodies_page(conn, BodyFilter(), PageRequest(), visible=visible))

        hart_secretary = bodies_seen_by(
            person(BASINGSTOKE, grant(Role.SECRETARY, ScopeKind.AUTHORITY, HART))
        )
        without_a_grant = bodies_seen_by(person(BASINGSTOKE))
        hart_board_member = bodies_seen_by(
            person(HART, grant(Role.BOARD_MEMBER, ScopeKind.AUTHORITY, HART))
        )
        partnership_board = bodies_seen_by(
            person(HART, grant(Role.BOARD_MEMBER, ScopeKind.PARTNERSHIP, PARTNERSHIP))
        )
        auditor = bodies_seen_by(person(HART, grant(Role.AUDITOR, ScopeKind.EVERYTHING, None)))
        with pytest.raises(PartnershipNotFound):
            bodies_page(
                conn,
                BodyFilter(partnership=PARTNERSHIP),
                PageRequest(),
                visible=visibility_of(conn, person(HART)),
            )

    # A grant on Hart sees Hart's own bodies, and neither the partnership's (Hart is no member)
    # nor Rushmoor's Executive.
    assert hart_secretary == [(None, HART, EXECUTIVE)]
    assert without_a_grant == []
    assert hart_board_member == [(None, HART, EXECUTIVE)]
    # The partnership's people see its members' own bodies, as they see its members' contracts.
    assert partnership_board == [
        (PARTNERSHIP, None, "Joint Committee"),
        (None, HART, EXECUTIVE),
        (None, RUSHMOOR, EXECUTIVE),
    ]
    assert len(auditor) == 3


def test_a_member_holds_several_roles_over_time(runtime: Runtime, clock: MovableClock) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        row = partnership_named(conn, PARTNERSHIP, EVERYTHING)
    assert row is not None
    county, rushmoor = memberships(row["memberships"])
    assert county["roles"] == [
        {"role": "lead", "effective_date": FORMED, "until": None},
        {"role": "host", "effective_date": FORMED, "until": HOSTING_ENDS},
    ]
    assert roles_on(county, HOSTING_ENDS - date.resolution) == ["lead", "host"]
    assert roles_on(county, HOSTING_ENDS) == ["lead"]
    assert roles_on(rushmoor, HOSTING_ENDS - date.resolution) == ["partner"]
    assert roles_on(rushmoor, HOSTING_ENDS) == ["host", "partner"]


def test_practices_read_back_with_their_cadence_and_filters(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    hart_people = Visibility(False, authorities=frozenset({HART}))

    def practice_names(page: Any) -> list[str]:
        return [row["name"] for row in page.rows]

    with runtime.store.reader.connect() as conn:
        every = practices_page(conn, PracticeFilter(), PageRequest())
        with_liberata = practices_page(conn, PracticeFilter(supplier="  LIBERATA "), PageRequest())
        of_hampshire = practices_page(conn, PracticeFilter(authority=HAMPSHIRE), PageRequest())
        meetings = practices_page(conn, PracticeFilter(kind="supplier_meeting"), PageRequest())
        running_2009 = practices_page(
            conn, PracticeFilter(running_on=date(2009, 6, 1)), PageRequest()
        )
        running_2011 = practices_page(
            conn, PracticeFilter(running_on=date(2011, 6, 1)), PageRequest()
        )
        before = practices_page(conn, PracticeFilter(running_on=date(2008, 3, 31)), PageRequest())
        seen_by_hart = practices_page(conn, PracticeFilter(), PageRequest(), visible=hart_people)
        unseen = practices_page(conn, PracticeFilter(), PageRequest(), visible=NOTHING)
        with pytest.raises(PracticeSupplierNotFound):
            practices_page(conn, PracticeFilter(supplier="Capita"), PageRequest())
        with pytest.raises(PracticeSupplierNotFound):
            # A supplier met only in a practice the asker does not see is not on record to them.
            practices_page(
                conn,
                PracticeFilter(supplier="Liberata"),
                PageRequest(),
                visible=Visibility(False, authorities=frozenset({RUSHMOOR})),
            )
        with pytest.raises(InvalidInput):
            practices_page(conn, PracticeFilter(kind="ritual"), PageRequest())

    assert practice_names(every) == [FINANCE, LIBERATA]
    assert practice_names(with_liberata) == [LIBERATA]
    assert practice_names(of_hampshire) == [FINANCE]
    assert practice_names(meetings) == [LIBERATA]
    assert practice_names(running_2009) == [FINANCE, LIBERATA]
    assert practice_names(running_2011) == [LIBERATA]
    assert before.rows == []
    assert practice_names(seen_by_hart) == [LIBERATA]
    assert unseen.rows == []
    finance, liberata = every.rows
    assert (liberata["cadence_every"], liberata["cadence_unit"], liberata["ends_on"]) == (
        1,
        "week",
        None,
    )
    assert (liberata["authorities"], liberata["suppliers"]) == ([HART], ["Liberata"])
    assert (finance["cadence_every"], finance["cadence_unit"]) == (3, "month")
    assert (finance["ends_on"], finance["ending_reason"]) == (
        date(2010, 3, 31),
        "Merged into the Joint Committee's work",
    )


def all_rows(runtime: Runtime) -> dict[str, list[dict[str, Any]]]:
    tables = {
        "bodies": (governing_bodies, governing_bodies.c.body_id),
        "projects": (projects_register, projects_register.c.project_id),
        "partnerships": (partnerships_register, partnerships_register.c.partnership_id),
        "practices": (practices_register, practices_register.c.practice_id),
    }
    with runtime.store.reader.connect() as conn:
        return {
            name: [dict(r) for r in conn.execute(select(table).order_by(key)).mappings()]
            for name, (table, key) in tables.items()
        }


def test_a_rebuild_in_small_batches_gives_the_same_rows(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock)
    runtime.runner.catch_up()
    whole = all_rows(runtime)
    assert all(whole.values())
    runner = ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[
            GoverningBodiesProjection(),
            DeliveryRegistersProjection(),
            PartnershipsRegisterProjection(),
            PracticesRegisterProjection(),
        ],
        batch_size=1,
    )
    runner.rebuild()
    assert all_rows(runtime) == whole
