"""The repository's graphql/ directory must never shadow graphql-core (strawberry needs it)."""

from pathlib import Path


def test_graphql_resolves_to_graphql_core() -> None:
    import graphql
    from graphql import GraphQLSchema

    assert GraphQLSchema.__module__.startswith("graphql.type")
    assert "site-packages" in str(Path(graphql.__file__ or "").resolve())


def test_the_source_root_has_no_init_file() -> None:
    root = Path(__file__).resolve().parents[2]
    assert not (root / "graphql" / "__init__.py").exists()
