"""graphql/schema.graphql is what the code serves."""

from partnership_graphql.schema import SDL_PATH, schema_sdl


def test_exported_schema_is_current() -> None:
    assert SDL_PATH.read_text(encoding="utf-8") == schema_sdl(), (
        "graphql/schema.graphql is stale: run `partnership export-schema`"
    )
