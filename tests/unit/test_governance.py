"""Governing body rules, without I/O, and invariants over any command sequence."""

from contextlib import suppress
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.governance import (
    JOINT_COMMITTEE,
    OTHER,
    SCRUTINY_PANEL,
    SCRUTINY_SUB_GROUP,
    AlreadyOnBody,
    ChairAlreadyRecorded,
    ChangeBeforeEstablishment,
    DecisionRuleAlreadyRecorded,
    GoverningBody,
    NotOnBody,
    OwnParentBody,
    TermsOfReferenceAlreadyRecorded,
    governing_body_id,
)
from partnership.partnerships import OutOfDateOrder
from partnership.voting import (
    CARRIED,
    FOR,
    INQUORATE,
    MAJORITY_OF_MEMBERS,
    MAJORITY_OF_VOTES_CAST,
    UNANIMOUS,
    DecisionRule,
    tally,
)

OFFICER = Actor("Ruth Hawes", "Chorley Borough Council", "ruth-hawes")
CONTACT_CENTRE = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
BURNLEY = "Burnley Borough Council"
PRESTON = "Preston City Council"
ESTABLISHED = date(2005, 6, 1)
PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"
SUB_GROUP_TERMS = [
    "To review the Lancashire Shared Services Contact Centre partnership arrangements.",
    "To assess whether the Council is achieving the desired benefits of partnership working, "
    "for example, procurement, single point of access to services.",
    "To identify possible improvements.",
    "To report on the findings and make recommendations to the Corporate and Customer "
    "Overview and Scrutiny Panel.",
]
ALL_PRESENT = DecisionRule(quorum=4, voting=UNANIMOUS)
# Recommendation 4d: a majority vote, absent partners responding electronically.
MAJORITY_WITH_ELECTRONIC = DecisionRule(
    quorum=3, voting=MAJORITY_OF_VOTES_CAST, electronic_response_days=10
)


def on(day: date, source: str = "Joint Committee minutes") -> Provenance:
    return Provenance(day, source)


def joint_committee() -> GoverningBody:
    return GoverningBody.establish(
        CONTACT_CENTRE, "Joint Committee", JOINT_COMMITTEE, None, on(ESTABLISHED), OFFICER
    )


# Establishing a body


def test_a_body_is_keyed_by_its_partnership_and_its_name() -> None:
    body = joint_committee()
    (event,) = body.collect_events()
    assert isinstance(event, GoverningBody.Established)
    assert (event.partnership, event.name, event.kind, event.parent_body) == (
        CONTACT_CENTRE,
        "Joint Committee",
        JOINT_COMMITTEE,
        None,
    )
    assert (event.recorded_by, event.source) == ("Ruth Hawes", "Joint Committee minutes")
    assert body.id == governing_body_id(CONTACT_CENTRE.upper(), " joint  committee")
    assert body.id != governing_body_id("Pennine Lancashire IT Services", "Joint Committee")
    assert governing_body_id("A B", "C") != governing_body_id("A", "B C")


def test_a_sub_group_names_its_parent_body() -> None:
    sub_group = GoverningBody.establish(
        CONTACT_CENTRE,
        "Partnership Sub-Group",
        SCRUTINY_SUB_GROUP,
        f"  {PANEL} ",
        on(date(2006, 10, 26), "Sub-Group minutes 26 October 2006"),
        OFFICER,
    )
    assert sub_group.parent_body == PANEL
    assert sub_group.established_on == date(2006, 10, 26)


@pytest.mark.parametrize(
    ("name", "kind", "parent", "field"),
    [
        (" ", JOINT_COMMITTEE, None, "name"),
        ("Board", "cabinet", None, "kind"),
        ("Board", OTHER, 7, "parentBody"),
    ],
)
def test_a_body_needs_a_name_and_a_known_kind(
    name: str, kind: str, parent: object, field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        GoverningBody.establish(
            CONTACT_CENTRE,
            name,
            kind,
            parent,
            on(ESTABLISHED),
            OFFICER,  # type: ignore[arg-type]
        )
    assert raised.value.field == field


def test_a_blank_parent_means_none_and_a_body_cannot_be_its_own_parent() -> None:
    body = GoverningBody.establish(CONTACT_CENTRE, "Board", OTHER, "  ", on(ESTABLISHED), OFFICER)
    assert body.parent_body is None
    with pytest.raises(OwnParentBody) as raised:
        GoverningBody.establish(CONTACT_CENTRE, "Board", OTHER, "board", on(ESTABLISHED), OFFICER)
    assert (raised.value.code, raised.value.field) == ("own_parent_body", "parentBody")


def test_kind_and_parent_body_can_be_corrected() -> None:
    body = GoverningBody.establish(
        CONTACT_CENTRE, "Partnership Sub-Group", OTHER, None, on(ESTABLISHED), OFFICER
    )
    body.correct(1, "kind", SCRUTINY_SUB_GROUP, "Misread", on(ESTABLISHED), OFFICER)
    body.correct(1, "parent_body", PANEL, "Omitted", on(ESTABLISHED), OFFICER)
    assert (body.kind, body.parent_body) == (SCRUTINY_SUB_GROUP, PANEL)
    with pytest.raises(InvalidInput) as raised:
        body.correct(1, "kind", "cabinet", "Typo", on(ESTABLISHED), OFFICER)
    assert raised.value.field == "value"
    with pytest.raises(OwnParentBody) as raised:
        body.correct(1, "parent_body", "partnership sub-group", "Typo", on(ESTABLISHED), OFFICER)
    assert raised.value.field == "value"
    with pytest.raises(InvalidInput) as raised:
        body.correct(1, "name", "Sub-Group", "Shorter", on(ESTABLISHED), OFFICER)
    assert raised.value.field == "field"


def test_nothing_can_happen_before_the_body_was_established() -> None:
    body = joint_committee()
    before = on(ESTABLISHED - timedelta(days=1))
    for change in (
        lambda: body.adopt_terms_of_reference(["Oversee"], before, OFFICER),
        lambda: body.appoint_member(LCC, before, OFFICER),
        lambda: body.appoint_chair("County Councillor", LCC, before, OFFICER),
        lambda: body.adopt_decision_rule(ALL_PRESENT, before, OFFICER),
    ):
        with pytest.raises(ChangeBeforeEstablishment) as raised:
            change()
        assert (raised.value.code, raised.value.field) == (
            "change_before_establishment",
            "effectiveDate",
        )


# Terms of reference


def test_every_version_of_the_terms_of_reference_is_kept() -> None:
    body = joint_committee()
    body.adopt_terms_of_reference(["Oversee the partnership"], on(ESTABLISHED), OFFICER)
    body.adopt_terms_of_reference(
        ["Oversee the partnership", "Review the vision every 6 months"],
        on(date(2007, 9, 1)),
        OFFICER,
    )
    assert [(v["version"], v["effective_date"]) for v in body.terms_of_reference] == [
        (1, ESTABLISHED),
        (2, date(2007, 9, 1)),
    ]
    assert body.terms_of_reference_on(ESTABLISHED - timedelta(days=1)) is None
    first = body.terms_of_reference_on(date(2007, 8, 31))
    assert first is not None
    assert first["items"] == ["Oversee the partnership"]
    second = body.terms_of_reference_on(date(2011, 1, 1))
    assert second is not None
    assert second["version"] == 2


def test_the_sub_groups_agreed_terms_of_reference_are_kept_item_by_item() -> None:
    sub_group = GoverningBody.establish(
        CONTACT_CENTRE,
        "Partnership Sub-Group",
        SCRUTINY_SUB_GROUP,
        PANEL,
        on(date(2006, 10, 26)),
        OFFICER,
    )
    sub_group.adopt_terms_of_reference(SUB_GROUP_TERMS, on(date(2006, 10, 26)), OFFICER)
    adopted = sub_group.collect_events()[-1]
    assert isinstance(adopted, GoverningBody.TermsOfReferenceAdopted)
    assert (adopted.version, adopted.items) == (1, SUB_GROUP_TERMS)


def test_bad_or_doubly_entered_terms_of_reference_are_refused() -> None:
    body = joint_committee()
    for items in ([], ["Oversee", "  "]):
        with pytest.raises(InvalidInput) as raised:
            body.adopt_terms_of_reference(items, on(ESTABLISHED), OFFICER)
        assert raised.value.field == "items"
    body.adopt_terms_of_reference(["Oversee"], on(ESTABLISHED), OFFICER)
    with pytest.raises(TermsOfReferenceAlreadyRecorded) as raised:
        body.adopt_terms_of_reference([" Oversee "], on(ESTABLISHED), OFFICER)
    assert (raised.value.code, raised.value.field) == (
        "terms_of_reference_already_recorded",
        "items",
    )
    # Reaffirmed at a later meeting: a fact of its own, kept as a new version.
    body.adopt_terms_of_reference(["Oversee"], on(date(2006, 1, 1)), OFFICER)
    assert [v["version"] for v in body.terms_of_reference] == [1, 2]


# Member authorities and chairs


def test_members_on_answers_before_between_and_after_changes() -> None:
    body = joint_committee()
    body.appoint_member(LCC, on(ESTABLISHED), OFFICER)
    body.appoint_member(CHORLEY, on(ESTABLISHED), OFFICER)
    body.appoint_member(BURNLEY, on(date(2006, 1, 1)), OFFICER)
    body.remove_member(CHORLEY, "Left the partnership", on(date(2008, 1, 1)), OFFICER)
    assert body.members_on(ESTABLISHED - timedelta(days=1)) == []
    assert body.members_on(ESTABLISHED) == [CHORLEY, LCC]
    assert body.members_on(date(2006, 1, 1)) == [BURNLEY, CHORLEY, LCC]
    assert body.members_on(date(2007, 12, 31)) == [BURNLEY, CHORLEY, LCC]
    assert body.members_on(date(2008, 1, 1)) == [BURNLEY, LCC]
    assert body.current_members == [BURNLEY, LCC]
    assert body.memberships[1]["removal_reason"] == "Left the partnership"


def test_membership_errors_name_the_authority_or_date_at_fault() -> None:
    body = joint_committee()
    body.appoint_member(LCC, on(ESTABLISHED), OFFICER)
    with pytest.raises(AlreadyOnBody) as raised:
        body.appoint_member(" lancashire county council", on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("already_on_body", "authority")
    with pytest.raises(NotOnBody) as raised:
        body.remove_member(CHORLEY, "Never appointed", on(date(2006, 1, 1)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("not_on_body", "authority")
    body.appoint_member(CHORLEY, on(date(2006, 1, 1)), OFFICER)
    with pytest.raises(OutOfDateOrder) as raised:
        body.remove_member(CHORLEY, "Too early", on(date(2005, 12, 31)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("out_of_date_order", "effectiveDate")
    with pytest.raises(InvalidInput) as raised:
        body.remove_member(CHORLEY, "", on(date(2007, 1, 1)), OFFICER)
    assert raised.value.field == "reason"


def test_a_removed_member_may_be_appointed_again_but_not_backdated() -> None:
    body = joint_committee()
    body.appoint_member(PRESTON, on(ESTABLISHED), OFFICER)
    body.remove_member(PRESTON, "Withdrew", on(date(2007, 1, 1)), OFFICER)
    with pytest.raises(OutOfDateOrder):
        body.appoint_member(PRESTON, on(date(2006, 6, 1)), OFFICER)
    body.appoint_member(PRESTON, on(date(2009, 1, 1)), OFFICER)
    assert [body.members_on(d) for d in (date(2006, 1, 1), date(2008, 1, 1), date(2009, 1, 1))] == [
        [PRESTON],
        [],
        [PRESTON],
    ]
    assert len(body.memberships) == 2


def test_the_chair_history_is_kept() -> None:
    sub_group = GoverningBody.establish(
        CONTACT_CENTRE,
        "Partnership Sub-Group",
        SCRUTINY_SUB_GROUP,
        PANEL,
        on(date(2006, 10, 26)),
        OFFICER,
    )
    sub_group.appoint_chair("Councillor Peter Baker", CHORLEY, on(date(2006, 10, 26)), OFFICER)
    sub_group.appoint_chair("Councillor Hasina Khan", CHORLEY, on(date(2008, 5, 20)), OFFICER)
    assert sub_group.chair_on(date(2006, 10, 25)) is None
    first = sub_group.chair_on(date(2008, 5, 19))
    assert first is not None
    assert first["person"] == "Councillor Peter Baker"
    latest = sub_group.chair_on(date(2010, 1, 1))
    assert latest is not None
    assert (latest["person"], latest["authority"]) == ("Councillor Hasina Khan", CHORLEY)
    assert len(sub_group.chairs) == 2
    with pytest.raises(ChairAlreadyRecorded) as raised:
        sub_group.appoint_chair("councillor hasina khan", CHORLEY, on(date(2008, 5, 20)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("chair_already_recorded", "person")
    # Re-appointed at the next annual meeting: kept.
    sub_group.appoint_chair("Councillor Hasina Khan", CHORLEY, on(date(2009, 5, 19)), OFFICER)
    assert len(sub_group.chairs) == 3


# Decision rules


def test_a_rule_change_applies_only_from_its_effective_date() -> None:
    body = joint_committee()
    body.adopt_decision_rule(ALL_PRESENT, on(ESTABLISHED), OFFICER)
    body.adopt_decision_rule(MAJORITY_WITH_ELECTRONIC, on(date(2007, 9, 1)), OFFICER)
    adopted = body.collect_events()[-1]
    assert isinstance(adopted, GoverningBody.DecisionRuleAdopted)
    assert adopted.rule == {
        "quorum": 3,
        "voting": MAJORITY_OF_VOTES_CAST,
        "electronic_response_days": 10,
    }
    assert body.rule_on(ESTABLISHED - timedelta(days=1)) is None
    assert body.rule_on(ESTABLISHED) == ALL_PRESENT
    assert body.rule_on(date(2007, 8, 31)) == ALL_PRESENT
    assert body.rule_on(date(2007, 9, 1)) == MAJORITY_WITH_ELECTRONIC
    assert body.rule_on(date(2011, 1, 1)) == MAJORITY_WITH_ELECTRONIC


def test_a_meeting_is_judged_by_the_rule_in_force_on_its_date() -> None:
    body = joint_committee()
    for authority in (LCC, CHORLEY, BURNLEY, PRESTON):
        body.appoint_member(authority, on(ESTABLISHED), OFFICER)
    body.adopt_decision_rule(ALL_PRESENT, on(ESTABLISHED), OFFICER)
    body.adopt_decision_rule(MAJORITY_WITH_ELECTRONIC, on(date(2007, 9, 1)), OFFICER)
    votes = {LCC: FOR, CHORLEY: FOR}
    electronic = {BURNLEY: FOR}
    for meeting, outcome in ((date(2007, 6, 1), INQUORATE), (date(2007, 10, 1), CARRIED)):
        rule = body.rule_on(meeting)
        assert rule is not None
        members = body.members_on(meeting)
        assert tally(rule, members, votes, electronic, meeting).outcome == outcome


def test_a_late_recorded_rule_does_not_override_a_later_one() -> None:
    body = joint_committee()
    body.adopt_decision_rule(MAJORITY_WITH_ELECTRONIC, on(date(2007, 9, 1)), OFFICER)
    body.adopt_decision_rule(ALL_PRESENT, on(ESTABLISHED), OFFICER)
    assert body.rule_on(date(2006, 1, 1)) == ALL_PRESENT
    assert body.rule_on(date(2008, 1, 1)) == MAJORITY_WITH_ELECTRONIC


def test_of_two_rules_on_one_date_the_later_recorded_wins() -> None:
    body = joint_committee()
    body.adopt_decision_rule(ALL_PRESENT, on(date(2007, 9, 1)), OFFICER)
    body.adopt_decision_rule(MAJORITY_WITH_ELECTRONIC, on(date(2007, 9, 1)), OFFICER)
    assert body.rule_on(date(2007, 9, 1)) == MAJORITY_WITH_ELECTRONIC


def test_bad_or_doubly_entered_rules_are_refused() -> None:
    body = joint_committee()
    with pytest.raises(InvalidInput) as raised:
        body.adopt_decision_rule(DecisionRule(quorum=-1), on(ESTABLISHED), OFFICER)
    assert raised.value.field == "quorum"
    body.adopt_decision_rule(ALL_PRESENT, on(ESTABLISHED), OFFICER)
    with pytest.raises(DecisionRuleAlreadyRecorded) as raised:
        body.adopt_decision_rule(DecisionRule(4, UNANIMOUS), on(ESTABLISHED), OFFICER)
    assert (raised.value.code, raised.value.field) == ("decision_rule_already_recorded", "rule")


def test_a_reaffirmed_rule_still_holds_when_an_earlier_change_is_entered_late() -> None:
    body = joint_committee()
    body.adopt_decision_rule(ALL_PRESENT, on(ESTABLISHED), OFFICER)
    body.adopt_decision_rule(ALL_PRESENT, on(date(2007, 1, 1)), OFFICER)
    body.adopt_decision_rule(MAJORITY_WITH_ELECTRONIC, on(date(2006, 1, 1)), OFFICER)
    assert body.rule_on(date(2006, 6, 1)) == MAJORITY_WITH_ELECTRONIC
    assert body.rule_on(date(2007, 1, 1)) == ALL_PRESENT


# Invariants over any sequence of commands

rules = st.builds(
    DecisionRule,
    quorum=st.integers(min_value=0, max_value=4),
    voting=st.sampled_from([MAJORITY_OF_VOTES_CAST, MAJORITY_OF_MEMBERS, UNANIMOUS]),
    electronic_response_days=st.one_of(st.none(), st.integers(min_value=1, max_value=14)),
)
# Dates go backwards as well as forwards: papers are entered out of order.
offsets = st.integers(min_value=-10, max_value=1500)
AUTHORITIES = [LCC, CHORLEY, BURNLEY]

command = st.one_of(
    st.tuples(st.just("terms"), st.lists(st.sampled_from(["Oversee", "Review"]), max_size=2)),
    st.tuples(st.just("appoint"), st.sampled_from(AUTHORITIES)),
    st.tuples(st.just("remove"), st.sampled_from(AUTHORITIES)),
    st.tuples(st.just("chair"), st.sampled_from(["Cllr Baker", "Cllr Khan"])),
    st.tuples(st.just("rule"), rules),
    st.tuples(st.just("correct"), st.sampled_from([SCRUTINY_PANEL, "cabinet"])),
)


def run(body: GoverningBody, step: tuple[object, ...], day: date) -> None:
    provenance = on(day)
    kind, argument = step
    if kind == "terms":
        body.adopt_terms_of_reference(argument, provenance, OFFICER)  # type: ignore[arg-type]
    elif kind == "appoint":
        body.appoint_member(str(argument), provenance, OFFICER)
    elif kind == "remove":
        body.remove_member(str(argument), "Withdrew", provenance, OFFICER)
    elif kind == "chair":
        body.appoint_chair(str(argument), LCC, provenance, OFFICER)
    elif kind == "rule":
        body.adopt_decision_rule(argument, provenance, OFFICER)  # type: ignore[arg-type]
    else:
        body.correct(1, "kind", argument, "Misread", provenance, OFFICER)


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(st.tuples(command, offsets), max_size=15))
def test_replaying_the_stored_events_rebuilds_the_same_body(
    steps: list[tuple[tuple[object, ...], int]],
) -> None:
    app = PartnershipApplication(
        env={"PERSISTENCE_MODULE": "eventsourcing.popo", "IS_SNAPSHOTTING_ENABLED": "y"}
    )
    body = joint_committee()
    for step, offset in steps:
        # A refused command must leave no trace; replay checks that.
        with suppress(DomainError):
            run(body, step, ESTABLISHED + timedelta(days=offset))
    app.save(body)
    assert app.repository.get(body.id).__dict__ == body.__dict__
    # Snapshots store the state itself, so it must survive transcoding too.
    app.take_snapshot(body.id)
    assert app.repository.get(body.id).__dict__ == body.__dict__


@settings(max_examples=200, deadline=None)
@given(
    adoptions=st.lists(st.tuples(rules, offsets), max_size=12),
    probes=st.lists(offsets, min_size=1, max_size=10),
)
def test_rule_on_is_always_the_latest_rule_effective_on_or_before_the_day(
    adoptions: list[tuple[DecisionRule, int]], probes: list[int]
) -> None:
    body = joint_committee()
    # Every attempt counts, refused ones too: a rule refused as already recorded for that day
    # is the one already winning on that day, so the answers must be as if it were recorded.
    attempted: list[tuple[date, int, DecisionRule]] = []
    for index, (rule, offset) in enumerate(adoptions):
        day = ESTABLISHED + timedelta(days=offset)
        with suppress(ChangeBeforeEstablishment, DecisionRuleAlreadyRecorded):
            body.adopt_decision_rule(rule, on(day), OFFICER)
        if day >= ESTABLISHED:
            attempted.append((day, index, rule))
    for offset in probes:
        day = ESTABLISHED + timedelta(days=offset)
        in_force = [(d, i, r) for d, i, r in attempted if d <= day]
        expected = max(in_force, key=lambda entry: entry[:2])[2] if in_force else None
        assert body.rule_on(day) == expected
