"""Partnerships and authorities read back over real HTTP: what the mutations record (every
value entered, corrections included) is what `partnership`, `partnerships` and `authorities`
give back; names match in any case and spacing, and what is not on record is null."""

from typing import Any

import pytest

from projections.runtime import Runtime
from tests.api.conftest import GraphQLClient
from tests.api.test_domain_mutations import paper, recorded

pytestmark = pytest.mark.store_agnostic

PENNINE = "Pennine Lancashire IT Services"
BURNLEY = "Burnley Borough Council"
PENDLE = "Pendle Borough Council"
BLACKBURN = "Blackburn with Darwen Borough Council"
GROUP = "IT Managers Group"
PROJECT = "Shared data centre"
PURPOSE = "Joint working on IT services\nacross Pennine Lancashire."
CORRECTED_PURPOSE = "Joint working on IT services across Pennine Lancashire and beyond."
FIRST_VISION = "One IT service for the whole of Pennine Lancashire."
SECOND_VISION = "Shared IT, run once, for every Pennine council."

MEMBERSHIP = """
  partnership authority role joinedOn leftOn leavingReason
  roles { role effectiveDate }
"""
PARTNERSHIP = f"""
  name purpose formedOn
  visions {{ text effectiveDate }}
  visionThen: vision(asOf: "2011-07-01") {{ text effectiveDate }}
  visionNow: vision(asOf: "2011-09-01") {{ text }}
  members {{ {MEMBERSHIP} }}
  membersThen: members(asOf: "2011-08-10") {{ authority role }}
  membersLater: members(asOf: "2011-09-01") {{ authority role }}
  bodies(first: 5) {{ edges {{ node {{ partnership name kind establishedOn }} }} }}
  projects(first: 5) {{ edges {{ node {{ partnership name description authorities }} }} }}
"""
ONE = f"""
query One($name: String!) {{ partnership(name: $name) {{ {PARTNERSHIP} }} }}
"""
MANY = f"""
query Many($after: String) {{
  partnerships(first: 1, after: $after) {{
    edges {{ node {{ {PARTNERSHIP} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
AUTHORITIES = f"""
query Authorities($after: String) {{
  authorities(first: 2, after: $after) {{
    edges {{ node {{
      name kind registeredOn
      memberships {{ {MEMBERSHIP} }}
      partnershipsThen: partnerships(asOf: "2011-08-10")
      partnershipsLater: partnerships(asOf: "2011-09-01")
    }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""


def record_pennine(client: GraphQLClient) -> None:
    founding = paper("2011-06-01", "PLACE report, 1 June 2011")
    for name, kind in ((BURNLEY, "DISTRICT"), (PENDLE, "DISTRICT"), (BLACKBURN, "DISTRICT")):
        recorded(client, "registerAuthority", name=name, kind=kind, **founding)
    recorded(
        client,
        "correctAuthority",
        name=BLACKBURN.upper(),
        correctsVersion=1,
        field="KIND",
        value="UNITARY",
        reason="It is a unitary council.",
        **paper("2011-06-02"),
    )
    recorded(client, "formPartnership", name=PENNINE, purpose=PURPOSE, **founding)
    partnership = {"partnership": PENNINE.lower()}
    recorded(client, "admitMember", **partnership, authority=BURNLEY, role="LEAD", **founding)
    recorded(client, "admitMember", **partnership, authority=PENDLE, role="PARTNER", **founding)
    recorded(
        client,
        "admitMember",
        **partnership,
        authority=f" {BLACKBURN.lower()} ",
        role="HOST",
        **paper("2011-07-01"),
    )
    recorded(
        client,
        "changeMemberRole",
        **partnership,
        authority=PENDLE,
        role="HOST",
        **paper("2011-08-01"),
    )
    recorded(
        client,
        "recordMemberLeaving",
        **partnership,
        authority=BLACKBURN,
        reason="Went its own way.",
        **paper("2011-08-15"),
    )
    recorded(client, "stateVision", **partnership, visionStatement=FIRST_VISION, **founding)
    recorded(
        client, "stateVision", **partnership, visionStatement=SECOND_VISION, **paper("2011-08-20")
    )
    recorded(
        client,
        "correctPartnership",
        **partnership,
        correctsVersion=1,
        field="PURPOSE",
        value=CORRECTED_PURPOSE,
        reason="The report says beyond.",
        **paper("2011-06-03"),
    )
    recorded(
        client, "establishBody", partnership=PENNINE, name=GROUP, kind="OFFICER_GROUP", **founding
    )
    recorded(
        client,
        "startProject",
        partnership=PENNINE,
        name=PROJECT,
        description="One data centre for all.",
        authorities=[BURNLEY, PENDLE],
        **paper("2011-06-15"),
    )


def membership(
    authority: str,
    role: str,
    roles: list[tuple[str, str]],
    left: tuple[str, str] | None = None,
    joined: str = "2011-06-01",
) -> dict[str, Any]:
    return {
        "partnership": PENNINE,
        "authority": authority,
        "role": role,
        "joinedOn": joined,
        "leftOn": None if left is None else left[0],
        "leavingReason": None if left is None else left[1],
        "roles": [{"role": r, "effectiveDate": day} for r, day in roles],
    }


BURNLEY_MEMBERSHIP = membership(BURNLEY, "LEAD", [("LEAD", "2011-06-01")])
PENDLE_MEMBERSHIP = membership(PENDLE, "HOST", [("PARTNER", "2011-06-01"), ("HOST", "2011-08-01")])
BLACKBURN_MEMBERSHIP = membership(
    BLACKBURN,
    "HOST",
    [("HOST", "2011-07-01")],
    left=("2011-08-15", "Went its own way."),
    joined="2011-07-01",
)

EXPECTED = {
    "name": PENNINE,
    "purpose": CORRECTED_PURPOSE,
    "formedOn": "2011-06-01",
    "visions": [
        {"text": FIRST_VISION, "effectiveDate": "2011-06-01"},
        {"text": SECOND_VISION, "effectiveDate": "2011-08-20"},
    ],
    "visionThen": {"text": FIRST_VISION, "effectiveDate": "2011-06-01"},
    "visionNow": {"text": SECOND_VISION},
    "members": [BURNLEY_MEMBERSHIP, PENDLE_MEMBERSHIP, BLACKBURN_MEMBERSHIP],
    "membersThen": [
        {"authority": BURNLEY, "role": "LEAD"},
        {"authority": PENDLE, "role": "HOST"},
        {"authority": BLACKBURN, "role": "HOST"},
    ],
    "membersLater": [{"authority": BURNLEY, "role": "LEAD"}, {"authority": PENDLE, "role": "HOST"}],
    "bodies": {
        "edges": [
            {
                "node": {
                    "partnership": PENNINE,
                    "name": GROUP,
                    "kind": "OFFICER_GROUP",
                    "establishedOn": "2011-06-01",
                }
            }
        ]
    },
    "projects": {
        "edges": [
            {
                "node": {
                    "partnership": PENNINE,
                    "name": PROJECT,
                    "description": "One data centre for all.",
                    "authorities": [BURNLEY, PENDLE],
                }
            }
        ]
    },
}


def test_a_partnership_recorded_through_the_api_is_read_back_whole(
    runtime: Runtime, client: GraphQLClient
) -> None:
    record_pennine(client)

    found = client.data(ONE, {"name": f"  {PENNINE.upper()} "})["partnership"]
    assert found == EXPECTED
    missing = client.post(ONE, {"name": "No such partnership"})
    assert missing["errors"][0]["extensions"] == {"code": "partnership_not_found", "field": "name"}

    first = client.data(MANY)["partnerships"]
    assert [edge["node"] for edge in first["edges"]] == [EXPECTED]
    assert not first["pageInfo"]["hasNextPage"]


def test_authorities_are_read_back_with_their_memberships(
    runtime: Runtime, client: GraphQLClient
) -> None:
    record_pennine(client)

    first = client.data(AUTHORITIES)["authorities"]
    assert first["pageInfo"]["hasNextPage"]
    rest = client.data(AUTHORITIES, {"after": first["pageInfo"]["endCursor"]})["authorities"]
    assert not rest["pageInfo"]["hasNextPage"]
    listed = [edge["node"] for edge in first["edges"] + rest["edges"]]

    assert listed == [
        {
            "name": BLACKBURN,
            "kind": "UNITARY",
            "registeredOn": "2011-06-01",
            "memberships": [BLACKBURN_MEMBERSHIP],
            "partnershipsThen": [PENNINE],
            "partnershipsLater": [],
        },
        {
            "name": BURNLEY,
            "kind": "DISTRICT",
            "registeredOn": "2011-06-01",
            "memberships": [BURNLEY_MEMBERSHIP],
            "partnershipsThen": [PENNINE],
            "partnershipsLater": [PENNINE],
        },
        {
            "name": PENDLE,
            "kind": "DISTRICT",
            "registeredOn": "2011-06-01",
            "memberships": [PENDLE_MEMBERSHIP],
            "partnershipsThen": [PENNINE],
            "partnershipsLater": [PENNINE],
        },
    ]
