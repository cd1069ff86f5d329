"""Timeline pages in-process against the same SQL through the raw driver, side by side.

    .venv/bin/python -m benchmarks.bench_page_vs_sql [--events 300000]
        [--stores sqlite postgres] [--pages 60] [--rounds 3] [--profile] [--no-record] [--quick]

For each store, on a throw-away copy of the cached timeline dataset (populated by the real
`TimelineProjection`, benchmarks/timeline_datasets.py), and for each shape of page in
`benchmarks.page_vs_sql.SHAPES` (the newest page, a council's year, a kind's year, the page
after a cursor and the page before one): `--pages` distinct pages, each timed `--rounds` times
as the API asks for it (a pooled reader connection, `timeline_page`, the connection given back)
and, in turns with it, the very statements that call ran, captured as executed and replayed on
one open `sqlite3` / `psycopg` (autocommit) connection with every row fetched.

Target: the page's p50 at most 2x the raw statements' p50, for every shape on every store. The
figures are printed and appended to benchmarks/RESULTS.md; the exit status is 1 when a target is
missed. `--quick` (10,000 events, 15 pages, one round) records nothing.
"""

import argparse
import os
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import make_url

from benchmarks.page_vs_sql import SHAPES, Samples, cases, profile_pages, time_side_by_side
from benchmarks.report import append_results, machine_facts
from benchmarks.stores import DEFAULT_ADMIN_URL
from benchmarks.timeline_datasets import Dataset, copy_of
from benchmarks.timeline_stores import prepare, store_version, usable_stores
from projections.database import ReadModelStore
from service.settings import Settings

RATIO_TARGET = 2.0


def median_ms(samples: Sequence[float]) -> float:
    return 1000 * statistics.median(samples)


def percentile_ms(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass(frozen=True)
class ShapeResult:
    shape: str
    statements: int  # per page
    entries: float  # mean entries per page
    samples: Samples

    @property
    def page(self) -> tuple[float, float]:
        return median_ms(self.samples.page), percentile_ms(self.samples.page, 0.95)

    @property
    def raw(self) -> tuple[float, float]:
        return median_ms(self.samples.raw), percentile_ms(self.samples.raw, 0.95)

    @property
    def ratio(self) -> tuple[float, float]:
        (page50, page95), (raw50, raw95) = self.page, self.raw
        return page50 / raw50, page95 / raw95

    @property
    def passed(self) -> bool:
        return self.ratio[0] <= RATIO_TARGET


@dataclass
class StoreRun:
    store: str
    version: str
    results: list[ShapeResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def store_of(settings: Settings) -> ReadModelStore:
    """The read-model store exactly as the service builds it (service/wiring.py)."""
    schema = None if settings.embedded else settings.read_model_schema
    return ReadModelStore(settings.read_model_url(), schema)


def bench_store(data: Dataset, args: argparse.Namespace) -> StoreRun:
    run = StoreRun(data.store, store_version(data.store, args.pg_url))
    before = os.getloadavg()[0]
    with copy_of(data, args.pg_url) as settings:
        store = store_of(settings)
        try:
            for shape in SHAPES:
                print(f"{data.store}: {shape.name} …", file=sys.stderr, flush=True)
                pages = cases(store, shape, args.pages)
                samples = time_side_by_side(store, pages, args.rounds)
                run.results.append(
                    ShapeResult(
                        shape.name,
                        len(pages[0].statements),
                        statistics.fmean(case.entries for case in pages),
                        samples,
                    )
                )
                if args.profile:
                    print(f"\n--- cProfile: {data.store}, {shape.name} ---")
                    print(profile_pages(store, pages))
        finally:
            store.dispose()
    run.notes.append(f"load average (1 min) before/after: {before:.2f}/{os.getloadavg()[0]:.2f}")
    return run


def table(runs: list[StoreRun]) -> list[str]:
    out = [
        "| store | page | statements | entries | page p50 | page p95 | raw p50 | raw p95 "
        "| page - raw p50 | p50 ratio | p95 ratio | target | result |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        for r in run.results:
            (page50, page95), (raw50, raw95), (ratio50, ratio95) = r.page, r.raw, r.ratio
            out.append(
                f"| {run.store} | {r.shape} | {r.statements} | {r.entries:.0f} "
                f"| {page50:.2f} | {page95:.2f} | {raw50:.2f} | {raw95:.2f} | {page50 - raw50:.2f} "
                f"| {ratio50:.2f}x | {ratio95:.2f}x | ≤ {RATIO_TARGET:g}x "
                f"| {'PASS' if r.passed else 'FAIL'} |"
            )
    return out


def section(runs: list[StoreRun], args: argparse.Namespace) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"## {stamp}: bench_page_vs_sql", "", f"`{recorded_command(args)}`", ""]
    out += [f"- {fact}" for fact in machine_facts()]
    out += [f"- {run.store}: {run.version}" for run in runs]
    out += [
        f"- {args.events:,} events; {args.pages} pages of each shape, {args.rounds} timed "
        "rounds after one warm-up; times in ms",
        "",
        *table(runs),
        "",
    ]
    out += [f"- {run.store}: {note}" for run in runs for note in run.notes]
    return "\n".join(out) + "\n"


def recorded_command(args: argparse.Namespace) -> str:
    parts = ["python -m benchmarks.bench_page_vs_sql", f"--events {args.events}"]
    parts += ["--stores", *args.stores, f"--pages {args.pages}", f"--rounds {args.rounds}"]
    if args.pg_url != DEFAULT_ADMIN_URL:
        parts.append(f"--pg-url {make_url(args.pg_url).render_as_string(hide_password=True)}")
    return " ".join(parts)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, help="size of the log (default 300000)")
    parser.add_argument("--stores", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--pages", type=int, help="distinct pages of each shape (default 60)")
    parser.add_argument("--rounds", type=int, help="timed passes over them (default 3)")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL, help="a database to CREATE from")
    parser.add_argument("--profile", action="store_true", help="print cProfile of the pages")
    parser.add_argument("--quick", action="store_true", help="a small smoke run; records nothing")
    parser.add_argument("--no-record", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    args.stores = [s.strip() for item in args.stores for s in item.split(",") if s.strip()]
    args.events = args.events or (10_000 if args.quick else 300_000)
    args.pages = args.pages or (15 if args.quick else 60)
    args.rounds = args.rounds or (1 if args.quick else 3)
    args.no_record = args.no_record or args.quick
    if args.events < 1000 or args.pages < 1 or args.rounds < 1:
        parser.error("--events must be at least 1000, --pages and --rounds at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    stores = usable_stores(args.stores, args.pg_url)
    datasets = prepare(stores, [args.events], args.pg_url)
    runs = [bench_store(datasets[store, args.events], args) for store in stores]
    if not runs:
        return 1
    report = "\n".join(table(runs))
    print()
    print(report)
    for run in runs:
        for note in run.notes:
            print(f"{run.store}: {note}")
    if not args.no_record:
        append_results(section(runs, args))
    return 0 if all(r.passed for run in runs for r in run.results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
