"""Putting partnerships, authorities and bodies right: when a body was established, when an
authority joined, a vision recorded in error; the registers follow. On both stores."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.governance import ChangeBeforeEstablishment, governing_body_id
from partnership.partnerships import authority_id, partnership_id
from partnership.revisions import RecordWithdrawn, RevisionBreaksRule
from projections.bodies import governing_bodies
from projections.partnerships import authorities_register, partnerships_register
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_governance_commands import JOINT_COMMITTEE, establish_joint_committee
from tests.integration.test_partnership_commands import BURNLEY, FORMED, LSSCC, form_lsscc

CHECKED = date(2011, 8, 1)
BODY = governing_body_id(LSSCC, JOINT_COMMITTEE)


def on(day: date) -> Provenance:
    return Provenance(day, f"Papers of {day.isoformat()}")


@pytest.fixture(autouse=True)
def lsscc(runtime: Runtime, clock: MovableClock) -> None:
    form_lsscc(runtime.app, clock())
    establish_joint_committee(runtime.app, clock())
    runtime.runner.catch_up()


def revise(runtime: Runtime, clock: MovableClock, command: str, **given: Any) -> None:
    envelope = Envelope(on(CHECKED), OFFICER, clock())
    runtime.seen(
        getattr(runtime.app, command)(reason="As the papers say", envelope=envelope, **given)
    )


def one(runtime: Runtime, table: Any, key: str, value: str) -> dict[str, Any]:
    with runtime.store.reader.connect() as conn:
        return dict(conn.execute(select(table).where(table.c[key] == value)).mappings().one())


def test_a_guessed_establishment_date_corrected_lets_the_earlier_true_fact_in(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    envelope = Envelope(on(date(2004, 11, 1)), OFFICER, clock())
    with pytest.raises(ChangeBeforeEstablishment):
        app.appoint_chair(
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            person="County Councillor Tony Martin",
            authority="Lancashire County Council",
            envelope=envelope,
        )
    revise(
        runtime,
        clock,
        "correct_fact",
        record=BODY,
        version=1,
        field="effective_date",
        value=date(2004, 10, 1),
    )
    body = one(runtime, governing_bodies, "body_id", str(BODY))
    assert body["established_on"] == date(2004, 10, 1)
    runtime.seen(
        app.appoint_chair(
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            person="County Councillor Tony Martin",
            authority="Lancashire County Council",
            envelope=envelope,
        )
    )


def test_when_an_authority_joined_is_corrected_in_the_register(
    runtime: Runtime, clock: MovableClock
) -> None:
    partnership = partnership_id(LSSCC)
    with runtime.store.reader.connect() as conn:
        entries = conn.execute(
            select(timeline_entries.c.aggregate_version, timeline_entries.c.summary).where(
                timeline_entries.c.aggregate_id == str(partnership)
            )
        ).all()
    admitted = next(version for version, summary in entries if summary.startswith(BURNLEY))
    revise(
        runtime,
        clock,
        "correct_fact",
        record=partnership,
        version=admitted,
        field="effective_date",
        value=date(2005, 4, 1),
    )
    row = one(runtime, partnerships_register, "partnership_id", str(partnership))
    joined = {m["authority"]: m["joined_on"] for m in row["memberships"]}
    assert joined[BURNLEY] == "2005-04-01"
    assert joined["Lancashire County Council"] == FORMED.isoformat()


def test_a_join_date_before_the_partnership_was_formed_is_refused(
    runtime: Runtime, clock: MovableClock
) -> None:
    with pytest.raises(RevisionBreaksRule):
        revise(
            runtime,
            clock,
            "correct_fact",
            record=partnership_id(LSSCC),
            version=2,
            field="effective_date",
            value=date(2004, 1, 1),
        )


def test_a_vision_withdrawn_leaves_the_register_and_is_marked_on_the_timeline(
    runtime: Runtime, clock: MovableClock
) -> None:
    runtime.seen(
        runtime.app.state_vision(
            partnership=LSSCC,
            vision_statement="One front door for every council service",
            envelope=Envelope(on(date(2006, 1, 1)), OFFICER, clock()),
        )
    )
    with runtime.store.reader.connect() as conn:
        version = conn.execute(
            select(timeline_entries.c.aggregate_version).where(
                timeline_entries.c.kind == "PARTNERSHIP_VISION_STATED"
            )
        ).scalar_one()
    revise(runtime, clock, "withdraw_fact", record=partnership_id(LSSCC), version=version)
    row = one(runtime, partnerships_register, "partnership_id", str(partnership_id(LSSCC)))
    assert row["visions"] == []
    assert row["withdrawn"] is False
    with runtime.store.reader.connect() as conn:
        marked = conn.execute(
            select(timeline_entries.c.withdrawn_reason).where(
                timeline_entries.c.kind == "PARTNERSHIP_VISION_STATED"
            )
        ).scalar_one()
    assert marked == "As the papers say"


def test_an_authority_registered_in_error_is_withdrawn_and_can_be_named_no_more(
    runtime: Runtime, clock: MovableClock
) -> None:
    name = "Burnley Council"
    runtime.seen(
        runtime.app.register_authority(
            name=name, kind="district", envelope=Envelope(on(FORMED), OFFICER, clock())
        )
    )
    revise(runtime, clock, "withdraw_fact", record=authority_id(name), version=1)
    assert (
        one(runtime, authorities_register, "authority_id", str(authority_id(name)))["withdrawn"]
        is True
    )
    with pytest.raises(RecordWithdrawn):
        runtime.app.admit_member(
            partnership=LSSCC,
            authority=name,
            role="partner",
            envelope=Envelope(on(date(2006, 1, 1)), OFFICER, clock()),
        )
