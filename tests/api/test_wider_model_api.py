"""A wider model over real HTTP: a district's own body and project recorded and read back, the
county lead and host at once, a weekly supplier meeting read back with its cadence; and who
may see and record what belongs to one authority alone."""

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from partnership.access import Role, ScopeKind
from projections.runtime import Runtime
from tests.api.access_world import GrantOn, Someone, World, open_world, refusal_code
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import mutation, paper, recorded, run

pytestmark = pytest.mark.store_agnostic

HAMPSHIRE = "Hampshire County Council"
HART = "Hart District Council"
RUSHMOOR = "Rushmoor Borough Council"
PARTNERSHIP = "Hampshire Shared Services"
LIBERATA = "Weekly supplier meeting with Liberata"
FOUNDED = paper("2008-04-01", "Cabinet minutes, 1 April 2008")

BODIES = """
query Bodies($authority: String, $partnership: String) {
  bodies(authority: $authority, partnership: $partnership) {
    edges { node { partnership authority name kind establishedOn meetings { edges { cursor } } } }
  }
}
"""
PROJECTS = """
query Projects($authority: String) {
  projects(authority: $authority) {
    edges { node { partnership authority name authorities startedOn } }
  }
}
"""
MEMBERS = """
query Members($name: String!, $asOf: Date) {
  partnership(name: $name) {
    members(asOf: $asOf) { authority role heldRoles roles { role effectiveDate until } }
  }
}
"""
PRACTICES = """
query Practices($authority: String, $supplier: String, $runningOn: Date) {
  practices(authority: $authority, supplier: $supplier, runningOn: $runningOn) {
    edges { node {
      name kind authorities suppliers startsOn endsOn endingReason recordedOn
      cadence { name every unit text }
    } }
  }
}
"""


def nodes(body: dict[str, Any], field: str) -> list[dict[str, Any]]:
    return [edge["node"] for edge in body[field]["edges"]]


def register(client: GraphQLClient) -> None:
    recorded(client, "registerAuthority", name=HAMPSHIRE, kind="COUNTY", **FOUNDED)
    for district in (HART, RUSHMOOR):
        recorded(client, "registerAuthority", name=district, kind="DISTRICT", **FOUNDED)


def test_a_districts_own_body_and_project_round_trip(
    runtime: Runtime, client: GraphQLClient
) -> None:
    register(client)
    recorded(
        client,
        "establishBody",
        authority="hart district council",
        name="Executive",
        kind="EXECUTIVE",
        **FOUNDED,
    )
    recorded(
        client,
        "startProject",
        authority=HART,
        name="Channel shift",
        description="Move enquiries to the web.",
        authorities=[HART, RUSHMOOR],
        **FOUNDED,
    )
    bodies = nodes(client.data(BODIES, {"authority": " HART district council"}), "bodies")
    assert bodies == [
        {
            "partnership": None,
            "authority": HART,
            "name": "Executive",
            "kind": "EXECUTIVE",
            "establishedOn": "2008-04-01",
            "meetings": {"edges": []},
        }
    ]
    assert nodes(client.data(PROJECTS, {"authority": HART}), "projects") == [
        {
            "partnership": None,
            "authority": HART,
            "name": "Channel shift",
            "authorities": [HART, RUSHMOOR],
            "startedOn": "2008-04-01",
        }
    ]
    assert nodes(client.data(BODIES, {"authority": RUSHMOOR}), "bodies") == []


def test_an_owner_is_one_partnership_or_one_registered_authority(
    runtime: Runtime, client: GraphQLClient
) -> None:
    register(client)
    recorded(client, "formPartnership", name=PARTNERSHIP, purpose="Back office.", **FOUNDED)
    head = runtime.app.head_position()
    both = run(
        client,
        "establishBody",
        partnership=PARTNERSHIP,
        authority=HART,
        name="Executive",
        kind="EXECUTIVE",
        **FOUNDED,
    )
    neither = run(
        client,
        "startProject",
        name="Channel shift",
        description="Move enquiries to the web.",
        authorities=[HART],
        **FOUNDED,
    )
    unknown = run(
        client,
        "establishBody",
        authority="Fleet Town Council",
        name="Council",
        kind="COUNCIL",
        **FOUNDED,
    )
    assert (both["__typename"], both["code"], both["field"]) == (
        "InvalidInput",
        "invalid_input",
        "authority",
    )
    assert (neither["code"], neither["field"]) == ("invalid_input", "partnership")
    assert (unknown["__typename"], unknown["code"], unknown["field"]) == (
        "NotFound",
        "authority_not_found",
        "authority",
    )
    assert runtime.app.head_position() == head
    refused = client.post(BODIES, {"authority": "Fleet Town Council"})["errors"][0]
    assert refused["extensions"]["code"] == "authority_not_found"


def test_the_county_is_lead_and_host_at_once(runtime: Runtime, client: GraphQLClient) -> None:
    register(client)
    recorded(client, "formPartnership", name=PARTNERSHIP, purpose="Back office.", **FOUNDED)
    recorded(
        client,
        "admitMember",
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role="LEAD",
        additionalRoles=["HOST"],
        **FOUNDED,
    )
    recorded(
        client, "admitMember", partnership=PARTNERSHIP, authority=HART, role="PARTNER", **FOUNDED
    )
    handed_over = paper("2010-04-01", "Joint Committee minutes, 1 April 2010")
    recorded(
        client,
        "giveMemberRole",
        partnership=PARTNERSHIP,
        authority=HART,
        role="HOST",
        **handed_over,
    )
    recorded(
        client,
        "takeMemberRole",
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role="HOST",
        **handed_over,
    )
    last = run(
        client,
        "takeMemberRole",
        partnership=PARTNERSHIP,
        authority=HAMPSHIRE,
        role="LEAD",
        **handed_over,
    )
    assert (last["code"], last["field"]) == ("last_role_held", "role")

    in_2009 = client.data(MEMBERS, {"name": PARTNERSHIP, "asOf": "2009-06-01"})
    county, hart = in_2009["partnership"]["members"]
    assert (county["authority"], county["role"], county["heldRoles"]) == (
        HAMPSHIRE,
        "LEAD",
        ["LEAD", "HOST"],
    )
    assert hart["heldRoles"] == ["PARTNER"]
    now = client.data(MEMBERS, {"name": PARTNERSHIP})["partnership"]["members"]
    assert [(m["authority"], m["heldRoles"]) for m in now] == [
        (HAMPSHIRE, ["LEAD"]),
        (HART, ["HOST", "PARTNER"]),
    ]
    assert now[0]["roles"] == [
        {"role": "LEAD", "effectiveDate": "2008-04-01", "until": None},
        {"role": "HOST", "effectiveDate": "2008-04-01", "until": "2010-04-01"},
    ]


def test_a_weekly_practice_reads_back_with_its_cadence(
    runtime: Runtime, client: GraphQLClient
) -> None:
    register(client)
    recorded(
        client,
        "recordPractice",
        name=LIBERATA,
        kind="SUPPLIER_MEETING",
        authorities=["hart district council"],
        suppliers=["Liberata"],
        cadence="WEEKLY",
        startsOn="2008-04-01",
        **paper("2008-03-20", "Contract management plan"),
    )
    recorded(
        client,
        "recordPractice",
        name="Finance officers' meeting",
        kind="OTHER",
        authorities=[HART, RUSHMOOR],
        cadence="EVERY_N_WEEKS",
        every=6,
        startsOn="2008-04-01",
        endsOn="2009-03-31",
        **paper("2008-03-20"),
    )
    practices = nodes(client.data(PRACTICES, {"supplier": " LIBERATA"}), "practices")
    assert practices == [
        {
            "name": LIBERATA,
            "kind": "SUPPLIER_MEETING",
            "authorities": [HART],
            "suppliers": ["Liberata"],
            "startsOn": "2008-04-01",
            "endsOn": None,
            "endingReason": None,
            "recordedOn": "2008-03-20",
            "cadence": {"name": "WEEKLY", "every": 1, "unit": "WEEK", "text": "weekly"},
        }
    ]
    finance = nodes(client.data(PRACTICES, {"authority": RUSHMOOR}), "practices")
    assert [(p["name"], p["cadence"]["text"], p["endsOn"]) for p in finance] == [
        ("Finance officers' meeting", "every 6 weeks", "2009-03-31")
    ]
    running = nodes(client.data(PRACTICES, {"runningOn": "2010-01-01"}), "practices")
    assert [p["name"] for p in running] == [LIBERATA]

    too_early = run(
        client,
        "endPractice",
        name=LIBERATA,
        endsOn="2008-01-01",
        reason="Never",
        **paper("2010-03-01"),
    )
    assert (too_early["code"], too_early["field"]) == ("practice_ends_before_start", "endsOn")
    recorded(
        client,
        "endPractice",
        name="weekly supplier meeting with LIBERATA",
        endsOn="2010-03-31",
        reason="The contract ended.",
        **paper("2010-03-01"),
    )
    ended = nodes(client.data(PRACTICES, {"supplier": "Liberata"}), "practices")[0]
    assert (ended["endsOn"], ended["endingReason"]) == ("2010-03-31", "The contract ended.")
    unknown = run(
        client,
        "recordPractice",
        name="Fleet meeting",
        kind="OTHER",
        authorities=["Fleet Town Council"],
        cadence="MONTHLY",
        startsOn="2008-04-01",
        **paper("2008-03-20"),
    )
    assert (unknown["code"], unknown["field"]) == ("authority_not_found", "authorities")


# Access


HART_SECRETARY = Someone(
    "hart-secretary",
    "Hart Clerk",
    "clerk@hart.example",
    HART,
    (GrantOn(Role.SECRETARY, ScopeKind.AUTHORITY, HART),),
)
RUSHMOOR_SECRETARY = Someone(
    "rushmoor-secretary",
    "Rushmoor Clerk",
    "clerk@rushmoor.example",
    RUSHMOOR,
    (GrantOn(Role.SECRETARY, ScopeKind.AUTHORITY, RUSHMOOR),),
)
RUSHMOOR_BUYER = Someone(
    "rushmoor-buyer",
    "Rushmoor Buyer",
    "buyer@rushmoor.example",
    RUSHMOOR,
    (GrantOn(Role.PROCUREMENT_OFFICER, ScopeKind.AUTHORITY, RUSHMOOR),),
)
HART_BOARD = Someone(
    "hart-board",
    "Hart Councillor",
    "councillor@hart.example",
    HART,
    (GrantOn(Role.BOARD_MEMBER, ScopeKind.AUTHORITY, HART),),
)
AUDITOR = Someone(
    "auditor",
    "Audit Lead",
    "audit@hampshire.example",
    HAMPSHIRE,
    (GrantOn(Role.AUDITOR, ScopeKind.EVERYTHING),),
)


def two_districts_apart(world: World) -> None:
    """Hart and Rushmoor, in no partnership together, each with a body of its own."""
    on = date(2008, 4, 1)
    world.record("register_authority", on=on, name=HAMPSHIRE, kind="county")
    for district in (HART, RUSHMOOR):
        world.record("register_authority", on=on, name=district, kind="district")
        world.record(
            "establish_body", on=on, authority=district, name="Executive", kind="executive"
        )
    world.record(
        "record_practice",
        on=on,
        name=LIBERATA,
        kind="supplier_meeting",
        authorities=[HART],
        suppliers=["Liberata"],
        cadence="weekly",
        starts_on=on,
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with open_world(
        tmp_path_factory.mktemp("authorities-apart"),
        example=False,
        demo_people=False,
        people=(HART_SECRETARY, RUSHMOOR_SECRETARY, RUSHMOOR_BUYER, HART_BOARD, AUDITOR),
        setup=two_districts_apart,
    ) as opened:
        yield opened


def ask(world: World, who: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    return world.client(who).post(query, variables)


def change(world: World, who: str, operation: str, /, **given: Any) -> dict[str, Any]:
    return ask(world, who, mutation(operation), {"input": given})


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("hart-secretary", [HART]),
        ("hart-board", [HART]),
        ("rushmoor-secretary", [RUSHMOOR]),
        ("rushmoor-buyer", [RUSHMOOR]),
        ("auditor", [HART, RUSHMOOR]),
    ],
)
def test_an_authoritys_own_bodies_are_seen_by_its_people_alone(
    world: World, who: str, seen: list[str]
) -> None:
    answer = ask(world, who, BODIES, {})
    assert [node["authority"] for node in nodes(answer["data"], "bodies")] == seen
    practices = nodes(ask(world, who, PRACTICES, {})["data"], "practices")
    assert [p["name"] for p in practices] == ([LIBERATA] if HART in seen else [])


def test_an_unseen_authority_is_answered_as_one_not_on_record(world: World) -> None:
    answer = ask(world, "rushmoor-secretary", BODIES, {"authority": HART})
    assert answer["errors"][0]["extensions"]["code"] == "authority_not_found"
    answer = ask(world, "rushmoor-buyer", PRACTICES, {"supplier": "Liberata"})
    assert answer["errors"][0]["extensions"]["code"] == "supplier_not_found"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("hart-secretary", True),
        ("rushmoor-secretary", False),
        ("hart-board", False),
        ("rushmoor-buyer", False),
        ("auditor", False),
        ("anonymous", False),
    ],
)
def test_only_a_grant_on_the_authority_records_its_own_body_or_project(
    world: World, who: str, allowed: bool
) -> None:
    suffix = who.replace("-", " ").title()
    head = world.head()
    established = change(
        world,
        who,
        "establishBody",
        authority=HART,
        name=f"Task Group {suffix}",
        kind="OFFICER_GROUP",
        **FOUNDED,
    )
    started = change(
        world,
        who,
        "startProject",
        authority=HART,
        name=f"Project {suffix}",
        description="A project of Hart's own.",
        authorities=[HART],
        **FOUNDED,
    )
    for answer, field in ((established, "establishBody"), (started, "startProject")):
        if allowed:
            assert answer["data"][field]["__typename"] == "Recorded", answer
        else:
            assert refusal_code(answer) in ("not_allowed", "sign_in_required"), answer
    if not allowed:
        assert world.head() == head


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("hart-secretary", True),
        ("rushmoor-secretary", False),
        ("rushmoor-buyer", False),
        ("hart-board", False),
        ("auditor", False),
    ],
)
def test_only_those_of_an_authority_taking_part_record_a_practice(
    world: World, who: str, allowed: bool
) -> None:
    head = world.head()
    answer = change(
        world,
        who,
        "recordPractice",
        name=f"Monthly review {who}",
        kind="OTHER",
        authorities=[HART],
        cadence="MONTHLY",
        startsOn="2008-04-01",
        **FOUNDED,
    )
    if allowed:
        assert answer["data"]["recordPractice"]["__typename"] == "Recorded", answer
    else:
        assert refusal_code(answer) == "not_allowed", answer
        assert world.head() == head


def test_a_practice_is_ended_only_by_those_of_its_authorities(world: World) -> None:
    head = world.head()
    ending = {"name": LIBERATA, "endsOn": "2011-03-31", "reason": "Retendered", **FOUNDED}
    refused = change(world, "rushmoor-buyer", "endPractice", **ending)
    assert refusal_code(refused) == "not_allowed"
    assert world.head() == head
    ended = change(world, "hart-secretary", "endPractice", **ending)
    assert ended["data"]["endPractice"]["__typename"] == "Recorded", ended
    # A practice not on record is answered to anyone who could end one as not found.
    missing = change(world, "rushmoor-buyer", "endPractice", **(ending | {"name": "No such"}))
    assert missing["data"]["endPractice"]["code"] == "practice_not_found"


RECORD = """
mutation Run($input: %sInput!) {
  %s(input: $input) {
    __typename
    ... on Recorded {
      record {
        __typename
        ... on GoverningBody { partnership authority name }
        ... on Project { partnership authority name }
        ... on Practice { name authorities cadence { text } }
      }
    }
  }
}
"""


def changed_record(client: GraphQLClient, name: str, /, **given: Any) -> dict[str, Any]:
    document = RECORD % (f"{name[0].upper()}{name[1:]}", name)
    answer: dict[str, Any] = client.data(document, {"input": given})[name]
    assert answer["__typename"] == "Recorded", answer
    return dict(answer["record"])


def test_each_change_answers_with_the_record_as_it_now_reads(
    runtime: Runtime, client: GraphQLClient
) -> None:
    register(client)
    body = changed_record(
        client, "establishBody", authority=HART, name="Executive", kind="EXECUTIVE", **FOUNDED
    )
    project = changed_record(
        client,
        "startProject",
        authority=HART,
        name="Channel shift",
        description="Move enquiries to the web.",
        authorities=[HART],
        **FOUNDED,
    )
    practice = changed_record(
        client,
        "recordPractice",
        name=LIBERATA,
        kind="SUPPLIER_MEETING",
        authorities=[HART],
        suppliers=["Liberata"],
        cadence="FORTNIGHTLY",
        startsOn="2008-04-01",
        **FOUNDED,
    )
    assert body == {
        "__typename": "GoverningBody",
        "partnership": None,
        "authority": HART,
        "name": "Executive",
    }
    assert project == {
        "__typename": "Project",
        "partnership": None,
        "authority": HART,
        "name": "Channel shift",
    }
    assert practice == {
        "__typename": "Practice",
        "name": LIBERATA,
        "authorities": [HART],
        "cadence": {"text": "fortnightly"},
    }
