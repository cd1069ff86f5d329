"""Who sees what, on both stores: two districts in two partnerships and a county in both.

The rule (projections/read/visibility.py): a partnership's record is seen by everyone in it and
by no one outside it; what belongs to no partnership (contracts, supplier meetings, scrutiny
recommendations) is seen by anyone who sees an authority it concerns, and a person sees their
own authority and every member of the partnerships they are in. A grant on everything sees all.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, select

from partnership.access import Grant, Principal, Role, ScopeKind
from partnership.addresses import MeetingAddress, MilestoneAddress, SupplierMeetingAddress
from partnership.alerts import MILESTONE_OVERDUE, RENEWAL
from partnership.commands.alerts import AlertStanding
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import NotFound, Provenance, normalise_key
from partnership.partnerships import PartnershipNotFound
from projections.alerts import alert_acknowledgements, alert_sources
from projections.read import (
    MAX_PAGE_SIZE,
    NEWEST_FIRST,
    OLDEST_FIRST,
    AlertRules,
    DecisionFilter,
    MeetingFilter,
    MilestoneFilter,
    PageRequest,
    RecommendationFilter,
    SupplierActionFilter,
    TimelineFilter,
    alert_by_key,
    alerts_as_of,
    back_to_back_contracts,
    contracts_by_id,
    contracts_due_for_renewal,
    contracts_page,
    decisions_by_meeting,
    decisions_page,
    meetings_by_id,
    meetings_page,
    milestones_page,
    recommendations_page,
    renewals_page,
    supplier_actions_page,
    timeline_entry,
    timeline_page,
)
from projections.read.visibility import EVERYTHING, NOTHING, Visibility, visibility_of
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

COUNTY = "Northshire County Council"
ASHDALE = "Ashdale District Council"
BROOKFIELD = "Brookfield District Council"
EASTVALE = "Eastvale District Council"  # joined Ashdale's partnership, then left
WESTMOOR = "Westmoor District Council"  # in no partnership
AUTHORITIES = (COUNTY, ASHDALE, BROOKFIELD, EASTVALE, WESTMOOR)
PART_A = "Ashdale Shared Services"
PART_B = "Brookfield Shared Services"
# Both partnerships have one: a body is named within its partnership.
JOINT_COMMITTEE = "Joint Committee"
ASHDALE_PANEL = "Ashdale Overview and Scrutiny Panel"
BROOKFIELD_PANEL = "Brookfield Overview and Scrutiny Panel"
SUPPLIER = "Acme Systems Ltd"
AS_OF = date(2011, 9, 1)
RULES = AlertRules()
MEETING_DAY = date(2010, 3, 1)


NOW = MovableClock().now


def on(day: date) -> Envelope:
    return Envelope(Provenance(day, "Test paper"), OFFICER, NOW)


@dataclass(frozen=True)
class Contract:
    reference: str
    authority: str
    head: str | None = None


CONTRACTS = (
    Contract("ASH/1", ASHDALE),
    Contract("NCC/1", COUNTY),
    Contract("ASH/2", ASHDALE, head="NCC/1"),
    Contract("BRK/1", BROOKFIELD),
    Contract("BRK/2", BROOKFIELD, head="NCC/1"),
    Contract("WST/1", WESTMOOR),
)


def record(runtime: Runtime) -> None:
    """The shared record every test here reads."""
    app = runtime.app
    start = date(2010, 1, 4)
    for name in AUTHORITIES:
        kind = "county" if name == COUNTY else "district"
        app.register_authority(name=name, kind=kind, envelope=on(start))
    for partnership, lead in ((PART_A, ASHDALE), (PART_B, BROOKFIELD)):
        app.form_partnership(name=partnership, purpose="Shared services", envelope=on(start))
        app.admit_member(partnership=partnership, authority=lead, role="lead", envelope=on(start))
        app.admit_member(
            partnership=partnership, authority=COUNTY, role="partner", envelope=on(start)
        )
        app.establish_body(
            partnership=partnership,
            name=JOINT_COMMITTEE,
            kind="joint_committee",
            envelope=on(start),
        )
        _meeting_with_a_decision(runtime, partnership, lead)
    app.admit_member(partnership=PART_A, authority=EASTVALE, role="partner", envelope=on(start))
    app.record_member_leaving(
        partnership=PART_A, authority=EASTVALE, reason="Withdrew", envelope=on(date(2010, 6, 1))
    )
    # Ashdale's milestone, and one of Brookfield's partnership that is the county's to meet.
    _project(runtime, PART_A, "Ashdale Hub", ASHDALE, ASHDALE)
    _project(runtime, PART_B, "Brookfield Hub", BROOKFIELD, COUNTY)
    for contract in CONTRACTS:
        app.award_contract(
            terms=ContractTerms(
                reference=contract.reference,
                title=f"Services {contract.reference}",
                supplier=SUPPLIER,
                authority=contract.authority,
                start_date=date(2009, 2, 1),
                end_date=date(2012, 1, 31),
                notice_period_days=180,
                value=Decimal("1000.00"),
                head_contract_reference=contract.head,
            ),
            envelope=on(date(2009, 1, 5)),
        )
    for panel, owner in ((ASHDALE_PANEL, ASHDALE), (BROOKFIELD_PANEL, BROOKFIELD)):
        app.open_inquiry(body=panel, title="Review of the hub", envelope=on(date(2010, 5, 1)))
        app.make_recommendation(
            body=panel,
            inquiry="Review of the hub",
            number="1",
            text="Publish the hub's call answering times.",
            owner_authority=owner,
            envelope=on(date(2010, 6, 1)),
        )
    for day, title, attendee in (
        (date(2011, 2, 1), "Ashdale service review", ASHDALE),
        (date(2011, 2, 2), "Brookfield service review", BROOKFIELD),
    ):
        meeting = SupplierMeetingAddress(SUPPLIER, day, title)
        app.record_supplier_meeting(
            meeting=meeting,
            authority_attendees=[{"person": "A. Officer", "authority": attendee}],
            supplier_attendees=["B. Manager"],
            topics=["Performance"],
            envelope=on(day),
        )
        app.raise_supplier_action(
            meeting=meeting,
            text="Send the performance report",
            owner="B. Manager",
            owner_side="supplier",
            due_date=date(2011, 3, 1),
            envelope=on(day),
        )
    runtime.runner.catch_up()
    _acknowledge_milestone_alerts(runtime)
    runtime.runner.catch_up()


def _meeting_with_a_decision(runtime: Runtime, partnership: str, lead: str) -> None:
    app = runtime.app
    meeting = MeetingAddress(partnership, JOINT_COMMITTEE, MEETING_DAY)
    app.plan_meeting(meeting=meeting, envelope=on(MEETING_DAY))
    app.record_agenda_item(meeting=meeting, number="1", title="The hub", envelope=on(MEETING_DAY))
    app.record_meeting_held(
        meeting=meeting,
        attendees=[{"person": "Councillor One", "authority": lead}],
        apologies=[],
        declarations=[],
        envelope=on(MEETING_DAY),
    )
    app.record_decision(
        meeting=meeting,
        item="1",
        wording=f"That {partnership} opens its hub.",
        form="AGREED",
        votes={},
        envelope=on(MEETING_DAY),
    )


def _project(runtime: Runtime, partnership: str, name: str, lead: str, owner: str) -> None:
    app = runtime.app
    day = date(2010, 2, 1)
    app.start_project(
        partnership=partnership,
        name=name,
        description="A shared contact centre",
        authorities=[lead, COUNTY],
        envelope=on(day),
    )
    app.plan_milestone(
        milestone=MilestoneAddress(partnership, name, "launch"),
        title="Launch",
        due_date=date(2011, 1, 3),
        authority=owner,
        envelope=on(day),
    )


def _acknowledge_milestone_alerts(runtime: Runtime) -> None:
    with runtime.store.reader.connect() as conn:
        found = alerts_as_of(conn, AS_OF, RULES, [MILESTONE_OVERDUE])
    assert len(found) == 2
    for alert in found:
        standing = AlertStanding(
            alert.key, alert.level, alert.row["subject"], alert.row["authority"]
        )
        runtime.app.acknowledge_alert(
            key=alert.key, level=alert.level, note=None, standing=standing, envelope=on(AS_OF)
        )


@pytest.fixture
def reader(runtime: Runtime, clock: MovableClock) -> Iterator[Connection]:
    record(runtime)
    with runtime.store.reader.connect() as conn:
        yield conn


def person(authority: str, *grants: Grant) -> Principal:
    return Principal("person-1", "A Person", "a.person@example.org", authority, grants)


def grant(role: Role, kind: ScopeKind, scope: str | None, partnership: str | None = None) -> Grant:
    return Grant("grant-1", role, kind, scope, date(2010, 1, 4), partnership)


def upper(*names: str) -> frozenset[str]:
    return frozenset(normalise_key(name) for name in names)


# Everything, read as a grant on everything reads it, and judged row by row by the rule.


WHOLE_TIMELINE = TimelineFilter()


def timeline_of(
    conn: Connection,
    visible: Visibility,
    size: int = MAX_PAGE_SIZE,
    filters: TimelineFilter = WHOLE_TIMELINE,
    order: str = NEWEST_FIRST,
) -> list[int]:
    """Every entry's position, page by page."""
    positions: list[int] = []
    after = None
    while True:
        page = timeline_page(conn, filters, size, after, order=order, visible=visible)
        positions += [row["position"] for row in page.rows]
        if not page.has_next_page:
            return positions
        after = page.cursors[-1]


def pages(read: Any, size: int = MAX_PAGE_SIZE) -> list[dict[str, Any]]:
    """Every row of a paged register, `read(request)` giving each page."""
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        page = read(PageRequest(first=size, after=after))
        rows += page.rows
        if not page.has_next_page:
            return rows
        after = page.cursors[-1]


def parties(conn: Connection) -> dict[str, set[str]]:
    """Each contract's parties by contract id, from the whole register."""
    everything = pages(lambda request: contracts_page(conn, request))
    authority_of = {row["contract_id"]: row["authority"] for row in everything}
    return {
        row["contract_id"]: {row["authority"]}
        | ({authority_of[row["head_contract_id"]]} if row["head_contract_id"] else set())
        for row in everything
    }


ATTENDED = {"Ashdale service review": ASHDALE, "Brookfield service review": BROOKFIELD}


def alert_is_seen(
    alert: dict[str, Any], visible: Visibility, contracts: dict[str, set[str]]
) -> bool:
    if alert["partnership"] is not None:
        return visible.sees_partnership(alert["partnership"])
    if alert["category"] == RENEWAL:
        return visible.sees_any_authority(contracts[alert["aggregate_id"]])
    return visible.sees_any_authority(alert["authorities"])


def entry_is_seen(
    conn: Connection, entry: dict[str, Any], authorities: list[str], visible: Visibility
) -> bool:
    if entry["partnership"] is not None:
        return visible.sees_partnership(entry["partnership"])
    if entry["aggregate_type"] == "person":
        return visible.everything
    if entry["aggregate_type"] == "alert":
        acknowledged = (
            conn.execute(
                select(alert_sources)
                .join(
                    alert_acknowledgements,
                    alert_acknowledgements.c.alert_key == alert_sources.c.alert_key,
                )
                .where(alert_acknowledgements.c.position == entry["position"])
            )
            .mappings()
            .one()
        )
        return alert_is_seen(dict(acknowledged), visible, parties(conn))
    return visible.sees_any_authority(authorities)


@dataclass
class Seen:
    """What one person is answered, question by question."""

    timeline: list[int]
    decisions: list[str]
    meetings: list[str]
    milestones: list[str]
    recommendations: list[str]
    supplier_actions: list[str]
    alerts: list[str]
    contracts: list[str]
    renewals: list[str]


def seen_by(conn: Connection, visible: Visibility, size: int = MAX_PAGE_SIZE) -> Seen:
    def of_each_partnership(read: Any, key: str) -> list[str]:
        return [row[key] for partnership in (PART_A, PART_B) for row in of_one(read, partnership)]

    def of_one(read: Any, partnership: str) -> list[dict[str, Any]]:
        """A partnership not seen is refused as one not on record: nothing of it is answered."""
        try:
            return pages(partial(read, partnership), size)
        except PartnershipNotFound:
            assert not visible.sees_partnership(partnership)
            return []

    return Seen(
        timeline=timeline_of(conn, visible, size),
        decisions=of_each_partnership(
            lambda p, r: decisions_page(conn, DecisionFilter(partnership=p), r, visible=visible),
            "wording",
        ),
        meetings=of_each_partnership(
            lambda p, r: meetings_page(conn, MeetingFilter(partnership=p), r, visible=visible),
            "meeting_id",
        ),
        milestones=of_each_partnership(
            lambda p, r: milestones_page(conn, MilestoneFilter(partnership=p), r, visible=visible),
            "project",
        ),
        recommendations=[
            row["body"]
            for row in pages(
                lambda r: recommendations_page(conn, RecommendationFilter(), r, visible=visible),
                size,
            )
        ],
        supplier_actions=[
            row["meeting_title"]
            for row in pages(
                lambda r: supplier_actions_page(conn, SupplierActionFilter(), r, visible=visible),
                size,
            )
        ],
        alerts=[
            alert.key
            for alert in alerts_as_of(
                conn, AS_OF, RULES, include_acknowledged=True, visible=visible
            )
        ],
        contracts=[
            row["reference"]
            for row in pages(lambda r: contracts_page(conn, r, visible=visible), size)
        ],
        renewals=[
            row["reference"]
            for row in pages(lambda r: renewals_page(conn, AS_OF, 365, r, visible=visible), size)
        ],
    )


def judged(conn: Connection, visible: Visibility) -> Seen:
    """What the rule says `visible` sees: everything, each row judged on its own."""
    everything = seen_by(conn, EVERYTHING)
    contracts = parties(conn)
    reference_of = {
        row["reference"]: row["contract_id"]
        for row in pages(lambda request: contracts_page(conn, request))
    }
    owner = {ASHDALE_PANEL: ASHDALE, BROOKFIELD_PANEL: BROOKFIELD}
    partnership_of_meeting = {
        row["meeting_id"]: row["partnership"]
        for row in meetings_by_id(conn, everything.meetings).values()
    }
    alerts = {
        alert.key: alert.row
        for alert in alerts_as_of(conn, AS_OF, RULES, include_acknowledged=True)
    }

    def entry_seen(position: int) -> bool:
        found = timeline_entry(conn, position)
        assert found is not None
        return entry_is_seen(conn, found[0], found[1], visible)

    return Seen(
        timeline=[p for p in everything.timeline if entry_seen(p)],
        decisions=[
            wording
            for wording in everything.decisions
            if visible.sees_partnership(PART_A if PART_A in wording else PART_B)
        ],
        meetings=[
            m for m in everything.meetings if visible.sees_partnership(partnership_of_meeting[m])
        ],
        milestones=[
            project
            for project in everything.milestones
            if visible.sees_partnership(PART_A if project == "Ashdale Hub" else PART_B)
        ],
        recommendations=[
            b for b in everything.recommendations if visible.sees_any_authority([owner[b]])
        ],
        supplier_actions=[
            title
            for title in everything.supplier_actions
            if visible.sees_any_authority([ATTENDED[title]])
        ],
        alerts=[key for key in everything.alerts if alert_is_seen(alerts[key], visible, contracts)],
        contracts=[
            ref
            for ref in everything.contracts
            if visible.sees_any_authority(contracts[reference_of[ref]])
        ],
        renewals=[
            ref
            for ref in everything.renewals
            if visible.sees_any_authority(contracts[reference_of[ref]])
        ],
    )


# The rule, person by person


def test_a_district_sees_its_partnership_and_nothing_of_the_other(reader: Connection) -> None:
    visible = visibility_of(reader, person(ASHDALE))
    assert visible == Visibility(False, upper(PART_A), upper(ASHDALE, COUNTY))
    seen = seen_by(reader, visible)
    assert seen == judged(reader, visible)

    entries = [timeline_entry(reader, position) for position in seen.timeline]
    assert all(entry is not None for entry in entries)
    summaries = " | ".join(entry[0]["summary"] for entry in entries if entry is not None)
    assert PART_A in summaries
    assert PART_B not in summaries
    assert {entry[0]["partnership"] for entry in entries if entry} == {PART_A, None}
    # The acknowledgement of Ashdale's own milestone alert, and not of Brookfield's, though
    # the county it names is seen.
    acknowledged = [e[0]["summary"] for e in entries if e and e[0]["aggregate_type"] == "alert"]
    assert len(acknowledged) == 1
    assert "Ashdale Hub" in acknowledged[0]

    assert seen.decisions == [f"That {PART_A} opens its hub."]
    assert seen.milestones == ["Ashdale Hub"]
    assert seen.recommendations == [ASHDALE_PANEL]
    assert seen.supplier_actions == ["Ashdale service review"]
    # The county's and Ashdale's own, and Brookfield's back-to-back under the county's head.
    assert sorted(seen.contracts) == ["ASH/1", "ASH/2", "BRK/2", "NCC/1"]
    assert sorted(seen.renewals) == sorted(seen.contracts)
    subjects = [alert_by_key(reader, key, AS_OF, RULES, visible=visible) for key in seen.alerts]
    assert all(alert is not None for alert in subjects)
    assert not any(alert.row["partnership"] == PART_B for alert in subjects if alert is not None)


def test_a_partnership_record_is_hidden_even_where_a_seen_authority_is_named(
    reader: Connection,
) -> None:
    """Brookfield's milestone is the county's to meet; Ashdale's people see the county, but
    not Brookfield's partnership, so neither the milestone nor its alert."""
    ashdale = visibility_of(reader, person(ASHDALE))
    county = visibility_of(reader, person(COUNTY))
    everything = alerts_as_of(reader, AS_OF, RULES, include_acknowledged=True)
    brookfield_milestone = next(alert for alert in everything if alert.row["partnership"] == PART_B)
    assert brookfield_milestone.row["authorities"] == [COUNTY]
    assert alert_by_key(reader, brookfield_milestone.key, AS_OF, RULES, visible=ashdale) is None
    assert alert_by_key(reader, brookfield_milestone.key, AS_OF, RULES, visible=county)
    request = PageRequest(first=MAX_PAGE_SIZE)
    filters = MilestoneFilter(partnership=PART_B)
    with pytest.raises(PartnershipNotFound):
        milestones_page(reader, filters, request, visible=ashdale)
    assert len(milestones_page(reader, filters, request, visible=county).rows) == 1


def test_the_county_sees_both_partnerships(reader: Connection) -> None:
    visible = visibility_of(reader, person(COUNTY))
    assert visible.partnerships == upper(PART_A, PART_B)
    assert visible.authorities == upper(COUNTY, ASHDALE, BROOKFIELD)
    seen = seen_by(reader, visible)
    assert seen == judged(reader, visible)
    assert len(seen.decisions) == 2
    assert len(seen.milestones) == 2
    assert "WST/1" not in seen.contracts


def test_who_is_in_a_partnership(reader: Connection) -> None:
    everything = grant(Role.AUDITOR, ScopeKind.EVERYTHING, None)
    assert visibility_of(reader, person(WESTMOOR, everything)) is EVERYTHING
    # In no partnership: only its own.
    westmoor = visibility_of(reader, person(WESTMOOR))
    assert westmoor == Visibility(False, frozenset(), upper(WESTMOOR))
    assert seen_by(reader, westmoor).contracts == ["WST/1"]
    # A member no longer: Eastvale left.
    assert visibility_of(reader, person(EASTVALE)).partnerships == frozenset()
    # A grant on a partnership, named in other letter case.
    board = grant(Role.BOARD_MEMBER, ScopeKind.PARTNERSHIP, PART_B.lower())
    assert visibility_of(reader, person(WESTMOOR, board)) == Visibility(
        False, upper(PART_B), upper(WESTMOOR, BROOKFIELD, COUNTY)
    )
    # A grant on a body: that partnership's, not the other's of the same name.
    secretary = grant(Role.SECRETARY, ScopeKind.BODY, JOINT_COMMITTEE, PART_B)
    assert visibility_of(reader, person(WESTMOOR, secretary)).partnerships == upper(PART_B)
    no_such_body = grant(Role.SECRETARY, ScopeKind.BODY, "Programme Board", PART_B)
    assert visibility_of(reader, person(WESTMOOR, no_such_body)).partnerships == frozenset()
    scrutiny = grant(Role.SECRETARY, ScopeKind.BODY, ASHDALE_PANEL)
    assert visibility_of(reader, person(WESTMOOR, scrutiny)).partnerships == frozenset()
    # A grant on an authority: that authority's partnerships too.
    procurement = grant(Role.PROCUREMENT_OFFICER, ScopeKind.AUTHORITY, BROOKFIELD)
    assert visibility_of(reader, person(WESTMOOR, procurement)).partnerships == upper(PART_B)


def test_everything_sees_all_and_nothing_sees_nothing(reader: Connection) -> None:
    everything = seen_by(reader, EVERYTHING)
    assert len(everything.decisions) == 2
    assert len(everything.contracts) == len(CONTRACTS)
    assert len(everything.alerts) == len(set(everything.alerts)) >= 8
    assert seen_by(reader, NOTHING) == Seen([], [], [], [], [], [], [], [], [])


def test_a_grant_on_everything_is_asked_exactly_as_before(reader: Connection) -> None:
    """No clause of visibility reaches a statement asked for the whole record."""
    statements: list[str] = []

    def keep(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    from sqlalchemy import event

    engine = reader.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        seen_by(reader, EVERYTHING)
        assert statements
        assert not any("visible_" in statement for statement in statements)
        statements.clear()
        seen_by(reader, visibility_of(reader, person(ASHDALE)))
        assert any("visible_" in statement for statement in statements)
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def test_batch_look_ups_answer_only_what_is_seen(reader: Connection) -> None:
    ashdale = visibility_of(reader, person(ASHDALE))
    meeting_ids = seen_by(reader, EVERYTHING).meetings
    seen = meetings_by_id(reader, meeting_ids, visible=ashdale)
    assert {row["partnership"] for row in seen.values()} == {PART_A}
    assert {
        row["partnership"]
        for rows in decisions_by_meeting(reader, meeting_ids, visible=ashdale).values()
        for row in rows
    } == {PART_A}
    contract_ids = [row["contract_id"] for row in pages(lambda r: contracts_page(reader, r))]
    assert sorted(
        row["reference"] for row in contracts_by_id(reader, contract_ids, visible=ashdale).values()
    ) == ["ASH/1", "ASH/2", "BRK/2", "NCC/1"]
    westmoor = visibility_of(reader, person(WESTMOOR))
    assert back_to_back_contracts(reader, ["ncc/1"], visible=westmoor) == {}
    assert [
        row["reference"]
        for row in back_to_back_contracts(reader, ["ncc/1"], visible=ashdale)["ncc/1"]
    ] == ["ASH/2", "BRK/2"]
    due = contracts_due_for_renewal(reader, AS_OF, 365, visible=westmoor)
    assert [row["reference"] for row in due] == ["WST/1"]


# The rule, for any visibility


NAMES = st.sampled_from([str.upper, str.lower, lambda name: f"  {name} "])


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    partnerships=st.sets(st.sampled_from([PART_A, PART_B, "No Such Partnership"])),
    authorities=st.sets(st.sampled_from([*AUTHORITIES, "No Such Council"])),
    spelling=NAMES,
    size=st.integers(min_value=1, max_value=7),
    filters=st.sampled_from(
        [
            TimelineFilter(authority=COUNTY),
            TimelineFilter(partnership=PART_B),
            TimelineFilter(kinds=["CONTRACT_AWARDED", "ALERT_ACKNOWLEDGED"]),
            TimelineFilter(effective_from=date(2010, 2, 1), text="hub"),
        ]
    ),
    order=st.sampled_from([NEWEST_FIRST, OLDEST_FIRST]),
)
def test_every_row_answered_is_seen_and_every_row_seen_is_answered(
    reader: Connection,
    partnerships: set[str],
    authorities: set[str],
    spelling: Any,
    size: int,
    filters: TimelineFilter,
    order: str,
) -> None:
    visible = Visibility(
        False,
        frozenset(spelling(name) for name in partnerships),
        frozenset(spelling(name) for name in authorities),
    )
    rule = judged(reader, visible)
    assert seen_by(reader, visible, size) == rule

    # The timeline's other shapes of question: filtered, oldest first, read backwards. One
    # naming an authority or partnership not seen is answered as for a name not on record.
    if (filters.authority and not visible.sees_any_authority([filters.authority])) or (
        filters.partnership and not visible.sees_partnership(filters.partnership)
    ):
        with pytest.raises(NotFound):
            timeline_of(reader, visible, size, filters, order)
        return
    seen = set(rule.timeline)
    wanted = [p for p in timeline_of(reader, EVERYTHING, filters=filters, order=order) if p in seen]
    assert timeline_of(reader, visible, size, filters, order) == wanted
    last = timeline_page(reader, filters, last=size, order=order, visible=visible)
    assert [row["position"] for row in last.rows] == wanted[-size:]
    assert last.has_previous_page == (len(wanted) > size)
