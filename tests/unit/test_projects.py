"""Project rules, without I/O: milestones slip with reasons, partners progress at their pace."""

from collections.abc import Callable
from contextlib import suppress
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from partnership.application import PartnershipApplication
from partnership.domain import Actor, DomainError, InvalidInput, Provenance
from partnership.projects import (
    ACHIEVED,
    MISSED,
    PLANNED,
    AuthorityNotInProject,
    ChangeBeforeStart,
    DueDateUnchanged,
    MilestoneAlreadyAchieved,
    MilestoneAlreadyMissed,
    MilestoneAlreadyPlanned,
    MilestoneNotFound,
    Project,
    milestone_key,
    project_id,
)

OFFICER = Actor("Rob Dobson", "Burnley Borough Council", "rob-dobson")
PARTNERSHIP = "Lancashire Shared Services Contact Centre"
BURNLEY = "Burnley Borough Council"
LCC = "Lancashire County Council"


def on(day: date, source: str = "Report to Full Council, 9 July 2008") -> Provenance:
    return Provenance(day, source)


def started(name: str = "Complaints process pilot", day: date = date(2008, 6, 1)) -> Project:
    return Project.start(
        PARTNERSHIP,
        name,
        "Pilot the revised complaints procedure through the CRM, with Green Spaces",
        [BURNLEY, LCC],
        on(day),
        OFFICER,
    )


def with_pilot() -> Project:
    """The 2008 plan: start the complaints pilot by the end of July."""
    project = started()
    project.plan_milestone(
        "pilot-start",
        "Commence the pilot",
        date(2008, 7, 31),
        BURNLEY,
        on(date(2008, 7, 9)),
        OFFICER,
    )
    return project


def test_start_records_the_project_and_who_recorded_it_from_which_paper() -> None:
    project = started()
    (event,) = project.collect_events()
    assert isinstance(event, Project.Started)
    assert (event.recorded_by, event.source) == (
        "Rob Dobson",
        "Report to Full Council, 9 July 2008",
    )
    assert project.authorities == [BURNLEY, LCC]
    assert project.progress == {BURNLEY: [], LCC: []}


def test_the_id_comes_from_partnership_and_name_however_typed() -> None:
    project = started()
    assert project.id == project_id(PARTNERSHIP.lower(), "  complaints  PROCESS pilot ")
    assert project.id != project_id("Pennine Lancashire IT Services", project.name)
    # Neither part can run into the other.
    assert project_id("A B", "C") != project_id("A", "B C")


@pytest.mark.parametrize(
    ("authorities", "field"),
    [
        ([], "authorities"),
        ([BURNLEY, " burnley  borough council"], "authorities"),
        ([" "], "authorities"),
    ],
)
def test_a_project_needs_distinct_authorities(authorities: list[str], field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        Project.start(PARTNERSHIP, "CRM", "d", authorities, on(date(2008, 1, 1)), OFFICER)
    assert raised.value.field == field


def test_milestone_keys_are_normalised_and_unique() -> None:
    project = with_pilot()
    assert milestone_key("  Pilot Start ") == "pilot-start"
    with pytest.raises(MilestoneAlreadyPlanned) as raised:
        project.plan_milestone(
            "Pilot start", "Again", date(2008, 8, 1), None, on(date(2008, 7, 9)), OFFICER
        )
    assert raised.value.code == "milestone_already_planned"
    assert raised.value.field == "key"
    with pytest.raises(InvalidInput) as bad:
        project.plan_milestone(
            "pilot/start!", "T", date(2008, 8, 1), None, on(date(2008, 7, 9)), OFFICER
        )
    assert bad.value.field == "key"


def test_a_milestone_is_for_one_taking_part_authority_or_the_whole_partnership() -> None:
    project = started()
    key = project.plan_milestone(
        "Training",
        "Start training",
        date(2008, 7, 1),
        " burnley borough council",
        on(date(2008, 7, 9)),
        OFFICER,
    )
    assert project.milestones[key]["authority"] == BURNLEY
    project.plan_milestone(
        "review", "Review the pilot", date(2008, 8, 31), None, on(date(2008, 7, 9)), OFFICER
    )
    assert project.milestones["review"]["authority"] is None
    with pytest.raises(AuthorityNotInProject) as raised:
        project.plan_milestone(
            "x", "T", date(2008, 8, 1), "Chorley Council", on(date(2008, 7, 9)), OFFICER
        )
    assert (raised.value.code, raised.value.field) == ("authority_not_in_project", "authority")


def test_slipping_twice_keeps_every_earlier_due_date_and_reason() -> None:
    project = with_pilot()
    project.replan_milestone(
        "pilot-start", date(2008, 8, 29), "Training started late", on(date(2008, 7, 25)), OFFICER
    )
    project.replan_milestone(
        "pilot-start", date(2008, 9, 30), "Literature not printed", on(date(2008, 8, 20)), OFFICER
    )
    assert project.milestones["pilot-start"]["due_dates"] == [
        {"due_date": date(2008, 7, 31), "reason": None, "effective_date": date(2008, 7, 9)},
        {
            "due_date": date(2008, 8, 29),
            "reason": "Training started late",
            "effective_date": date(2008, 7, 25),
        },
        {
            "due_date": date(2008, 9, 30),
            "reason": "Literature not printed",
            "effective_date": date(2008, 8, 20),
        },
    ]
    assert project.original_due_date("pilot-start") == date(2008, 7, 31)
    assert project.current_due_date("pilot-start") == date(2008, 9, 30)
    assert project.slippage_days("pilot-start") == 61
    replanned = project.collect_events()[-1]
    assert isinstance(replanned, Project.MilestoneReplanned)
    assert replanned.previous_due_date == date(2008, 8, 29)


def test_bringing_a_milestone_forward_is_negative_slippage() -> None:
    project = with_pilot()
    project.replan_milestone(
        "pilot-start", date(2008, 7, 21), "Ready early", on(date(2008, 7, 10)), OFFICER
    )
    assert project.slippage_days("pilot-start") == -10


def test_replanning_needs_a_new_date_and_a_reason() -> None:
    project = with_pilot()
    with pytest.raises(DueDateUnchanged) as raised:
        project.replan_milestone(
            "pilot-start", date(2008, 7, 31), "Same", on(date(2008, 7, 10)), OFFICER
        )
    assert raised.value.field == "newDueDate"
    with pytest.raises(InvalidInput) as no_reason:
        project.replan_milestone(
            "pilot-start", date(2008, 8, 1), "  ", on(date(2008, 7, 10)), OFFICER
        )
    assert no_reason.value.field == "reason"


def test_an_achieved_milestone_cannot_be_replanned_missed_or_achieved_again() -> None:
    project = with_pilot()
    project.record_milestone_achieved(
        "pilot-start", date(2008, 7, 28), on(date(2008, 7, 30)), OFFICER
    )
    assert project.milestones["pilot-start"]["status"] == ACHIEVED
    for change in (
        lambda: project.replan_milestone(
            "pilot-start", date(2008, 9, 1), "Late", on(date(2008, 8, 1)), OFFICER
        ),
        lambda: project.record_milestone_missed(
            "pilot-start", "Late", on(date(2008, 8, 1)), OFFICER
        ),
        lambda: project.record_milestone_achieved(
            "pilot-start", date(2008, 8, 1), on(date(2008, 8, 1)), OFFICER
        ),
    ):
        with pytest.raises(MilestoneAlreadyAchieved) as raised:
            change()
        assert (raised.value.code, raised.value.field) == ("milestone_already_achieved", "key")
    assert len(project.collect_events()) == 3


def test_a_missed_milestone_stays_missed_until_replanned_and_may_then_be_achieved() -> None:
    project = with_pilot()
    project.record_milestone_missed(
        "pilot-start", "Training delayed", on(date(2008, 8, 1)), OFFICER
    )
    assert project.milestones["pilot-start"]["status"] == MISSED
    with pytest.raises(MilestoneAlreadyMissed):
        project.record_milestone_missed("pilot-start", "Still", on(date(2008, 8, 2)), OFFICER)
    project.replan_milestone(
        "pilot-start", date(2008, 8, 29), "New plan", on(date(2008, 8, 4)), OFFICER
    )
    assert project.milestones["pilot-start"]["status"] == PLANNED
    assert project.milestones["pilot-start"]["misses"] == [
        {
            "due_date": date(2008, 7, 31),
            "reason": "Training delayed",
            "effective_date": date(2008, 8, 1),
        }
    ]
    project.record_milestone_achieved(
        "pilot-start", date(2008, 8, 27), on(date(2008, 8, 28)), OFFICER
    )
    assert project.milestones["pilot-start"]["achieved_on"] == date(2008, 8, 27)


def test_a_milestone_is_overdue_after_its_current_due_date_until_achieved() -> None:
    project = with_pilot()
    assert not project.overdue("pilot-start", date(2008, 7, 31))
    assert project.overdue("pilot-start", date(2008, 8, 1))
    project.replan_milestone(
        "pilot-start", date(2008, 8, 29), "Late", on(date(2008, 7, 25)), OFFICER
    )
    assert not project.overdue("pilot-start", date(2008, 8, 1))
    assert project.overdue("pilot-start", date(2008, 9, 1))
    project.record_milestone_achieved(
        "pilot-start", date(2008, 9, 5), on(date(2008, 9, 5)), OFFICER
    )
    # Achieved late: overdue in the days before, no longer from the day it was achieved.
    assert project.overdue("pilot-start", date(2008, 9, 4))
    assert not project.overdue("pilot-start", date(2008, 9, 5))


def test_unknown_milestones_are_not_found() -> None:
    project = with_pilot()
    with pytest.raises(MilestoneNotFound) as raised:
        project.overdue("go-live", date(2008, 8, 1))
    assert (raised.value.code, raised.value.field) == ("milestone_not_found", "key")


def test_partners_report_their_own_stages() -> None:
    project = started("CRM Front Office implementation", date(2006, 10, 26))
    project.report_progress(LCC, "Live", "Front Office on target", on(date(2007, 11, 20)), OFFICER)
    project.report_progress("burnley borough council", "Build", "", on(date(2008, 6, 2)), OFFICER)
    project.report_progress(
        BURNLEY, "Live", "Greenspace playgrounds", on(date(2008, 7, 1)), OFFICER
    )
    assert project.stage_of(LCC) == "Live"
    assert [r["stage"] for r in project.progress[BURNLEY]] == ["Build", "Live"]
    with pytest.raises(AuthorityNotInProject):
        project.report_progress("Chorley Council", "Live", "", on(date(2008, 7, 1)), OFFICER)
    with pytest.raises(InvalidInput) as raised:
        project.report_progress(LCC, " ", "", on(date(2008, 7, 1)), OFFICER)
    assert raised.value.field == "stage"


def test_nothing_takes_effect_before_the_project_started() -> None:
    project = started()
    with pytest.raises(ChangeBeforeStart) as raised:
        project.plan_milestone("x", "T", date(2008, 8, 1), None, on(date(2008, 5, 31)), OFFICER)
    assert (raised.value.code, raised.value.field) == ("change_before_start", "effectiveDate")


def test_description_and_milestone_title_and_authority_can_be_corrected() -> None:
    project = with_pilot()
    project.correct(
        1,
        "description",
        "Complaints pilot with Green Spaces",
        "Typo",
        on(date(2008, 7, 9)),
        OFFICER,
    )
    assert project.description == "Complaints pilot with Green Spaces"
    project.correct_milestone(
        "pilot-start", 2, "title", " Commence  pilot ", "Typo", on(date(2008, 7, 9)), OFFICER
    )
    project.correct_milestone(
        "pilot-start", 2, "authority", None, "All partners", on(date(2008, 7, 9)), OFFICER
    )
    assert project.milestones["pilot-start"]["title"] == "Commence pilot"
    assert project.milestones["pilot-start"]["authority"] is None
    corrected = project.collect_events()[-1]
    assert isinstance(corrected, Project.MilestoneCorrected)
    assert (corrected.corrects_version, corrected.reason) == (2, "All partners")


@pytest.mark.parametrize(
    ("field", "value", "version", "at_fault"),
    [
        ("due_date", date(2008, 8, 1), 2, "field"),
        ("title", "New", 9, "correctsVersion"),
        ("title", 5, 2, "value"),
        ("authority", "Chorley Council", 2, "value"),
    ],
)
def test_bad_milestone_corrections_are_refused(
    field: str, value: object, version: int, at_fault: str
) -> None:
    project = with_pilot()
    with pytest.raises(InvalidInput) as raised:
        project.correct_milestone(
            "pilot-start", version, field, value, "Why", on(date(2008, 7, 9)), OFFICER
        )
    assert raised.value.field == at_fault


# Invariants over any sequence of milestone commands (hypothesis)

START = date(2008, 6, 1)
KEYS = ["training", "pilot-start", "review"]

command = st.one_of(
    st.tuples(
        st.just("plan"),
        st.sampled_from(KEYS),
        st.integers(0, 200),
        st.sampled_from([None, BURNLEY]),
    ),
    st.tuples(st.just("replan"), st.sampled_from(KEYS), st.integers(0, 200)),
    st.tuples(st.just("achieve"), st.sampled_from(KEYS), st.integers(0, 200)),
    st.tuples(st.just("miss"), st.sampled_from(KEYS)),
    st.tuples(
        st.just("progress"), st.sampled_from([BURNLEY, LCC]), st.sampled_from(["Build", "Live"])
    ),
    st.tuples(st.just("retitle"), st.sampled_from(KEYS), st.text(min_size=1, max_size=5)),
)


def apply(project: Project, step: tuple[object, ...], day: date) -> None:
    provenance, kind = on(day), step[0]
    if kind == "plan":
        due = START + timedelta(int(str(step[2])))
        authority = None if step[3] is None else str(step[3])
        project.plan_milestone(str(step[1]), "T", due, authority, provenance, OFFICER)
    elif kind == "replan":
        project.replan_milestone(
            str(step[1]), START + timedelta(int(str(step[2]))), "slip", provenance, OFFICER
        )
    elif kind == "achieve":
        project.record_milestone_achieved(
            str(step[1]), START + timedelta(int(str(step[2]))), provenance, OFFICER
        )
    elif kind == "miss":
        project.record_milestone_missed(str(step[1]), "late", provenance, OFFICER)
    elif kind == "progress":
        project.report_progress(str(step[1]), str(step[2]), "note", provenance, OFFICER)
    else:
        project.correct_milestone(str(step[1]), 1, "title", step[2], "typo", provenance, OFFICER)


def run(
    steps: list[tuple[object, ...]], after_each: Callable[[Project], None] | None = None
) -> Project:
    project = started()
    for index, step in enumerate(steps):
        # A refused command must leave no trace; the invariants below check that it does not.
        with suppress(DomainError):
            apply(project, step, START + timedelta(days=index + 1))
        if after_each is not None:
            after_each(project)
    return project


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(command, max_size=20))
def test_replaying_the_stored_events_rebuilds_the_same_state(
    steps: list[tuple[object, ...]],
) -> None:
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    project = run(steps)
    app.save(project)
    replayed: Project = app.repository.get(project.id)
    assert replayed.__dict__ == project.__dict__


@settings(max_examples=150, deadline=None)
@given(steps=st.lists(command, max_size=20))
def test_due_dates_only_grow_and_the_current_one_is_the_last(
    steps: list[tuple[object, ...]],
) -> None:
    seen: dict[str, list[dict[str, object]]] = {}

    def check(project: Project) -> None:
        for key, milestone in project.milestones.items():
            due_dates = milestone["due_dates"]
            earlier = seen.get(key, [])
            assert due_dates[: len(earlier)] == earlier
            assert len(due_dates) >= max(1, len(earlier))
            assert project.current_due_date(key) == due_dates[-1]["due_date"]
            assert (
                project.slippage_days(key)
                == (due_dates[-1]["due_date"] - due_dates[0]["due_date"]).days
            )
            seen[key] = [dict(entry) for entry in due_dates]

    run(steps, check)
