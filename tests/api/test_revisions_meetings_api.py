"""A meeting's date corrected over real HTTP, as the example's secretary: the meeting is found
by its id, its first fact's meetingDate put right, and the meetings register answers it under
the new date, not the old."""

from collections.abc import Iterator
from typing import Any

import pytest

from service.example_papers import LSSCC, SUB_GROUP
from tests.api.access_world import World, open_world

pytestmark = pytest.mark.store_agnostic

SECRETARY = "secretary"  # the example's: the partnership's
MINUTED = "2006-10-26"
RIGHT_DAY = "2006-10-27"
MEETINGS = """
query ($partnership: String!, $body: String, $from: Date, $to: Date) {
  meetings(partnership: $partnership, body: $body, from: $from, to: $to) {
    edges { node { id meetingDate status } }
  }
}
"""
CORRECT = """
mutation ($input: CorrectFactInput!) {
  correctFact(input: $input) {
    __typename
    ... on Recorded { record { ... on Meeting { meetingDate status } } }
    ... on Problem { code message field }
  }
}
"""
PAPER = {"effectiveDate": "2011-08-01", "source": "Minutes as signed, checked August 2011"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(tmp_path_factory.mktemp("meeting_revisions")) as opened:
        yield opened


def meetings_on(world: World, day: str) -> list[dict[str, Any]]:
    asked = {"partnership": LSSCC, "body": SUB_GROUP, "from": day, "to": day}
    found = world.client(SECRETARY).data(MEETINGS, asked)
    return [edge["node"] for edge in found["meetings"]["edges"]]


def correct_date(world: World, record: str, day: str) -> dict[str, Any]:
    given = {
        **PAPER,
        "record": record,
        "version": 1,
        "field": "meetingDate",
        "value": day,
        "reason": "The signed minutes are dated the 27th",
    }
    return dict(world.client(SECRETARY).data(CORRECT, {"input": given})["correctFact"])


def test_a_meeting_date_corrected_is_found_under_the_new_date(world: World) -> None:
    (minuted,) = meetings_on(world, MINUTED)
    assert meetings_on(world, RIGHT_DAY) == []

    answer = correct_date(world, minuted["id"], RIGHT_DAY)

    assert answer == {
        "__typename": "Recorded",
        "record": {"meetingDate": RIGHT_DAY, "status": minuted["status"]},
    }
    assert meetings_on(world, MINUTED) == []
    (moved,) = meetings_on(world, RIGHT_DAY)
    assert moved["id"] == minuted["id"]


def test_a_date_that_is_no_date_is_refused_with_its_field(world: World) -> None:
    (meeting,) = meetings_on(world, RIGHT_DAY) or meetings_on(world, MINUTED)
    answer = correct_date(world, meeting["id"], "the 27th")
    assert (answer["__typename"], answer["field"]) == ("InvalidInput", "value")
    assert "YYYY-MM-DD" in answer["message"]
