"""Project commands: Burnley's complaints pilot, slips kept, refusals."""

from datetime import date
from typing import Any

import pytest

from partnership.addresses import MilestoneAddress
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import ConcurrentChange, DomainError, InvalidInput, Provenance
from partnership.partnerships import (
    COUNTY,
    DISTRICT,
    LEAD,
    PARTNER,
    Authority,
    NotAMember,
    Partnership,
    PartnershipNotFound,
    partnership_id,
)
from partnership.projects import (
    ACHIEVED,
    PLANNED,
    AuthorityNotInProject,
    ChangeBeforeStart,
    DueDateUnchanged,
    MilestoneAlreadyAchieved,
    MilestoneAlreadyMissed,
    MilestoneAlreadyPlanned,
    ProjectAlreadyStarted,
    ProjectNotFound,
)
from projections.runtime import Runtime
from tests.conftest import OFFICER, MovableClock

pytestmark = pytest.mark.store_agnostic

PARTNERSHIP = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
BURNLEY = "Burnley Borough Council"
CHORLEY = "Chorley Borough Council"
OUTSIDER = "Nowhere District Council"  # registered, never a member: made up for the tests

FORMED = date(2006, 1, 1)
ASSUMED = "Test fixture: the partnership's formation and membership dates are assumed"
BURNLEY_2008 = (
    "Burnley Borough Council, report to Full Council, 9 July 2008, Customer Access & "
    "Community Engagement portfolio, B3d: Implement and evaluate the revised Complaints "
    "Procedure"
)
PILOT = "Complaints process pilot"
FRONT_OFFICE = "Front Office roll-out"
CHORLEY_LEFT = date(2009, 4, 1)  # made up for the tests: a member that leaves


def paper(day: date, source: str = "Test fixture: a later progress report") -> Provenance:
    return Provenance(day, source)


def save_partnership(app: PartnershipApplication) -> None:
    """Authorities and the partnership, made directly (the partnership commands are not ours)."""
    formed = paper(FORMED, ASSUMED)
    authorities = [
        Authority.register(name, kind, formed, OFFICER)
        for name, kind in (
            (LCC, COUNTY),
            (BURNLEY, DISTRICT),
            (CHORLEY, DISTRICT),
            (OUTSIDER, DISTRICT),
        )
    ]
    partnership = Partnership.form(
        PARTNERSHIP, "A virtual contact centre network of the County and districts", formed, OFFICER
    )
    partnership.admit_member(LCC, LEAD, formed, OFFICER)
    partnership.admit_member(BURNLEY, PARTNER, formed, OFFICER)
    partnership.admit_member(CHORLEY, PARTNER, formed, OFFICER)
    partnership.record_member_leaving(
        CHORLEY, "Test fixture: leaves", paper(CHORLEY_LEFT, ASSUMED), OFFICER
    )
    app.save(*authorities, partnership)


def test_the_complaints_pilot_slips_and_keeps_every_due_date(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    save_partnership(app)
    partnership_version: int = app.repository.get(partnership_id(PARTNERSHIP)).version
    planned = paper(date(2008, 7, 9), BURNLEY_2008)
    clock.set_day(date(2008, 7, 9))
    start = app.head_position()

    started = app.start_project(
        partnership=PARTNERSHIP.lower(),
        name=PILOT,
        description=(
            "Build the revised complaints process in the CRM, pilot it in Green Spaces, review it"
        ),
        authorities=["burnley  borough council"],
        envelope=Envelope(
            paper(date(2008, 4, 1), f"{BURNLEY_2008}; the start date is assumed"), OFFICER, clock()
        ),
    )
    assert started.position > start
    # Due dates after today are the point of a plan; each is planned as of the paper's date.
    plans = [
        ("Training", "Start training for the pilot (beginning of July)", date(2008, 7, 7)),
        ("Pilot start", "Commence the Green Spaces pilot (by the end of July)", date(2008, 7, 31)),
        ("Pilot review", "Review the pilot after a one-month trial", date(2008, 8, 31)),
    ]
    for key, title, due in plans:
        result = app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, PILOT, key),
            title=title,
            due_date=due,
            authority=BURNLEY,
            envelope=Envelope(planned, OFFICER, clock()),
        )
        assert result.position > started.position
    assert list(app.get_project(PARTNERSHIP, PILOT).milestones) == [
        "training",
        "pilot-start",
        "pilot-review",
    ]
    app.report_progress(
        partnership=PARTNERSHIP,
        project=PILOT,
        authority="BURNLEY BOROUGH COUNCIL",
        stage="Build almost complete",
        note="The build of the complaints process in the CRM is almost complete.",
        envelope=Envelope(planned, OFFICER, clock()),
    )

    clock.set_day(date(2008, 7, 14))
    app.record_milestone_achieved(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "training"),
        achieved_on=date(2008, 7, 7),
        envelope=Envelope(paper(date(2008, 7, 14)), OFFICER, clock()),
    )
    clock.set_day(date(2008, 8, 1))
    slip = "Test fixture: the literature supporting the new process was not ready"
    app.record_milestone_missed(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-start"),
        reason=slip,
        envelope=Envelope(paper(date(2008, 7, 31)), OFFICER, clock()),
    )
    app.replan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-start"),
        new_due_date=date(2008, 8, 29),
        reason=slip,
        envelope=Envelope(paper(date(2008, 8, 1)), OFFICER, clock()),
    )
    app.replan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-review"),
        new_due_date=date(2008, 9, 30),
        reason="Follows the pilot's start",
        envelope=Envelope(paper(date(2008, 8, 1)), OFFICER, clock()),
    )
    clock.set_day(date(2008, 8, 29))
    version = app.get_project(PARTNERSHIP, PILOT).version
    last = app.replan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "Pilot Start"),
        new_due_date=date(2008, 9, 12),
        reason="Test fixture: training staff were on leave",
        envelope=Envelope(paper(date(2008, 8, 29)), OFFICER, clock(), expected_version=version),
    )
    assert last.version == version + 1
    app.correct_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, PILOT, "pilot-review"),
        corrects_version=4,
        field="title",
        value="Review the pilot after one month",
        reason="Shorter wording",
        envelope=Envelope(paper(date(2008, 8, 29)), OFFICER, clock()),
    )
    corrected = app.correct_project(
        partnership=PARTNERSHIP,
        project=PILOT,
        corrects_version=1,
        field="description",
        value="Revised complaints procedure: build, pilot, review",
        reason="Test fixture: the description was abbreviated",
        envelope=Envelope(paper(date(2008, 8, 29)), OFFICER, clock()),
    )
    assert corrected.position == app.head_position()

    reopened = PartnershipApplication(env=runtime.settings.event_store_env())
    try:
        project = reopened.get_project(PARTNERSHIP, PILOT.upper())
    finally:
        reopened.close()
    assert (project.partnership, project.authorities) == (PARTNERSHIP, [BURNLEY])
    assert project.description == "Revised complaints procedure: build, pilot, review"
    pilot = project.milestones["pilot-start"]
    assert [d["due_date"] for d in pilot["due_dates"]] == [
        date(2008, 7, 31),
        date(2008, 8, 29),
        date(2008, 9, 12),
    ]
    assert [d["reason"] for d in pilot["due_dates"]] == [
        None,
        slip,
        "Test fixture: training staff were on leave",
    ]
    assert [d["effective_date"] for d in pilot["due_dates"]] == [
        date(2008, 7, 9),
        date(2008, 8, 1),
        date(2008, 8, 29),
    ]
    assert pilot["misses"] == [
        {"due_date": date(2008, 7, 31), "reason": slip, "effective_date": date(2008, 7, 31)}
    ]
    assert (pilot["status"], project.slippage_days("pilot-start")) == (PLANNED, 43)
    assert project.milestones["training"]["status"] == ACHIEVED
    assert project.milestones["training"]["achieved_on"] == date(2008, 7, 7)
    review = project.milestones["pilot-review"]
    assert review["title"] == "Review the pilot after one month"
    assert [d["due_date"] for d in review["due_dates"]] == [date(2008, 8, 31), date(2008, 9, 30)]
    assert project.stage_of(BURNLEY) == "Build almost complete"
    assert project.version == 12
    # Project commands read the partnership but never write to it.
    assert app.repository.get(partnership_id(PARTNERSHIP)).version == partnership_version


def test_progress_counts_only_while_a_partner_is_a_member(
    runtime: Runtime, clock: MovableClock
) -> None:
    app = runtime.app
    save_partnership(app)
    app.start_project(
        partnership=PARTNERSHIP,
        name=FRONT_OFFICE,
        description="Each partner goes live on Front Office",
        authorities=[LCC, CHORLEY],
        envelope=Envelope(paper(date(2008, 6, 1)), OFFICER, clock()),
    )
    app.report_progress(
        partnership=PARTNERSHIP,
        project=FRONT_OFFICE,
        authority=CHORLEY,
        stage="Live",
        note="",
        envelope=Envelope(paper(date(2009, 3, 31)), OFFICER, clock()),
    )
    before = app.head_position()
    with pytest.raises(NotAMember) as raised:
        app.report_progress(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            authority=CHORLEY,
            stage="Phase two",
            note="",
            envelope=Envelope(paper(CHORLEY_LEFT), OFFICER, clock()),
        )
    assert raised.value.field == "authority"
    assert app.head_position() == before
    assert app.get_project(PARTNERSHIP, FRONT_OFFICE).stage_of(CHORLEY) == "Live"


def refusal_setup(app: PartnershipApplication, now: Any) -> None:
    save_partnership(app)
    app.start_project(
        partnership=PARTNERSHIP,
        name=FRONT_OFFICE,
        description="Each partner goes live on Front Office",
        authorities=[LCC, BURNLEY, CHORLEY],
        envelope=Envelope(paper(date(2008, 6, 1)), OFFICER, now),
    )
    app.plan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
        title="Burnley live",
        due_date=date(2008, 7, 1),
        authority=BURNLEY,
        envelope=Envelope(paper(date(2008, 6, 1)), OFFICER, now),
    )
    app.record_milestone_achieved(
        milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
        achieved_on=date(2008, 7, 1),
        envelope=Envelope(paper(date(2008, 7, 9)), OFFICER, now),
    )
    app.plan_milestone(
        milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
        title="Services for each other",
        due_date=date(2009, 2, 1),
        authority=None,
        envelope=Envelope(paper(date(2008, 6, 1)), OFFICER, now),
    )
    app.record_milestone_missed(
        milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
        reason="CRM defects",
        envelope=Envelope(paper(date(2009, 2, 1)), OFFICER, now),
    )


def later(day: date = date(2010, 1, 1)) -> Provenance:
    return paper(day)


TOMORROW = date(2011, 9, 3)  # the clock stands at 2 September 2011

REFUSALS: list[tuple[str, Any, type[DomainError], str | None]] = [
    (
        "start-in-unknown-partnership",
        lambda app, now: app.start_project(
            partnership="No such partnership",
            name="P",
            description="D",
            authorities=[LCC],
            envelope=Envelope(later(), OFFICER, now),
        ),
        PartnershipNotFound,
        "partnership",
    ),
    (
        "start-with-a-non-member",
        lambda app, now: app.start_project(
            partnership=PARTNERSHIP,
            name="P",
            description="D",
            authorities=[LCC, OUTSIDER],
            envelope=Envelope(later(), OFFICER, now),
        ),
        NotAMember,
        "authorities",
    ),
    (
        "start-with-a-member-that-has-left",
        lambda app, now: app.start_project(
            partnership=PARTNERSHIP,
            name="P",
            description="D",
            authorities=[LCC, CHORLEY],
            envelope=Envelope(later(), OFFICER, now),
        ),
        NotAMember,
        "authorities",
    ),
    (
        "start-again",
        lambda app, now: app.start_project(
            partnership=PARTNERSHIP,
            name=" front office  ROLL-OUT",
            description="D",
            authorities=[LCC],
            envelope=Envelope(later(), OFFICER, now),
        ),
        ProjectAlreadyStarted,
        "name",
    ),
    (
        "start-in-the-future",
        lambda app, now: app.start_project(
            partnership=PARTNERSHIP,
            name="P",
            description="D",
            authorities=[LCC],
            envelope=Envelope(later(TOMORROW), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "start-with-no-authority",
        lambda app, now: app.start_project(
            partnership=PARTNERSHIP,
            name="P",
            description="D",
            authorities=[],
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "authorities",
    ),
    (
        "plan-in-unknown-project",
        lambda app, now: app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, "Nope", "k"),
            title="T",
            due_date=date(2012, 1, 1),
            authority=None,
            envelope=Envelope(later(), OFFICER, now),
        ),
        ProjectNotFound,
        "name",
    ),
    (
        "plan-dated-tomorrow",
        lambda app, now: app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "k"),
            title="T",
            due_date=date(2012, 1, 1),
            authority=None,
            envelope=Envelope(later(TOMORROW), OFFICER, now),
        ),
        InvalidInput,
        "effectiveDate",
    ),
    (
        "plan-again",
        lambda app, now: app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "Go live"),
            title="T",
            due_date=date(2012, 1, 1),
            authority=None,
            envelope=Envelope(later(), OFFICER, now),
        ),
        MilestoneAlreadyPlanned,
        "key",
    ),
    (
        "plan-for-an-authority-outside-the-project",
        lambda app, now: app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "k"),
            title="T",
            due_date=date(2012, 1, 1),
            authority=OUTSIDER,
            envelope=Envelope(later(), OFFICER, now),
        ),
        AuthorityNotInProject,
        "authority",
    ),
    (
        "plan-for-a-member-that-has-left",
        lambda app, now: app.plan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "k"),
            title="T",
            due_date=date(2012, 1, 1),
            authority=CHORLEY,
            envelope=Envelope(later(), OFFICER, now),
        ),
        NotAMember,
        "authority",
    ),
    (
        "replan-to-the-same-date",
        lambda app, now: app.replan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            new_due_date=date(2009, 2, 1),
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        DueDateUnchanged,
        "newDueDate",
    ),
    (
        "replan-an-achieved-milestone",
        lambda app, now: app.replan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
            new_due_date=date(2009, 2, 1),
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        MilestoneAlreadyAchieved,
        "key",
    ),
    (
        "replan-from-a-stale-view",
        lambda app, now: app.replan_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            new_due_date=date(2009, 6, 1),
            reason="R",
            envelope=Envelope(later(), OFFICER, now, expected_version=2),
        ),
        ConcurrentChange,
        "expectedVersion",
    ),
    (
        "achieved-tomorrow",
        lambda app, now: app.record_milestone_achieved(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            achieved_on=TOMORROW,
            envelope=Envelope(later(date(2011, 9, 2)), OFFICER, now),
        ),
        InvalidInput,
        "achievedOn",
    ),
    (
        "achieved-after-the-paper-reporting-it",
        lambda app, now: app.record_milestone_achieved(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            achieved_on=date(2010, 1, 2),
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "achievedOn",
    ),
    (
        "achieved-before-the-project-started",
        lambda app, now: app.record_milestone_achieved(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            achieved_on=date(2008, 5, 1),
            envelope=Envelope(later(), OFFICER, now),
        ),
        ChangeBeforeStart,
        "achievedOn",
    ),
    (
        "achieved-twice",
        lambda app, now: app.record_milestone_achieved(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
            achieved_on=date(2009, 1, 1),
            envelope=Envelope(later(), OFFICER, now),
        ),
        MilestoneAlreadyAchieved,
        "key",
    ),
    (
        "missed-twice",
        lambda app, now: app.record_milestone_missed(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            reason="Again",
            envelope=Envelope(later(), OFFICER, now),
        ),
        MilestoneAlreadyMissed,
        "key",
    ),
    (
        "missed-without-a-reason",
        lambda app, now: app.record_milestone_missed(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            reason=" ",
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "reason",
    ),
    (
        "missed-after-being-achieved",
        lambda app, now: app.record_milestone_missed(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
            reason="Late",
            envelope=Envelope(later(), OFFICER, now),
        ),
        MilestoneAlreadyAchieved,
        "key",
    ),
    (
        "progress-by-a-member-that-has-left",
        lambda app, now: app.report_progress(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            authority=CHORLEY,
            stage="Live",
            note="",
            envelope=Envelope(later(), OFFICER, now),
        ),
        NotAMember,
        "authority",
    ),
    (
        "progress-by-an-authority-outside-the-project",
        lambda app, now: app.report_progress(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            authority=OUTSIDER,
            stage="Live",
            note="",
            envelope=Envelope(later(), OFFICER, now),
        ),
        AuthorityNotInProject,
        "authority",
    ),
    (
        "progress-before-the-start",
        lambda app, now: app.report_progress(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            authority=LCC,
            stage="Live",
            note="",
            envelope=Envelope(later(date(2008, 5, 31)), OFFICER, now),
        ),
        ChangeBeforeStart,
        "effectiveDate",
    ),
    (
        "correct-a-due-date",
        lambda app, now: app.correct_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "phase-two"),
            corrects_version=4,
            field="due_dates",
            value=[],
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
    (
        "correct-a-milestone-to-an-outsider",
        lambda app, now: app.correct_milestone(
            milestone=MilestoneAddress(PARTNERSHIP, FRONT_OFFICE, "go-live"),
            corrects_version=2,
            field="authority",
            value=OUTSIDER,
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        AuthorityNotInProject,
        "value",
    ),
    (
        "correct-the-project-name",
        lambda app, now: app.correct_project(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            corrects_version=1,
            field="name",
            value="Other",
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "field",
    ),
    (
        "correct-an-unrecorded-fact",
        lambda app, now: app.correct_project(
            partnership=PARTNERSHIP,
            project=FRONT_OFFICE,
            corrects_version=99,
            field="description",
            value="Other",
            reason="R",
            envelope=Envelope(later(), OFFICER, now),
        ),
        InvalidInput,
        "correctsVersion",
    ),
]


@pytest.mark.parametrize(
    ("attempt", "error", "field"),
    [refusal[1:] for refusal in REFUSALS],
    ids=[refusal[0] for refusal in REFUSALS],
)
def test_refused_commands_write_nothing(
    runtime: Runtime,
    clock: MovableClock,
    attempt: Any,
    error: type[DomainError],
    field: str | None,
) -> None:
    refusal_setup(runtime.app, clock())
    before = runtime.app.head_position()
    with pytest.raises(error) as raised:
        attempt(runtime.app, clock())
    assert (raised.value.code, raised.value.field) == (error.code, field)
    assert runtime.app.head_position() == before
    assert runtime.app.get_project(PARTNERSHIP, FRONT_OFFICE).version == 5
