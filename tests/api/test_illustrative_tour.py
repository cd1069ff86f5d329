"""`partnership load-example --illustrative`, then every named operation as the demo person who
runs it: each answers rows, as a new user trying the tour would see them.

The example is loaded by the command itself (in-process), its demo people signed in by the
tokens it prints, through the real credential store and authenticator.
"""

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from access import Authenticator
from graphql import NonNullTypeNode, OperationDefinitionNode, parse
from partnership_graphql.app import ApiOptions
from partnership_graphql.signed_in import Identification
from projections.runtime import system_clock
from service.access_wiring import secret_key_of
from service.cli import main
from service.cli_access import credentials_of
from service.example import STORY
from service.example_illustrative import ILLUSTRATIVE, ILLUSTRATIVE_PREFIX, TELEPHONY_SUPPORT
from service.example_papers import LSSCC
from service.example_people import DEMO_PEOPLE
from service.settings import Settings
from service.wiring import open_runtime
from tests.api.conftest import GraphQLClient, serving

OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"

# Who runs each folder's operations, as the README's tour says: the demo people by role.
RUNS_THEM = {"board": "board_member", "procurement": "procurement_officer", "audit": "auditor"}

# A required variable is filled by its name, as the README's tour fills it; optional ones
# (`asOf`, `after`) are left out, so that the day asked about is today, as for a new user.
VALUES = {
    "partnership": LSSCC,
    "body": "Joint Committee",
    "name": "Joint Committee",
    "supplier": "Northgate",
    "from": "2008-04-01",
    "to": "2008-06-30",
}

# Operations that answer no rows even over the illustrative facts, and why. None, so far.
EXPECTED_EMPTY: dict[str, str] = {}

LOADED = re.compile(r"example partnership loaded: (\d+) new fact\(s\) recorded")
DEMO_TOKEN = re.compile(r"^\s+(\w+)\s+\S+@demo\.invalid\s.*\n\s+(\S+)$", re.MULTILINE)


@dataclass
class Loaded:
    url: str
    tokens: dict[str, str]
    counts: list[int]
    plain_head: int


def load(env: dict[str, str | None], *flags: str) -> Result:
    result = CliRunner().invoke(main, ["load-example", *flags], env=env)
    assert result.exit_code == 0, result.output
    return result


def recorded(result: Result) -> int:
    found = LOADED.search(result.output)
    assert found, result.output
    return int(found.group(1))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    directory = tmp_path_factory.mktemp("illustrative")
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PARTNERSHIP_")}
    env["PARTNERSHIP_DATA_DIR"] = str(directory)
    settings = Settings(data_dir=directory)
    plain = load(env)
    runtime = open_runtime(settings)
    plain_head = runtime.app.head_position()
    runtime.close()
    illustrated = load(env, "--illustrative")
    again = load(env, "--illustrative")
    tokens = dict(DEMO_TOKEN.findall(again.output))
    counts = [recorded(plain), recorded(illustrated), recorded(again)]
    runtime = open_runtime(settings)
    credentials = credentials_of(settings)
    try:
        authenticator = Authenticator(
            credentials, runtime.store, secret_key_of(settings), system_clock
        )
        identification = Identification(authenticator)
        with serving(runtime, identification, ApiOptions(requests_per_minute=None)) as url:
            yield Loaded(url, tokens, counts, plain_head)
    finally:
        credentials.close()
        runtime.close()


@pytest.fixture(scope="module")
def clients(loaded: Loaded) -> Iterator[dict[str, GraphQLClient]]:
    made = {role: GraphQLClient(loaded.url, token) for role, token in loaded.tokens.items()}
    try:
        yield made
    finally:
        for client in made.values():
            client.http.close()


def operation_files() -> list[str]:
    return sorted(path.relative_to(OPERATIONS).as_posix() for path in OPERATIONS.rglob("*.graphql"))


def variables_of(text: str, name: str) -> dict[str, Any]:
    [operation] = [d for d in parse(text).definitions if isinstance(d, OperationDefinitionNode)]
    given = {}
    for definition in operation.variable_definitions or ():
        variable = definition.variable.name.value
        if isinstance(definition.type, NonNullTypeNode) and definition.default_value is None:
            assert variable in VALUES, f"{name} needs ${variable}: give its value in VALUES"
            given[variable] = VALUES[variable]
    return given


def rows(answer: Any) -> list[Any]:
    """The rows of a top-level answer: a list, a connection's edges, or for one object (a body)
    itself, when every list and connection it holds has some."""
    if isinstance(answer, list):
        return answer
    assert isinstance(answer, dict), answer
    if "edges" in answer:
        edges: list[Any] = answer["edges"]
        return edges
    held = {
        key: value["edges"] if isinstance(value, dict) else value
        for key, value in answer.items()
        if isinstance(value, list) or (isinstance(value, dict) and "edges" in value)
    }
    empty = [key for key, value in held.items() if not value]
    return [] if empty or not held else [answer]


def test_loading_adds_the_illustrations_once_over_the_plain_example(loaded: Loaded) -> None:
    assert loaded.counts == [len(STORY), len(ILLUSTRATIVE), 0]
    assert set(loaded.tokens) == {demo.role.value for demo in DEMO_PEOPLE}


@pytest.mark.parametrize("name", operation_files())
def test_every_operation_answers_rows_for_the_demo_person_who_runs_it(
    name: str, clients: dict[str, GraphQLClient]
) -> None:
    folder = name.split("/")[0]
    assert folder in RUNS_THEM, f"say which demo person runs the {folder} operations"
    text = (OPERATIONS / name).read_text(encoding="utf-8")
    data = clients[RUNS_THEM[folder]].data(text, variables_of(text, name))
    found = [row for answer in data.values() for row in rows(answer)]
    if name in EXPECTED_EMPTY:
        assert found == [], f"{name} now answers rows: take it off EXPECTED_EMPTY"
    else:
        assert found, f"{name} answers no rows as {RUNS_THEM[folder]}: {data}"


def test_every_illustrative_fact_is_labelled(
    loaded: Loaded, clients: dict[str, GraphQLClient]
) -> None:
    query = "{ timeline(first: 100) { edges { node { position source } } } }"
    entries = [edge["node"] for edge in clients["auditor"].data(query)["timeline"]["edges"]]
    added = [entry for entry in entries if entry["position"] > loaded.plain_head]
    assert len(added) >= len(ILLUSTRATIVE)
    assert all(entry["source"].startswith(ILLUSTRATIVE_PREFIX) for entry in added), added
    assert not any(
        entry["source"].startswith(ILLUSTRATIVE_PREFIX)
        for entry in entries
        if entry["position"] <= loaded.plain_head
    )


def test_the_tour_shows_what_the_papers_lack(clients: dict[str, GraphQLClient]) -> None:
    def run(role: str, name: str, **variables: Any) -> list[dict[str, Any]]:
        data = clients[role].data((OPERATIONS / name).read_text(encoding="utf-8"), variables)
        [answer] = data.values()
        return [edge["node"] for edge in answer["edges"]]

    voted = run("board_member", "board/how_the_joint_committee_voted.graphql", partnership=LSSCC)
    assert {d["outcome"] for d in voted} == {"CARRIED", "NOT_CARRIED"}
    assert all(d["votes"] for d in voted)
    assert any(d["electronicResponses"] for d in voted)
    assert any(d["supersededBy"] for d in voted)
    slipped = run("board_member", "board/what_slipped.graphql", partnership=LSSCC)
    assert any(m["slippageDays"] > 0 for m in slipped)
    assert any(m["overdue"] for m in slipped)
    owed = run(
        "procurement_officer", "procurement/open_supplier_actions.graphql", supplier="Northgate"
    )
    assert any(a["overdue"] for a in owed)
    alerts = run("procurement_officer", "procurement/renewal_alerts.graphql")
    assert [a["contractReference"] for a in alerts] == [TELEPHONY_SUPPORT]
    [correction] = run("auditor", "audit/corrections.graphql")
    assert "(The minutes as signed name the CRM)" in correction["summary"]
    assert correction["source"].startswith(ILLUSTRATIVE_PREFIX)
