"""Every operation file in graphql/operations/, run over HTTP against the example partnership.

The board, procurement and audit folders hold the named queries each kind of user runs; these
tests check the answers row by row. The `story` fixture continues the example with the votes,
slippage and supplier actions the seed papers lack (see tests/api/test_registers_api.py).
"""

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from partnership.addresses import MeetingAddress
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from projections.runtime import Runtime
from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC
from tests.api.conftest import EXAMPLE_ACTOR, OFFICER_ACTOR, GraphQLClient
from tests.api.test_registers_api import JOINT_COMMITTEE, SPRING, story

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example("story")]

__all__ = ["story"]  # the fixture, shared with the registers' own tests

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def run(client: GraphQLClient, path: str, **variables: Any) -> dict[str, Any]:
    return client.data((OPERATIONS / path).read_text(encoding="utf-8"), variables)


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


def test_every_operation_file_is_run_here() -> None:
    here = Path(__file__).read_text(encoding="utf-8")
    tested_elsewhere = {
        "board/contract_timeline.graphql",
        "procurement/renewals_due.graphql",
        "procurement/contracts_register.graphql",
        "board/a_body_and_its_meetings.graphql",
    }
    for path in sorted(OPERATIONS.rglob("*.graphql")):
        name = path.relative_to(OPERATIONS).as_posix()
        assert name in here or name in tested_elsewhere, f"{name} is not run by any test"
    assert {p.name for p in OPERATIONS.iterdir()} == {"board", "procurement", "audit"}


def test_board_this_quarters_timeline_for_our_partnership(
    story: Runtime, client: GraphQLClient
) -> None:
    variables = {"partnership": LSSCC, "from": "2008-04-01", "to": "2008-06-30"}
    page = run(client, "board/quarter_timeline.graphql", **variables)["timeline"]
    found = [(n["effectiveDate"], n["kind"], n["body"]) for n in nodes(page)]
    assert found == [
        ("2008-06-10", "MEETING_REGISTERED", JOINT_COMMITTEE),
        ("2008-06-10", "MEETING_HELD", JOINT_COMMITTEE),
        ("2008-06-10", "MEETING_AGENDA_ITEM_RECORDED", JOINT_COMMITTEE),
        ("2008-06-10", "MEETING_DECISION_RECORDED", JOINT_COMMITTEE),
        ("2008-06-10", "MEETING_SUPERSESSION_RECORDED", JOINT_COMMITTEE),
        ("2008-06-10", "MEETING_DECISION_RECORDED", JOINT_COMMITTEE),
        ("2008-06-24", "PARTNERSHIP_BODY_ESTABLISHED", None),
        ("2008-06-24", "GOVERNING_BODY_ESTABLISHED", "Burnley Executive"),
        ("2008-06-24", "MEETING_REGISTERED", "Burnley Executive"),
        ("2008-06-24", "MEETING_AGENDA_ITEM_RECORDED", "Burnley Executive"),
    ]
    assert page["pageInfo"]["hasNextPage"] is False
    defeated = nodes(page)[5]
    assert defeated["summary"].startswith(
        "Joint Committee meeting of 10 Jun 2008, item 5: RESOLVED: That the hub open on Saturdays"
    )
    assert defeated["authorities"] == [BURNLEY, CHORLEY, LCC]


def test_board_how_the_joint_committee_voted(story: Runtime, client: GraphQLClient) -> None:
    found = nodes(
        run(client, "board/how_the_joint_committee_voted.graphql", partnership=LSSCC)["decisions"]
    )
    summary = [
        (d["meetingDate"], d["number"], d["outcome"], d["votesFor"], d["votesAgainst"])
        for d in found
    ]
    assert summary == [
        ("2008-06-10", "5.1", "CARRIED", 3, 0),
        ("2008-06-10", "5.2", "NOT_CARRIED", 1, 2),
        ("2008-03-04", "5.1", "CARRIED", 2, 1),
        ("2008-03-04", "5.2", "CARRIED", 2, 0),
    ]
    extension = found[2]
    assert extension["wording"] == "That the CRM contract be extended"
    assert extension["votes"] == [
        {"authority": LCC, "vote": "FOR"},
        {"authority": CHORLEY, "vote": "AGAINST"},
    ]
    # Burnley was absent and voted by e-mail within the response window: that carried it.
    assert extension["electronicResponses"] == [
        {"authority": BURNLEY, "vote": "FOR", "receivedOn": "2008-03-10"}
    ]
    assert extension["supersededBy"] == {"meetingDate": "2008-06-10", "number": "5.1"}
    # Inside the response window a decision Burnley has not answered still waits for it.
    early = run(
        client, "board/how_the_joint_committee_voted.graphql", partnership=LSSCC, asOf="2008-03-05"
    )
    assert nodes(early["decisions"])[3]["outcome"] == "AWAITING_RESPONSES"


def test_board_what_slipped(story: Runtime, client: GraphQLClient) -> None:
    found = nodes(
        run(client, "board/what_slipped.graphql", partnership=LSSCC, asOf="2008-09-02")[
            "milestones"
        ]
    )
    fields = ("title", "originalDueDate", "currentDueDate", "slippageDays", "status")
    rows = [(*(m[f] for f in fields), m["overdue"], m["daysOverdue"]) for m in found]
    assert rows == [
        ("County and Chorley first to deliver services for each other (phase two)",
         "2007-02-28", "2007-02-28", 0, "PLANNED", True, 552),
        ("Greenspace playgrounds processes live through Front Office",
         "2008-07-01", "2008-07-01", 0, "PLANNED", True, 63),
        ("Start training", "2008-07-07", "2008-07-07", 0, "ACHIEVED", False, None),
        ("Review the pilot", "2008-08-31", "2008-08-31", 0, "PLANNED", True, 2),
        ("Pilot under way", "2008-07-31", "2008-09-01", 32, "PLANNED", True, 1),
        ("First draft available", "2008-09-30", "2008-09-30", 0, "PLANNED", False, None),
        ("Installation complete", "2011-10-31", "2011-10-31", 0, "PLANNED", False, None),
    ]  # fmt: skip
    assert found[4]["dueDateHistory"] == [
        {"dueDate": "2008-07-31", "reason": None, "changedOn": "2008-07-09"},
        {"dueDate": "2008-08-15", "reason": "Trainers unavailable", "changedOn": "2008-07-20"},
        {"dueDate": "2008-09-01", "reason": "Build defects", "changedOn": "2008-08-10"},
    ]


def test_procurement_renewal_alerts_by_level(story: Runtime, client: GraphQLClient) -> None:
    def alerts_on(day: str) -> list[tuple[Any, ...]]:
        found = nodes(run(client, "procurement/renewal_alerts.graphql", asOf=day)["alerts"])
        return [(a["contractReference"], a["level"], a["daysUntil"]) for a in found]

    # The county's contract is still running past its notice deadline of 3 June 2011.
    assert alerts_on("2011-09-02") == [(HEAD_CRM, "overdue", -91)]
    # Burnley's extended contract needs notice by 1 September 2012.
    assert alerts_on("2012-03-15") == [(BURNLEY_CRM, "180_days", 170)]
    assert alerts_on("2012-06-15") == [(BURNLEY_CRM, "90_days", 78)]
    assert alerts_on("2012-08-30") == [(BURNLEY_CRM, "7_days", 2)]
    listed = run(client, "procurement/renewal_alerts.graphql", asOf="2012-03-15")["alerts"]
    [alert] = nodes(listed)
    assert alert == {
        "key": "renewal:LSSCC-CRM-BURNLEY:2012-09-01",
        "level": "180_days",
        "keyDate": "2012-09-01",
        "daysUntil": 170,
        "contractReference": BURNLEY_CRM,
        "supplier": "Northgate",
        "authority": BURNLEY,
        "acknowledged": False,
    }


def test_procurement_open_supplier_actions(story: Runtime, client: GraphQLClient) -> None:
    found = nodes(
        run(client, "procurement/open_supplier_actions.graphql", supplier="Northgate",
            asOf="2007-12-01")["supplierActions"]
    )  # fmt: skip
    fields = ("number", "text", "dueDate", "overdue", "daysOverdue")
    assert [tuple(a[f] for f in fields) for a in found] == [
        ("1", "Send the CRM defect log", "2007-11-27", True, 4),
        ("3", "Fix the search", None, False, None),
    ]  # fmt: skip
    assert {a["ownerSide"] for a in found} == {"SUPPLIER"}


def test_audit_decision_history_of_the_joint_committee(
    story: Runtime, client: GraphQLClient
) -> None:
    page = run(client, "audit/decision_history.graphql", partnership=LSSCC, body=JOINT_COMMITTEE)[
        "timeline"
    ]
    found = nodes(page)
    assert [(n["effectiveDate"], n["kind"]) for n in found] == [
        ("2007-11-20", "GOVERNING_BODY_ESTABLISHED"),
        ("2007-11-20", "GOVERNING_BODY_TERMS_OF_REFERENCE_ADOPTED"),
        ("2007-11-20", "GOVERNING_BODY_MEMBER_APPOINTED"),
        ("2007-11-20", "GOVERNING_BODY_MEMBER_APPOINTED"),
        ("2007-11-20", "GOVERNING_BODY_MEMBER_APPOINTED"),
        ("2007-11-20", "GOVERNING_BODY_DECISION_RULE_ADOPTED"),
        ("2008-03-04", "MEETING_REGISTERED"),
        ("2008-03-04", "MEETING_HELD"),
        ("2008-03-04", "MEETING_AGENDA_ITEM_RECORDED"),
        ("2008-03-04", "MEETING_DECISION_RECORDED"),
        ("2008-03-04", "MEETING_DECISION_RECORDED"),
        ("2008-03-10", "MEETING_ELECTRONIC_RESPONSE_RECORDED"),
        ("2008-06-10", "MEETING_REGISTERED"),
        ("2008-06-10", "MEETING_HELD"),
        ("2008-06-10", "MEETING_AGENDA_ITEM_RECORDED"),
        ("2008-06-10", "MEETING_DECISION_RECORDED"),
        ("2008-06-10", "MEETING_SUPERSESSION_RECORDED"),
        ("2008-06-10", "MEETING_DECISION_RECORDED"),
        ("2011-09-01", "MEETING_REGISTERED"),
    ]
    # The example's facts name the system that loaded it; the steps this test went on with,
    # the officer who recorded them.
    assert {n["recordedBy"] for n in found} <= {EXAMPLE_ACTOR.person, OFFICER_ACTOR.person}
    assert all(n["recordedByAuthority"] == LCC for n in found)
    assert found[0]["source"].startswith("Chorley Corporate & Customer Overview & Scrutiny Panel")
    assert found[11]["source"] == "E-mail from Burnley"
    assert "Burnley Borough Council responded" in found[11]["summary"]
    positions = [n["position"] for n in found]
    assert len(set(positions)) == len(positions)


@pytest.mark.writes
def test_audit_corrections_name_what_they_correct(story: Runtime, client: GraphQLClient) -> None:
    assert nodes(run(client, "audit/corrections.graphql")["timeline"]) == []
    story.app.correct_decision_wording(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING),
        decision_number="5.2",
        wording="That Northgate report on the CRM monthly",
        reason="The minutes as signed name the CRM",
        envelope=Envelope(
            Provenance(date(2008, 6, 10), "Joint Committee minutes of 10 June 2008, item 2"),
            OFFICER_ACTOR,
            story.clock(),
        ),
    )
    story.runner.catch_up()
    [correction] = nodes(run(client, "audit/corrections.graphql")["timeline"])
    assert correction["effectiveDate"] == "2008-06-10"
    assert correction["subject"] == "Joint Committee meeting of 4 Mar 2008"
    assert correction["summary"] == (
        "Joint Committee meeting of 4 Mar 2008, decision 5.2: wording corrected "
        "(The minutes as signed name the CRM)"
    )
    assert correction["source"] == "Joint Committee minutes of 10 June 2008, item 2"
    assert correction["recordedBy"] == "Partnership Officer"


def test_audit_record_status(story: Runtime, client: GraphQLClient) -> None:
    status = run(client, "audit/record_status.graphql")["projectionStatus"]
    head = story.app.head_position()
    assert {s["name"] for s in status} == {
        "timeline",
        "contracts_register",
        "decisions_register",
        "governing_bodies",
        "delivery_registers",
        "alerts",
        "people",
        "partnerships_register",
        "supplier_meetings_register",
        "practices_register",
    }
    assert all((s["position"], s["head"], s["lagEvents"]) == (head, head, 0) for s in status)
    assert all(s["stall"] is None for s in status)
