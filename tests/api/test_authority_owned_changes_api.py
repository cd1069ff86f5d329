"""Burnley's own Executive and project changed over real HTTP, by Burnley's name where a
partnership's would be; who may change them: a secretary granted on Burnley, and nobody whose
grants reach only a partnership Burnley belongs to, nor anyone whose role the policy does not
name for the change."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from partnership.access import Role, ScopeKind
from partnership.global_ids import Kind, encode
from partnership.partnerships import authority_id
from service.example_papers import BURNLEY
from tests.api.access_world import GrantOn, Someone, World, open_world, refusal_code
from tests.api.test_domain_mutations import mutation, paper

pytestmark = pytest.mark.store_agnostic

EXECUTIVE = "Executive"
PROJECT = "Burnley channel shift"
SET_UP = date(2010, 5, 1)
MEETING_DAY = "2011-03-09"
BURNLEY_ID = encode(Kind.AUTHORITY, authority_id(BURNLEY))
MINUTES = paper(MEETING_DAY, "Burnley Executive minutes, 9 March 2011")

BURNLEY_SECRETARY = Someone(
    "burnley-secretary",
    "Burnley Clerk",
    "clerk@burnley.example",
    BURNLEY,
    (GrantOn(Role.SECRETARY, ScopeKind.AUTHORITY, BURNLEY),),
)
# The example's demo people: a secretary and a board member of the partnership Burnley is a
# member of, and Burnley's own procurement officer.
LSSCC_SECRETARY, LSSCC_BOARD, BURNLEY_BUYER = "secretary", "board_member", "procurement_officer"

BODY = """
query Body($partnership: String!) {
  body(partnership: $partnership, name: "Executive") {
    partnership authority name
    termsOfReference { items }
    chairs { person authority }
  }
}
"""
MEETINGS = """
query Meetings($partnership: String!) {
  meetings(partnership: $partnership) {
    edges { node { partnership body meetingDate status attendeeCount } }
  }
  decisions(partnership: $partnership) {
    edges { node { partnership body number wording } }
  }
  milestones(partnership: $partnership) { edges { node { partnership project key title } } }
}
"""


def burnleys_own(world: World) -> None:
    world.record("establish_body", on=SET_UP, authority=BURNLEY, name=EXECUTIVE, kind="executive")
    world.record(
        "start_project",
        on=SET_UP,
        authority=BURNLEY,
        name=PROJECT,
        description="Move enquiries to the web",
        authorities=[BURNLEY],
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(
        tmp_path_factory.mktemp("authority-owned-changes"),
        people=(BURNLEY_SECRETARY,),
        setup=burnleys_own,
    ) as opened:
        yield opened


def change(world: World, who: str, operation: str, /, **given: Any) -> dict[str, Any]:
    return world.client(who).post(mutation(operation), {"input": given})


def recorded(world: World, who: str, operation: str, /, **given: Any) -> dict[str, Any]:
    body = change(world, who, operation, **given)
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"][operation]
    assert result["__typename"] == "Recorded", result
    return result


def refused(world: World, who: str, operation: str, /, **given: Any) -> str | None:
    head = world.head()
    code = refusal_code(change(world, who, operation, **given))
    assert world.head() == head, "a refused change records nothing"
    return code


def nodes(data: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in data[field]["edges"]]


MEETING = {"partnership": BURNLEY, "body": EXECUTIVE, "meetingDate": MEETING_DAY}
HELD = {
    **MEETING,
    "attendees": [{"person": "Cllr Gordon Birtwistle", "authority": BURNLEY, "role": "Chair"}],
    "apologies": [],
    "declarations": [],
    **MINUTES,
}


@pytest.mark.parametrize("who", [LSSCC_SECRETARY, LSSCC_BOARD, BURNLEY_BUYER])
def test_only_a_secretary_on_burnley_may_record_its_executives_meeting(
    world: World, who: str
) -> None:
    # The partnership's secretary: a grant on a partnership Burnley belongs to does not reach
    # Burnley's own body, named by Burnley's name or by its global id. The board member and the
    # procurement officer hold no role the policy names for recording a meeting.
    assert refused(world, who, "recordMeetingHeld", **HELD) == "not_allowed"
    by_id = {**HELD, "partnership": BURNLEY_ID}
    assert refused(world, who, "recordMeetingHeld", **by_id) == "not_allowed"
    assert (
        refused(
            world,
            who,
            "planMilestone",
            partnership=BURNLEY,
            project=PROJECT,
            key="go-live",
            title="Go live",
            dueDate="2012-01-01",
            **paper("2011-01-10"),
        )
        == "not_allowed"
    )


def test_burnleys_secretary_changes_its_own_executive_and_project(world: World) -> None:
    who = BURNLEY_SECRETARY.key
    on_the_body = {"partnership": "burnley borough COUNCIL", "body": EXECUTIVE}
    recorded(
        world,
        who,
        "adoptTermsOfReference",
        **on_the_body,
        items=["Propose the budget to Full Council"],
        **paper("2010-06-01"),
    )
    recorded(
        world, who, "appointBodyMember", **on_the_body, authority=BURNLEY, **paper("2010-06-01")
    )
    recorded(
        world,
        who,
        "appointChair",
        **on_the_body,
        person="Cllr Gordon Birtwistle",
        authority=BURNLEY,
        **paper("2010-06-01"),
    )
    recorded(world, who, "adoptDecisionRule", **on_the_body, quorum=1, **paper("2010-06-01"))
    recorded(world, who, "recordMeetingHeld", **HELD)
    # Burnley's global id names it as its name does.
    by_id = {**MEETING, "partnership": BURNLEY_ID}
    recorded(world, who, "recordAgendaItem", **by_id, number="6", title="Budget", **MINUTES)
    decided = recorded(
        world,
        who,
        "recordDecision",
        **MEETING,
        item="6",
        wording="That the budget be proposed to Full Council.",
        form="RESOLVED",
        votes=[{"authority": BURNLEY, "vote": "FOR"}],
        **MINUTES,
    )
    recorded(
        world,
        who,
        "planMilestone",
        partnership=BURNLEY,
        project=PROJECT,
        key="pilot-start",
        title="Pilot starts",
        dueDate="2011-09-01",
        authority=BURNLEY,
        **paper("2011-01-10"),
    )
    recorded(
        world,
        who,
        "reportProgress",
        partnership=BURNLEY,
        project=PROJECT,
        authority=BURNLEY,
        stage="Pilot designed",
        **paper("2011-02-01"),
    )

    client = world.client(who)
    body = client.data(BODY, {"partnership": BURNLEY})["body"]
    assert (body["partnership"], body["authority"], body["name"]) == (None, BURNLEY, EXECUTIVE)
    assert body["termsOfReference"] == [{"items": ["Propose the budget to Full Council"]}]
    assert body["chairs"] == [{"person": "Cllr Gordon Birtwistle", "authority": BURNLEY}]
    read = client.data(MEETINGS, {"partnership": BURNLEY})
    assert nodes(read, "meetings") == [
        {
            "partnership": BURNLEY,
            "body": EXECUTIVE,
            "meetingDate": MEETING_DAY,
            "status": "HELD",
            "attendeeCount": 1,
        }
    ]
    assert nodes(read, "decisions") == [
        {
            "partnership": BURNLEY,
            "body": EXECUTIVE,
            "number": decided["number"],
            "wording": "That the budget be proposed to Full Council.",
        }
    ]
    assert nodes(read, "milestones") == [
        {"partnership": BURNLEY, "project": PROJECT, "key": "pilot-start", "title": "Pilot starts"}
    ]
