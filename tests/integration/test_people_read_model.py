"""People and their grants, through the application and the read models, on both stores."""

import json
from datetime import date
from typing import Any

from eventsourcing.persistence import StoredEvent
from sqlalchemy import select

from partnership.application import CommandResult
from partnership.commands.envelope import Envelope
from partnership.domain import Actor, Provenance
from partnership.people import Person, person_id
from projections.read import (
    PageRequest,
    TimelineFilter,
    count_people,
    grants_in_force_on,
    people_page,
    person_by_email,
    principal_of,
    timeline_page,
)
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.conftest import OFFICER, MovableClock

CHORLEY = "Chorley Borough Council"
LCC = "Lancashire County Council"
LSSCC = "Lancashire Shared Services Contact Centre"
ROB = "Rob.Dobson@burnley.gov.uk"
ANN = "ann.baker@lancashire.gov.uk"


def paper(day: date) -> Provenance:
    return Provenance(day, f"Access request of {day.isoformat()}")


def record(runtime: Runtime, clock: MovableClock, day: date, command: str, **given: Any) -> None:
    sent: CommandResult = getattr(runtime.app, command)(
        **given, envelope=Envelope(paper(day), OFFICER, clock())
    )
    runtime.seen(sent)


def with_people(runtime: Runtime, clock: MovableClock) -> None:
    start = date(2005, 1, 1)
    record(runtime, clock, start, "register_authority", name=CHORLEY, kind="district")
    record(runtime, clock, start, "register_authority", name=LCC, kind="county")
    record(runtime, clock, start, "form_partnership", name=LSSCC, purpose="Contact centre")
    record(
        runtime,
        clock,
        start,
        "establish_body",
        partnership=LSSCC,
        name="Joint Committee",
        kind="joint_committee",
    )
    record(
        runtime,
        clock,
        date(2010, 1, 4),
        "register_person",
        name="Rob Dobson",
        email=ROB,
        authority=CHORLEY,
    )
    record(
        runtime,
        clock,
        date(2010, 1, 4),
        "register_person",
        name="Ann Baker",
        email=ANN,
        authority=LCC,
    )
    record(
        runtime,
        clock,
        date(2010, 2, 1),
        "grant_role",
        email=ROB,
        role="secretary",
        scope_kind="body",
        scope="joint committee",
        partnership=LSSCC,
    )
    record(
        runtime,
        clock,
        date(2010, 3, 1),
        "grant_role",
        email=ROB.lower(),
        role="board_member",
        scope_kind="partnership",
        scope=LSSCC,
    )
    record(
        runtime,
        clock,
        date(2010, 3, 1),
        "grant_role",
        email=ANN,
        role="auditor",
        scope_kind="everything",
    )
    record(
        runtime,
        clock,
        date(2011, 6, 30),
        "revoke_grant",
        email=ROB,
        grant_id="1",
        reason="Moved to another post",
    )


def test_people_and_their_grants_reach_the_read_model(
    runtime: Runtime, clock: MovableClock
) -> None:
    with_people(runtime, clock)
    record(
        runtime,
        clock,
        date(2011, 7, 1),
        "correct_person",
        email=ROB,
        corrects_version=1,
        field="name",
        value="Robert Dobson",
        reason="Misspelled",
    )
    with runtime.store.reader.connect() as conn:
        rob = person_by_email(conn, "ROB.DOBSON@BURNLEY.GOV.UK")
        assert rob is not None
        assert (rob["name"], rob["email"], rob["authority"]) == ("Robert Dobson", ROB, CHORLEY)
        assert (rob["registered_on"], rob["version"]) == (date(2010, 1, 4), 5)
        assert rob["registered_by_id"] == OFFICER.person_id
        assert person_by_email(conn, "nobody@burnley.gov.uk") is None

        principal = principal_of(conn, rob["person_id"])
        assert principal is not None
        assert (principal.name, principal.email, principal.authority) == (
            "Robert Dobson",
            ROB,
            CHORLEY,
        )
        assert principal.actor == Actor("Robert Dobson", CHORLEY, str(person_id(ROB)))
        assert [(g.grant_id, g.role.value, g.scope) for g in principal.grants] == [
            ("2", "board_member", LSSCC)
        ]
        assert principal_of(conn, str(person_id("nobody@x.gov.uk"))) is None
        assert count_people(conn) == 2


def test_who_could_do_what_on_a_day(runtime: Runtime, clock: MovableClock) -> None:
    with_people(runtime, clock)

    def held(day: date) -> list[tuple[str, str, str | None, str | None]]:
        with runtime.store.reader.connect() as conn:
            return [
                (row["name"], row["role"], row["scope"], row["scope_partnership"])
                for row in grants_in_force_on(conn, day)
            ]

    assert held(date(2010, 1, 31)) == []
    assert held(date(2010, 2, 1)) == [("Rob Dobson", "secretary", "Joint Committee", LSSCC)]
    both = [
        ("Ann Baker", "auditor", None, None),
        ("Rob Dobson", "secretary", "Joint Committee", LSSCC),
        ("Rob Dobson", "board_member", LSSCC, None),
    ]
    assert held(date(2011, 6, 29)) == both
    # Revoked from 30 June: on that day it is no longer in force.
    assert held(date(2011, 6, 30)) == [both[0], both[2]]

    with runtime.store.reader.connect() as conn:
        in_force = grants_in_force_on(conn, date(2011, 1, 1))
    (revoked,) = [row for row in in_force if (row["name"], row["grant_id"]) == ("Rob Dobson", "1")]
    assert revoked["revoked_on"] == date(2011, 6, 30)
    assert revoked["revoke_reason"] == "Moved to another post"
    assert (revoked["granted_by"], revoked["revoked_by_id"]) == ("Ruth Hawes", "ruth-hawes")


def test_people_are_paged_by_name_and_by_authority(runtime: Runtime, clock: MovableClock) -> None:
    with_people(runtime, clock)
    with runtime.store.reader.connect() as conn:
        first = people_page(conn, PageRequest(first=1))
        assert [row["name"] for row in first.rows] == ["Ann Baker"]
        assert first.has_next_page
        second = people_page(conn, PageRequest(first=1, after=first.cursors[-1]))
        assert [row["name"] for row in second.rows] == ["Rob Dobson"]
        assert not second.has_next_page
        back = people_page(conn, PageRequest(last=5, before=second.cursors[0]))
        assert [row["name"] for row in back.rows] == ["Ann Baker"]
        only = people_page(conn, PageRequest(), authority=LCC)
        assert [row["name"] for row in only.rows] == ["Ann Baker"]


def test_the_timeline_names_who_recorded_each_fact_by_id(
    runtime: Runtime, clock: MovableClock
) -> None:
    with_people(runtime, clock)
    with runtime.store.reader.connect() as conn:
        page = timeline_page(conn, TimelineFilter(effective_from=date(2010, 1, 1)), 100)
    lines = {row["summary"]: row for row in page.rows}
    assert {row["recorded_by_id"] for row in page.rows} == {OFFICER.person_id}
    assert "Rob Dobson registered, acting for Chorley Borough Council" in lines
    assert f"Rob Dobson granted the secretary role on Joint Committee of {LSSCC} (grant 1)" in lines
    assert "Ann Baker granted the auditor role on the whole record (grant 1)" in lines
    assert "Rob Dobson: grant 1 revoked: Moved to another post" in lines
    assert (
        lines["Rob Dobson registered, acting for Chorley Borough Council"]["aggregate_type"]
        == "person"
    )


def test_a_fact_stored_before_ids_were_kept_loads_and_is_projected(
    runtime: Runtime, clock: MovableClock
) -> None:
    """Events in an existing log lack `recorded_by_id`: they load with it empty."""
    app = runtime.app
    made = Person.register("Rob Dobson", ROB, CHORLEY, paper(date(2010, 1, 4)), OFFICER)
    stored = app.mapper.to_stored_event(made.collect_events()[0])
    state = json.loads(stored.state)
    del state["recorded_by_id"], state["class_version"]
    app.recorder.insert_events(
        [StoredEvent(stored.originator_id, 1, stored.topic, json.dumps(state).encode())]
    )
    assert app.get_person(ROB).name == "Rob Dobson"
    runtime.runner.catch_up()
    with runtime.store.reader.connect() as conn:
        recorded_by_ids = conn.scalars(select(timeline_entries.c.recorded_by_id)).all()
        assert recorded_by_ids == [""]
        found = person_by_email(conn, ROB)
    assert found is not None
    assert found["registered_by_id"] == ""
