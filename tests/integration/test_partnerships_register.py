"""The partnerships and authorities register against both stores: what the commands record is
what the read side reads back (a member that leaves and rejoins, role changes, visions,
corrections), narrowed to what the asker sees, and a rebuild in small batches gives the same
rows as one in a single batch."""

from datetime import date
from typing import Any

from sqlalchemy import select

from partnership.commands.envelope import Envelope
from projections.partnerships import (
    PartnershipsRegisterProjection,
    authorities_register,
    partnerships_register,
)
from projections.read import (
    EVERYTHING,
    NOTHING,
    PageRequest,
    Visibility,
    authorities_page,
    memberships_of,
    partnership_named,
    partnerships_page,
)
from projections.read.partnerships import members_on, role_on
from projections.runner import ProjectionRunner
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_partnership_commands import (
    BLACKBURN,
    BURNLEY,
    CHORLEY,
    FORMED,
    LCC,
    LSSCC,
    LSSCC_MEMBERS,
    LSSCC_PURPOSE,
    form_lsscc,
    paper,
)

PENNINE = "Pennine Lancashire IT Services"
LEFT = date(2008, 3, 31)
REJOINED = date(2009, 4, 1)
HOSTING = date(2006, 4, 1)
VISION = "A single front door to every council's services."
VISION_DAY = date(2005, 1, 20)


def runner_of(runtime: Runtime, batch_size: int = 500) -> ProjectionRunner:
    return ProjectionRunner(
        runtime.app,
        runtime.store,
        projections=[PartnershipsRegisterProjection()],
        batch_size=batch_size,
    )


def all_rows(runtime: Runtime) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    with runtime.store.reader.connect() as conn:
        partnerships = conn.execute(
            select(partnerships_register).order_by(partnerships_register.c.partnership_id)
        )
        authorities = conn.execute(
            select(authorities_register).order_by(authorities_register.c.authority_id)
        )
        return [dict(r) for r in partnerships.mappings()], [dict(r) for r in authorities.mappings()]


def the_record(runtime: Runtime, now: Any) -> None:
    app = runtime.app
    form_lsscc(app, now)

    def on(day: date) -> Envelope:
        return Envelope(paper(day), OFFICER, now)

    app.state_vision(partnership=LSSCC, vision_statement=VISION, envelope=on(VISION_DAY))
    app.change_member_role(partnership=LSSCC, authority=CHORLEY, role="host", envelope=on(HOSTING))
    app.record_member_leaving(
        partnership=LSSCC, authority=BURNLEY, reason="Brought its calls in-house", envelope=on(LEFT)
    )
    app.admit_member(
        partnership=LSSCC, authority=BURNLEY.upper(), role="partner", envelope=on(REJOINED)
    )
    app.correct_authority(
        name=BLACKBURN,
        corrects_version=1,
        field="kind",
        value="district",
        reason="Recorded wrongly for the test",
        envelope=on(FORMED),
    )
    app.form_partnership(name=PENNINE, purpose="Shared IT.", envelope=on(FORMED))
    app.admit_member(partnership=PENNINE, authority=BLACKBURN, role="lead", envelope=on(FORMED))
    app.establish_body(
        partnership=LSSCC, name="Joint Committee", kind="joint_committee", envelope=on(FORMED)
    )


def test_partnerships_and_authorities_read_back_all_that_was_recorded(
    runtime: Runtime, clock: MovableClock
) -> None:
    the_record(runtime, clock())
    runtime.runner.catch_up()
    burnley_only = Visibility(False, authorities=frozenset({BURNLEY}))
    lsscc_only = Visibility(False, partnerships=frozenset({LSSCC}), authorities=frozenset({LCC}))

    with runtime.store.reader.connect() as conn:
        lsscc = partnership_named(conn, f"  {LSSCC.lower()} ", EVERYTHING)
        assert partnership_named(conn, "No such partnership", EVERYTHING) is None
        assert partnership_named(conn, LSSCC, NOTHING) is None
        assert partnership_named(conn, PENNINE, lsscc_only) is None
        page = partnerships_page(conn, PageRequest(first=1))
        rest = partnerships_page(conn, PageRequest(first=1, after=page.cursors[-1]))
        seen = partnerships_page(conn, PageRequest(), visible=lsscc_only)
        unseen = partnerships_page(conn, PageRequest(), visible=NOTHING)
        authorities = authorities_page(conn, PageRequest(first=100))
        narrowed = authorities_page(conn, PageRequest(), visible=burnley_only)
        held = memberships_of(conn, [BURNLEY, BLACKBURN])
        held_seen = memberships_of(conn, [BURNLEY, BLACKBURN], visible=lsscc_only)

    assert lsscc is not None
    assert (lsscc["name"], lsscc["purpose"], lsscc["formed_on"]) == (LSSCC, LSSCC_PURPOSE, FORMED)
    assert lsscc["visions"] == [{"text": VISION, "effective_date": VISION_DAY.isoformat()}]
    assert lsscc["bodies"] == [{"name": "Joint Committee", "established_on": FORMED.isoformat()}]
    burnley = [m for m in lsscc["memberships"] if m["authority"].casefold() == BURNLEY.casefold()]
    assert [(m["joined_on"], m["left_on"], m["leaving_reason"]) for m in burnley] == [
        (FORMED.isoformat(), LEFT.isoformat(), "Brought its calls in-house"),
        (REJOINED.isoformat(), None, None),
    ]
    members_then = {m["authority"] for m in members_on(lsscc["memberships"], LEFT)}
    assert members_then == set(LSSCC_MEMBERS) - {BURNLEY}
    [chorley] = [m for m in members_on(lsscc["memberships"], HOSTING) if m["authority"] == CHORLEY]
    assert role_on(chorley, HOSTING - date.resolution) == "partner"
    assert role_on(chorley, HOSTING) == "host"

    assert [row["name"] for row in page.rows + rest.rows] == sorted([LSSCC, PENNINE])
    assert page.has_next_page
    assert not rest.has_next_page
    assert [row["name"] for row in seen.rows] == [LSSCC]
    assert unseen.rows == []

    kinds = {row["name"]: row["kind"] for row in authorities.rows}
    assert set(kinds) == {*LSSCC_MEMBERS, BLACKBURN}
    assert kinds[BLACKBURN] == "district"
    assert kinds[LCC] == "county"
    assert [row["name"] for row in narrowed.rows] == [BURNLEY]

    assert [(m["partnership"], m["joined_on"]) for m in held[BURNLEY]] == [
        (LSSCC, FORMED.isoformat()),
        (LSSCC, REJOINED.isoformat()),
    ]
    assert [m["partnership"] for m in held[BLACKBURN]] == [PENNINE]
    assert BLACKBURN not in held_seen
    assert len(held_seen[BURNLEY]) == 2

    before = all_rows(runtime)
    runner_of(runtime, batch_size=3).rebuild()
    assert all_rows(runtime) == before
    runner_of(runtime).rebuild()
    assert all_rows(runtime) == before
