"""Withdrawing a milestone planned in error over real HTTP, on the example: the fact is found
on the timeline, withdrawn by its project's id and version, and the project, its milestones
and the milestones register read it back marked withdrawn, never overdue, alerting no more."""

from collections.abc import Iterator
from typing import Any

import pytest

from service.example_papers import LSSCC
from tests.api.access_world import World, open_world

pytestmark = pytest.mark.store_agnostic

ADMIN = "admin"
# Who may correct the example's projects: the secretary serving LSSCC.
SECRETARY = "secretary"
PILOT = "Complaints process pilot"
FRONT_OFFICE = "CRM Front Office implementation"
REVIEW = "'Review the pilot'"  # as the timeline's summary names the milestone
PAPER = {"effectiveDate": "2011-08-01", "source": "Programme records check, August 2011"}
PLANNED = """
query ($project: String!) {
  timeline(filter: {project: $project, kinds: [PROJECT_MILESTONE_PLANNED]}, order: OLDEST_FIRST,
           first: 20) {
    edges { node { summary recordId version withdrawnReason } }
  }
}
"""
STARTED = """
query ($project: String!) {
  timeline(filter: {project: $project, kinds: [PROJECT_STARTED]}, first: 5) {
    edges { node { recordId version } }
  }
}
"""
WITHDRAW = """
mutation ($input: WithdrawFactInput!) {
  withdrawFact(input: $input) {
    __typename
    ... on Recorded { record { ... on Project { name withdrawn } } }
    ... on Problem { code message field }
  }
}
"""
PROJECT = """
query ($partnership: String!, $name: String!) {
  project(partnership: $partnership, name: $name, asOf: "2011-12-01") {
    withdrawn
    milestones { key withdrawn overdue }
    progressReports { stage withdrawn }
  }
}
"""
REGISTER = """
query ($partnership: String!) {
  milestones(partnership: $partnership, asOf: "2011-12-01", first: 50) {
    edges { node { project key withdrawn overdue daysOverdue } }
  }
}
"""
ALERTS = """
query {
  alerts(asOf: "2011-12-01", categories: [MILESTONE_OVERDUE], first: 50) {
    edges { node { project title } }
  }
}
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("revisions_delivery")) as opened:
        yield opened


def planned(world: World) -> list[dict[str, Any]]:
    found = world.client(ADMIN).data(PLANNED, {"project": PILOT})
    return [edge["node"] for edge in found["timeline"]["edges"]]


def pilot(world: World) -> dict[str, Any]:
    found = world.client(ADMIN).data(PROJECT, {"partnership": LSSCC, "name": PILOT})
    return dict(found["project"])


def register(world: World) -> dict[str, dict[str, Any]]:
    found = world.client(ADMIN).data(REGISTER, {"partnership": LSSCC})
    nodes = [edge["node"] for edge in found["milestones"]["edges"]]
    return {node["key"]: node for node in nodes if node["project"] == PILOT}


def alerting(world: World) -> set[str]:
    found = world.client(ADMIN).data(ALERTS)
    return {edge["node"]["title"] for edge in found["alerts"]["edges"]}


def withdraw(world: World, record: str, version: int, reason: str) -> dict[str, Any]:
    asked = {"input": {**PAPER, "record": record, "version": version, "reason": reason}}
    return dict(world.client(SECRETARY).data(WITHDRAW, asked)["withdrawFact"])


def test_a_milestone_withdrawn_is_read_back_marked_and_never_overdue(world: World) -> None:
    before = pilot(world)
    assert before["withdrawn"] is False
    assert {m["key"]: m["withdrawn"] for m in before["milestones"]} == {
        "training": False,
        "pilot-start": False,
        "pilot-review": False,
    }
    assert {m["key"] for m in before["milestones"] if m["overdue"]} == {
        "training",
        "pilot-start",
        "pilot-review",
    }
    assert "Review the pilot" in alerting(world)
    review = next(entry for entry in planned(world) if REVIEW in entry["summary"])

    answer = withdraw(
        world,
        review["recordId"],
        review["version"],
        "Planned in error: the review was never part of the plan",
    )

    assert answer == {"__typename": "Recorded", "record": {"name": PILOT, "withdrawn": False}}
    after = {m["key"]: m for m in pilot(world)["milestones"]}
    assert after["pilot-review"] == {"key": "pilot-review", "withdrawn": True, "overdue": False}
    assert (after["training"]["withdrawn"], after["training"]["overdue"]) == (False, True)
    listed = register(world)
    assert listed["pilot-review"]["withdrawn"] is True
    assert (listed["pilot-review"]["overdue"], listed["pilot-review"]["daysOverdue"]) == (
        False,
        None,
    )
    assert listed["training"]["withdrawn"] is False
    assert "Review the pilot" not in alerting(world)
    assert "Start training" in alerting(world)
    withdrawn_entry = next(e for e in planned(world) if REVIEW in e["summary"])
    assert withdrawn_entry["withdrawnReason"] == (
        "Planned in error: the review was never part of the plan"
    )

    again = withdraw(world, review["recordId"], review["version"], "Again")
    assert (again["__typename"], again["code"]) == ("RuleBroken", "fact_already_withdrawn")


def test_a_whole_project_withdrawn_is_read_back_marked_with_its_milestones(world: World) -> None:
    started = world.client(ADMIN).data(STARTED, {"project": FRONT_OFFICE})["timeline"]["edges"]
    (entry,) = [edge["node"] for edge in started]
    answer = withdraw(world, entry["recordId"], 1, "Started in error: recorded twice")
    assert answer["record"] == {"name": FRONT_OFFICE, "withdrawn": True}
    found = world.client(ADMIN).data(PROJECT, {"partnership": LSSCC, "name": FRONT_OFFICE})
    project = found["project"]
    assert project["withdrawn"] is True
    assert project["milestones"]
    assert {(m["withdrawn"], m["overdue"]) for m in project["milestones"]} == {(True, False)}
    assert all(report["withdrawn"] for report in project["progressReports"])
    alerts = world.client(ADMIN).data(ALERTS)["alerts"]["edges"]
    assert FRONT_OFFICE not in {edge["node"]["project"] for edge in alerts}
