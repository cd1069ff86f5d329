"""Reading plain values directly gives exactly what graphql-core's own execution gives.

The same schema runs each query twice, once the ordinary way and once with the plain-values
execution context; data and errors must match, including when a value is null where none may
be, does not serialise, or is an object of the wrong type.
"""

from datetime import date
from enum import Enum
from typing import Any

import pytest
import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st
from strawberry.extensions import ParserCache

from partnership_graphql.execution import PlainValuesExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"
    GREEN = "green"


@strawberry.type
class Leaf:
    name: str
    size: int | None
    colour: Colour
    tags: list[str]
    maybe_tags: list[str | None] | None
    day: date


@strawberry.type
class Other:
    name: str


@strawberry.type
class Branch:
    label: str
    leaf: Leaf
    leaves: list[Leaf]
    spare: Leaf | None

    @strawberry.field
    def shout(self) -> str:
        return self.label.upper()


TREE: dict[str, Any] = {}


@strawberry.type
class Query:
    @strawberry.field
    def branch(self) -> Branch:
        return TREE["branch"]

    @strawberry.field
    def branches(self) -> list[Branch]:
        return TREE["branches"]


ORDINARY = strawberry.Schema(query=Query)
PLAIN = strawberry.Schema(query=Query, execution_context_class=PlainValuesExecutionContext)

LEAF = "name size colour tags maybeTags day"
QUERIES = [
    f"{{ branch {{ label leaf {{ {LEAF} }} }} }}",
    f"{{ branches {{ label leaves {{ {LEAF} }} spare {{ name }} }} }}",
    f"{{ branch {{ label shout leaf {{ {LEAF} }} }} }}",
    "{ branch { __typename a: label b: label leaf { n: name ...F } } } fragment F on Leaf { day }",
    "query($no: Boolean!) { branch { label @skip(if: $no) leaf { name @include(if: $no) } } }",
]


def leaf(**changes: Any) -> Leaf:
    values: dict[str, Any] = {
        "name": "oak",
        "size": 3,
        "colour": Colour.GREEN,
        "tags": ["a", "b"],
        "maybe_tags": ["x", None],
        "day": date(2008, 3, 4),
    }
    values.update(changes)
    return Leaf(**values)


def branch(**changes: Any) -> Branch:
    values: dict[str, Any] = {
        "label": "b",
        "leaf": leaf(),
        "leaves": [leaf(), leaf()],
        "spare": None,
    }
    values.update(changes)
    return Branch(**values)


def both(query: str, tree: dict[str, Any]) -> tuple[Any, Any]:
    TREE.clear()
    TREE.update(tree)
    variables = {"no": True}
    ordinary = ORDINARY.execute_sync(query, variable_values=variables)
    plain = PLAIN.execute_sync(query, variable_values=variables)
    return (
        (ordinary.data, [(e.message, e.path) for e in ordinary.errors or []]),
        (plain.data, [(e.message, e.path) for e in plain.errors or []]),
    )


ODD_VALUES = [
    {},
    {"size": None},
    {"name": None},
    {"colour": "green"},
    {"colour": "purple"},
    {"size": "three"},
    {"tags": None},
    {"tags": ["a", None]},
    {"maybe_tags": None},
    {"maybe_tags": "not a list"},
    {"day": "2008-03-04"},
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("odd", ODD_VALUES)
def test_same_answer_as_ordinary_execution(query: str, odd: dict[str, Any]) -> None:
    tree = {
        "branch": branch(leaf=leaf(**odd)),
        "branches": [branch(), branch(leaves=[leaf(), leaf(**odd)], spare=leaf(**odd))],
    }
    ordinary, plain = both(query, tree)
    assert plain == ordinary


def test_an_object_of_the_wrong_type_is_reported_as_before() -> None:
    ordinary, plain = both(QUERIES[0], {"branch": branch(leaf=Other(name="x"))})
    assert ordinary[1]  # an error, in both
    assert plain == ordinary


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(st.text(max_size=5) | st.none(), min_size=1, max_size=4),
    sizes=st.lists(st.integers(-(2**40), 2**40) | st.none(), min_size=1, max_size=4),
)
def test_same_answer_for_any_names_and_sizes(names: list[Any], sizes: list[Any]) -> None:
    leaves = [leaf(name=n, size=s) for n, s in zip(names, sizes, strict=False)]
    tree = {"branch": branch(leaves=leaves), "branches": [branch(leaves=leaves)]}
    for query in QUERIES[:2]:
        ordinary, plain = both(query, tree)
        assert plain == ordinary


def test_a_plain_selection_skips_per_field_execution(monkeypatch: pytest.MonkeyPatch) -> None:
    from graphql.execution.executor import Executor

    resolved: list[str] = []
    ordinary_execute_field = Executor.execute_field

    def counted(self: Any, parent_type: Any, *args: Any, **kwargs: Any) -> Any:
        resolved.append(parent_type.name)
        return ordinary_execute_field(self, parent_type, *args, **kwargs)

    monkeypatch.setattr(Executor, "execute_field", counted)
    TREE.update(branches=[branch(), branch()])
    assert not ORDINARY.execute_sync(QUERIES[1]).errors
    assert resolved.count("Leaf") == 2 * 2 * 6  # two branches of two leaves, six fields each
    resolved.clear()
    assert not PLAIN.execute_sync(QUERIES[1]).errors
    assert resolved == ["Query"]  # only the resolver; the rest was read directly


DIRECTED = [
    "query($no: Boolean!) { branch { label @skip(if: $no) leaf { name @include(if: $no) } } }",
    "query($no: Boolean!) { branch { leaf { ...F @include(if: $no) size } } } "
    "fragment F on Leaf { name day }",
    "query($no: Boolean!) { branch { leaf { ...F } } } fragment F on Leaf { name @skip(if: $no) }",
    "query($no: Boolean!) { branch { leaf { ... on Leaf @skip(if: $no) { name } size } } }",
]


@pytest.mark.parametrize("query", DIRECTED)
def test_a_document_with_directives_follows_its_variables_request_by_request(query: str) -> None:
    TREE.clear()
    TREE.update(branch=branch())
    for no in (True, False, True, False):
        ordinary = ORDINARY.execute_sync(query, variable_values={"no": no})
        plain = PLAIN.execute_sync(query, variable_values={"no": no})
        assert not plain.errors
        assert plain.data == ordinary.data


def test_a_repeated_document_is_planned_once(monkeypatch: pytest.MonkeyPatch) -> None:
    planned: list[str] = []
    ordinary_plan = PlainValuesExecutionContext._plan

    def counted(self: Any, parent_type: Any, fields: Any) -> Any:
        planned.append(parent_type.name)
        return ordinary_plan(self, parent_type, fields)

    monkeypatch.setattr(PlainValuesExecutionContext, "_plan", counted)
    # As the app's schema does, so the second request is given the very document parsed
    # for the first. An alias no other test uses, so no earlier test planned the document.
    cached = strawberry.Schema(
        query=Query,
        execution_context_class=PlainValuesExecutionContext,
        extensions=[lambda: ParserCache(maxsize=8)],
    )
    query = f"{{ once: branches {{ label leaves {{ {LEAF} }} }} }}"
    TREE.update(branches=[branch(), branch(label="c")])
    first = cached.execute_sync(query)
    assert planned == ["Query", "Branch", "Leaf"]
    TREE.update(branches=[branch(label="d")])
    second = cached.execute_sync(query)
    assert planned == ["Query", "Branch", "Leaf"]  # read with the first request's plans
    assert first.data is not None
    assert second.data is not None
    assert [b["label"] for b in first.data["once"]] == ["b", "c"]
    assert [b["label"] for b in second.data["once"]] == ["d"]
    assert second.data == ORDINARY.execute_sync(query).data
