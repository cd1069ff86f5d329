"""Dates as the papers give them, over real HTTP: a loose effective date read back as the paper
says it, a milestone due by a month, a notice period in months, and bad dates refused by field."""

from typing import Any

import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import paper, recorded, run

pytestmark = pytest.mark.store_agnostic

LSSCC = "Lancashire Shared Services Contact Centre"
LCC = "Lancashire County Council"
BURNLEY = "Burnley Borough Council"
PROJECT = "Paper dates pilot"

START = """
mutation Start($input: StartProjectInput!) {
  startProject(input: $input) {
    __typename
    ... on Recorded { entry { effectiveDate effectiveWhen effectiveLabel } }
  }
}
"""
TIMELINE = """
query Timeline {
  timeline(filter: {project: "Paper dates pilot"}, first: 20) {
    edges { node { kind effectiveDate effectiveWhen effectiveLabel } }
  }
}
"""
SUMMARIES = """
query Summaries {
  timeline(filter: {project: "Paper dates pilot", kinds: [PROJECT_MILESTONE_PLANNED,
                                                          PROJECT_MILESTONE_REPLANNED]},
           first: 20, order: OLDEST_FIRST) {
    edges { node { summary } }
  }
}
"""
MILESTONES = """
query One($partnership: String!, $name: String!, $asOf: Date!) {
  project(partnership: $partnership, name: $name, asOf: $asOf) {
    milestones {
      key currentDueDate overdue
      due { edtf label earliest latest }
      dueDateHistory { dueDate due { edtf label } }
    }
  }
}
"""
CONTRACT = """
query Contract($reference: String!) {
  contract(reference: $reference) {
    endDate noticeDeadline noticePeriodDays noticePeriod { amount unit label iso }
  }
}
"""


def contract_terms(reference: str, **changes: Any) -> dict[str, Any]:
    terms = {
        "reference": reference,
        "title": "Telephony support",
        "supplier": "Mitel",
        "authority": BURNLEY,
        "startDate": "2009-12-01",
        "endDate": "2011-11-30",
        **paper("2009-11-20", "Burnley Executive, November 2009"),
    }
    return terms | changes


def timeline(client: GraphQLClient) -> list[dict[str, Any]]:
    return [edge["node"] for edge in client.data(TIMELINE)["timeline"]["edges"]]


def test_a_fact_recorded_as_of_a_month_reads_back_as_that_month(
    example: Runtime, client: GraphQLClient
) -> None:
    started = {
        "partnership": LSSCC,
        "name": PROJECT,
        "description": "Dates as the papers give them.",
        "authorities": [LCC],
        "effectiveWhen": "2007-02",
        # Any day of the month agrees with it; the fact takes effect on the month's first.
        **paper("2007-02-14", "Cabinet report, February 2007"),
    }
    entry = client.data(START, {"input": started})["startProject"]["entry"]
    assert entry == {
        "effectiveDate": "2007-02-01",
        "effectiveWhen": "2007-02",
        "effectiveLabel": "February 2007",
    }
    recorded(
        client,
        "planMilestone",
        partnership=LSSCC,
        project=PROJECT,
        key="first-wave",
        title="First wave live",
        dueDate="2008-09-30",
        **paper("2007-03-05"),
    )
    assert timeline(client) == [
        {
            "kind": "PROJECT_MILESTONE_PLANNED",
            "effectiveDate": "2007-03-05",
            "effectiveWhen": None,
            "effectiveLabel": "5 March 2007",
        },
        {
            "kind": "PROJECT_STARTED",
            "effectiveDate": "2007-02-01",
            "effectiveWhen": "2007-02",
            "effectiveLabel": "February 2007",
        },
    ]


def test_a_milestone_due_by_a_month_is_overdue_only_after_the_month(
    example: Runtime, client: GraphQLClient
) -> None:
    recorded(
        client,
        "startProject",
        partnership=LSSCC,
        name=PROJECT,
        description="Dates as the papers give them.",
        authorities=[LCC],
        **paper("2007-02-01"),
    )
    milestone = {"partnership": LSSCC, "project": PROJECT}
    recorded(
        client,
        "planMilestone",
        **milestone,
        key="first-wave",
        title="First wave live",
        dueWhen="2008-09",
        **paper("2007-03-05"),
    )

    def read(as_of: str) -> dict[str, Any]:
        found = client.data(MILESTONES, {"partnership": LSSCC, "name": PROJECT, "asOf": as_of})
        only: dict[str, Any] = found["project"]["milestones"][0]
        return only

    on_the_last_day = read("2008-09-30")
    assert on_the_last_day["due"] == {
        "edtf": "2008-09",
        "label": "September 2008",
        "earliest": "2008-09-01",
        "latest": "2008-09-30",
    }
    assert on_the_last_day["currentDueDate"] == "2008-09-30"
    assert on_the_last_day["overdue"] is False
    assert read("2008-10-01")["overdue"] is True

    recorded(
        client,
        "replanMilestone",
        **milestone,
        key="first-wave",
        newDueWhen="2011-10~",
        reason="The papers now say about October 2011.",
        **paper("2008-08-01"),
    )
    replanned = read("2011-10-31")
    assert replanned["due"]["label"] == "about October 2011"
    assert replanned["currentDueDate"] == "2011-10-31"
    assert replanned["overdue"] is False
    assert [change["due"] for change in replanned["dueDateHistory"]] == [
        {"edtf": "2008-09", "label": "September 2008"},
        {"edtf": "2011-10~", "label": "about October 2011"},
    ]
    same = run(
        client,
        "replanMilestone",
        **milestone,
        key="first-wave",
        newDueWhen="2011-10~",
        reason="Again.",
        **paper("2008-08-02"),
    )
    assert (same["code"], same["field"]) == ("due_date_unchanged", "newDueWhen")
    summaries = [edge["node"]["summary"] for edge in client.data(SUMMARIES)["timeline"]["edges"]]
    assert [summary.split(": ", 1)[1] for summary in summaries] == [
        "milestone 'First wave live' planned for September 2008",
        "milestone first-wave moved from September 2008 to about October 2011: "
        "The papers now say about October 2011.",
    ]


def test_three_months_notice_before_30_november_is_due_by_30_august(
    example: Runtime, client: GraphQLClient
) -> None:
    recorded(
        client,
        "awardContract",
        **contract_terms("BBC-PAPER-1", noticePeriod={"amount": 3, "unit": "MONTHS"}),
    )
    contract = client.data(CONTRACT, {"reference": "BBC-PAPER-1"})["contract"]
    assert contract == {
        "endDate": "2011-11-30",
        "noticeDeadline": "2011-08-30",
        "noticePeriodDays": 92,
        "noticePeriod": {"amount": 3, "unit": "MONTHS", "label": "3 months", "iso": "P3M"},
    }
    # The shorthand in days still works, and means days.
    recorded(client, "awardContract", **contract_terms("BBC-PAPER-2", noticePeriodDays=90))
    days = client.data(CONTRACT, {"reference": "BBC-PAPER-2"})["contract"]
    assert days["noticeDeadline"] == "2011-09-01"
    assert days["noticePeriod"] == {"amount": 90, "unit": "DAYS", "label": "90 days", "iso": "P90D"}

    recorded(
        client,
        "correctContract",
        reference="BBC-PAPER-2",
        correctsVersion=1,
        field="NOTICE_PERIOD",
        value="",
        noticePeriod={"amount": 2, "unit": "WEEKS"},
        reason="The contract says two weeks.",
        **paper("2009-11-25"),
    )
    corrected = client.data(CONTRACT, {"reference": "BBC-PAPER-2"})["contract"]
    assert corrected["noticeDeadline"] == "2011-11-16"
    assert corrected["noticePeriod"]["label"] == "2 weeks"
    recorded(
        client,
        "correctContract",
        reference="BBC-PAPER-1",
        correctsVersion=1,
        field="NOTICE_PERIOD_DAYS",
        value="30",
        reason="Minuted as 30 days.",
        **paper("2009-11-25"),
    )
    in_days = client.data(CONTRACT, {"reference": "BBC-PAPER-1"})["contract"]
    assert in_days["noticeDeadline"] == "2011-10-31"
    assert in_days["noticePeriod"]["unit"] == "DAYS"


@pytest.mark.parametrize(
    ("name", "given", "field"),
    [
        ("registerAuthority", {"effectiveWhen": "February 2007"}, "effectiveWhen"),
        ("registerAuthority", {"effectiveWhen": "2007-02-30"}, "effectiveWhen"),
        ("registerAuthority", {"effectiveWhen": "2004-06/2006-08"}, "effectiveWhen"),
        ("registerAuthority", {"effectiveWhen": "1850"}, "effectiveWhen"),
        # The day given beside the period lies outside it.
        ("registerAuthority", {"effectiveWhen": "2007-03"}, "effectiveWhen"),
        # An authority is registered on an exact day: a loose one is refused, not lost.
        ("registerAuthority", {"effectiveWhen": "2007-02"}, "effectiveWhen"),
        (
            "awardContract",
            {"noticePeriod": {"amount": 3, "unit": "MONTHS"}, "noticePeriodDays": 92},
            "noticePeriod",
        ),
        ("awardContract", {}, "noticePeriod"),
        ("awardContract", {"noticePeriod": {"amount": 1201, "unit": "MONTHS"}}, "noticePeriod"),
        ("planMilestone", {"dueWhen": "2008-9"}, "dueWhen"),
        ("planMilestone", {"dueWhen": "2008-09", "dueDate": "2008-10-01"}, "dueWhen"),
        ("planMilestone", {}, "dueDate"),
    ],
)
def test_a_date_or_period_the_record_cannot_take_is_a_coded_refusal_naming_it(
    example: Runtime, client: GraphQLClient, name: str, given: dict[str, Any], field: str
) -> None:
    if name == "registerAuthority":
        sent = {"name": "Hyndburn Borough Council", "kind": "DISTRICT", **paper("2007-02-01")}
    elif name == "awardContract":
        sent = contract_terms("BBC-PAPER-BAD")
    else:
        sent = {
            "partnership": LSSCC,
            "project": "CRM Front Office implementation",
            "key": "paper-dates",
            "title": "Dated loosely",
            **paper("2008-08-01"),
        }
    refused = run(client, name, **(sent | given))
    assert refused["__typename"] == "InvalidInput", refused
    assert (refused["code"], refused["field"]) == ("invalid_input", field), refused
