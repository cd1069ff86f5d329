"""Every governance fact the commands record is read back over HTTP: a body's terms of
reference, members, chairs, rules and parent, and a meeting's attendees, apologies,
declarations and agenda by name."""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from partnership.addresses import MeetingAddress
from partnership.commands.envelope import Envelope
from projections.runtime import Runtime
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC
from tests.api.conftest import GraphQLClient
from tests.conftest import OFFICER, MovableClock
from tests.integration.test_governance_commands import (
    CHAIR,
    JOINT_COMMITTEE,
    NEW_RULE,
    PANEL,
    SUB_GROUP,
    SUB_GROUP_TERMS,
    minutes,
)
from tests.integration.test_meeting_commands import (
    PRESENT,
    SEED_AGENDA,
    SEED_APOLOGIES,
    SEED_ATTENDEES,
    hold_joint_committee,
    lsscc_bodies,
    record_seed_meeting,
)
from tests.integration.test_partnership_commands import (
    FORMED,
    LSSCC_MEMBERS,
    SUB_GROUP_DAY,
    paper,
)

pytestmark = pytest.mark.store_agnostic

RULE_DAY = date(2007, 11, 20)
JC_DAY = date(2008, 3, 4)
REMOVED = date(2009, 4, 1)
DECLARED = [{"person": CHAIR, "item": "6", "interest": "Member of the County Council"}]

BODY = """
query ($partnership: String!, $name: String!, $asOf: Date) {
  body(partnership: $partnership, name: $name) {
    partnership name kind establishedOn parentBody
    parent { name kind }
    termsOfReference { version items effectiveDate }
    termsOfReferenceInForce(asOf: $asOf) { version }
    chairs { person authority effectiveDate }
    chair(asOf: $asOf) { person }
    decisionRules { quorum voting electronicResponseDays effectiveDate }
    decisionRule(asOf: $asOf) { quorum voting electronicResponseDays effectiveDate }
    members { authority appointedOn removedOn removalReason }
    membersOn: members(asOf: $asOf) { authority }
    meetings(first: 5) {
      edges { node {
        meetingDate
        attendees { person authority role }
        apologies { person authority }
        declarations { person item interest }
        agenda { number title }
      } }
    }
  }
}
"""

BODIES = """
query ($partnership: String, $first: Int, $after: String) {
  bodies(partnership: $partnership, first: $first, after: $after) {
    edges { node { partnership name } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def record(runtime: Runtime, clock: MovableClock) -> None:
    app, now = runtime.app, clock()
    lsscc_bodies(app, now)
    record_seed_meeting(app, now)
    app.correct_meeting(
        meeting=MeetingAddress(LSSCC, SUB_GROUP, SUB_GROUP_DAY),
        corrects_version=2,
        field="declarations",
        value=DECLARED,
        reason="The minutes were amended",
        envelope=Envelope(minutes(), OFFICER, now),
    )
    app.adopt_decision_rule(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        rule=NEW_RULE,
        envelope=Envelope(paper(RULE_DAY), OFFICER, now),
    )
    hold_joint_committee(app, now, JC_DAY)
    app.remove_body_member(
        partnership=LSSCC,
        body=JOINT_COMMITTEE,
        authority=LCC,
        reason="Withdrew from the committee",
        envelope=Envelope(paper(REMOVED), OFFICER, now),
    )
    runtime.runner.catch_up()


def body(client: GraphQLClient, name: str, as_of: date | None = None) -> dict[str, Any]:
    variables = {
        "partnership": f" {LSSCC.lower()} ",
        "name": name.upper(),
        "asOf": None if as_of is None else as_of.isoformat(),
    }
    found: dict[str, Any] = client.data(BODY, variables)["body"]
    return found


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def test_a_body_and_its_meetings_read_back_every_value_entered(
    runtime: Runtime, clock: MovableClock, client: GraphQLClient
) -> None:
    record(runtime, clock)

    sub_group = body(client, SUB_GROUP, SUB_GROUP_DAY)
    assert sub_group["name"] == SUB_GROUP
    assert sub_group["kind"] == "SCRUTINY_SUB_GROUP"
    assert sub_group["establishedOn"] == SUB_GROUP_DAY.isoformat()
    assert sub_group["parentBody"] == PANEL
    assert sub_group["parent"] == {"name": PANEL, "kind": "SCRUTINY_PANEL"}
    assert sub_group["termsOfReference"] == [
        {"version": 1, "items": SUB_GROUP_TERMS, "effectiveDate": SUB_GROUP_DAY.isoformat()}
    ]
    assert sub_group["termsOfReferenceInForce"] == {"version": 1}
    assert sub_group["chairs"] == [
        {"person": CHAIR, "authority": CHORLEY, "effectiveDate": SUB_GROUP_DAY.isoformat()}
    ]
    assert sub_group["chair"] == {"person": CHAIR}
    assert sub_group["membersOn"] == [{"authority": CHORLEY}]

    [meeting] = nodes(sub_group["meetings"])
    assert meeting["attendees"] == [{"role": None, **person} for person in SEED_ATTENDEES]
    assert meeting["apologies"] == SEED_APOLOGIES
    assert meeting["declarations"] == DECLARED
    assert meeting["agenda"] == [{"number": n, "title": t} for n, t in SEED_AGENDA]

    joint = body(client, JOINT_COMMITTEE, JC_DAY)
    assert joint["parent"] is None
    assert joint["decisionRule"] == {
        "quorum": NEW_RULE.quorum,
        "voting": "MAJORITY_OF_MEMBERS",
        "electronicResponseDays": NEW_RULE.electronic_response_days,
        "effectiveDate": RULE_DAY.isoformat(),
    }
    assert [rule["effectiveDate"] for rule in joint["decisionRules"]] == [
        FORMED.isoformat(),
        RULE_DAY.isoformat(),
    ]
    assert joint["chair"] is None
    assert sorted(m["authority"] for m in joint["membersOn"]) == sorted(LSSCC_MEMBERS)
    [lcc] = [m for m in joint["members"] if m["authority"] == LCC]
    assert lcc == {
        "authority": LCC,
        "appointedOn": FORMED.isoformat(),
        "removedOn": REMOVED.isoformat(),
        "removalReason": "Withdrew from the committee",
    }
    after_removal = body(client, JOINT_COMMITTEE, REMOVED)
    assert LCC not in {m["authority"] for m in after_removal["membersOn"]}

    [held] = nodes(joint["meetings"])
    assert [a["authority"] for a in held["attendees"]] == list(PRESENT)
    assert {a["authority"] for a in held["apologies"]} == set(LSSCC_MEMBERS) - set(PRESENT)
    assert held["declarations"] is None
    assert held["agenda"] == [{"number": "5", "title": "CRM contract"}]
    assert BURNLEY in {a["authority"] for a in held["attendees"]}


def test_bodies_are_listed_a_page_at_a_time_and_unknown_names_are_answered(
    runtime: Runtime, clock: MovableClock, client: GraphQLClient
) -> None:
    record(runtime, clock)
    first = client.data(BODIES, {"partnership": LSSCC, "first": 2})["bodies"]
    assert first["pageInfo"]["hasNextPage"]
    after = first["pageInfo"]["endCursor"]
    rest = client.data(BODIES, {"partnership": LSSCC, "first": 2, "after": after})["bodies"]
    assert not rest["pageInfo"]["hasNextPage"]
    listed = [node["name"] for node in nodes(first) + nodes(rest)]
    assert listed == sorted([JOINT_COMMITTEE, PANEL, SUB_GROUP])
    everyone = client.data(BODIES, {})["bodies"]
    assert [node["name"] for node in nodes(everyone)] == listed

    missing = client.post(BODY, {"partnership": LSSCC, "name": "No such body"})
    assert missing["errors"][0]["extensions"] == {
        "code": "governing_body_not_found",
        "field": "name",
    }
    unknown = client.post(BODIES, {"partnership": "No such partnership"})
    assert unknown["errors"][0]["extensions"]["code"] == "partnership_not_found"
    too_long = client.post(BODY, {"partnership": LSSCC, "name": "x" * 100_000})
    assert too_long["errors"][0]["extensions"]["code"] == "invalid_input"


OPERATION = (
    Path(__file__).resolve().parents[2]
    / "graphql"
    / "operations"
    / "board"
    / "a_body_and_its_meetings.graphql"
)


def test_the_tour_query_reads_a_body_and_its_meetings(
    runtime: Runtime, clock: MovableClock, client: GraphQLClient
) -> None:
    record(runtime, clock)
    variables = {"partnership": LSSCC, "name": SUB_GROUP, "asOf": SUB_GROUP_DAY.isoformat()}
    found = client.data(OPERATION.read_text(encoding="utf-8"), variables)["body"]
    assert found["parent"] == {"name": PANEL}
    assert found["chair"]["person"] == CHAIR
    assert found["decisionRule"] is None
    assert found["members"] == [{"authority": CHORLEY, "appointedOn": SUB_GROUP_DAY.isoformat()}]
    [meeting] = nodes(found["meetings"])
    assert meeting["status"] == "HELD"
    assert [a["person"] for a in meeting["attendees"]] == [a["person"] for a in SEED_ATTENDEES]
    assert meeting["apologies"] == SEED_APOLOGIES
    assert meeting["declarations"] == DECLARED
    assert len(meeting["agenda"]) == len(SEED_AGENDA)
    assert len(meeting["decisions"]) > 0
