"""Projects and inquiries read back whole, over both stores: every fact their commands record
(descriptions, partners, stages and notes, milestones, terms of reference, objectives, owners
and each update's text) comes back, names match in any case and spacing, corrections show,
and each person sees only what their partnerships and authorities let them."""

from datetime import date
from typing import Any

import pytest

from partnership.commands.envelope import Envelope
from partnership.domain import NotFound, Provenance
from partnership.recommendations import CLOSED, IMPLEMENTED, IN_PROGRESS
from projections import read
from projections.read import PageRequest, Visibility
from projections.runtime import Runtime
from service.example import INQUIRY, OBJECTIVE, SUB_GROUP_TERMS, example_actor, load_example
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC, PENNINE_IT, SCRUTINY_PANEL
from tests.conftest import OFFICER, MovableClock

FRONT_OFFICE = "CRM Front Office implementation"


@pytest.fixture
def example(runtime: Runtime, clock: MovableClock) -> Runtime:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    runtime.runner.catch_up()
    return runtime


def ask(runtime: Runtime, question: Any, *args: Any, **kwargs: Any) -> Any:
    with runtime.store.reader.connect() as conn:
        return question(conn, *args, **kwargs)


def stated(day: date, clock: MovableClock) -> Envelope:
    return Envelope(Provenance(day, "test paper"), OFFICER, clock())


def test_a_project_is_read_back_whole_by_its_names_in_any_case(example: Runtime) -> None:
    found = ask(
        example,
        read.project_named,
        "  lancashire shared   services contact centre",
        "crm FRONT office  implementation ",
    )
    assert (found["partnership"], found["name"]) == (LSSCC, FRONT_OFFICE)
    assert found["description"].startswith("Implement the Front Office CRM")
    assert found["authorities"] == [LCC, CHORLEY, BURNLEY]
    reports = [(r["authority"], r["stage"], r["note"]) for r in found["progress"]]
    assert (CHORLEY, "developing its CRM independently", reports[0][2]) == reports[0]
    assert "each was able to develop its CRM independently" in reports[0][2]
    assert (LCC, "implementing Front Office", "On target.") in reports
    assert all(isinstance(r["reported_on"], date) for r in found["progress"])
    keys = [m["milestone_key"] for m in found["milestones"]]
    assert "phase-two-first-wave" in keys
    dues = [m["current_due_date"] for m in found["milestones"]]
    assert dues == sorted(dues)


def test_projects_are_listed_by_partnership_and_paged(example: Runtime) -> None:
    every = ask(example, read.projects_page, read.ProjectFilter(), PageRequest(first=100))
    assert {row["partnership"] for row in every.rows} == {LSSCC, PENNINE_IT}
    ours = ask(
        example,
        read.projects_page,
        read.ProjectFilter("lancashire shared services contact centre"),
        PageRequest(first=100),
    )
    assert {row["partnership"] for row in ours.rows} == {LSSCC}
    names = [row["name"] for row in ours.rows]
    assert names == sorted(names)
    assert FRONT_OFFICE in names
    walked: list[str] = []
    after = None
    while True:
        page = ask(
            example,
            read.projects_page,
            read.ProjectFilter(LSSCC),
            PageRequest(first=1, after=after),
        )
        walked += [row["name"] for row in page.rows]
        assert all("milestones" in row and "progress" in row for row in page.rows)
        if not page.has_next_page:
            break
        after = page.cursors[-1]
    assert walked == names


def test_a_project_not_on_record_or_not_seen_is_none_and_its_partnership_refused(
    example: Runtime,
) -> None:
    assert ask(example, read.project_named, LSSCC, "No such project") is None
    outsider = Visibility(False, frozenset({PENNINE_IT}), frozenset({BURNLEY}))
    with pytest.raises(NotFound) as unseen:
        ask(example, read.project_named, LSSCC, FRONT_OFFICE, visible=outsider)
    assert (unseen.value.code, unseen.value.field) == ("partnership_not_found", "partnership")
    seen = ask(
        example, read.projects_page, read.ProjectFilter(), PageRequest(first=100), visible=outsider
    )
    assert {row["partnership"] for row in seen.rows} == {PENNINE_IT}
    member = Visibility(False, frozenset({LSSCC}), frozenset({CHORLEY}))
    assert ask(example, read.project_named, LSSCC, FRONT_OFFICE, visible=member)["name"] == (
        FRONT_OFFICE
    )


def test_a_corrected_description_and_new_reports_are_read_back(
    example: Runtime, clock: MovableClock
) -> None:
    app = example.app
    app.report_progress(
        partnership=LSSCC,
        project=FRONT_OFFICE,
        authority="burnley  borough council",
        stage="Go-live",
        note="Went live with\ntwo services.",
        envelope=stated(date(2008, 9, 1), clock),
    )
    app.correct_project(
        partnership=LSSCC,
        project=FRONT_OFFICE,
        corrects_version=1,
        field="description",
        value="The Front Office CRM, put right.",
        reason="Misread the minutes.",
        envelope=stated(date(2008, 9, 2), clock),
    )
    example.runner.catch_up()
    found = ask(example, read.project_named, LSSCC, FRONT_OFFICE)
    assert found["description"] == "The Front Office CRM, put right."
    assert (found["progress"][-1]["authority"], found["progress"][-1]["stage"]) == (
        BURNLEY,
        "Go-live",
    )
    assert found["progress"][-1]["note"] == "Went live with\ntwo services."
    assert found["progress"][-1]["reported_on"] == date(2008, 9, 1)


def test_an_inquiry_is_read_back_whole(example: Runtime) -> None:
    found = ask(example, read.inquiry_named, SCRUTINY_PANEL.lower(), f"  {INQUIRY.upper()} ")
    assert (found["body"], found["title"]) == (SCRUTINY_PANEL, INQUIRY)
    assert found["terms_of_reference"] == SUB_GROUP_TERMS
    assert found["closed_on"] is None
    numbers = [r["number"] for r in found["recommendations"]]
    assert numbers == ["4a", "4b", "4c", "4d", "5a", "5b", "5c", "5d", "5e", "5f"]
    four_c = found["recommendations"][2]
    assert four_c["objective"] == OBJECTIVE
    assert four_c["status"] == IMPLEMENTED
    assert len(four_c["progress_updates"]) == 2
    assert all(u["text"] for u in four_c["progress_updates"])
    assert all(u["reported_on"] == date(2007, 11, 20) for u in four_c["progress_updates"])
    statuses = [u["status"] for u in four_c["progress_updates"]]
    assert IMPLEMENTED in statuses


def test_an_inquirys_recommendations_are_seen_as_the_register_sees_them(
    example: Runtime,
) -> None:
    county = Visibility(False, frozenset(), frozenset({LCC}))
    every = ask(example, read.inquiry_named, SCRUTINY_PANEL, INQUIRY)
    owned = ask(example, read.inquiry_named, SCRUTINY_PANEL, INQUIRY, visible=county)
    expected = [r["number"] for r in every["recommendations"] if r["owner_authority"] == LCC]
    assert [r["number"] for r in owned["recommendations"]] == expected
    assert expected
    page = ask(
        example, read.inquiries_page, read.InquiryFilter(), PageRequest(first=10), visible=county
    )
    assert [row["title"] for row in page.rows] == [INQUIRY]
    nobody = Visibility(False, frozenset(), frozenset({PENNINE_IT}))
    assert ask(example, read.inquiry_named, SCRUTINY_PANEL, INQUIRY, visible=nobody) is None
    with pytest.raises(NotFound) as unseen:
        ask(
            example,
            read.inquiries_page,
            read.InquiryFilter(SCRUTINY_PANEL),
            PageRequest(),
            visible=nobody,
        )
    assert (unseen.value.code, unseen.value.field) == ("body_not_found", "body")
    empty = ask(
        example, read.inquiries_page, read.InquiryFilter(), PageRequest(first=10), visible=nobody
    )
    assert empty.rows == []
    assert ask(example, read.inquiry_named, SCRUTINY_PANEL, "No such inquiry") is None


def test_corrections_updates_and_closing_an_inquiry_are_read_back(
    example: Runtime, clock: MovableClock
) -> None:
    app, day = example.app, date(2008, 1, 15)
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5 (b)",
        text="Agreed at the\npanel.",
        status=IN_PROGRESS,
        reported_by_authority=LCC,
        envelope=stated(day, clock),
    )
    app.correct_recommendation(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5b",
        corrects_version=1,
        field="objective",
        value="Objective 3",
        reason="Misread.",
        envelope=stated(day, clock),
    )
    app.correct_inquiry(
        body=SCRUTINY_PANEL,
        title=INQUIRY,
        corrects_version=1,
        field="terms_of_reference",
        value=["One term only."],
        reason="Misread.",
        envelope=stated(day, clock),
    )
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5b",
        text="Done with.",
        status=CLOSED,
        envelope=stated(day, clock),
    )
    app.close_inquiry(body=SCRUTINY_PANEL, title=INQUIRY, envelope=stated(day, clock))
    example.runner.catch_up()
    found = ask(example, read.inquiry_named, SCRUTINY_PANEL, INQUIRY)
    assert found["terms_of_reference"] == ["One term only."]
    assert found["closed_on"] == day
    five_b = next(r for r in found["recommendations"] if r["number"] == "5b")
    assert five_b["objective"] == "Objective 3"
    assert five_b["status"] == CLOSED
    last_two = [
        (u["text"], u["status"], u["reported_by_authority"], u["reported_on"])
        for u in five_b["progress_updates"][-2:]
    ]
    assert last_two == [
        ("Agreed at the\npanel.", IN_PROGRESS, LCC, day),
        ("Done with.", CLOSED, None, day),
    ]
