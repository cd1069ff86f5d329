"""Alerts over real HTTP, on the example partnership as it stood on 2 September 2011 (the
test clock's day): what needs attention, and acknowledging it."""

from typing import Any

import pytest

from projections.runtime import Runtime
from service.example import BURNLEY_CRM, HEAD_CRM
from service.example_papers import LCC
from tests.api.conftest import OFFICER_ACTOR, GraphQLClient

pytestmark = [pytest.mark.store_agnostic, pytest.mark.shared_example]

ALERT_FIELDS = """
    key category level thresholdDays keyDate daysUntil subject authority authorities
    contractReference project milestone inquiry recommendationNumber acknowledged
    acknowledgement { acknowledgedBy acknowledgedByAuthority acknowledgedOn note }
"""
ALERTS = f"""
query Alerts($asOf: Date, $categories: [AlertCategory!], $all: Boolean, $authority: String) {{
  alerts(asOf: $asOf, categories: $categories, includeAcknowledged: $all, authority: $authority)
  {{ edges {{ node {{ {ALERT_FIELDS} }} }} }}
}}
"""
ACKNOWLEDGE = f"""
mutation Acknowledge($input: AcknowledgeAlertInput!) {{
  acknowledgeAlert(input: $input) {{
    __typename
    ... on Recorded {{ position record {{ ... on Alert {{ {ALERT_FIELDS} }} }} }}
    ... on Problem {{ code message field }}
  }}
}}
"""
HEAD_KEY = f"renewal:{HEAD_CRM}:2011-06-03"


def alerts(client: GraphQLClient, **variables: Any) -> list[dict[str, Any]]:
    edges = client.data(ALERTS, variables)["alerts"]["edges"]
    return [edge["node"] for edge in edges]


def acknowledge(client: GraphQLClient, key: str, level: str, note: str | None) -> dict[str, Any]:
    result: dict[str, Any] = client.data(
        ACKNOWLEDGE, {"input": {"key": key, "level": level, "note": note}}
    )["acknowledgeAlert"]
    return result


def test_what_needs_attention_today_most_urgent_first(
    client: GraphQLClient, example: Runtime
) -> None:
    found = alerts(client)  # as of the clock's day, 2 Sep 2011
    first = found[0]
    assert first == {
        "key": HEAD_KEY,
        "category": "RENEWAL",
        "level": "overdue",
        "thresholdDays": None,
        "keyDate": "2011-06-03",
        "daysUntil": -91,
        "subject": f"Renewal of contract {HEAD_CRM}",
        "authority": LCC,
        "authorities": [LCC],
        "contractReference": HEAD_CRM,
        "project": None,
        "milestone": None,
        "inquiry": None,
        "recommendationNumber": None,
        "acknowledged": False,
        "acknowledgement": None,
    }
    assert [(a["category"], a["keyDate"], a["milestone"]) for a in found[1:7]] == [
        ("MILESTONE_OVERDUE", "2007-02-28", "phase-two-first-wave"),
        ("MILESTONE_OVERDUE", "2008-07-01", "greenspace-playgrounds-live"),
        ("MILESTONE_OVERDUE", "2008-07-07", "training"),
        ("MILESTONE_OVERDUE", "2008-07-31", "pilot-start"),
        ("MILESTONE_OVERDUE", "2008-08-31", "pilot-review"),
        ("MILESTONE_OVERDUE", "2008-09-30", "first-draft"),
    ]
    # The head CRM contract's novation and variation, on Burnley's back-to-back contract.
    assert [(a["category"], a["level"], a["contractReference"]) for a in found[7:9]] == [
        ("HEAD_CONTRACT_CHANGED", "changed", BURNLEY_CRM)
    ] * 2
    assert [(a["level"], a["recommendationNumber"]) for a in found[9:]] == [
        ("stale", number) for number in ("4a", "5a", "5b", "5c", "5d", "5e", "5f")
    ]
    assert {a["daysUntil"] for a in found[9:]} == {-1382}  # last updated 20 Nov 2007


def test_the_burnley_contract_alerts_as_its_new_deadline_nears(
    client: GraphQLClient, example: Runtime
) -> None:
    renewals = {"categories": ["RENEWAL"]}
    assert alerts(client, asOf="2012-03-04", **renewals) == []  # 181 days before
    [burnley] = alerts(client, asOf="2012-06-01", **renewals)
    assert (burnley["contractReference"], burnley["level"], burnley["thresholdDays"]) == (
        BURNLEY_CRM,
        "180_days",
        180,
    )
    assert (burnley["keyDate"], burnley["daysUntil"]) == ("2012-09-01", 92)
    assert alerts(client, asOf="2012-06-01", authority=LCC, **renewals) == []


@pytest.mark.writes
def test_acknowledge_then_read_at_once_then_refused_twice(
    client: GraphQLClient, example: Runtime
) -> None:
    done = acknowledge(client, HEAD_KEY, "overdue", "Renewal report to the Joint Committee")
    assert done["__typename"] == "Recorded"
    alert = done["record"]
    assert (alert["key"], alert["level"], alert["acknowledged"]) == (HEAD_KEY, "overdue", True)
    assert alert["acknowledgement"] == {
        "acknowledgedBy": OFFICER_ACTOR.person,
        "acknowledgedByAuthority": OFFICER_ACTOR.authority,
        "acknowledgedOn": "2011-09-02",
        "note": "Renewal report to the Joint Committee",
    }
    # Read-your-writes: the very next query already leaves it out.
    assert HEAD_KEY not in [a["key"] for a in alerts(client)]
    [shown] = [a for a in alerts(client, all=True) if a["key"] == HEAD_KEY]
    assert shown["acknowledged"] is True

    again = acknowledge(client, HEAD_KEY, "overdue", None)
    assert (again["__typename"], again["code"], again["field"]) == (
        "RuleBroken",
        "alert_already_acknowledged",
        "level",
    )

    history = client.data(
        "{ timeline(filter: {kinds: [ALERT_ACKNOWLEDGED]}) { edges { node { summary } } } }"
    )["timeline"]["edges"]
    assert [edge["node"]["summary"] for edge in history] == [
        f"Alert acknowledged: Renewal of contract {HEAD_CRM}, overdue \N{EM DASH} "
        "Renewal report to the Joint Committee"
    ]


def test_only_an_alert_standing_today_at_that_level_can_be_acknowledged(
    client: GraphQLClient, example: Runtime
) -> None:
    unknown = acknowledge(client, "renewal:NO-SUCH-CONTRACT:2011-06-03", "overdue", None)
    assert (unknown["__typename"], unknown["code"], unknown["field"]) == (
        "NotFound",
        "alert_not_found",
        "key",
    )
    # Burnley's contract is a year from its notice deadline today: no alert yet.
    not_yet = acknowledge(client, f"renewal:{BURNLEY_CRM}:2012-09-01", "180_days", None)
    assert (not_yet["__typename"], not_yet["code"]) == ("NotFound", "alert_not_found")
    wrong_level = acknowledge(client, HEAD_KEY, "30_days", None)
    assert (wrong_level["__typename"], wrong_level["code"]) == (
        "RuleBroken",
        "alert_level_not_current",
    )
    assert "stands at overdue today, not 30 days" in wrong_level["message"]
    nonsense = acknowledge(client, HEAD_KEY, "soon", None)
    assert (nonsense["__typename"], nonsense["field"]) == ("InvalidInput", "level")
    assert HEAD_KEY in [a["key"] for a in alerts(client)]  # nothing was recorded


def test_alerts_page_in_order_of_urgency_both_ways(example: Runtime, client: GraphQLClient) -> None:
    paged = """
    query($first: Int, $after: String, $last: Int, $before: String) {
      alerts(asOf: "2011-09-02", first: $first, after: $after, last: $last, before: $before) {
        edges { node { key } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
    """
    everything = [a["key"] for a in alerts(client, asOf="2011-09-02")]
    assert len(everything) > 2
    page = client.data(paged, {"first": 2})["alerts"]
    keys = [edge["node"]["key"] for edge in page["edges"]]
    while page["pageInfo"]["hasNextPage"]:
        page = client.data(paged, {"first": 2, "after": page["pageInfo"]["endCursor"]})["alerts"]
        keys += [edge["node"]["key"] for edge in page["edges"]]
    assert keys == everything
    before = client.data(paged, {"last": 1, "before": page["pageInfo"]["startCursor"]})["alerts"]
    just_before = everything[-len(page["edges"]) - 1]
    assert [edge["node"]["key"] for edge in before["edges"]] == [just_before]
