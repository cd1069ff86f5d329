"""The query cost limit: what it counts, and that a large request is refused before it runs."""

import re
import time
from pathlib import Path

import pytest

from graphql import Lexer, Source, TokenKind, get_introspection_query, parse, validate
from partnership_graphql.documents import MAX_DOCUMENT_BYTES, MAX_DOCUMENT_TOKENS
from partnership_graphql.limits import cost_rule
from partnership_graphql.schema import MAX_QUERY_COST, VALIDATION_RULES, build_schema

SCHEMA = build_schema()

ENTRY = "position effectiveDate kind summary subject authorities source"
PAGE = "timeline(first: %d) { edges { cursor node { " + ENTRY + " } } pageInfo { endCursor } }"


def refusals(query: str, limit: int = MAX_QUERY_COST) -> list[str]:
    rule = cost_rule(limit)
    return [error.message for error in validate(SCHEMA._schema, parse(query), [rule])]


def cost_of(query: str) -> int:
    """The smallest limit the query passes."""
    low, high = 0, 10**9
    while low < high:
        middle = (low + high) // 2
        if refusals(query, middle):
            low = middle + 1
        else:
            high = middle
    return low


def test_a_page_costs_its_size_times_what_each_entry_asks_for() -> None:
    # The timeline field; the edges list, and per edge its cursor, the node and 7 fields; then
    # pageInfo and its one field.
    per_edge = 1 + 1 + 7
    page_info = 1 + 1
    assert cost_of("{ " + PAGE % 10 + " }") == 1 + (1 + 10 * per_edge) + page_info
    assert cost_of("{ " + PAGE % 50 + " }") == 1 + (1 + 50 * per_edge) + page_info


def test_a_page_size_variable_counts_as_the_largest_page_and_fragments_count() -> None:
    # The estimate depends on the document alone, so a validated document can be cached.
    by_variable = "query ($n: Int) { timeline(first: $n) { edges { node { position } } } }"
    assert cost_of(by_variable) == 1 + (1 + 100 * 2)
    by_default = "{ timeline { edges { node { position } } } }"
    assert cost_of(by_default) == 1 + (1 + 20 * 2)
    with_fragment = """
        query { timeline(first: 10) { edges { node { ...Entry } } } }
        fragment Entry on TimelineEntry { position summary }
    """
    assert cost_of(with_fragment) == 1 + (1 + 10 * 3)


def test_introspection_is_free() -> None:
    assert refusals(get_introspection_query(), limit=1) == []


def test_one_full_page_passes_and_many_are_refused() -> None:
    assert refusals("{ " + PAGE % 100 + " }") == []
    more = " partnership body project contractReference recordedBy recordedByAuthority"
    wide = PAGE.replace(ENTRY, ENTRY + more)
    greedy = "{ " + " ".join(f"p{i}: " + wide % 100 for i in range(19)) + " }"
    [message] = refusals(greedy)
    assert "more than the 20,000 allowed" in message
    assert "smaller pages" in message


@pytest.mark.parametrize("size", [0, -5, 10**6])
def test_a_page_size_out_of_range_is_left_to_the_field_to_refuse(size: int) -> None:
    # The field's own message ("between 1 and 100") says more than a cost would.
    assert refusals("{ " + PAGE % size + " }") == []


def test_walking_back_to_back_links_back_and_forth_is_refused() -> None:
    # Each head lists its back-to-back contracts, each of which names the head again.
    ordinary = "{ contracts { edges { node { reference linkedContracts { reference } } } } }"
    assert refusals(ordinary) == []
    walk = (
        "{ contracts { edges { node { headContract { linkedContracts { headContract { "
        "linkedContracts { reference } } } } } } } }"
    )
    [message] = refusals(walk)
    assert "more than the 20,000 allowed" in message


def doubling_fragments(levels: int) -> str:
    """Each fragment spreads the next twice: as sent, the document stands for 2**levels
    copies of the last one."""
    fragments = [f"fragment F{i} on Contract {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    last = f"fragment F{levels} on Contract {{ a: reference b: title }}"
    return "{ contracts { edges { node { ...F0 } } } } " + " ".join([*fragments, last])


def test_fragments_spread_again_and_again_are_worked_out_once() -> None:
    # Walked copy by copy, sixty levels would take longer than the age of the universe.
    document = parse(doubling_fragments(60))
    started = time.perf_counter()
    errors = validate(SCHEMA._schema, document, VALIDATION_RULES)
    assert time.perf_counter() - started < 1
    codes = {(error.extensions or {}).get("code") for error in errors}
    assert codes == {"too_many_aliases", "query_too_costly"}
    [aliases] = [error.message for error in errors if "aliases" in error.message]
    assert f"{2 * 2**60:,} aliases" in aliases


def test_depth_counts_through_fragments() -> None:
    deep = "fragment H on Contract { headContract { headContract { reference } } }"
    fine = 'query Fine { contract(reference: "X") { headContract { ...H } } } ' + deep
    assert not validate(SCHEMA._schema, parse(fine), VALIDATION_RULES)
    nested = (
        'query Deep { contract(reference: "X") { '
        + "headContract { " * 6
        + "...H"
        + " }" * 6
        + " } } "
    )
    [error] = validate(SCHEMA._schema, parse(nested + deep), VALIDATION_RULES)
    assert error.extensions == {"code": "query_too_deep"}
    assert "'Deep' exceeds maximum operation depth of 8" in error.message


OPERATIONS = Path(__file__).resolve().parents[2] / "graphql" / "operations"
README = Path(__file__).resolve().parents[2] / "README.md"


def known_documents() -> dict[str, str]:
    documents = {
        str(path.relative_to(OPERATIONS)): path.read_text()
        for path in OPERATIONS.rglob("*.graphql")
    }
    blocks = re.findall(r"```graphql\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    documents.update({f"README block {i}": block for i, block in enumerate(blocks)})
    documents["introspection"] = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    return documents


def tokens_in(text: str) -> int:
    lexer = Lexer(Source(text))
    count = 0
    while lexer.advance().kind is not TokenKind.EOF:
        count += 1
    return count


@pytest.mark.parametrize(("name", "text"), sorted(known_documents().items()))
def test_every_known_document_is_well_within_the_document_limits(name: str, text: str) -> None:
    assert len(text.encode()) * 10 <= MAX_DOCUMENT_BYTES
    assert tokens_in(text) * 5 <= MAX_DOCUMENT_TOKENS
