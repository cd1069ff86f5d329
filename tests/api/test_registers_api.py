"""The registers through real HTTP, over the example partnership.

The seed papers record no Joint Committee vote, no slipped milestone and no supplier action, so
the `story` fixture continues the example with illustrative ones before the registers are read.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import event

from partnership.addresses import (
    DecisionAddress,
    MeetingAddress,
    MilestoneAddress,
    SupplierMeetingAddress,
)
from partnership.commands.envelope import Envelope
from partnership.contracts import ContractTerms
from partnership.domain import Provenance
from projections.read import MAX_PAGE_SIZE
from projections.runtime import Runtime
from service.example import INQUIRY
from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, CHORLEY, LCC, LSSCC, SCRUTINY_PANEL
from tests.api.conftest import OFFICER_ACTOR, GoOnWith, GraphQLClient
from tests.authorities import register_authorities

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example("story")]

JOINT_COMMITTEE = "Joint Committee"
PILOT = "Complaints process pilot"
NORTHGATE_MEETING = (date(2007, 11, 20), "Weekly LCC and Northgate meeting")
SPRING, SUMMER, AUTUMN = date(2008, 3, 4), date(2008, 6, 10), date(2011, 10, 6)
MINUTES = "Joint Committee minutes (illustrative)"


def on(day: date, source: str = "Illustrative paper") -> Provenance:
    return Provenance(day, source)


def people(*authorities: str) -> list[dict[str, str]]:
    return [{"person": f"Member for {a}", "authority": a} for a in authorities]


def hold(runtime: Runtime, day: date, present: tuple[str, ...]) -> None:
    app, actor, now = runtime.app, OFFICER_ACTOR, runtime.clock()
    absent = tuple(a for a in (LCC, CHORLEY, BURNLEY) if a not in present)
    minutes = on(day, MINUTES)
    app.record_meeting_held(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        attendees=people(*present),
        apologies=people(*absent),
        declarations=None,
        envelope=Envelope(minutes, actor, now),
    )
    app.record_agenda_item(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        number="5",
        title="CRM contract",
        envelope=Envelope(minutes, actor, now),
    )


def decide(runtime: Runtime, day: date, wording: str, votes: dict[str, str], **more: Any) -> None:
    runtime.app.record_decision(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, day),
        item="5",
        wording=wording,
        form="RESOLVED",
        votes=votes,
        **more,
        envelope=Envelope(on(day, MINUTES), OFFICER_ACTOR, runtime.clock()),
    )


def joint_committee(runtime: Runtime) -> None:
    """A vote Burnley completed by e-mail, its revision at the next meeting, a defeat, and a
    meeting planned ahead."""
    app, actor, now = runtime.app, OFFICER_ACTOR, runtime.clock()
    hold(runtime, SPRING, (LCC, CHORLEY))
    decide(runtime, SPRING, "That the CRM contract be extended", {LCC: "for", CHORLEY: "against"})
    decide(runtime, SPRING, "That Northgate report monthly", {LCC: "for", CHORLEY: "for"})
    received = date(2008, 3, 10)
    app.record_electronic_response(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING),
        decision_number="5.1",
        authority=BURNLEY,
        vote="for",
        received_on=received,
        envelope=Envelope(on(received, "E-mail from Burnley"), actor, now),
    )
    hold(runtime, SUMMER, (LCC, CHORLEY, BURNLEY))
    decide(
        runtime,
        SUMMER,
        "That the extension be for six months",
        {LCC: "for", CHORLEY: "for", BURNLEY: "for"},
        supersedes=DecisionAddress(MeetingAddress(LSSCC, JOINT_COMMITTEE, SPRING), "5.1"),
        how="revised",
    )
    decide(
        runtime,
        SUMMER,
        "That the hub open on Saturdays",
        {LCC: "against", CHORLEY: "against", BURNLEY: "for"},
    )
    app.plan_meeting(
        meeting=MeetingAddress(LSSCC, JOINT_COMMITTEE, AUTUMN),
        envelope=Envelope(on(date(2011, 9, 1), MINUTES), actor, now),
    )


def delivery(runtime: Runtime) -> None:
    """The pilot's start slips twice, training is achieved late, 5d gets a later update, and
    the Northgate meeting raises three actions (one due date missed, one closed, one undated)."""
    app, actor, now = runtime.app, OFFICER_ACTOR, runtime.clock()
    for due, reason, decided in (
        (date(2008, 8, 15), "Trainers unavailable", date(2008, 7, 20)),
        (date(2008, 9, 1), "Build defects", date(2008, 8, 10)),
    ):
        app.replan_milestone(
            milestone=MilestoneAddress(LSSCC, PILOT, "pilot-start"),
            new_due_date=due,
            reason=reason,
            envelope=Envelope(on(decided), actor, now),
        )
    app.record_milestone_achieved(
        milestone=MilestoneAddress(LSSCC, PILOT, "training"),
        achieved_on=date(2008, 7, 14),
        envelope=Envelope(on(date(2008, 7, 15)), actor, now),
    )
    app.record_recommendation_progress(
        body=SCRUTINY_PANEL,
        inquiry=INQUIRY,
        number="5d",
        text="Work has begun",
        status="in_progress",
        envelope=Envelope(on(date(2008, 3, 1)), actor, now),
    )
    day, title = NORTHGATE_MEETING
    for text, owner, side, due in (
        ("Send the CRM defect log", "Northgate", "supplier", date(2007, 11, 27)),
        ("Agree the test window", "Ruth Hawes", "authority", date(2007, 12, 4)),
        ("Fix the search", "Northgate", "supplier", None),
    ):
        app.raise_supplier_action(
            meeting=SupplierMeetingAddress("Northgate", day, title),
            text=text,
            owner=owner,
            owner_side=side,
            due_date=due,
            envelope=Envelope(on(day), actor, now),
        )
    closed = on(date(2007, 12, 3))
    app.close_supplier_action(
        meeting=SupplierMeetingAddress("Northgate", day, title),
        number="2",
        outcome="Window agreed",
        envelope=Envelope(closed, actor, now),
    )


@pytest.fixture
def story(example: Runtime, go_on_with: GoOnWith) -> Runtime:
    return go_on_with(example, joint_committee, delivery)


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


DECISIONS = """
query Decisions($body: String, $from: Date, $to: Date, $outcome: DecisionOutcome, $asOf: Date,
                $first: Int = 20, $after: String) {
  decisions(partnership: "Lancashire Shared Services Contact Centre", body: $body, from: $from,
            to: $to, outcome: $outcome, asOf: $asOf, first: $first, after: $after) {
    edges { node {
      body meetingDate number item form wording outcome votesFor votesAgainst abstentions
      votes { authority vote }
      electronicResponses { authority vote receivedOn }
      meeting { meetingDate sequence status attendeeCount apologyCount members
                rule { quorum voting electronicResponseDays responsesDueBy } }
      supersedes { body meetingDate number }
      supersededBy { body meetingDate number decision { wording outcome } }
      supersededHow
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def decisions(client: GraphQLClient, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = client.data(DECISIONS, variables)["decisions"]
    return found


def test_the_joint_committee_decisions_with_their_votes_and_outcomes(
    story: Runtime, client: GraphQLClient
) -> None:
    found = nodes(decisions(client, body=JOINT_COMMITTEE))
    assert [(d["meetingDate"], d["number"], d["outcome"]) for d in found] == [
        ("2008-06-10", "5.1", "CARRIED"),
        ("2008-06-10", "5.2", "NOT_CARRIED"),
        ("2008-03-04", "5.1", "CARRIED"),
        ("2008-03-04", "5.2", "CARRIED"),
    ]
    defeated = found[1]
    assert defeated["wording"] == "That the hub open on Saturdays"
    assert defeated["votes"] == [
        {"authority": LCC, "vote": "AGAINST"},
        {"authority": CHORLEY, "vote": "AGAINST"},
        {"authority": BURNLEY, "vote": "FOR"},
    ]
    assert (defeated["votesFor"], defeated["votesAgainst"], defeated["abstentions"]) == (1, 2, 0)
    # Burnley was absent in March and voted by e-mail: that vote carried the extension.
    extended = found[2]
    assert extended["votes"] == [
        {"authority": LCC, "vote": "FOR"},
        {"authority": CHORLEY, "vote": "AGAINST"},
    ]
    assert extended["electronicResponses"] == [
        {"authority": BURNLEY, "vote": "FOR", "receivedOn": "2008-03-10"}
    ]
    assert (extended["votesFor"], extended["votesAgainst"]) == (2, 1)
    assert (extended["form"], extended["item"], extended["body"]) == (
        "RESOLVED",
        "5",
        JOINT_COMMITTEE,
    )
    assert extended["meeting"] == {
        "meetingDate": "2008-03-04",
        "sequence": 1,
        "status": "HELD",
        "attendeeCount": 2,
        "apologyCount": 1,
        "members": [BURNLEY, CHORLEY, LCC],
        "rule": {
            "quorum": 0,
            "voting": "MAJORITY_OF_VOTES_CAST",
            "electronicResponseDays": 14,
            "responsesDueBy": "2008-03-18",
        },
    }


def test_a_revised_decision_points_at_its_successor_and_back(
    story: Runtime, client: GraphQLClient
) -> None:
    found = nodes(decisions(client, body=JOINT_COMMITTEE))
    revision, revised = found[0], found[2]
    assert revised["supersededBy"] == {
        "body": JOINT_COMMITTEE,
        "meetingDate": "2008-06-10",
        "number": "5.1",
        "decision": {"wording": "That the extension be for six months", "outcome": "CARRIED"},
    }
    assert revised["supersededHow"] == "REVISED"
    assert revision["supersedes"] == {
        "body": JOINT_COMMITTEE,
        "meetingDate": "2008-03-04",
        "number": "5.1",
    }
    assert (revision["supersededBy"], revision["supersededHow"]) == (None, None)
    assert found[3]["supersedes"] is None


def test_outcomes_as_of_a_day_inside_the_response_window(
    story: Runtime, client: GraphQLClient
) -> None:
    found = nodes(decisions(client, body=JOINT_COMMITTEE, asOf="2008-03-05"))
    # Burnley could still respond to 5.2 (it already had to 5.1) until 18 March.
    assert [(d["meetingDate"], d["number"], d["outcome"]) for d in found[2:]] == [
        ("2008-03-04", "5.1", "CARRIED"),
        ("2008-03-04", "5.2", "AWAITING_RESPONSES"),
    ]


def test_decisions_filtered_and_paged_across_bodies(story: Runtime, client: GraphQLClient) -> None:
    listed = """
    query($first: Int, $after: String) {
      decisions(partnership: "Lancashire Shared Services Contact Centre", first: $first,
                after: $after) {
        edges { node { body meetingDate number outcome } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
    everything = nodes(client.data(listed, {"first": MAX_PAGE_SIZE})["decisions"])
    # The Joint Committee's four, then the Sub-Group's six of 26 October 2006 in minutes order.
    assert [(d["body"], d["number"]) for d in everything[4:]] == [
        ("Partnership Sub-Group", number) for number in ("1.1", "4.1", "6.1", "7.1", "8.1", "9.1")
    ]
    assert {d["outcome"] for d in everything[4:]} == {"AS_RECORDED"}

    seen: list[tuple[str, str]] = []
    after = None
    while True:
        page = client.data(listed, {"first": 3, "after": after})["decisions"]
        seen += [(d["meetingDate"], d["number"]) for d in nodes(page)]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [(d["meetingDate"], d["number"]) for d in everything]

    spring = nodes(decisions(client, **{"from": "2008-01-01", "to": "2008-03-31"}))
    assert [(d["meetingDate"], d["number"]) for d in spring] == [
        ("2008-03-04", "5.1"),
        ("2008-03-04", "5.2"),
    ]
    lost = nodes(decisions(client, outcome="NOT_CARRIED"))
    assert [d["wording"] for d in lost] == ["That the hub open on Saturdays"]


def test_meetings_newest_first_with_a_planned_one(story: Runtime, client: GraphQLClient) -> None:
    query = """
    query($status: MeetingStatus) {
      meetings(partnership: "Lancashire Shared Services Contact Centre", status: $status) {
        edges { node { body meetingDate status attendeeCount declarations { person }
                       decisions { number outcome } } }
      }
    }
    """
    found = nodes(client.data(query)["meetings"])
    assert [(m["body"], m["meetingDate"], m["status"]) for m in found] == [
        (JOINT_COMMITTEE, "2011-10-06", "PLANNED"),
        ("Burnley Executive", "2008-06-24", "PLANNED"),
        (JOINT_COMMITTEE, "2008-06-10", "HELD"),
        (JOINT_COMMITTEE, "2008-03-04", "HELD"),
        ("Partnership Sub-Group", "2006-10-26", "HELD"),
    ]
    by_date = {m["meetingDate"]: m for m in found}
    assert by_date["2011-10-06"]["decisions"] == []
    assert by_date["2008-06-10"]["decisions"] == [
        {"number": "5.1", "outcome": "CARRIED"},
        {"number": "5.2", "outcome": "NOT_CARRIED"},
    ]
    assert by_date["2006-10-26"]["declarations"] == []  # "No Member disclosed any interests"
    assert by_date["2008-03-04"]["declarations"] is None  # the minutes say nothing of them
    planned = nodes(client.data(query, {"status": "PLANNED"})["meetings"])
    assert [(m["body"], m["meetingDate"]) for m in planned] == [
        (JOINT_COMMITTEE, "2011-10-06"),
        ("Burnley Executive", "2008-06-24"),
    ]


MILESTONES = """
query($project: String, $overdueOnly: Boolean = false, $asOf: Date) {
  milestones(partnership: "Lancashire Shared Services Contact Centre", project: $project,
             overdueOnly: $overdueOnly, asOf: $asOf) {
    edges { node { project key originalDueDate currentDueDate slippageDays status achievedOn
                   overdue daysOverdue dueDateHistory { dueDate reason changedOn } } }
  }
}
"""


def test_milestone_slippage_and_overdue_as_of_a_day(story: Runtime, client: GraphQLClient) -> None:
    pilot = nodes(client.data(MILESTONES, {"project": PILOT, "asOf": "2008-09-02"})["milestones"])
    assert [(m["key"], m["currentDueDate"], m["overdue"], m["daysOverdue"]) for m in pilot] == [
        ("training", "2008-07-07", False, None),
        ("pilot-review", "2008-08-31", True, 2),
        ("pilot-start", "2008-09-01", True, 1),
    ]
    slipped = pilot[2]
    assert (slipped["originalDueDate"], slipped["slippageDays"], slipped["status"]) == (
        "2008-07-31",
        32,
        "PLANNED",
    )
    assert slipped["dueDateHistory"] == [
        {"dueDate": "2008-07-31", "reason": None, "changedOn": "2008-07-09"},
        {"dueDate": "2008-08-15", "reason": "Trainers unavailable", "changedOn": "2008-07-20"},
        {"dueDate": "2008-09-01", "reason": "Build defects", "changedOn": "2008-08-10"},
    ]
    assert (pilot[0]["status"], pilot[0]["achievedOn"]) == ("ACHIEVED", "2008-07-14")

    # Training was achieved on 14 July, so on 10 July it was still three days overdue.
    overdue = client.data(MILESTONES, {"overdueOnly": True, "asOf": "2008-07-10"})["milestones"]
    assert [(m["key"], m["daysOverdue"]) for m in nodes(overdue)] == [
        ("phase-two-first-wave", 498),
        ("greenspace-playgrounds-live", 9),
        ("training", 3),
    ]
    # By default the day is today (2 September 2011 on the test clock).
    today = nodes(client.data(MILESTONES, {"overdueOnly": True})["milestones"])
    assert [m["key"] for m in today] == [
        "phase-two-first-wave",
        "greenspace-playgrounds-live",
        "pilot-review",
        "pilot-start",
        "first-draft",
    ]


RECOMMENDATIONS = """
query($status: RecommendationStatus, $asOf: Date) {
  recommendations(body: "Chorley Corporate and Customer Overview and Scrutiny Panel",
                  status: $status, asOf: $asOf) {
    edges { node { inquiry number status ownerAuthority madeOn lastUpdateOn updateCount
                   daysSinceLastUpdate } }
  }
}
"""


def test_recommendations_and_the_days_since_their_last_update(
    story: Runtime, client: GraphQLClient
) -> None:
    found = nodes(client.data(RECOMMENDATIONS, {"asOf": "2008-05-20"})["recommendations"])
    assert [r["number"] for r in found] == [
        "4a", "4b", "4c", "4d", "5a", "5b", "5c", "5d", "5e", "5f"
    ]  # fmt: skip
    by_number = {r["number"]: r for r in found}
    assert by_number["5d"] == {
        "inquiry": INQUIRY,
        "number": "5d",
        "status": "IN_PROGRESS",
        "ownerAuthority": LCC,
        "madeOn": "2007-11-20",
        "lastUpdateOn": "2008-03-01",
        "updateCount": 3,
        "daysSinceLastUpdate": 80,
    }
    assert by_number["5b"]["daysSinceLastUpdate"] == 182  # last updated 20 November 2007
    still_open = client.data(RECOMMENDATIONS, {"status": "OPEN", "asOf": "2008-02-01"})
    assert [
        (r["number"], r["daysSinceLastUpdate"]) for r in nodes(still_open["recommendations"])
    ] == [("5b", 73)]
    # Before 5d's latest update the register cannot say which update was then the latest.
    before = nodes(client.data(RECOMMENDATIONS, {"asOf": "2008-02-01"})["recommendations"])
    assert {r["number"]: r["daysSinceLastUpdate"] for r in before}["5d"] is None


SUPPLIER_ACTIONS = """
query($status: SupplierActionStatus, $overdueOnly: Boolean = false, $asOf: Date) {
  supplierActions(supplier: "Northgate", status: $status, overdueOnly: $overdueOnly,
                  asOf: $asOf) {
    edges { node { meetingDate meetingTitle number text owner ownerSide dueDate status closedOn
                   outcome overdue daysOverdue } }
  }
}
"""


def test_supplier_actions_overdue_as_of_a_day(story: Runtime, client: GraphQLClient) -> None:
    every = nodes(client.data(SUPPLIER_ACTIONS, {"asOf": "2007-12-01"})["supplierActions"])
    assert [(a["number"], a["status"], a["overdue"], a["daysOverdue"]) for a in every] == [
        ("1", "OPEN", True, 4),
        ("2", "CLOSED", False, None),
        ("3", "OPEN", False, None),
    ]
    assert every[0] == {
        "meetingDate": "2007-11-20",
        "meetingTitle": "Weekly LCC and Northgate meeting",
        "number": "1",
        "text": "Send the CRM defect log",
        "owner": "Northgate",
        "ownerSide": "SUPPLIER",
        "dueDate": "2007-11-27",
        "status": "OPEN",
        "closedOn": None,
        "outcome": None,
        "overdue": True,
        "daysOverdue": 4,
    }
    assert (every[1]["closedOn"], every[1]["outcome"]) == ("2007-12-03", "Window agreed")

    def overdue_on(day: str) -> list[str]:
        found = client.data(SUPPLIER_ACTIONS, {"overdueOnly": True, "asOf": day})
        return [a["number"] for a in nodes(found["supplierActions"])]

    assert overdue_on("2007-11-27") == []
    assert overdue_on("2007-11-28") == ["1"]
    assert overdue_on("2008-01-01") == ["1"]
    closed = client.data(SUPPLIER_ACTIONS, {"status": "CLOSED"})["supplierActions"]
    assert [a["number"] for a in nodes(closed)] == ["2"]


CONTRACT_LINKS = """
query($authority: String) {
  contracts(authority: $authority) {
    edges { node {
      reference headContractReference
      headContract { reference supplier }
      linkedContracts { reference authority headContract { reference } }
    } }
  }
}
"""


def test_a_back_to_back_contract_and_its_head(story: Runtime, client: GraphQLClient) -> None:
    found = {c["reference"]: c for c in nodes(client.data(CONTRACT_LINKS)["contracts"])}
    assert found[BURNLEY_CRM]["headContract"] == {"reference": HEAD_CRM, "supplier": "Northgate"}
    assert found[BURNLEY_CRM]["linkedContracts"] == []
    assert found[HEAD_CRM]["headContract"] is None
    assert found[HEAD_CRM]["linkedContracts"] == [
        {"reference": BURNLEY_CRM, "authority": BURNLEY, "headContract": {"reference": HEAD_CRM}}
    ]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ('decisions(partnership: "P", first: 101)', "first"),
        ('decisions(partnership: "P", first: 0)', "first"),
        ('meetings(partnership: "P", first: 500)', "first"),
        ('milestones(partnership: "P", first: 101)', "first"),
        ("recommendations(first: 101)", "first"),
        ("supplierActions(first: 101)", "first"),
        ('decisions(partnership: "P", from: "2008-12-31", to: "2008-01-01")', "to"),
        ('meetings(partnership: "P", from: "2008-12-31", to: "2008-01-01")', "to"),
        ('decisions(partnership: "P", after: "not-a-cursor")', "after"),
        ('decisions(partnership: "P", outcome: AWAITING_RESPONSES)', "outcome"),
    ],
)
def test_refused_requests_say_which_argument_is_wrong(
    runtime: Runtime, client: GraphQLClient, query: str, field: str
) -> None:
    body = client.post(f"query {{ {query} {{ pageInfo {{ hasNextPage }} }} }}")
    assert body["data"] is None
    (error,) = body["errors"]
    assert f"`{field}`" in error["message"], error
    if field == "first":
        assert error["message"].startswith(f"`first` must be between 1 and {MAX_PAGE_SIZE}")
    if field == "to":
        assert error["message"] == (
            "The date range ends (`to`: 2008-01-01) before it starts (`from`: 2008-12-31)."
        )


def test_a_cursor_from_one_register_is_refused_by_another(
    story: Runtime, client: GraphQLClient
) -> None:
    cursor = decisions(client, first=1)["pageInfo"]["endCursor"]
    body = client.post(
        "query($after: String) { supplierActions(after: $after) { pageInfo { hasNextPage } } }",
        {"after": cursor},
    )
    assert "start again without `after`" in body["errors"][0]["message"]


@contextmanager
def selects_counted(runtime: Runtime) -> Iterator[list[str]]:
    """Every SELECT the read models answer while the block runs."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if re.match(r"\s*SELECT", statement, re.IGNORECASE):
            seen.append(statement)

    engine = runtime.store.reader
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def award_back_to_back(runtime: Runtime, count: int) -> None:
    actor, now = OFFICER_ACTOR, runtime.clock()
    for number in range(count):
        terms = ContractTerms(
            reference=f"LSSCC-CRM-DISTRICT-{number}",
            title="Customer Relationship Management system, a district's back-to-back contract",
            supplier="Northgate",
            authority=f"District Council {number}",
            start_date=date(2004, 12, 1),
            end_date=date(2011, 11, 30),
            notice_period_days=90,
            # Named in lower case, as a clerk might type it: still the same head contract.
            head_contract_reference=HEAD_CRM.lower(),
        )
        register_authorities(runtime.app, now, terms.authority, actor=actor)
        runtime.app.award_contract(
            terms=terms, envelope=Envelope(on(date(2004, 12, 1)), actor, now)
        )
    runtime.runner.catch_up()


@pytest.mark.writes
def test_linked_rows_cost_a_fixed_number_of_statements(
    story: Runtime, client: GraphQLClient
) -> None:
    award_back_to_back(story, 5)
    with selects_counted(story) as one:
        only_head = nodes(client.data(CONTRACT_LINKS, {"authority": LCC})["contracts"])
    with selects_counted(story) as every:
        all_contracts = nodes(client.data(CONTRACT_LINKS)["contracts"])
    assert len(only_head) == 1
    assert len(only_head[0]["linkedContracts"]) == 6
    assert len(all_contracts) == 7
    # The register, the back-to-back contracts, and the head contracts (each fetched once);
    # asked for by authority, the look-up of the authority's name first.
    assert len(every) == 3, every
    assert len(one) == 1 + 3, one

    query = """
    query($first: Int) {
      decisions(partnership: "Lancashire Shared Services Contact Centre", first: $first) {
        edges { node { number outcome meeting { meetingDate status decisions { number } }
                       supersededBy { meetingDate decision { wording } } } }
      }
    }
    """
    with selects_counted(story) as few:
        three = client.data(query, {"first": 3})["decisions"]
    with selects_counted(story) as many:
        ten = client.data(query, {"first": 10})["decisions"]
    assert (len(three["edges"]), len(ten["edges"])) == (3, 10)
    assert three["edges"][2]["node"]["supersededBy"] is not None  # every kind of link is asked
    # The partnership's name, the page, the meetings, the superseding decisions, and the
    # meetings' own decisions.
    assert len(few) == len(many) == 1 + 4, many


SUPPLIERS = """
query($reference: String!) {
  contract(reference: $reference) {
    reference supplier suppliers
    supplierHistory { supplier from until }
    linkedContracts { reference supplierHistory { supplier from until } }
  }
}
"""


def test_who_supplied_a_contract_when_and_its_back_to_back_contracts(
    example: Runtime, client: GraphQLClient
) -> None:
    burnley = client.data(SUPPLIERS, {"reference": BURNLEY_CRM})["contract"]
    # Awarded to SX3 from the start on 1 December 2004; SX3 was bought out by Northgate,
    # recorded as of the Sub-Group meeting of 26 October 2006.
    expected = [
        {"supplier": "SX3", "from": "2004-12-01", "until": "2006-10-26"},
        {"supplier": "Northgate", "from": "2006-10-26", "until": None},
    ]
    assert burnley["supplierHistory"] == expected
    assert (burnley["supplier"], burnley["suppliers"]) == ("Northgate", ["SX3", "Northgate"])
    assert burnley["linkedContracts"] == []
    head = client.data(SUPPLIERS, {"reference": HEAD_CRM.lower()})["contract"]
    assert head["reference"] == HEAD_CRM
    assert head["supplierHistory"] == expected
    assert head["linkedContracts"] == [{"reference": BURNLEY_CRM, "supplierHistory": expected}]


@contextmanager
def statements_with_parameters(runtime: Runtime) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the read models answer while the block runs, as sent, to be explained."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    engine = runtime.store.reader
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", keep)


@pytest.mark.writes
def test_the_back_to_back_look_up_uses_the_head_contract_index(
    example: Runtime, client: GraphQLClient
) -> None:
    award_back_to_back(example, 3)
    with statements_with_parameters(example) as seen:
        client.data(CONTRACT_LINKS)
    (statement, parameters), *more = [s for s in seen if "head_contract_id IN" in s[0]]
    assert more == []  # one statement for every contract's back-to-back contracts
    # The writer's, not the reader's: readers run in autocommit, with no transaction for SET LOCAL.
    with example.store.writer.connect() as conn:
        if example.store.is_sqlite:
            plan = " ".join(
                row[-1]
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            )
            assert "USING INDEX ix_contracts_register_head_contract_id" in plan, plan
        else:
            # A handful of rows is read fastest by a scan; forbid that, to see the index is usable.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = " ".join(
                row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)
            )
            assert "ix_contracts_register_head_contract_id" in plan, plan


CONTRACT_PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  contracts(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { reference } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@pytest.mark.writes
def test_the_contracts_register_pages_one_at_a_time_both_ways(
    story: Runtime, client: GraphQLClient
) -> None:
    award_back_to_back(story, 2)
    everything = [c["reference"] for c in nodes(client.data(CONTRACT_PAGE)["contracts"])]
    assert len(everything) == 4
    forward, after = [], None
    while True:
        page = client.data(CONTRACT_PAGE, {"first": 1, "after": after})["contracts"]
        forward += [c["reference"] for c in nodes(page)]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert forward == everything
    back, before = [], page["pageInfo"]["startCursor"]
    while before is not None:
        page = client.data(CONTRACT_PAGE, {"last": 1, "before": before})["contracts"]
        back += [c["reference"] for c in nodes(page)]
        info = page["pageInfo"]
        before = info["startCursor"] if info["hasPreviousPage"] else None
    assert back == everything[-2::-1]


def test_a_contracts_cursor_is_refused_by_the_renewals_due(
    story: Runtime, client: GraphQLClient
) -> None:
    cursor = client.data(CONTRACT_PAGE, {"first": 1})["contracts"]["pageInfo"]["endCursor"]
    body = client.post(
        "query($after: String) { renewalsDue(after: $after) { edges { cursor } } }",
        {"after": cursor},
    )
    [error] = body["errors"]
    assert error["extensions"] == {"code": "invalid_input", "field": "after"}
