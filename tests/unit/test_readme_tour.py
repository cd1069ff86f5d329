"""The README's tour is what users paste into GraphiQL: it must stay valid and in step."""

import re
from pathlib import Path

from graphql import parse, validate
from partnership_graphql.schema import build_schema

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```graphql\n(.*?)```", README, flags=re.DOTALL)


def test_every_tour_block_is_valid_against_the_schema() -> None:
    schema = build_schema()._schema
    assert len(BLOCKS) >= 5
    for block in BLOCKS:
        assert validate(schema, parse(block)) == [], block


def test_the_tour_queries_are_the_tested_operation_files() -> None:
    for path in sorted((ROOT / "graphql" / "operations").rglob("*.graphql")):
        body = "\n".join(
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith("#")
        )
        assert body.strip() + "\n" in BLOCKS, f"{path.name} is not in the README tour"
