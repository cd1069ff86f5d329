"""Projects and inquiries read back whole over real HTTP: what the commands record through the
mutations (every value entered) is what `project`, `projects`, `inquiry` and `inquiries`
give back, names match in any case and spacing, and what is not on record is a coded refusal."""

from typing import Any

import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import paper, recorded

pytestmark = pytest.mark.store_agnostic

LSSCC = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
CHORLEY = "Chorley Borough Council"
PANEL = "Chorley Corporate and Customer Overview and Scrutiny Panel"
WEB_CHAT = "Web chat pilot"
INQUIRY = "Web chat for every partner"

MILESTONE = """
  key title authority originalDueDate currentDueDate slippageDays status achievedOn overdue
  dueDateHistory { dueDate reason changedOn }
"""
PROJECT = f"""
  partnership name description authorities startedOn
  stages {{ authority stage since }}
  milestones {{ {MILESTONE} }}
  progressReports {{ authority stage note reportedOn }}
"""
INQUIRY_FIELDS = """
  body title termsOfReference openedOn closedOn
  recommendations {
    number text objective ownerAuthority status madeOn
    progressUpdates { text status reportedByAuthority reportedOn }
  }
"""
ONE_PROJECT = f"""
query One($partnership: String!, $name: String!) {{
  project(partnership: $partnership, name: $name, asOf: "2011-12-01") {{ {PROJECT} }}
}}
"""
# Page sizes are written into the documents: a query's cost is judged before its variables.
PROJECTS = f"""
query Many($partnership: String, $after: String) {{
  projects(partnership: $partnership, first: 2, after: $after, asOf: "2011-12-01") {{
    edges {{ cursor node {{ {PROJECT} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
PROJECT_NAMES = """
query Names($after: String) {
  projects(first: 100, after: $after) { edges { node { partnership name } } }
}
"""
ONE_INQUIRY = f"""
query One($body: String!, $title: String!) {{
  inquiry(body: $body, title: $title) {{ {INQUIRY_FIELDS} }}
}}
"""
INQUIRIES = f"""
query Many($body: String, $after: String) {{
  inquiries(body: $body, first: 1, after: $after) {{
    edges {{ node {{ {INQUIRY_FIELDS} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""


def record_a_project(client: GraphQLClient) -> None:
    project = {"partnership": LSSCC, "project": WEB_CHAT}
    recorded(
        client,
        "startProject",
        partnership="lancashire shared services contact centre",
        name=WEB_CHAT,
        description="Offer web chat\nbeside the telephone.",
        authorities=["lancashire county council", CHORLEY],
        **paper("2011-08-01"),
    )
    recorded(
        client,
        "planMilestone",
        **project,
        key="Chat live",
        title="Web chat live at County Hall",
        dueDate="2011-10-01",
        authority=LCC,
        **paper("2011-08-01"),
    )
    recorded(
        client,
        "replanMilestone",
        **project,
        key="chat-live",
        newDueDate="2011-11-01",
        reason="Supplier late",
        **paper("2011-08-20"),
    )
    recorded(
        client,
        "planMilestone",
        **project,
        key="review",
        title="Review the pilot",
        dueDate="2011-10-15",
        **paper("2011-08-01"),
    )
    recorded(
        client,
        "reportProgress",
        **project,
        authority="chorley  borough council",
        stage="Scoping",
        note="Agents chosen.",
        **paper("2011-08-05"),
    )
    recorded(
        client,
        "reportProgress",
        **project,
        authority=CHORLEY,
        stage="Testing",
        **paper("2011-08-25"),
    )
    recorded(
        client,
        "correctProject",
        **project,
        correctsVersion=1,
        field="DESCRIPTION",
        value="Offer web chat beside the telephone, at two partners.",
        reason="The paper says two partners.",
        **paper("2011-08-26"),
    )


EXPECTED_PROJECT = {
    "partnership": LSSCC,
    "name": WEB_CHAT,
    "description": "Offer web chat beside the telephone, at two partners.",
    "authorities": [LCC, CHORLEY],
    "startedOn": "2011-08-01",
    "stages": [
        {"authority": LCC, "stage": None, "since": None},
        {"authority": CHORLEY, "stage": "Testing", "since": "2011-08-25"},
    ],
    "milestones": [
        {
            "key": "review",
            "title": "Review the pilot",
            "authority": None,
            "originalDueDate": "2011-10-15",
            "currentDueDate": "2011-10-15",
            "slippageDays": 0,
            "status": "PLANNED",
            "achievedOn": None,
            "overdue": True,
            "dueDateHistory": [
                {"dueDate": "2011-10-15", "reason": None, "changedOn": "2011-08-01"}
            ],
        },
        {
            "key": "chat-live",
            "title": "Web chat live at County Hall",
            "authority": LCC,
            "originalDueDate": "2011-10-01",
            "currentDueDate": "2011-11-01",
            "slippageDays": 31,
            "status": "PLANNED",
            "achievedOn": None,
            "overdue": True,
            "dueDateHistory": [
                {"dueDate": "2011-10-01", "reason": None, "changedOn": "2011-08-01"},
                {"dueDate": "2011-11-01", "reason": "Supplier late", "changedOn": "2011-08-20"},
            ],
        },
    ],
    "progressReports": [
        {
            "authority": CHORLEY,
            "stage": "Scoping",
            "note": "Agents chosen.",
            "reportedOn": "2011-08-05",
        },
        {"authority": CHORLEY, "stage": "Testing", "note": "", "reportedOn": "2011-08-25"},
    ],
}


def test_a_project_recorded_through_the_api_is_read_back_whole(
    example: Runtime, client: GraphQLClient
) -> None:
    record_a_project(client)
    found = client.data(
        ONE_PROJECT,
        {"partnership": " LANCASHIRE shared services contact centre", "name": "web  CHAT pilot"},
    )["project"]
    assert found == EXPECTED_PROJECT
    walked: list[dict[str, Any]] = []
    after = None
    while True:
        page = client.data(PROJECTS, {"partnership": LSSCC, "after": after})
        walked += [edge["node"] for edge in page["projects"]["edges"]]
        if not page["projects"]["pageInfo"]["hasNextPage"]:
            break
        after = page["projects"]["pageInfo"]["endCursor"]
    assert EXPECTED_PROJECT in walked
    assert {project["partnership"] for project in walked} == {LSSCC}
    every = client.data(PROJECT_NAMES)["projects"]["edges"]
    assert len(every) > len(walked)
    assert {"partnership": LSSCC, "name": WEB_CHAT} in [edge["node"] for edge in every]


def record_an_inquiry(client: GraphQLClient) -> None:
    inquiry = {"body": PANEL, "inquiry": INQUIRY}
    recorded(
        client,
        "openInquiry",
        body=PANEL,
        title=INQUIRY,
        termsOfReference=["To review web chat.", "To report by\nDecember."],
        **paper("2011-08-01"),
    )
    recorded(
        client,
        "makeRecommendation",
        **inquiry,
        number="10",
        text="Publish chat figures.",
        **paper("2011-08-02"),
    )
    recorded(
        client,
        "makeRecommendation",
        **inquiry,
        number="2 (b)",
        text="Train every agent.",
        ownerAuthority="lancashire county council",
        objective="Objective 1: customers first",
        **paper("2011-08-02"),
    )
    recorded(
        client,
        "recordRecommendationProgress",
        **inquiry,
        number="2b",
        text="Half trained.",
        status="IN_PROGRESS",
        reportedByAuthority=LCC,
        **paper("2011-08-10"),
    )
    recorded(
        client,
        "recordRecommendationProgress",
        **inquiry,
        number="2B",
        text="Still going.",
        **paper("2011-08-15"),
    )
    recorded(
        client,
        "correctRecommendation",
        **inquiry,
        number="2b",
        correctsVersion=3,
        field="OBJECTIVE",
        value="Objective 2: staff",
        reason="Misread.",
        **paper("2011-08-16"),
    )
    recorded(
        client,
        "correctInquiry",
        body=PANEL,
        title=INQUIRY,
        correctsVersion=1,
        field="TERMS_OF_REFERENCE",
        termsOfReference=["To review web chat.", "To report by January."],
        reason="The minutes were amended.",
        **paper("2011-08-16"),
    )
    recorded(client, "closeInquiry", body=PANEL, title=INQUIRY, **paper("2011-09-01"))


EXPECTED_INQUIRY = {
    "body": PANEL,
    "title": INQUIRY,
    "termsOfReference": ["To review web chat.", "To report by January."],
    "openedOn": "2011-08-01",
    "closedOn": "2011-09-01",
    "recommendations": [
        {
            "number": "2b",
            "text": "Train every agent.",
            "objective": "Objective 2: staff",
            "ownerAuthority": LCC,
            "status": "IN_PROGRESS",
            "madeOn": "2011-08-02",
            "progressUpdates": [
                {
                    "text": "Half trained.",
                    "status": "IN_PROGRESS",
                    "reportedByAuthority": LCC,
                    "reportedOn": "2011-08-10",
                },
                {
                    "text": "Still going.",
                    "status": None,
                    "reportedByAuthority": None,
                    "reportedOn": "2011-08-15",
                },
            ],
        },
        {
            "number": "10",
            "text": "Publish chat figures.",
            "objective": None,
            "ownerAuthority": None,
            "status": "OPEN",
            "madeOn": "2011-08-02",
            "progressUpdates": [],
        },
    ],
}


def test_an_inquiry_recorded_through_the_api_is_read_back_whole(
    example: Runtime, client: GraphQLClient
) -> None:
    record_an_inquiry(client)
    found = client.data(ONE_INQUIRY, {"body": PANEL.upper(), "title": f" {INQUIRY.lower()}  "})
    assert found["inquiry"] == EXPECTED_INQUIRY
    listed = client.data(INQUIRIES, {"body": PANEL.lower()})["inquiries"]
    nodes = [edge["node"] for edge in listed["edges"]]
    while listed["pageInfo"]["hasNextPage"]:
        after = listed["pageInfo"]["endCursor"]
        listed = client.data(INQUIRIES, {"body": PANEL, "after": after})["inquiries"]
        nodes += [edge["node"] for edge in listed["edges"]]
    titles = [node["title"] for node in nodes]
    assert len(titles) == 2
    assert sorted(titles) == titles
    assert EXPECTED_INQUIRY in nodes


def refusal(client: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[str, str]:
    errors = client.post(query, variables)["errors"]
    assert len(errors) == 1, errors
    return errors[0]["extensions"]["code"], errors[0]["message"]


def test_what_is_not_on_record_is_null_or_a_coded_refusal(
    example: Runtime, client: GraphQLClient
) -> None:
    assert refusal(client, ONE_PROJECT, {"partnership": LSSCC, "name": "No such"})[0] == (
        "project_not_found"
    )
    assert refusal(client, ONE_INQUIRY, {"body": PANEL, "title": "No such"})[0] == (
        "inquiry_not_found"
    )
    assert refusal(client, ONE_INQUIRY, {"body": "No body", "title": INQUIRY})[0] == (
        "inquiry_not_found"
    )
    assert refusal(client, ONE_PROJECT, {"partnership": "Nowhere", "name": WEB_CHAT})[0] == (
        "partnership_not_found"
    )
    assert refusal(client, PROJECTS, {"partnership": "Nowhere"})[0] == "partnership_not_found"
    assert refusal(client, INQUIRIES, {"body": "No body"})[0] == "body_not_found"
    assert refusal(client, ONE_PROJECT, {"partnership": LSSCC, "name": "x" * 20_000})[0] == (
        "invalid_input"
    )
    assert refusal(client, ONE_INQUIRY, {"body": PANEL, "title": "a\x00b"})[0] == ("invalid_input")
    cursor = client.data(INQUIRIES, {})["inquiries"]["pageInfo"]["endCursor"]
    code, message = refusal(client, PROJECTS, {"after": cursor})
    assert code == "invalid_input"
    assert "cursor" in message
