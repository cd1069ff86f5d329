"""What the GraphQL timeline page costs beyond the query: a probe behind RESULTS.md's findings.

    .venv/bin/python -m benchmarks.timeline_graphql_costs [--events 10000] [--queries 100]

In-process, on the cached SQLite dataset, the same page queries through: the bare endpoint's
body (`page_json`: `timeline_page` and the JSON-ready dicts), the app's schema as built, and
variants of the same root types: parse and validation cached (strawberry's ParserCache and
ValidationCache, with the depth and alias rules built once so that the cache can hit, and no
per-request cost rule), no extensions at all, and the cached variant asked for fewer fields.
Each variant runs every query in turn, interleaved, after a warm-up pass; medians are printed
with the bare body's share of each (the in-process analogue of the HTTP requests/s ratio).
Nothing is recorded.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    ParserCache,
    ValidationCache,
    max_aliases,
    query_depth_limiter,
)
from strawberry.tools import merge_types

from benchmarks.timeline_bare_app import page_json
from benchmarks.timeline_datasets import sqlite_copy, sqlite_dataset
from benchmarks.timeline_queries import GRAPHQL_QUERY, app_context_getter, page_queries
from graphql import ASTValidationRule
from partnership_graphql import schema as app_schema
from partnership_graphql.errors import should_mask_error
from service.wiring import open_runtime

FEW_FIELDS = GRAPHQL_QUERY.replace(
    """        position effectiveDate recordedAt kind summary subject subjectType partnership body
        project contractReference authorities recordedBy recordedByAuthority source""",
    "        position effectiveDate kind summary subject authorities",
)


def variant(extensions: list[Callable[[], Any]]) -> strawberry.Schema:
    return strawberry.Schema(
        query=merge_types("Query", app_schema.QUERY_TYPES),
        mutation=merge_types("Mutation", app_schema.MUTATION_TYPES),
        extensions=extensions,
    )


def cached_schema() -> strawberry.Schema:
    # Built once: a rule class made per request never hits ValidationCache (the key holds it).
    rules: list[type[ASTValidationRule]] = [
        query_depth_limiter.create_validator(app_schema.MAX_QUERY_DEPTH, None, None),
        max_aliases.create_validator(app_schema.MAX_ALIASES),
    ]
    return variant(
        [
            lambda: ParserCache(maxsize=256),
            lambda: ValidationCache(maxsize=256),
            lambda: AddValidationRules(rules),
            lambda: MaskErrors(should_mask_error=should_mask_error),
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    queries = page_queries(args.queries)
    cached = cached_schema()
    schemas = {
        "app schema as built (build_schema())": (app_schema.build_schema(), GRAPHQL_QUERY),
        "parse + validation cached": (cached, GRAPHQL_QUERY),
        "no extensions": (variant([]), GRAPHQL_QUERY),
        "cached, 6 of the 16 entry fields": (cached, FEW_FIELDS),
    }
    with sqlite_copy(sqlite_dataset(args.events)) as settings:
        runtime = open_runtime(settings)
        try:
            getter = app_context_getter(runtime)
            times: dict[str, list[float]] = {"bare endpoint body (page_json)": []}
            times.update({name: [] for name in schemas})

            async def run() -> None:
                for number in range(args.rounds + 1):
                    for query in queries:
                        started = time.perf_counter()
                        page_json(runtime.store, query.filters, 50)
                        if number:
                            times["bare endpoint body (page_json)"].append(
                                time.perf_counter() - started
                            )
                        variables = {
                            "authority": query.authority,
                            "from": query.effective_from.isoformat(),
                            "to": query.effective_to.isoformat(),
                        }
                        for name, (schema, text) in schemas.items():
                            started = time.perf_counter()
                            result = await schema.execute(
                                text.replace("FIRST", "50"),
                                variable_values=variables,
                                context_value=await getter(),
                            )
                            if result.errors:
                                raise RuntimeError(result.errors)
                            if number:
                                times[name].append(time.perf_counter() - started)

            asyncio.run(run())
        finally:
            runtime.close()
    floor = statistics.median(times["bare endpoint body (page_json)"])
    print(f"{'in-process, 50-row page':45} {'p50 ms':>8} {'bare / this':>12}")
    for name, samples in times.items():
        median = statistics.median(samples)
        print(f"{name:45} {1000 * median:8.2f} {floor / median:12.0%}")


if __name__ == "__main__":
    main()
