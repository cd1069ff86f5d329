"""The timeline page query at two sizes of log, in-process and over HTTP, against its floors.

    .venv/bin/python -m benchmarks.bench_timeline_query [--events 10000 1000000]
        [--stores sqlite postgres] [--quick] [--no-http] [--profile] [--no-record]

The page: the newest 50 timeline entries of one council in a 12-month window
(`timeline_page(conn, TimelineFilter(authority=…, effective_from=…, effective_to=…),
first=50)`), over read models populated by the real `TimelineProjection` from a synthetic
15-year log of 13 councils (benchmarks/timeline_data.py; cached, benchmarks/timeline_datasets.py).
For each store and each size, on a throw-away copy of the populated database:

1. the query plans of the page (SQLite EXPLAIN QUERY PLAN, PostgreSQL EXPLAIN ANALYZE): the
   authority index must serve it, with no table scan and no sort of every match;
2. in-process p50/p95 of `timeline_page` and of a GraphQL execution of the same page through
   the app's schema and context getter;
3. over HTTP (the product's app and a bare Litestar JSON endpoint returning the same rows, each
   served by uvicorn with one worker in its own process; wrk from another): p50/p95 at one
   connection, and requests/s at `--connections`.

Targets: p95 at the largest size within 2x of p95 at the smallest (each measure), and GraphQL
requests/s at least 60 % of the bare endpoint's. The figures are printed and appended to
benchmarks/RESULTS.md; the exit status is 1 when a target is missed. `--quick` is a small
smoke run (1,000 and 5,000 events, short runs) that records nothing.
"""

import argparse
import os
import sys

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from benchmarks.report import append_results
from benchmarks.stores import DEFAULT_ADMIN_URL, postgres_problem
from benchmarks.timeline_datasets import Dataset, copy_of, drop_cached
from benchmarks.timeline_http import bench_http, wrk_available
from benchmarks.timeline_queries import (
    explain,
    page_queries,
    profile_graphql,
    time_in_process,
)
from benchmarks.timeline_report import SizeResult, StoreRun, markdown_section, terminal_report
from benchmarks.timeline_stores import prepare, store_version, usable_stores
from projections.timeline import timeline_authorities, timeline_entries
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime

P95_GROWTH_TARGET = 2.0
GRAPHQL_SHARE_TARGET = 0.60
PAGE = 50


def load_average() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def facts_of(runtime: Runtime) -> dict[str, str]:
    with runtime.store.reader.connect() as conn:
        entries, first, last = conn.execute(
            select(
                func.count(),
                func.min(timeline_entries.c.effective_date),
                func.max(timeline_entries.c.effective_date),
            )
        ).one()
        concerned = conn.scalar(select(func.count()).select_from(timeline_authorities))
    return {
        "entries": f"{entries:,}",
        "authority_rows": f"{concerned:,}",
        "span": f"{first} to {last}",
    }


def bench_size(data: Dataset, args: argparse.Namespace) -> SizeResult:
    queries = page_queries(args.queries)
    with copy_of(data, args.pg_url) as settings:
        runtime = open_runtime(settings)
        try:
            facts = facts_of(runtime)
            plans = explain(runtime, queries[0], PAGE)
            timings = time_in_process(runtime, queries, PAGE, args.rounds)
            if args.profile:
                print(f"\n--- cProfile: GraphQL page, {data.store}, {data.events:,} events ---")
                print(profile_graphql(runtime, queries, PAGE))
        finally:
            runtime.close()
        result = SizeResult(data.events, data, facts, plans, timings)
        if args.http:
            result.http = bench_http(
                settings, queries, PAGE, args.rounds, args.duration, args.connections
            )
    return result


def recorded_command(args: argparse.Namespace) -> str:
    """The command line as run, rebuilt from the options so that no password is recorded."""
    parts = ["python -m benchmarks.bench_timeline_query"]
    parts += ["--events", *map(str, args.events), "--stores", *args.stores]
    parts += [f"--queries {args.queries}", f"--rounds {args.rounds}"]
    parts += [f"--duration {args.duration:g}", f"--connections {args.connections}"]
    if not args.http:
        parts.append("--no-http")
    if args.pg_url != DEFAULT_ADMIN_URL:
        parts.append(f"--pg-url {make_url(args.pg_url).render_as_string(hide_password=True)}")
    return " ".join(parts)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, nargs="+", help="sizes (default 10000 1000000)")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--queries", type=int, help="distinct page queries (default 200)")
    parser.add_argument("--rounds", type=int, help="timed passes / HTTP rounds (default 3)")
    parser.add_argument("--duration", type=float, help="seconds per wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections for req/s")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL, help="a database to CREATE from")
    parser.add_argument("--quick", action="store_true", help="a small smoke run; records nothing")
    parser.add_argument("--no-http", dest="http", action="store_false", help="in-process only")
    parser.add_argument("--profile", action="store_true", help="print cProfile of GraphQL pages")
    parser.add_argument("--no-record", action="store_true", help="do not touch RESULTS.md")
    parser.add_argument(
        "--drop-cache", action="store_true", help="delete the cached datasets, then exit"
    )
    args = parser.parse_args(argv)
    args.stores = [s.strip() for item in args.stores for s in item.split(",") if s.strip()]
    quick = args.quick
    args.events = args.events or ([1000, 5000] if quick else [10_000, 1_000_000])
    args.queries = args.queries or (26 if quick else 200)
    args.rounds = args.rounds or (1 if quick else 3)
    args.duration = args.duration or (1.0 if quick else 5.0)
    args.no_record = args.no_record or quick
    if min(args.events) < 100 or args.queries < 1 or args.rounds < 1:
        parser.error("--events must be at least 100, --queries and --rounds at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.drop_cache:
        admin = args.pg_url if postgres_problem(args.pg_url) is None else None
        for dropped in drop_cached(admin):
            print(f"dropped {dropped}")
        return 0
    stores = usable_stores(args.stores, args.pg_url)
    if args.http and not wrk_available():
        if not args.quick:
            raise SystemExit("wrk is needed for the HTTP half (benchmarks/ensure-wrk)")
        print("wrk is unavailable: skipping the HTTP half", file=sys.stderr)
        args.http = False
    sizes = sorted(set(args.events))
    datasets = prepare(stores, sizes, args.pg_url)
    runs = []
    for store in stores:
        run = StoreRun(store, store_version(store, args.pg_url))
        before = load_average()
        for events in sizes:
            print(f"{store}: {events:,} events …", file=sys.stderr)
            run.sizes.append(bench_size(datasets[store, events], args))
        run.notes.append(f"load average (1 min) before/after: {before}/{load_average()}")
        runs.append(run)
    if not runs:
        return 1
    report = terminal_report(runs, P95_GROWTH_TARGET, GRAPHQL_SHARE_TARGET)
    print()
    print(report.text)
    if not args.no_record:
        append_results(
            markdown_section(runs, recorded_command(args), P95_GROWTH_TARGET, GRAPHQL_SHARE_TARGET)
        )
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
