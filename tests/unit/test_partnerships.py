"""Authority and partnership rules, without I/O, and invariants over any command sequence."""

from contextlib import suppress
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.partnerships import (
    COUNTY,
    DISTRICT,
    HOST,
    LEAD,
    PARTNER,
    AlreadyAMember,
    Authority,
    BodyAlreadyEstablished,
    ChangeBeforeFormation,
    LeadAlreadyTaken,
    NotAMember,
    OutOfDateOrder,
    Partnership,
    RoleUnchanged,
    VisionAlreadyRecorded,
    authority_id,
    partnership_id,
)

OFFICER = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
BURNLEY = "Burnley Borough Council"
CONTACT_CENTRE = "Lancashire Shared Services Contact Centre"
FORMED = date(2005, 4, 1)


def on(day: date, source: str = "Joint Committee minutes") -> Provenance:
    return Provenance(day, source)


def formed() -> Partnership:
    return Partnership.form(
        CONTACT_CENTRE,
        "A virtual contact centre network for the county and districts",
        on(FORMED),
        OFFICER,
    )


def with_members() -> Partnership:
    partnership = formed()
    partnership.admit_member(LCC, LEAD, on(FORMED), OFFICER)
    partnership.admit_member(CHORLEY, PARTNER, on(FORMED), OFFICER)
    return partnership


# Authorities


def test_registering_an_authority_records_its_kind_and_provenance() -> None:
    authority = Authority.register(f"  {LCC} ", COUNTY, on(date(2005, 1, 1)), OFFICER)
    (registered,) = authority.collect_events()
    assert isinstance(registered, Authority.Registered)
    assert (registered.name, registered.kind) == (LCC, COUNTY)
    assert (registered.recorded_by, registered.recorded_by_authority) == (
        "Ruth Hawes",
        CHORLEY,
    )
    assert registered.source == "Joint Committee minutes"
    assert authority.id == authority_id("lancashire  county council")


@pytest.mark.parametrize(
    ("name", "kind", "field"), [(" ", COUNTY, "name"), (LCC, "parish", "kind")]
)
def test_an_authority_needs_a_name_and_a_known_kind(name: str, kind: str, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        Authority.register(name, kind, on(date(2005, 1, 1)), OFFICER)
    assert raised.value.field == field


def test_an_authoritys_kind_can_be_corrected_but_not_its_name() -> None:
    authority = Authority.register(CHORLEY, COUNTY, on(date(2005, 1, 1)), OFFICER)
    authority.correct(1, "kind", DISTRICT, "Chorley is a district", on(date(2005, 1, 1)), OFFICER)
    assert authority.kind == DISTRICT
    with pytest.raises(InvalidInput) as raised:
        authority.correct(1, "kind", "borough", "typo", on(date(2005, 1, 1)), OFFICER)
    assert raised.value.field == "value"
    with pytest.raises(InvalidInput) as raised:
        authority.correct(1, "name", "Chorley", "shorter", on(date(2005, 1, 1)), OFFICER)
    assert raised.value.field == "field"


# Forming, purpose and vision


def test_forming_a_partnership_keys_it_by_name() -> None:
    partnership = formed()
    (event,) = partnership.collect_events()
    assert isinstance(event, Partnership.Formed)
    assert event.name == CONTACT_CENTRE
    assert partnership.id == partnership_id(CONTACT_CENTRE.lower())
    assert partnership.formed_on == FORMED
    with pytest.raises(InvalidInput) as raised:
        Partnership.form(CONTACT_CENTRE, "  ", on(FORMED), OFFICER)
    assert raised.value.field == "purpose"


def test_the_purpose_can_be_corrected() -> None:
    partnership = formed()
    partnership.correct(1, "purpose", "Shared services", "Misread", on(FORMED), OFFICER)
    assert partnership.purpose == "Shared services"
    with pytest.raises(InvalidInput) as raised:
        partnership.correct(1, "purpose", " ", "Blank", on(FORMED), OFFICER)
    assert raised.value.field == "value"


def test_every_version_of_the_vision_is_kept_and_the_latest_in_effect_wins() -> None:
    partnership = formed()
    partnership.state_vision("Access all services from one point", on(date(2006, 1, 1)), OFFICER)
    partnership.state_vision("Three year vision", on(date(2007, 9, 1)), OFFICER)
    # Entered late: an interim revision from 2007, recorded after the later one.
    partnership.state_vision("Interim vision", on(date(2007, 1, 1)), OFFICER)
    assert [v["text"] for v in partnership.visions] == [
        "Access all services from one point",
        "Three year vision",
        "Interim vision",
    ]
    assert partnership.visions[2]["effective_date"] == date(2007, 1, 1)
    assert partnership.vision == "Three year vision"
    assert partnership.vision_on(date(2005, 12, 31)) is None
    assert partnership.vision_on(date(2007, 3, 1)) == "Interim vision"


def test_a_vision_entered_twice_for_one_day_is_refused_but_a_reaffirmation_is_kept() -> None:
    partnership = formed()
    partnership.state_vision("One point of access", on(date(2006, 1, 1)), OFFICER)
    with pytest.raises(VisionAlreadyRecorded) as raised:
        partnership.state_vision(" One point  of access", on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == (
        "vision_already_recorded",
        "visionStatement",
    )
    partnership.state_vision("One point of access", on(date(2007, 1, 1)), OFFICER)
    assert len(partnership.visions) == 2


def test_nothing_can_happen_before_the_partnership_was_formed() -> None:
    partnership = formed()
    before = on(FORMED - timedelta(days=1))
    for change in (
        lambda: partnership.state_vision("Early", before, OFFICER),
        lambda: partnership.admit_member(LCC, LEAD, before, OFFICER),
        lambda: partnership.establish_body("Joint Committee", before, OFFICER),
    ):
        with pytest.raises(ChangeBeforeFormation) as raised:
            change()
        assert (raised.value.code, raised.value.field) == (
            "change_before_formation",
            "effectiveDate",
        )


# Membership


def test_admission_keeps_who_joined_when_and_in_what_role() -> None:
    partnership = with_members()
    assert partnership.members == {
        LCC: {"role": LEAD, "joined_on": FORMED, "left_on": None},
        CHORLEY: {"role": PARTNER, "joined_on": FORMED, "left_on": None},
    }
    assert partnership.lead_on(FORMED) == LCC
    with pytest.raises(InvalidInput) as raised:
        partnership.admit_member(BURNLEY, "observer", on(FORMED), OFFICER)
    assert raised.value.field == "role"


def test_an_authority_already_a_member_cannot_be_admitted_again() -> None:
    partnership = with_members()
    with pytest.raises(AlreadyAMember) as raised:
        partnership.admit_member(" chorley borough  council", HOST, on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("already_a_member", "authority")


def test_a_partnership_has_at_most_one_lead() -> None:
    partnership = with_members()
    with pytest.raises(LeadAlreadyTaken) as raised:
        partnership.admit_member(BURNLEY, LEAD, on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("lead_already_taken", "role")
    with pytest.raises(LeadAlreadyTaken):
        partnership.change_member_role(CHORLEY, LEAD, on(date(2006, 1, 1)), OFFICER)


def test_the_lead_passes_once_the_old_lead_stands_down_but_not_before() -> None:
    partnership = with_members()
    partnership.change_member_role(LCC, HOST, on(date(2008, 1, 1)), OFFICER)
    # Backdating the new lead to when the county still led would give two leads at once.
    with pytest.raises(LeadAlreadyTaken):
        partnership.change_member_role(CHORLEY, LEAD, on(date(2007, 12, 31)), OFFICER)
    partnership.change_member_role(CHORLEY, LEAD, on(date(2008, 1, 1)), OFFICER)
    assert partnership.lead_on(date(2007, 12, 31)) == LCC
    assert partnership.lead_on(date(2008, 1, 1)) == CHORLEY
    assert partnership.role_on(LCC, date(2008, 1, 1)) == HOST


def test_role_changes_are_kept_and_must_follow_each_other() -> None:
    partnership = with_members()
    partnership.change_member_role(CHORLEY, HOST, on(date(2007, 1, 1)), OFFICER)
    (changed,) = partnership.collect_events()[-1:]
    assert isinstance(changed, Partnership.MemberRoleChanged)
    assert (changed.previous_role, changed.role) == (PARTNER, HOST)
    assert partnership.role_on(CHORLEY, date(2006, 12, 31)) == PARTNER
    assert partnership.role_on(CHORLEY, date(2007, 1, 1)) == HOST
    with pytest.raises(RoleUnchanged) as raised:
        partnership.change_member_role(CHORLEY, HOST, on(date(2007, 2, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("role_unchanged", "role")
    with pytest.raises(OutOfDateOrder) as raised:
        partnership.change_member_role(CHORLEY, PARTNER, on(date(2006, 6, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("out_of_date_order", "effectiveDate")
    with pytest.raises(NotAMember) as raised:
        partnership.change_member_role(BURNLEY, HOST, on(date(2007, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("not_a_member", "authority")


def test_members_are_known_before_between_and_after_a_member_leaves() -> None:
    partnership = with_members()
    partnership.admit_member(BURNLEY, PARTNER, on(date(2006, 1, 1)), OFFICER)
    partnership.record_member_leaving(BURNLEY, "Own CRM", on(date(2009, 4, 1)), OFFICER)
    assert partnership.member_authorities(date(2005, 12, 31)) == [CHORLEY, LCC]
    assert partnership.member_authorities(date(2006, 1, 1)) == [BURNLEY, CHORLEY, LCC]
    assert partnership.member_authorities(date(2009, 3, 31)) == [BURNLEY, CHORLEY, LCC]
    assert partnership.member_authorities(date(2009, 4, 1)) == [CHORLEY, LCC]
    assert partnership.is_member(BURNLEY, date(2008, 1, 1))
    assert not partnership.is_member(BURNLEY, date(2009, 4, 1))
    assert BURNLEY not in partnership.members
    assert partnership.memberships[-1]["leaving_reason"] == "Own CRM"


def test_leaving_needs_a_current_member_and_cannot_precede_its_last_change() -> None:
    partnership = with_members()
    with pytest.raises(NotAMember) as raised:
        partnership.record_member_leaving(BURNLEY, "Never joined", on(FORMED), OFFICER)
    assert (raised.value.code, raised.value.field) == ("not_a_member", "authority")
    with pytest.raises(OutOfDateOrder) as raised:
        partnership.record_member_leaving(CHORLEY, "Oops", on(date(2005, 3, 1)), OFFICER)
    assert raised.value.field == "effectiveDate"
    with pytest.raises(InvalidInput) as raised:
        partnership.record_member_leaving(CHORLEY, " ", on(date(2006, 3, 1)), OFFICER)
    assert raised.value.field == "reason"


def test_an_authority_may_leave_and_rejoin_and_both_memberships_are_kept() -> None:
    partnership = with_members()
    partnership.record_member_leaving(CHORLEY, "Review", on(date(2007, 1, 1)), OFFICER)
    with pytest.raises(NotAMember):
        partnership.record_member_leaving(CHORLEY, "Again", on(date(2007, 2, 1)), OFFICER)
    with pytest.raises(OutOfDateOrder) as raised:
        partnership.admit_member(CHORLEY, HOST, on(date(2006, 12, 31)), OFFICER)
    assert raised.value.field == "effectiveDate"
    partnership.admit_member(CHORLEY, HOST, on(date(2008, 1, 1)), OFFICER)
    chorley = [m for m in partnership.memberships if m["authority"] == CHORLEY]
    assert [(m["joined_on"], m["left_on"]) for m in chorley] == [
        (FORMED, date(2007, 1, 1)),
        (date(2008, 1, 1), None),
    ]
    assert partnership.is_member(CHORLEY, date(2006, 12, 31))
    assert not partnership.is_member(CHORLEY, date(2007, 6, 1))
    assert partnership.role_on(CHORLEY, date(2008, 1, 1)) == HOST
    assert partnership.members[CHORLEY]["joined_on"] == date(2008, 1, 1)


# Governing bodies


def test_a_governing_body_is_recorded_once() -> None:
    partnership = formed()
    partnership.establish_body("Joint Committee", on(date(2005, 6, 1)), OFFICER)
    partnership.establish_body("Programme Board", on(date(2005, 6, 1)), OFFICER)
    assert partnership.body_names == ["Joint Committee", "Programme Board"]
    with pytest.raises(BodyAlreadyEstablished) as raised:
        partnership.establish_body("joint  committee", on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("body_already_established", "bodyName")


# Invariants over any sequence of commands

AUTHORITIES = [LCC, CHORLEY, BURNLEY, "Preston City Council"]

command = st.one_of(
    st.tuples(
        st.just("admit"), st.sampled_from(AUTHORITIES), st.sampled_from([LEAD, HOST, PARTNER])
    ),
    st.tuples(
        st.just("role"), st.sampled_from(AUTHORITIES), st.sampled_from([LEAD, HOST, PARTNER])
    ),
    st.tuples(st.just("leave"), st.sampled_from(AUTHORITIES)),
    st.tuples(st.just("vision"), st.sampled_from(["One point", "Three years", "Shared IT"])),
    st.tuples(st.just("body"), st.sampled_from(["Joint Committee", "Programme Board"])),
    st.tuples(st.just("correct"), st.sampled_from(["Shared services", " "])),
)
# Dates go backwards as well as forwards: papers are entered out of order.
offsets = st.integers(min_value=-30, max_value=2000)


def run(partnership: Partnership, step: tuple[str, ...], day: date) -> None:
    provenance = on(day)
    kind = step[0]
    if kind == "admit":
        partnership.admit_member(step[1], step[2], provenance, OFFICER)
    elif kind == "role":
        partnership.change_member_role(step[1], step[2], provenance, OFFICER)
    elif kind == "leave":
        partnership.record_member_leaving(step[1], "Left", provenance, OFFICER)
    elif kind == "vision":
        partnership.state_vision(step[1], provenance, OFFICER)
    elif kind == "body":
        partnership.establish_body(step[1], provenance, OFFICER)
    else:
        partnership.correct(1, "purpose", step[1], "Misread", provenance, OFFICER)


def partnership_after(steps: list[tuple[tuple[str, ...], int]]) -> Partnership:
    partnership = formed()
    for step, offset in steps:
        # A refused command must leave no trace; replay and the invariants check that.
        with suppress(DomainError):
            run(partnership, step, FORMED + timedelta(days=offset))
    return partnership


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.tuples(command, offsets), max_size=15))
def test_replaying_the_stored_events_rebuilds_the_same_partnership(
    steps: list[tuple[tuple[str, ...], int]],
) -> None:
    app = PartnershipApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo", "IS_SNAPSHOTTING_ENABLED": "y"}
    )
    partnership = partnership_after(steps)
    app.save(partnership)
    assert app.repository.get(partnership.id).__dict__ == partnership.__dict__
    # Snapshots store the state itself, so it must survive transcoding too.
    app.take_snapshot(partnership.id)
    assert app.repository.get(partnership.id).__dict__ == partnership.__dict__


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.tuples(command, offsets), max_size=15),
    probes=st.lists(offsets, min_size=1, max_size=8),
)
def test_membership_on_any_day_follows_the_events_with_at_most_one_lead(
    steps: list[tuple[tuple[str, ...], int]], probes: list[int]
) -> None:
    partnership = partnership_after(steps)
    events = partnership.collect_events()
    for offset in probes:
        day = FORMED + timedelta(days=offset)
        expected: dict[str, str] = {}
        for event in events:
            if event.effective_date > day:
                continue
            if isinstance(event, Partnership.MemberAdmitted | Partnership.MemberRoleChanged):
                expected[event.authority] = event.role
            elif isinstance(event, Partnership.MemberLeft):
                expected.pop(event.authority, None)
        assert partnership.member_authorities(day) == sorted(expected)
        assert {a: partnership.role_on(a, day) for a in expected} == expected
        leads = [
            a for a in partnership.member_authorities(day) if partnership.role_on(a, day) == LEAD
        ]
        assert len(leads) <= 1
