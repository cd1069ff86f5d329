"""Finding things over HTTP: lists searched by name whatever the case, names in look-ups matched
whatever their case and spacing (and refused with a code when misspelt), every record's global
id answered by `node(id:)` as its own query answers it, and mutations that take a record's id
where they take its name."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from service.example import INQUIRY
from service.example_contracts import BURNLEY_CRM, HEAD_CRM
from service.example_papers import BURNLEY, LCC, LSSCC, SCRUTINY_PANEL, SUB_GROUP
from tests.api.access_world import (
    BURNLEY_REVIEW,
    OUTSIDER,
    PENDLE_LEISURE,
    World,
    beside_the_example,
    open_world,
)
from tests.api.refusals import refused_fields

FRONT_OFFICE = "CRM Front Office implementation"
UNKNOWN = "Nowhere At All"
PAPER = {"effectiveDate": "2011-09-01", "source": "Officer's note of the change"}


def differently_spelled(name: str) -> str:
    """The name as a clerk might type it: other case, other spacing."""
    return "  " + "   ".join(name.swapcase().split()) + " "


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("finding")
    with open_world(directory, people=(OUTSIDER,), setup=beside_the_example) as opened:
        yield opened


def ask(world: World, query: str, who: str = "auditor", **variables: Any) -> dict[str, Any]:
    return world.client(who).post(query, variables)


# Lists searched by name


@dataclass(frozen=True)
class Searched:
    field: str
    arguments: str
    shown: str
    search: str
    expected: str
    # Whether the example holds others the search leaves out.
    narrows: bool = True


SEARCHES = {
    "partnerships": Searched("partnerships", "", "name", "shared   SERVICES", LSSCC),
    "authorities": Searched("authorities", "", "name", "bURNLEY", BURNLEY),
    "bodies": Searched("bodies", "", "name", "sub-GROUP", SUB_GROUP),
    "projects": Searched("projects", "", "name", "front OFFICE", FRONT_OFFICE),
    "inquiries": Searched("inquiries", "", "title", "CONTACT centre eff", INQUIRY, False),
    "contracts by reference": Searched("contracts", "", "reference", "crm-burnley", BURNLEY_CRM),
    "contracts within a filter": Searched(
        "contracts", f'authority: "{LCC}", ', "reference", "Crm-Lcc", HEAD_CRM, False
    ),
}


def searched(each: Searched, search: str) -> dict[str, Any]:
    return {
        "query": f"query ($search: String) {{ {each.field}({each.arguments}search: $search, "
        f"first: 50) {{ edges {{ node {{ {each.shown} }} }} }} }}",
        "search": search,
    }


def shown(body: dict[str, Any], each: Searched) -> list[str]:
    assert not body.get("errors"), body
    return [edge["node"][each.shown] for edge in body["data"][each.field]["edges"]]


@pytest.mark.parametrize("name", list(SEARCHES))
def test_a_search_finds_names_whatever_their_case(world: World, name: str) -> None:
    each = SEARCHES[name]
    asked = searched(each, each.search)
    found = shown(ask(world, asked["query"], search=asked["search"]), each)
    assert each.expected in found
    wanted = " ".join(each.search.split()).lower()
    assert all(wanted in value.lower() for value in found), found
    everything = shown(ask(world, asked["query"], search=None), each)
    assert set(found) <= set(everything)
    if each.narrows:
        assert any(wanted not in value.lower() for value in everything), "it narrowed nothing"


@pytest.mark.parametrize("name", list(SEARCHES))
@pytest.mark.parametrize("wildcard", ["%", "_", "C%M", "L_SCC"])
def test_like_wildcards_in_a_search_are_taken_as_themselves(
    world: World, name: str, wildcard: str
) -> None:
    each = SEARCHES[name]
    asked = searched(each, wildcard)
    assert shown(ask(world, asked["query"], search=asked["search"]), each) == []


@pytest.mark.parametrize("name", ["partnerships", "contracts by reference"])
def test_a_search_is_narrowed_to_what_the_asker_sees(world: World, name: str) -> None:
    each = SEARCHES[name]
    asked = searched(each, each.search)
    assert shown(ask(world, asked["query"], OUTSIDER.key, search=asked["search"]), each) == []


def test_a_search_finds_contracts_by_supplier_and_title(world: World) -> None:
    query = (
        "query ($search: String) { contracts(search: $search, first: 50) "
        "{ edges { node { reference supplier title } } } }"
    )
    by_supplier = ask(world, query, search="NORTHGATE")["data"]["contracts"]["edges"]
    assert by_supplier
    assert all("northgate" in edge["node"]["supplier"].lower() for edge in by_supplier)
    by_title = ask(world, query, search="relationship MANAGEMENT")["data"]["contracts"]["edges"]
    assert {HEAD_CRM, BURNLEY_CRM} <= {edge["node"]["reference"] for edge in by_title}


@pytest.mark.parametrize("search", ["", "   ", "x" * 201, "nul\x00"])
def test_a_search_out_of_bounds_is_refused_with_its_code(world: World, search: str) -> None:
    body = ask(
        world,
        "query ($search: String) { partnerships(search: $search) { edges { cursor } } }",
        search=search,
    )
    assert refused_fields(body) == {"partnerships": ("invalid_input", "search")}, body


# Names in look-ups and filters


@dataclass(frozen=True)
class LookUp:
    field: str
    query: str
    known: str
    code: str
    argument: str


LOOK_UPS = {
    "partnership": LookUp(
        "partnership",
        "query ($name: String!) { partnership(name: $name) { name } }",
        LSSCC,
        "partnership_not_found",
        "name",
    ),
    "body": LookUp(
        "body",
        f'query ($name: String!) {{ body(partnership: "{LSSCC}", name: $name) {{ name }} }}',
        SUB_GROUP,
        "governing_body_not_found",
        "name",
    ),
    "body's partnership": LookUp(
        "body",
        f'query ($name: String!) {{ body(partnership: $name, name: "{SUB_GROUP}") {{ name }} }}',
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "project": LookUp(
        "project",
        f'query ($name: String!) {{ project(partnership: "{LSSCC}", name: $name) {{ name }} }}',
        FRONT_OFFICE,
        "project_not_found",
        "name",
    ),
    "inquiry": LookUp(
        "inquiry",
        f'query ($name: String!) {{ inquiry(body: "{SCRUTINY_PANEL}", title: $name) {{ title }} }}',
        INQUIRY,
        "inquiry_not_found",
        "title",
    ),
    "inquiry's body": LookUp(
        "inquiry",
        f'query ($name: String!) {{ inquiry(body: $name, title: "{INQUIRY}") {{ title }} }}',
        SCRUTINY_PANEL,
        "inquiry_not_found",
        "title",
    ),
    "contract": LookUp(
        "contract",
        "query ($name: String!) { contract(reference: $name) { reference } }",
        HEAD_CRM,
        "contract_not_found",
        "reference",
    ),
    "bodies' partnership": LookUp(
        "bodies",
        "query ($name: String!) { bodies(partnership: $name) { edges { cursor } } }",
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "projects' partnership": LookUp(
        "projects",
        "query ($name: String!) { projects(partnership: $name) { edges { cursor } } }",
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "inquiries' body": LookUp(
        "inquiries",
        "query ($name: String!) { inquiries(body: $name) { edges { cursor } } }",
        SCRUTINY_PANEL,
        "body_not_found",
        "body",
    ),
    "supplier meetings' supplier": LookUp(
        "supplierMeetings",
        "query ($name: String!) { supplierMeetings(supplier: $name) { edges { cursor } } }",
        BURNLEY_REVIEW[0],
        "supplier_not_found",
        "supplier",
    ),
}


@pytest.mark.parametrize("name", list(LOOK_UPS))
def test_a_misspelt_name_is_refused_with_its_code(world: World, name: str) -> None:
    each = LOOK_UPS[name]
    body = ask(world, each.query, name=UNKNOWN)
    assert refused_fields(body) == {each.field: (each.code, each.argument)}, body
    assert UNKNOWN in body["errors"][0]["message"]


@pytest.mark.parametrize("name", list(LOOK_UPS))
def test_a_name_in_other_case_and_spacing_is_found(world: World, name: str) -> None:
    each = LOOK_UPS[name]
    body = ask(world, each.query, name=differently_spelled(each.known))
    assert not body.get("errors"), body
    assert body["data"][each.field], body


@pytest.mark.parametrize("name", list(LOOK_UPS))
def test_a_name_not_seen_is_refused_as_one_not_on_record(world: World, name: str) -> None:
    each = LOOK_UPS[name]
    hidden = ask(world, each.query, OUTSIDER.key, name=each.known)
    unknown = ask(world, each.query, OUTSIDER.key, name=UNKNOWN)
    assert refused_fields(hidden) == refused_fields(unknown) != {}, hidden
    assert (
        hidden["errors"][0]["message"].replace(each.known, UNKNOWN)
        == (unknown["errors"][0]["message"])
    )


def test_a_person_not_registered_is_refused_with_its_code(world: World) -> None:
    query = "query ($email: String!) { person(email: $email) { name } }"
    body = ask(world, query, email="nobody@nowhere.example")
    assert refused_fields(body) == {"person": ("person_not_found", "email")}, body


# Global ids


@dataclass(frozen=True)
class Listed:
    """A list answering records of one type, and a field that tells them apart."""

    type: str
    field: str
    list_query: str
    shown: str


LISTED = [
    Listed("Contract", "contracts", "contracts(first: 50)", "reference"),
    Listed("GoverningBody", "bodies", "bodies(first: 50)", "name"),
    Listed("Meeting", "meetings", f'meetings(partnership: "{LSSCC}", first: 50)', "meetingDate"),
    Listed("Decision", "decisions", f'decisions(partnership: "{LSSCC}", first: 50)', "number"),
    Listed("Project", "projects", "projects(first: 50)", "name"),
    Listed("Inquiry", "inquiries", "inquiries(first: 50)", "title"),
    Listed("Partnership", "partnerships", "partnerships(first: 50)", "name"),
    Listed("Authority", "authorities", "authorities(first: 50)", "name"),
    Listed("SupplierMeeting", "supplierMeetings", "supplierMeetings(first: 50)", "title"),
    Listed("Person", "people", "people(first: 50)", "email"),
]
NODE = "query ($id: ID!) { node(id: $id) { __typename id ... on %s { %s } } }"


def listed_nodes(world: World, each: Listed, who: str = "auditor") -> list[dict[str, Any]]:
    body = ask(world, f"{{ {each.list_query} {{ edges {{ node {{ id {each.shown} }} }} }} }}", who)
    assert not body.get("errors"), body
    return [edge["node"] for edge in body["data"][each.field]["edges"]]


def ids_seen(world: World, each: Listed, who: str) -> set[str]:
    """The ids of the records of the list `who` sees; none where the list is refused them
    (the partnership it names is not theirs to see, or only some may list it)."""
    body = ask(world, f"{{ {each.list_query} {{ edges {{ node {{ id }} }} }} }}", who)
    if body.get("errors"):
        assert body["data"] is None, body
        return set()
    return {edge["node"]["id"] for edge in body["data"][each.field]["edges"]}


@pytest.mark.parametrize("each", LISTED, ids=lambda each: each.type)
def test_every_record_listed_is_answered_by_its_id(world: World, each: Listed) -> None:
    nodes = listed_nodes(world, each)
    assert nodes, each
    assert len({node["id"] for node in nodes}) == len(nodes)
    for node in nodes:
        answer = ask(world, NODE % (each.type, each.shown), id=node["id"])
        assert not answer.get("errors"), answer
        assert answer["data"]["node"] == {"__typename": each.type, **node}


@pytest.mark.parametrize("each", LISTED, ids=lambda each: each.type)
def test_a_record_not_seen_is_not_found_by_its_id(world: World, each: Listed) -> None:
    seen_by_outsider = ids_seen(world, each, OUTSIDER.key)
    hidden = [node for node in listed_nodes(world, each) if node["id"] not in seen_by_outsider]
    assert hidden, each
    answer = ask(world, NODE % (each.type, each.shown), OUTSIDER.key, id=hidden[0]["id"])
    assert refused_fields(answer) == {"node": ("node_not_found", "id")}, answer
    nothing = ask(world, NODE % (each.type, each.shown), OUTSIDER.key, id="bm90aGluZw")
    assert (
        answer["errors"][0]["message"].replace(hidden[0]["id"], "bm90aGluZw")
        == (nothing["errors"][0]["message"])
    )


def test_the_outsider_finds_their_own_partnership_by_its_id(world: World) -> None:
    [mine] = [
        node
        for node in listed_nodes(world, LISTED[6], OUTSIDER.key)
        if node["name"] == PENDLE_LEISURE
    ]
    answer = ask(world, NODE % ("Partnership", "name"), OUTSIDER.key, id=mine["id"])
    assert answer["data"]["node"]["name"] == PENDLE_LEISURE, answer


@pytest.mark.parametrize(
    "text", [UNKNOWN, HEAD_CRM, "", "Q29udHJhY3Q6bm90LWEtdXVpZA", "Q29udHJhY3Q6"]
)
def test_text_that_is_no_id_is_not_found(world: World, text: str) -> None:
    answer = ask(world, NODE % ("Contract", "reference"), id=text)
    assert refused_fields(answer) == {"node": ("node_not_found", "id")}, answer


def test_an_id_too_long_is_refused_as_input(world: World) -> None:
    answer = ask(world, NODE % ("Contract", "reference"), id="A" * 301)
    assert refused_fields(answer) == {"node": ("invalid_input", "id")}, answer


def test_a_decision_id_names_its_meeting_and_number(world: World) -> None:
    [first, *_] = listed_nodes(world, LISTED[3])
    meeting = ask(
        world,
        NODE % ("Decision", "number meeting { id }"),
        id=first["id"],
    )["data"]["node"]
    again = ask(world, NODE % ("Meeting", "decisions { id number }"), id=meeting["meeting"]["id"])
    assert {"id": first["id"], "number": first["number"]} in again["data"]["node"]["decisions"]


# Mutations given an id where they take a name


CHANGE = (
    "mutation ($input: %s!) { %s(input: $input) { __typename "
    "... on Problem { code message field } } }"
)


def change(world: World, who: str, operation: str, given: dict[str, Any]) -> dict[str, Any]:
    kind = operation[0].upper() + operation[1:] + "Input"
    today = {"effectiveDate": world.clock().date().isoformat()}
    return ask(world, CHANGE % (kind, operation), who, input={**PAPER, **today, **given})


def recorded(body: dict[str, Any], operation: str) -> None:
    assert not body.get("errors"), body
    assert "code" not in body["data"][operation], body


def id_of(world: World, each: Listed, shown: str, who: str = "auditor") -> str:
    [found] = [node["id"] for node in listed_nodes(world, each, who) if node[each.shown] == shown]
    return str(found)


@pytest.mark.writes
def test_a_vision_stated_by_the_partnership_id_is_recorded_against_it(world: World) -> None:
    partnership = id_of(world, LISTED[6], PENDLE_LEISURE, OUTSIDER.key)
    before = world.head()
    vision = "Leisure for every resident of Pendle."
    body = change(
        world, OUTSIDER.key, "stateVision", {"partnership": partnership, "visionStatement": vision}
    )
    recorded(body, "stateVision")
    assert world.head() > before
    read_back = ask(
        world,
        "query ($name: String!) { partnership(name: $name) { visions { text } } }",
        OUTSIDER.key,
        name=PENDLE_LEISURE,
    )
    assert {"text": vision} in read_back["data"]["partnership"]["visions"], read_back


@pytest.mark.writes
def test_an_id_reaches_no_further_than_the_name_would(world: World) -> None:
    """The outsider is a secretary of their own partnership only: the id of another one is
    refused as its name is, and nothing is recorded."""
    other = id_of(world, LISTED[6], LSSCC)
    before = world.head()
    body = change(
        world, OUTSIDER.key, "stateVision", {"partnership": other, "visionStatement": "Ours now."}
    )
    assert refused_fields(body) == {"stateVision": ("not_allowed", None)}, body
    assert world.head() == before


@pytest.mark.writes
def test_a_contract_varied_by_its_id_is_recorded_against_it(world: World) -> None:
    """Burnley's procurement officer varies Burnley's contract by its id; the county's head
    contract, which is not theirs to change, is refused by its id as by its reference."""
    burnley = id_of(world, LISTED[0], BURNLEY_CRM)
    head = id_of(world, LISTED[0], HEAD_CRM)
    before = world.head()
    refused = change(
        world, "procurement_officer", "varyContract", {"reference": head, "description": "More"}
    )
    assert refused_fields(refused) == {"varyContract": ("not_allowed", None)}, refused
    assert world.head() == before
    varied = change(
        world,
        "procurement_officer",
        "varyContract",
        {"reference": burnley, "description": "Ten more seats"},
    )
    recorded(varied, "varyContract")
    assert world.head() > before
    timeline = ask(
        world,
        "query ($contract: String!) { timeline(filter: {contract: $contract}, first: 1) "
        "{ edges { node { contractReference summary } } } }",
        contract=BURNLEY_CRM,
    )["data"]["timeline"]["edges"]
    assert timeline[0]["node"]["contractReference"] == BURNLEY_CRM
    assert "Ten more seats" in timeline[0]["node"]["summary"]


@pytest.mark.writes
@pytest.mark.parametrize(
    ("given", "code"),
    [
        ("contract", "partnership_not_found"),
        ("nothing", "partnership_not_found"),
    ],
)
def test_an_id_of_another_kind_or_of_nothing_is_refused_naming_the_field(
    world: World, given: str, code: str
) -> None:
    text = (
        id_of(world, LISTED[0], HEAD_CRM)
        if given == "contract"
        else "UGFydG5lcnNoaXA6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"
    )
    before = world.head()
    body = change(world, "admin", "stateVision", {"partnership": text, "visionStatement": "X."})
    assert not body.get("errors"), body
    problem = body["data"]["stateVision"]
    assert (problem["__typename"], problem["code"], problem["field"]) == (
        "NotFound",
        code,
        "partnership",
    ), problem
    assert world.head() == before
