"""Every filter that names something answers a coded NotFound for a name not on record, over
HTTP: a misspelt name never reads as "nothing recorded". Names match whatever their case and
spacing, and a name the asker may not see is answered exactly as one that does not exist."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from partnership.addresses import SupplierMeetingAddress
from service.example import INQUIRY
from service.example_contracts import HEAD_CRM
from service.example_papers import LCC, LSSCC, SCRUTINY_PANEL, SUB_GROUP
from tests.api.access_world import (
    BURNLEY_REVIEW,
    OUTSIDER,
    World,
    beside_the_example,
    open_world,
)
from tests.api.refusals import refused_fields

FRONT_OFFICE = "CRM Front Office implementation"


@dataclass(frozen=True)
class Filter:
    """A question filtered by one name: `$name` in `query`, answering a list at `field`."""

    field: str
    query: str
    known: str
    code: str
    argument: str

    def ask(self, world: World, who: str, name: str) -> dict[str, Any]:
        return world.client(who).post(self.query, {"name": name})


def listed(field: str, arguments: str) -> str:
    return f"query ($name: String!) {{ {field}({arguments}, first: 5) {{ edges {{ cursor }} }} }}"


def timeline(argument: str) -> str:
    return listed("timeline", f"filter: {{ {argument}: $name }}")


FILTERS = {
    "timeline partnership": Filter(
        "timeline", timeline("partnership"), LSSCC, "partnership_not_found", "partnership"
    ),
    "timeline authority": Filter(
        "timeline", timeline("authority"), LCC, "authority_not_found", "authority"
    ),
    "timeline body": Filter("timeline", timeline("body"), SUB_GROUP, "body_not_found", "body"),
    "timeline project": Filter(
        "timeline", timeline("project"), FRONT_OFFICE, "project_not_found", "project"
    ),
    "timeline contract": Filter(
        "timeline", timeline("contract"), HEAD_CRM, "contract_not_found", "contract"
    ),
    "contracts authority": Filter(
        "contracts",
        listed("contracts", "authority: $name"),
        LCC,
        "authority_not_found",
        "authority",
    ),
    "decisions partnership": Filter(
        "decisions",
        listed("decisions", "partnership: $name"),
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "decisions body": Filter(
        "decisions",
        listed("decisions", f'partnership: "{LSSCC}", body: $name'),
        SUB_GROUP,
        "governing_body_not_found",
        "body",
    ),
    "meetings partnership": Filter(
        "meetings",
        listed("meetings", "partnership: $name"),
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "meetings body": Filter(
        "meetings",
        listed("meetings", f'partnership: "{LSSCC}", body: $name'),
        SUB_GROUP,
        "governing_body_not_found",
        "body",
    ),
    "milestones partnership": Filter(
        "milestones",
        listed("milestones", "partnership: $name"),
        LSSCC,
        "partnership_not_found",
        "partnership",
    ),
    "milestones project": Filter(
        "milestones",
        listed("milestones", f'partnership: "{LSSCC}", project: $name'),
        FRONT_OFFICE,
        "project_not_found",
        "project",
    ),
    "recommendations body": Filter(
        "recommendations",
        listed("recommendations", "body: $name"),
        SCRUTINY_PANEL,
        "body_not_found",
        "body",
    ),
    "recommendations inquiry": Filter(
        "recommendations",
        listed("recommendations", "inquiry: $name"),
        INQUIRY,
        "inquiry_not_found",
        "inquiry",
    ),
    "supplier actions supplier": Filter(
        "supplierActions",
        listed("supplierActions", "supplier: $name"),
        BURNLEY_REVIEW[0],
        "supplier_not_found",
        "supplier",
    ),
    "alerts authority": Filter(
        "alerts",
        listed("alerts", 'authority: $name, asOf: "2011-09-02"'),
        LCC,
        "authority_not_found",
        "authority",
    ),
    "people authority": Filter(
        "people", listed("people", "authority: $name"), LCC, "authority_not_found", "authority"
    ),
}
# The list of people is for those who see the whole record: no one sees it only in part.
SEEN_BY_EVERYONE_WHO_ASKS = {"people authority"}
UNKNOWN = "Nowhere At All"


def differently_spelled(name: str) -> str:
    """The name as a clerk might type it: other case, other spacing."""
    return "  " + "   ".join(name.swapcase().split()) + " "


def with_an_action(world: World) -> None:
    beside_the_example(world)
    supplier, day, title = BURNLEY_REVIEW
    world.record(
        "raise_supplier_action",
        on=day,
        meeting=SupplierMeetingAddress(supplier, day, title),
        text="Send Burnley the renewal terms",
        owner=supplier,
        owner_side="supplier",
        due_date=date(2011, 9, 1),
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    directory: Path = tmp_path_factory.mktemp("unknown-names")
    with open_world(directory, people=(OUTSIDER,), setup=with_an_action) as opened:
        yield opened


@pytest.mark.parametrize("name", list(FILTERS))
def test_a_name_not_on_record_is_refused_with_its_code(world: World, name: str) -> None:
    each = FILTERS[name]
    before = world.head()
    body = each.ask(world, "auditor", UNKNOWN)
    assert refused_fields(body) == {each.field: (each.code, each.argument)}, body
    assert UNKNOWN in body["errors"][0]["message"]
    assert world.head() == before


@pytest.mark.parametrize("name", list(FILTERS))
def test_a_known_name_in_other_case_and_spacing_answers_rows(world: World, name: str) -> None:
    each = FILTERS[name]
    body = each.ask(world, "auditor", differently_spelled(each.known))
    assert not body.get("errors"), body
    assert body["data"][each.field]["edges"], body


@pytest.mark.parametrize(
    "name", [name for name in FILTERS if name not in SEEN_BY_EVERYONE_WHO_ASKS]
)
def test_a_name_not_seen_is_answered_as_one_not_on_record(world: World, name: str) -> None:
    """The outsider sees nothing of the example: its names answer as names never recorded,
    word for word but for the name itself."""
    each = FILTERS[name]
    hidden = each.ask(world, OUTSIDER.key, each.known)
    unknown = each.ask(world, OUTSIDER.key, UNKNOWN)
    assert refused_fields(hidden) == refused_fields(unknown) != {}, hidden
    [hidden_error], [unknown_error] = hidden["errors"], unknown["errors"]
    assert hidden_error["message"].replace(each.known, UNKNOWN) == unknown_error["message"]
    # The auditor, who sees everything, finds the same name.
    assert not each.ask(world, "auditor", each.known).get("errors")
