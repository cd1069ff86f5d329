"""Two districts that share a county but no partnership: neither sees or changes the other's
record, and someone of a third authority sees nothing of either.

Partnership A is the county and district 1; partnership B the county and district 2. Each
district has a contract with a value, a procurement officer and a board member; each
partnership has a body, a meeting with a decision, a project with an overdue milestone, and
each district a supplier meeting with an overdue action and a scrutiny recommendation.
"""

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from partnership.access import Role, ScopeKind
from partnership.addresses import MeetingAddress, MilestoneAddress, SupplierMeetingAddress
from partnership.contracts import ContractTerms
from tests.api.access_world import GrantOn, Someone, World, open_world, refusal_code
from tests.api.refusals import refused_fields

pytestmark = pytest.mark.store_agnostic

COUNTY = "Lancashire County Council"
DISTRICTS = ("Burnley Borough Council", "Pendle Borough Council")
ELSEWHERE = "Blackpool Borough Council"
PARTNERSHIPS = ("Burnley and County Contact Partnership", "Pendle and County Shared Services")
CONTRACTS = ("BURNLEY-CRM", "PENDLE-CRM")
VALUES = (Decimal("250000.00"), Decimal("90000.00"))
COUNTY_CONTRACT = "COUNTY-HR"
SCRUTINY = ("Burnley Scrutiny Committee", "Pendle Scrutiny Committee")
# The same names in both partnerships: each is known within its own.
BODY = "Joint Board"
PROJECT = "Digital front door"
HELD_ON = date(2011, 6, 1)
FORMED = date(2008, 1, 1)


def _short(index: int) -> str:
    return DISTRICTS[index].split()[0].lower()


OFFICERS = tuple(
    Someone(
        f"officer-{_short(i)}",
        f"{_short(i).title()} Buyer",
        f"buyer@{_short(i)}.example",
        DISTRICTS[i],
        (GrantOn(Role.PROCUREMENT_OFFICER, ScopeKind.AUTHORITY, DISTRICTS[i]),),
    )
    for i in (0, 1)
)
BOARD_MEMBERS = tuple(
    Someone(
        f"board-{_short(i)}",
        f"{_short(i).title()} Councillor",
        f"councillor@{_short(i)}.example",
        DISTRICTS[i],
        (GrantOn(Role.BOARD_MEMBER, ScopeKind.PARTNERSHIP, PARTNERSHIPS[i]),),
    )
    for i in (0, 1)
)
OUTSIDER = Someone(
    "outsider",
    "Fylde Buyer",
    "buyer@blackpool.example",
    ELSEWHERE,
    (GrantOn(Role.PROCUREMENT_OFFICER, ScopeKind.AUTHORITY, ELSEWHERE),),
)
AUDITOR = Someone(
    "auditor",
    "Audit Lead",
    "audit@county.example",
    COUNTY,
    (GrantOn(Role.AUDITOR, ScopeKind.EVERYTHING),),
)


def _contract(world: World, reference: str, authority: str, value: Decimal) -> None:
    terms = ContractTerms(
        reference=reference,
        title=f"{authority}: customer relationship management",
        supplier="Capita",
        authority=authority,
        start_date=date(2009, 1, 1),
        end_date=date(2011, 12, 31),
        notice_period_days=90,
        value=value,
    )
    world.record("award_contract", on=date(2009, 1, 1), terms=terms)


def two_districts(world: World) -> None:
    world.record("register_authority", on=FORMED, name=COUNTY, kind="county")
    for name in (*DISTRICTS, ELSEWHERE):
        world.record("register_authority", on=FORMED, name=name, kind="district")
    _contract(world, COUNTY_CONTRACT, COUNTY, Decimal("1000000.00"))
    for index, (partnership, district) in enumerate(zip(PARTNERSHIPS, DISTRICTS, strict=True)):
        world.record(
            "form_partnership", on=FORMED, name=partnership, purpose="Shared customer services."
        )
        for member, role in ((COUNTY, "lead"), (district, "partner")):
            world.record(
                "admit_member", on=FORMED, partnership=partnership, authority=member, role=role
            )
        world.record(
            "establish_body",
            on=FORMED,
            partnership=partnership,
            name=BODY,
            kind="joint_committee",
            parent_body=None,
        )
        meeting = MeetingAddress(partnership, BODY, HELD_ON)
        world.record(
            "record_meeting_held",
            on=HELD_ON,
            meeting=meeting,
            attendees=[{"person": "Chair", "authority": district, "role": "Chair"}],
            apologies=[],
            declarations=[],
        )
        world.record("record_agenda_item", on=HELD_ON, meeting=meeting, number="1", title="Joining")
        world.record(
            "record_decision",
            on=HELD_ON,
            meeting=meeting,
            item="1",
            wording=f"That {district} joins the contact centre.",
            form="RESOLVED",
            votes={},
        )
        world.record(
            "start_project",
            on=FORMED,
            partnership=partnership,
            name=PROJECT,
            description="One front door for residents.",
            authorities=[district],
        )
        world.record(
            "plan_milestone",
            on=FORMED,
            milestone=MilestoneAddress(partnership, PROJECT, "go-live"),
            title="Go live",
            due_date=date(2011, 7, 1),
            authority=district,
        )
        _contract(world, CONTRACTS[index], district, VALUES[index])
        review = SupplierMeetingAddress("Capita", date(2011, 8, 1), f"{district} CRM review")
        world.record(
            "record_supplier_meeting",
            on=review.day,
            meeting=review,
            authority_attendees=[{"person": "Buyer", "authority": district}],
            supplier_attendees=[],
            topics=["Renewal"],
        )
        world.record(
            "raise_supplier_action",
            on=review.day,
            meeting=review,
            text=f"Send {district} the renewal terms",
            owner="Capita",
            owner_side="supplier",
            due_date=date(2011, 8, 15),
        )
        inquiry = f"{district} customer access"
        world.record(
            "open_inquiry", on=FORMED, body=SCRUTINY[index], title=inquiry, terms_of_reference=None
        )
        world.record(
            "make_recommendation",
            on=date(2011, 1, 10),
            body=SCRUTINY[index],
            inquiry=inquiry,
            number="1",
            text="Answer calls faster.",
            owner_authority=district,
            objective=None,
        )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    people = (*OFFICERS, *BOARD_MEMBERS, OUTSIDER, AUDITOR)
    with open_world(
        tmp_path_factory.mktemp("two-districts"),
        example=False,
        demo_people=False,
        people=people,
        setup=two_districts,
    ) as opened:
        yield opened


ENTRY = "position partnership authorities summary body"
TIMELINE = (
    "query ($after: String) { timeline(first: 100, after: $after, order: OLDEST_FIRST) "
    "{ edges { node { " + ENTRY + " } } pageInfo { hasNextPage endCursor } } }"
)


def timeline(world: World, who: str) -> list[dict[str, Any]]:
    client, entries, after = world.client(who), [], None
    while True:
        page = client.data(TIMELINE, {"after": after})["timeline"]
        entries += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return entries
        after = page["pageInfo"]["endCursor"]


def of_district(entry: dict[str, Any], index: int) -> bool:
    """Whether a timeline entry is the district's own or its partnership's: nothing the other
    district or its partnership shares."""
    if entry["partnership"] is not None:
        return entry["partnership"] == PARTNERSHIPS[index]
    return bool(entry["authorities"]) and set(entry["authorities"]) <= {DISTRICTS[index]}


CONTRACT = (
    "query ($ref: String!) "
    "{ contract(reference: $ref) { reference value withheld { field code } } }"
)
CHANGES: dict[str, dict[str, Any]] = {
    "extendContract": {},
    "novateContract": {"newSupplier": "Civica"},
    "varyContract": {"description": "Extra licences", "newValue": "1.00"},
    "terminateContract": {"reason": "No longer needed"},
    "correctContract": {"correctsVersion": 1, "field": "VALUE", "value": "1.00", "reason": "Typo"},
}


def change_document(change: str) -> str:
    kind = f"{change[0].upper()}{change[1:]}Input"
    return f"mutation ($input: {kind}!) {{ {change}(input: $input) {{ __typename }} }}"


@pytest.mark.parametrize("index", [0, 1])
@pytest.mark.parametrize("change", list(CHANGES))
def test_a_district_s_officer_cannot_change_the_other_district_s_contract(
    world: World, index: int, change: str
) -> None:
    other = CONTRACTS[1 - index]
    sent = {
        "reference": other,
        "effectiveDate": "2011-09-01",
        "source": "Officer's note",
        **CHANGES[change],
    }
    before = world.head()
    body = world.client(OFFICERS[index].key).post(change_document(change), {"input": sent})
    assert refusal_code(body) == "not_allowed", body
    assert body["data"] is None
    assert world.head() == before
    # Nor can the outsider, though they buy for an authority too.
    by_outsider = world.client(OUTSIDER.key).post(change_document(change), {"input": sent})
    assert refusal_code(by_outsider) == "not_allowed", by_outsider
    assert world.head() == before


def test_each_officer_may_change_their_own_contract(world: World) -> None:
    for index, officer in enumerate(OFFICERS):
        before = world.head()
        answer = world.client(officer.key).data(
            "mutation ($input: VaryContractInput!) { varyContract(input: $input) { __typename "
            "... on Recorded { position record { ... on Contract { value withheld { code } } } } "
            "} }",
            {
                "input": {
                    "reference": CONTRACTS[index],
                    "description": "Licences for the new front door",
                    "effectiveDate": "2011-09-01",
                    "source": "Variation letter",
                }
            },
        )["varyContract"]
        assert answer["__typename"] == "Recorded"
        assert answer["position"] == before + 1
        assert Decimal(answer["record"]["value"]) == VALUES[index]


def contract_refused(client: Any, reference: str) -> bool:
    """The contract is answered as one not on the register."""
    errors = client.post(CONTRACT, {"ref": reference}).get("errors") or []
    return [error["extensions"]["code"] for error in errors] == ["contract_not_found"]


@pytest.mark.parametrize("index", [0, 1])
def test_the_other_district_s_contract_and_its_value_are_not_shown(
    world: World, index: int
) -> None:
    for who in (OFFICERS[index], BOARD_MEMBERS[index]):
        client = world.client(who.key)
        own = client.data(CONTRACT, {"ref": CONTRACTS[index]})["contract"]
        assert Decimal(own["value"]) == VALUES[index]
        assert own["withheld"] == []
        # Not a contract of anyone in their partnership: not there at all.
        assert contract_refused(client, CONTRACTS[1 - index])
        listed = client.data(
            "{ contracts(first: 100) { edges { node { reference value } } } "
            "renewalsDue(first: 100, withinDays: 365) "
            "{ edges { node { contract { reference } } } } }"
        )
        references = {edge["node"]["reference"] for edge in listed["contracts"]["edges"]}
        assert references == {CONTRACTS[index], COUNTY_CONTRACT}
        renewals = {e["node"]["contract"]["reference"] for e in listed["renewalsDue"]["edges"]}
        assert CONTRACTS[1 - index] not in renewals
        # Asked for by name, the other district is answered as one never registered.
        asked_for = client.post(
            "query ($a: String) "
            "{ contracts(authority: $a, first: 100) { edges { node { reference } } } }",
            {"a": DISTRICTS[1 - index]},
        )
        assert refused_fields(asked_for) == {"contracts": ("authority_not_found", "authority")}
        # The county's contract is seen, as the county is in their partnership; its value is not.
        county = client.data(CONTRACT, {"ref": COUNTY_CONTRACT})["contract"]
        assert county["value"] is None
        assert county["withheld"] == [{"field": "value", "code": "not_a_party"}]


@pytest.mark.parametrize("index", [0, 1])
def test_a_board_member_sees_their_partnership_s_timeline_and_nothing_of_the_other(
    world: World, index: int
) -> None:
    everything = timeline(world, AUDITOR.key)
    seen = timeline(world, BOARD_MEMBERS[index].key)
    positions = {entry["position"] for entry in seen}
    own = {e["position"] for e in everything if e["partnership"] == PARTNERSHIPS[index]}
    others = {e["position"] for e in everything if of_district(e, 1 - index)}
    assert own
    assert others
    assert own <= positions
    assert not positions & others
    assert not [e for e in seen if e["partnership"] == PARTNERSHIPS[1 - index]]
    # Searching for the other partnership finds nothing; asking for it by name is answered as
    # for a partnership never formed.
    client = world.client(BOARD_MEMBERS[index].key)
    query = (
        "query ($f: TimelineFilter) { timeline(filter: $f, first: 100) "
        "{ edges { node { position } } pageInfo { hasNextPage } } }"
    )
    found = client.data(query, {"f": {"text": DISTRICTS[1 - index].split()[0]}})["timeline"]
    assert {e["node"]["position"] for e in found["edges"]} <= positions - others
    assert not found["pageInfo"]["hasNextPage"]
    named = client.post(query, {"f": {"partnership": PARTNERSHIPS[1 - index]}})
    assert refused_fields(named) == {"timeline": ("partnership_not_found", "partnership")}


REGISTERS = """query ($p: String!) {
  decisions(partnership: $p, first: 100) { edges { node { __typename } } }
  meetings(partnership: $p, first: 100) { edges { node { __typename } } }
  milestones(partnership: $p, first: 100) { edges { node { __typename } } }
}"""
ELSEWHERE_LISTS = """{
  alerts(first: 100) { edges { node { partnership authorities contractReference subject } } }
  recommendations(first: 100) { edges { node { ownerAuthority } } }
  supplierActions(first: 100) { edges { node { text } } }
}"""


def registers(world: World, who: str, partnership: str) -> dict[str, int]:
    found = world.client(who).data(REGISTERS, {"p": partnership})
    return {name: len(listed["edges"]) for name, listed in found.items()}


NOT_SEEN = dict.fromkeys(
    ("decisions", "meetings", "milestones"), ("partnership_not_found", "partnership")
)


def registers_refused(world: World, who: str, partnership: str) -> dict[str, Any]:
    """A partnership not seen is answered as one never formed, by each register (asked one at
    a time: the first refusal takes the whole answer with it)."""
    refused: dict[str, Any] = {}
    for register in NOT_SEEN:
        query = (
            f"query ($p: String!) {{ {register}(partnership: $p, first: 100) "
            "{ edges { node { __typename } } } }"
        )
        refused |= refused_fields(world.client(who).post(query, {"p": partnership}))
    return refused


@pytest.mark.parametrize("index", [0, 1])
def test_registers_and_alerts_hold_only_what_the_board_member_may_see(
    world: World, index: int
) -> None:
    member = BOARD_MEMBERS[index].key
    assert registers(world, AUDITOR.key, PARTNERSHIPS[1 - index]) == {
        "decisions": 1,
        "meetings": 1,
        "milestones": 1,
    }
    assert registers(world, member, PARTNERSHIPS[index]) == {
        "decisions": 1,
        "meetings": 1,
        "milestones": 1,
    }
    assert registers_refused(world, member, PARTNERSHIPS[1 - index]) == NOT_SEEN
    lists = world.client(member).data(ELSEWHERE_LISTS)
    alerts = [edge["node"] for edge in lists["alerts"]["edges"]]
    assert alerts
    other = DISTRICTS[1 - index]
    for alert in alerts:
        assert alert["partnership"] in (None, PARTNERSHIPS[index]), alert
        assert other not in alert["authorities"], alert
        assert alert["contractReference"] != CONTRACTS[1 - index], alert
    owners = {edge["node"]["ownerAuthority"] for edge in lists["recommendations"]["edges"]}
    assert owners == {DISTRICTS[index]}
    actions = [edge["node"]["text"] for edge in lists["supplierActions"]["edges"]]
    assert actions == [f"Send {DISTRICTS[index]} the renewal terms"]


def test_someone_of_a_third_authority_sees_nothing_of_either_partnership(world: World) -> None:
    entries = timeline(world, OUTSIDER.key)
    for entry in entries:
        assert entry["partnership"] is None, entry
        assert set(entry["authorities"]) <= {ELSEWHERE}, entry
    for partnership in PARTNERSHIPS:
        assert registers_refused(world, OUTSIDER.key, partnership) == NOT_SEEN
    client = world.client(OUTSIDER.key)
    lists = client.data(ELSEWHERE_LISTS)
    assert all(not listed["edges"] for listed in lists.values()), lists
    contracts = client.data("{ contracts(first: 100) { edges { node { reference } } } }")
    assert contracts["contracts"]["edges"] == []
    for reference in (*CONTRACTS, COUNTY_CONTRACT):
        assert contract_refused(client, reference)
