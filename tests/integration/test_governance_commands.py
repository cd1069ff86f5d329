"""Governing body commands, with the checks that span aggregates.

The helpers at the top establish the Joint Committee and Chorley's scrutiny sub-group of
26 October 2006 (seed 003); the meeting tests build on them.
"""

from datetime import date, datetime
from typing import Any

import pytest

from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.governance import (
    AlreadyOnBody,
    ChairAlreadyRecorded,
    ChangeBeforeEstablishment,
    DecisionRuleAlreadyRecorded,
    GoverningBodyNotFound,
    NotOnBody,
    OwnParentBody,
    TermsOfReferenceAlreadyRecorded,
)
from partnership.partnerships import (
    AuthorityNotFound,
    BodyAlreadyEstablished,
    ChangeBeforeFormation,
    NotAMember,
    OutOfDateOrder,
    PartnershipNotFound,
)
from partnership.voting import MAJORITY_OF_MEMBERS, DecisionRule
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
    SCRUTINY_DAY,
    SCRUTINY_PAPER,
    SUB_GROUP_DAY,
    SUB_GROUP_MINUTES,
    form_lsscc,
    paper,
    refused,
)

pytestmark = pytest.mark.store_agnostic

JOINT_COMMITTEE = "Joint Committee"
# Assumed: the papers give no number for the old quorum, only that it was replaced.
OLD_RULE = DecisionRule(quorum=4)
# Recommendation 4d (seed 002), in force from the revised constitution of 20 November 2007.
NEW_RULE = DecisionRule(quorum=0, voting=MAJORITY_OF_MEMBERS, electronic_response_days=7)

PANEL = "Corporate and Customer Overview and Scrutiny Panel"
SUB_GROUP = "Partnership Sub-Group"
CHAIR = "Councillor Peter Baker"
SUB_GROUP_TERMS = [
    "To review the Lancashire Shared Services Contact Centre partnership arrangements.",
    "To assess whether the Council is achieving the desired benefits of partnership working, "
    "for example, procurement, single point of access to services.",
    "To identify possible improvements.",
    "To report on the findings and make recommendations to the Corporate and Customer "
    "Overview and Scrutiny Panel.",
]

PENNINE = "Pennine Lancashire IT Services"
IT_MANAGERS = "Pennine Lancashire IT Managers Group"
PENNINE_DAY = date(2011, 9, 1)
PENNINE_PAPER = "Burnley Borough Council, report to Full Council, 1 September 2011, PF3a"


def minutes(day: date = SUB_GROUP_DAY) -> Provenance:
    return paper(day, SUB_GROUP_MINUTES)


def establish_joint_committee(app: PartnershipApplication, now: datetime) -> None:
    """Every partner on the Joint Committee from the start, deciding by a quorum."""
    app.establish_body(
        partnership=LSSCC,
        name=JOINT_COMMITTEE,
        kind="joint_committee",
        parent_body=None,
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    for authority in LSSCC_MEMBERS:
        app.appoint_body_member(
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            authority=authority,
            envelope=Envelope(paper(FORMED), OFFICER, now),
        )
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=OLD_RULE,
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )


def establish_sub_group(app: PartnershipApplication, now: datetime) -> None:
    """Chorley's scrutiny panel and its Partnership Sub-Group, as of 26 October 2006."""
    app.establish_body(
        partnership=LSSCC,
        name=PANEL,
        kind="scrutiny_panel",
        parent_body=None,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.establish_body(
        partnership=LSSCC,
        name=SUB_GROUP,
        kind="scrutiny_sub_group",
        parent_body=PANEL,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.appoint_body_member(
        partnership=LSSCC,
        body=SUB_GROUP,
        authority=CHORLEY,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.appoint_chair(
        partnership=LSSCC,
        body=SUB_GROUP,
        person=CHAIR,
        authority=CHORLEY,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.adopt_terms_of_reference(
        partnership=LSSCC,
        body=SUB_GROUP,
        items=SUB_GROUP_TERMS,
        envelope=Envelope(minutes(), OFFICER, now),
    )


def form_pennine(app: PartnershipApplication, now: datetime) -> None:
    """The 2011 IT partnership (seed 000), whose plan the IT Managers Group implements."""
    purpose = "Joint IT working: specialist support, shared posts, joint procurement, training"
    app.form_partnership(
        name=PENNINE,
        purpose=purpose,
        envelope=Envelope(paper(PENNINE_DAY, PENNINE_PAPER), OFFICER, now),
    )
    for authority in (BURNLEY, BLACKBURN):
        app.admit_member(
            partnership=PENNINE,
            authority=authority,
            role="partner",
            envelope=Envelope(paper(PENNINE_DAY), OFFICER, now),
        )
    app.establish_body(
        partnership=PENNINE,
        name=IT_MANAGERS,
        kind="officer_group",
        parent_body=None,
        envelope=Envelope(paper(PENNINE_DAY, PENNINE_PAPER), OFFICER, now),
    )


def governed(app: PartnershipApplication, now: datetime) -> None:
    form_lsscc(app, now)
    establish_joint_committee(app, now)
    establish_sub_group(app, now)
    form_pennine(app, now)


# Establishing bodies


def test_a_body_and_the_partnership_record_of_it_are_saved_together(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    partnership_version = app.get_partnership(LSSCC).version
    before = app.head_position()
    result = app.establish_body(
        partnership=LSSCC,
        name=JOINT_COMMITTEE,
        kind="joint_committee",
        parent_body=None,
        envelope=Envelope(paper(FORMED), OFFICER, now),
    )
    assert result.position == app.head_position() > before
    assert app.get_partnership(LSSCC).version == partnership_version + 1
    panel = app.establish_body(
        partnership="lancashire shared services contact centre",
        name=PANEL,
        kind="scrutiny_panel",
        parent_body="",
        envelope=Envelope(minutes(), OFFICER, now),
    )
    sub_group = app.establish_body(
        partnership=LSSCC,
        name=SUB_GROUP,
        kind="scrutiny_sub_group",
        parent_body=" corporate and customer overview and  scrutiny panel",
        envelope=Envelope(minutes(), OFFICER, now),
    )
    partnership = app.get_partnership(LSSCC)
    assert partnership.body_names == [JOINT_COMMITTEE, PANEL, SUB_GROUP]
    assert partnership.bodies[2] == {"name": SUB_GROUP, "established_on": SUB_GROUP_DAY}
    body = app.get_body(LSSCC, "partnership sub-group")
    assert body.id == sub_group.aggregate_id
    # Names as established: the partnership's and the parent's, whatever the spelling given.
    assert (body.partnership, body.parent_body, body.kind) == (LSSCC, PANEL, "scrutiny_sub_group")
    assert app.get_body(LSSCC, PANEL).parent_body is None
    assert app.get_body(LSSCC, PANEL).id == panel.aggregate_id


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [
        (
            lambda app, now: app.establish_body(
                partnership="Lancashire Shared Services",
                name="Board",
                kind="other",
                parent_body=None,
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            PartnershipNotFound,
            "partnership",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="Task Group",
                kind="scrutiny_sub_group",
                parent_body="Scrutiny Committee",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            GoverningBodyNotFound,
            "parentBody",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="IT Sub-Group",
                kind="officer_group",
                parent_body=IT_MANAGERS,
                envelope=Envelope(paper(PENNINE_DAY), OFFICER, now),
            ),
            GoverningBodyNotFound,
            "parentBody",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="joint  committee",
                kind="joint_committee",
                parent_body=None,
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            BodyAlreadyEstablished,
            "bodyName",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="Programme Board",
                kind="programme_board",
                parent_body="programme board",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            OwnParentBody,
            "parentBody",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="Programme Board",
                kind="project_board",
                parent_body=None,
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            InvalidInput,
            "kind",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="Task Group",
                kind="scrutiny_sub_group",
                parent_body=PANEL,
                envelope=Envelope(paper(date(2006, 10, 25)), OFFICER, now),
            ),
            ChangeBeforeEstablishment,
            "parentBody",
        ),
        (
            lambda app, now: app.establish_body(
                partnership=LSSCC,
                name="Programme Board",
                kind="programme_board",
                parent_body=None,
                envelope=Envelope(paper(date(2011, 9, 3)), OFFICER, now),
            ),
            InvalidInput,
            "effectiveDate",
        ),
    ],
    ids=[
        "unknown-partnership",
        "unknown-parent",
        "parent-of-another-partnership",
        "same-name",
        "own-parent",
        "bad-kind",
        "parent-not-yet-established",
        "future",
    ],
)
def test_refused_establishments_write_nothing(
    runtime: Runtime, clock: MovableClock, attempt: Any, error: type[DomainError], field: str
) -> None:
    app, now = runtime.app, clock()
    governed(app, now)
    bodies = app.get_partnership(LSSCC).body_names
    refused(app, error, lambda: attempt(app, now), field)
    assert app.get_partnership(LSSCC).body_names == bodies


def test_a_body_refused_by_the_partnership_is_not_saved_either(
    runtime: Runtime, clock: MovableClock
) -> None:
    """The body is valid on its own; the partnership refuses it, so neither is written."""
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    version = app.get_partnership(LSSCC).version
    refused(
        app,
        ChangeBeforeFormation,
        lambda: app.establish_body(
            partnership=LSSCC,
            name="Programme Board",
            kind="programme_board",
            parent_body=None,
            envelope=Envelope(paper(date(2004, 6, 1)), OFFICER, now),
        ),
        "effectiveDate",
    )
    assert app.get_partnership(LSSCC).version == version
    with pytest.raises(GoverningBodyNotFound):
        app.get_body(LSSCC, "Programme Board")


# Terms of reference, members, chairs and rules


def test_the_sub_group_of_26_october_2006_is_set_up_as_its_minutes_record(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    form_lsscc(app, now)
    app.establish_body(
        partnership=LSSCC,
        name=PANEL,
        kind="scrutiny_panel",
        parent_body=None,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.establish_body(
        partnership=LSSCC,
        name=SUB_GROUP,
        kind="scrutiny_sub_group",
        parent_body=PANEL,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    positions = [app.head_position()]
    for command in (
        lambda: app.appoint_body_member(
            partnership=LSSCC,
            body=SUB_GROUP,
            authority="CHORLEY BOROUGH COUNCIL",
            envelope=Envelope(minutes(), OFFICER, now),
        ),
        lambda: app.appoint_chair(
            partnership=LSSCC,
            body=SUB_GROUP,
            person=CHAIR,
            authority="chorley borough council",
            envelope=Envelope(minutes(), OFFICER, now, expected_version=2),
        ),
        lambda: app.adopt_terms_of_reference(
            partnership=LSSCC,
            body=SUB_GROUP,
            items=SUB_GROUP_TERMS,
            envelope=Envelope(minutes(), OFFICER, now),
        ),
    ):
        result = command()
        assert result.position == app.head_position() > positions[-1]
        positions.append(result.position)
    body = app.get_body(LSSCC, SUB_GROUP)
    assert body.version == 4
    assert body.members_on(SUB_GROUP_DAY) == [CHORLEY]
    assert body.members_on(date(2006, 10, 25)) == []
    chair = body.chair_on(SUB_GROUP_DAY)
    assert chair is not None
    assert (chair["person"], chair["authority"]) == (CHAIR, CHORLEY)
    terms = body.terms_of_reference_on(SUB_GROUP_DAY)
    assert terms is not None
    assert (terms["version"], terms["items"]) == (1, SUB_GROUP_TERMS)
    assert body.rule_on(SUB_GROUP_DAY) is None


def test_a_scrutiny_body_may_have_any_registered_authority_other_bodies_only_partners(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    governed(app, now)
    day = paper(date(2008, 1, 10))
    # Blackburn with Darwen is registered but no partner in the contact centre.
    app.appoint_body_member(
        partnership=LSSCC, body=PANEL, authority=BLACKBURN, envelope=Envelope(day, OFFICER, now)
    )
    assert app.get_body(LSSCC, PANEL).current_members == [BLACKBURN]
    app.establish_body(
        partnership=LSSCC,
        name="Programme Board",
        kind="programme_board",
        parent_body=None,
        envelope=Envelope(day, OFFICER, now),
    )
    refused(
        app,
        NotAMember,
        lambda: app.appoint_body_member(
            partnership=LSSCC,
            body="Programme Board",
            authority=BLACKBURN,
            envelope=Envelope(day, OFFICER, now),
        ),
        "authority",
    )
    assert app.get_body(LSSCC, "Programme Board").current_members == []
    # A partner that has left is refused from the day it leaves.
    app.remove_body_member(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        authority=BURNLEY,
        reason="Leaving",
        envelope=Envelope(day, OFFICER, now),
    )
    app.record_member_leaving(
        partnership=LSSCC,
        authority=BURNLEY,
        reason="Illustrative",
        envelope=Envelope(day, OFFICER, now),
    )
    refused(
        app,
        NotAMember,
        lambda: app.appoint_body_member(
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            authority=BURNLEY,
            envelope=Envelope(day, OFFICER, now),
        ),
        "authority",
    )
    # On the day before it left it was still a partner, but it cannot be reappointed earlier
    # than its removal: the body's own rule, checked after the partnership's.
    refused(
        app,
        OutOfDateOrder,
        lambda: app.appoint_body_member(
            partnership=LSSCC,
            body=JOINT_COMMITTEE,
            authority=BURNLEY,
            envelope=Envelope(paper(date(2008, 1, 9)), OFFICER, now),
        ),
        "effectiveDate",
    )
    refused(
        app,
        AuthorityNotFound,
        lambda: app.appoint_body_member(
            partnership=LSSCC,
            body=PANEL,
            authority="Preston City Council",
            envelope=Envelope(day, OFFICER, now),
        ),
        "authority",
    )


def test_members_are_removed_and_the_decision_rule_changes_from_its_date(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    governed(app, now)
    before = app.head_position()
    adopted = app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(SCRUTINY_DAY, SCRUTINY_PAPER), OFFICER, now),
    )
    assert adopted.position > before
    removed = app.remove_body_member(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        authority="pendle borough council",
        reason="Illustrative: stood down",
        envelope=Envelope(paper(date(2009, 4, 1)), OFFICER, now, expected_version=adopted.version),
    )
    assert removed.position == app.head_position() > adopted.position
    body = app.get_body(LSSCC, JOINT_COMMITTEE)
    assert body.rule_on(date(2007, 11, 19)) == OLD_RULE
    assert body.rule_on(SCRUTINY_DAY) == NEW_RULE
    assert "Pendle Borough Council" in body.members_on(date(2009, 3, 31))
    assert "Pendle Borough Council" not in body.members_on(date(2009, 4, 1))
    assert body.memberships[4]["removal_reason"] == "Illustrative: stood down"


def test_a_body_is_corrected_and_its_parent_must_be_a_body_of_the_partnership(
    runtime: Runtime, clock: MovableClock
) -> None:
    app, now = runtime.app, clock()
    governed(app, now)
    app.establish_body(
        partnership=LSSCC,
        name="Task Group",
        kind="other",
        parent_body=None,
        envelope=Envelope(minutes(), OFFICER, now),
    )
    reason, day = "Misread from the minutes", paper(SCRUTINY_DAY, SCRUTINY_PAPER)
    app.correct_body(
        partnership=LSSCC,
        body="Task Group",
        corrects_version=1,
        field="kind",
        value="scrutiny_sub_group",
        reason=reason,
        envelope=Envelope(day, OFFICER, now),
    )
    result = app.correct_body(
        partnership=LSSCC,
        body="task group",
        corrects_version=1,
        field="parent_body",
        value="partnership sub-group",
        reason=reason,
        envelope=Envelope(day, OFFICER, now),
    )
    assert result.position == app.head_position()
    body = app.get_body(LSSCC, "Task Group")
    assert (body.kind, body.parent_body, body.version) == ("scrutiny_sub_group", SUB_GROUP, 3)
    app.correct_body(
        partnership=LSSCC,
        body="Task Group",
        corrects_version=1,
        field="parent_body",
        value=" ",
        reason=reason,
        envelope=Envelope(day, OFFICER, now),
    )
    assert app.get_body(LSSCC, "Task Group").parent_body is None


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [
        (
            lambda app, now: app.adopt_terms_of_reference(
                partnership=LSSCC,
                body=SUB_GROUP,
                items=[],
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            InvalidInput,
            "items",
        ),
        (
            lambda app, now: app.adopt_terms_of_reference(
                partnership=LSSCC,
                body=SUB_GROUP,
                items=SUB_GROUP_TERMS,
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            TermsOfReferenceAlreadyRecorded,
            "items",
        ),
        (
            lambda app, now: app.adopt_terms_of_reference(
                partnership=LSSCC,
                body=SUB_GROUP,
                items=["Review"],
                envelope=Envelope(minutes(date(2006, 10, 1)), OFFICER, now),
            ),
            ChangeBeforeEstablishment,
            "effectiveDate",
        ),
        (
            lambda app, now: app.adopt_terms_of_reference(
                partnership=LSSCC,
                body="Task Group",
                items=["Review"],
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            GoverningBodyNotFound,
            "body",
        ),
        (
            lambda app, now: app.appoint_body_member(
                partnership=LSSCC,
                body=JOINT_COMMITTEE,
                authority="lancashire county council",
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            AlreadyOnBody,
            "authority",
        ),
        (
            lambda app, now: app.appoint_body_member(
                partnership=PENNINE,
                body=IT_MANAGERS,
                authority=LCC,
                envelope=Envelope(paper(PENNINE_DAY), OFFICER, now),
            ),
            NotAMember,
            "authority",
        ),
        (
            lambda app, now: app.remove_body_member(
                partnership=LSSCC,
                body=SUB_GROUP,
                authority=LCC,
                reason="Never a member",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            NotOnBody,
            "authority",
        ),
        (
            lambda app, now: app.remove_body_member(
                partnership=LSSCC,
                body=SUB_GROUP,
                authority=CHORLEY,
                reason="Too early",
                envelope=Envelope(minutes(date(2006, 1, 1)), OFFICER, now),
            ),
            OutOfDateOrder,
            "effectiveDate",
        ),
        (
            lambda app, now: app.appoint_chair(
                partnership=LSSCC,
                body=SUB_GROUP,
                person="Councillor Edgerley",
                authority="Preston City Council",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            AuthorityNotFound,
            "authority",
        ),
        (
            lambda app, now: app.appoint_chair(
                partnership=LSSCC,
                body=SUB_GROUP,
                person="councillor peter  baker",
                authority=CHORLEY,
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            ChairAlreadyRecorded,
            "person",
        ),
        (
            lambda app, now: app.appoint_chair(
                partnership=LSSCC,
                body=SUB_GROUP,
                person=CHAIR,
                authority=CHORLEY,
                envelope=Envelope(minutes(date(2011, 9, 5)), OFFICER, now),
            ),
            InvalidInput,
            "effectiveDate",
        ),
        (
            lambda app, now: app.adopt_decision_rule(
                partnership=LSSCC,
                body=JOINT_COMMITTEE,
                rule=OLD_RULE,
                envelope=Envelope(paper(FORMED), OFFICER, now),
            ),
            DecisionRuleAlreadyRecorded,
            "rule",
        ),
        (
            lambda app, now: app.adopt_decision_rule(
                partnership=LSSCC,
                body=JOINT_COMMITTEE,
                rule=DecisionRule(quorum=3, voting="show of hands"),
                envelope=Envelope(paper(SCRUTINY_DAY), OFFICER, now),
            ),
            InvalidInput,
            "voting",
        ),
        (
            lambda app, now: app.correct_body(
                partnership=LSSCC,
                body=SUB_GROUP,
                corrects_version=1,
                field="name",
                value="Sub-Group",
                reason="Shorter",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            InvalidInput,
            "field",
        ),
        (
            lambda app, now: app.correct_body(
                partnership=LSSCC,
                body=SUB_GROUP,
                corrects_version=1,
                field="parent_body",
                value="Scrutiny Committee",
                reason="Wrong",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            GoverningBodyNotFound,
            "value",
        ),
        (
            lambda app, now: app.correct_body(
                partnership=LSSCC,
                body=PANEL,
                corrects_version=1,
                field="parent_body",
                value=SUB_GROUP,
                reason="Wrong",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            OwnParentBody,
            "value",
        ),
        (
            lambda app, now: app.correct_body(
                partnership=LSSCC,
                body=PANEL,
                corrects_version=1,
                field="parent_body",
                value=PANEL.lower(),
                reason="Wrong",
                envelope=Envelope(minutes(), OFFICER, now),
            ),
            OwnParentBody,
            "value",
        ),
        (
            lambda app, now: app.appoint_chair(
                partnership=LSSCC,
                body=SUB_GROUP,
                person="Councillor Hasina Khan",
                authority=CHORLEY,
                envelope=Envelope(minutes(), OFFICER, now, expected_version=2),
            ),
            ConcurrentChange,
            "expectedVersion",
        ),
    ],
    ids=[
        "no-terms",
        "same-terms-same-day",
        "terms-before-establishment",
        "unknown-body",
        "already-on-body",
        "not-a-partner",
        "remove-non-member",
        "remove-before-appointment",
        "chair-of-unregistered-authority",
        "same-chair-same-day",
        "future-chair",
        "same-rule-same-day",
        "bad-voting-rule",
        "uncorrectable",
        "unknown-parent",
        "parent-cycle",
        "own-parent",
        "stale",
    ],
)
def test_refused_body_commands_write_nothing(
    runtime: Runtime, clock: MovableClock, attempt: Any, error: type[DomainError], field: str
) -> None:
    app, now = runtime.app, clock()
    governed(app, now)
    versions = [app.get_body(LSSCC, name).version for name in (JOINT_COMMITTEE, PANEL, SUB_GROUP)]
    refused(app, error, lambda: attempt(app, now), field)
    after = [app.get_body(LSSCC, name).version for name in (JOINT_COMMITTEE, PANEL, SUB_GROUP)]
    assert after == versions
