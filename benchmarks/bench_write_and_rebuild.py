"""Write throughput, read-your-writes latency and rebuild throughput, each against its floor.

    .venv/bin/python -m benchmarks.bench_write_and_rebuild [--events N] [--stores sqlite,postgres]
        [--measures writes,read-your-writes,rebuild]

For each store, in one run and on the same store:

1. events/s appended through our commands (`PartnershipApplication`: award, then extend,
   novate, vary, extend; each command one load and one save) against a bare eventsourcing
   `Application` doing the same shape of work with a trivial aggregate whose stored events are
   as large as ours. Target: ours >= 50 % of bare.
2. latency of a mutation that answers only once its change is readable (`runtime.seen`)
   against the bare command, side by side in the same run (benchmarks/read_your_writes.py).
   Target: at most 5 ms more at p95.
3. events/s of `runner.rebuild()` (every projection, batched) against raw SQLAlchemy
   executemany inserts of the very rows that rebuild produced. Target: >= 25 % of raw.

Each throughput measurement is warmed up once, then the median of `--repeats` runs is kept.
The figures are printed and appended to benchmarks/RESULTS.md.
"""

import argparse
import cProfile
import os
import pstats
import statistics
import sys
from collections.abc import Callable, Collection, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy.engine import make_url

from benchmarks import read_your_writes
from benchmarks.read_your_writes import Latencies
from benchmarks.rebuild import (
    count_events,
    read_model_tables,
    rows_of,
    time_raw_inserts,
    time_rebuild,
)
from benchmarks.report import (
    Comparison,
    StoreResult,
    append_results,
    machine_facts,
    markdown_section,
    table,
)
from benchmarks.stores import (
    DEFAULT_ADMIN_URL,
    Target,
    postgres_problem,
    postgres_target,
    sqlite_target,
)
from benchmarks.workload import (
    EVENTS_PER_AGGREGATE,
    BareApplication,
    WriteRun,
    bare_payload_sizes,
    bare_workload,
    notes_matching,
    our_payload_sizes,
    our_workload,
    run_alone,
    run_interleaved,
)
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime

WRITE_TARGET = 0.50
REBUILD_TARGET = 0.25
WARM_UP_AGGREGATES = 20
READ_YOUR_WRITES_CONTRACTS = 100


def load_average() -> str:
    # Other work on a shared machine moves these figures; the load says how much there was.
    return f"{os.getloadavg()[0]:.2f}"


def median_rate(
    runs: list[WriteRun], events: Callable[[WriteRun], int], seconds: Callable[[WriteRun], float]
) -> float:
    return statistics.median(events(run) / seconds(run) for run in runs)


def percentile_ms(runs: list[WriteRun], fraction: float) -> float:
    latencies = sorted(latency for run in runs for latency in run.latencies)
    return 1000 * latencies[min(len(latencies) - 1, int(fraction * len(latencies)))]


def compare_writes(ours: list[WriteRun], bare: list[WriteRun]) -> list[Comparison]:
    shapes: list[tuple[str, Callable[[WriteRun], int], Callable[[WriteRun], float]]] = [
        ("write: create-only", lambda r: r.create_events, lambda r: r.create_seconds),
        ("write: load+change+save", lambda r: r.change_events, lambda r: r.change_seconds),
        ("write: whole workload (1:4)", lambda r: r.events, lambda r: r.seconds),
    ]
    return [
        Comparison(name, median_rate(ours, ev, s), median_rate(bare, ev, s), WRITE_TARGET)
        for name, ev, s in shapes
    ]


def bench_writes(
    runtime: Runtime, bare: BareApplication, contracts: int, repeats: int, result: StoreResult
) -> None:
    run_alone(our_workload(runtime.app, "warm", WARM_UP_AGGREGATES))
    ours_sizes = our_payload_sizes(runtime.app)
    notes = notes_matching(bare, ours_sizes)
    run_alone(bare_workload(bare, WARM_UP_AGGREGATES, notes))
    bare_sizes = bare_payload_sizes(bare)
    ours: list[WriteRun] = []
    baseline: list[WriteRun] = []
    for repeat in range(repeats):
        ours_run, bare_run = run_interleaved(
            our_workload(runtime.app, f"r{repeat}", contracts),
            bare_workload(bare, contracts, notes),
        )
        ours.append(ours_run)
        baseline.append(bare_run)
        print(f"  write run {repeat + 1}/{repeats} done", file=sys.stderr)
    result.comparisons += compare_writes(ours, baseline)
    result.notes += [
        f"mean stored event size, ours/bare: created {ours_sizes.created:.0f}/"
        f"{bare_sizes.created:.0f} B, changed {ours_sizes.changed:.0f}/"
        f"{bare_sizes.changed:.0f} B",
        f"command latency p50/p95, ours {percentile_ms(ours, 0.5):.2f}/"
        f"{percentile_ms(ours, 0.95):.2f} ms, bare {percentile_ms(baseline, 0.5):.2f}/"
        f"{percentile_ms(baseline, 0.95):.2f} ms",
    ]


def bench_rebuild(runtime: Runtime, target: Target, repeats: int, result: StoreResult) -> None:
    runner = runtime.runner
    time_rebuild(runner)  # the warm-up, which also yields the rows to copy
    events = result.log_events = count_events(runtime.app)
    rows = rows_of(runtime.store, read_model_tables(runner))
    rebuilds: list[float] = []
    raws: list[float] = []
    raw_store = target.raw_store()
    try:
        time_raw_inserts(raw_store, rows, runner.batch_size)
        for _ in range(repeats):
            # Alternated, like the writes, so that both sides meet the same machine load.
            rebuilds.append(time_rebuild(runner))
            raws.append(time_raw_inserts(raw_store, rows, runner.batch_size))
    finally:
        raw_store.dispose()
    rebuild_seconds = statistics.median(rebuilds)
    raw_seconds = statistics.median(raws)
    result.comparisons.append(
        Comparison(
            f"rebuild ({len(runner.projections)} projections) vs raw inserts",
            events / rebuild_seconds,
            events / raw_seconds,
            REBUILD_TARGET,
        )
    )
    row_counts = ", ".join(
        f"{table.name} {len(table_rows):,}" for table, table_rows in rows.items()
    )
    result.notes.append(
        f"rebuild {rebuild_seconds:.2f} s, raw inserts {raw_seconds:.2f} s "
        f"(batch {runner.batch_size}; rows: {row_counts})"
    )


def profile(runtime: Runtime, contracts: int) -> None:
    """Where the time goes: one more write run and one more rebuild, under cProfile."""
    for title, work in (
        ("write run", lambda: run_alone(our_workload(runtime.app, "profile", contracts))),
        ("rebuild", lambda: time_rebuild(runtime.runner)),
    ):
        profiler = cProfile.Profile()
        profiler.runcall(work)
        print(f"\n--- cProfile: {title} (top 25 by internal time) ---")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(25)
        print(f"--- cProfile: {title} (top 25 by cumulative time) ---")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)


MEASURES = ("writes", "read-your-writes", "rebuild")


def bench_store(
    target: Target, events: int, repeats: int, measures: Collection[str], with_profile: bool
) -> tuple[StoreResult, Latencies | None]:
    contracts = max(1, events // (EVENTS_PER_AGGREGATE * repeats))
    result = StoreResult(
        target.name, target.version, contracts * EVENTS_PER_AGGREGATE * repeats, repeats
    )
    print(f"{target.name}: {target.version}, {result.events_written:,} events", file=sys.stderr)
    load_before = load_average()
    runtime = open_runtime(target.settings)
    latencies = None
    try:
        if "writes" in measures:
            bare = BareApplication(env=target.bare_env)
            try:
                bench_writes(runtime, bare, contracts, repeats, result)
            finally:
                bare.close()
        if "read-your-writes" in measures:
            latencies = read_your_writes.measure(runtime, READ_YOUR_WRITES_CONTRACTS)
        if "rebuild" in measures:
            bench_rebuild(runtime, target, repeats, result)
        if with_profile:
            profile(runtime, contracts)
    finally:
        runtime.close()
    result.notes.append(f"load average (1 min) before/after: {load_before}/{load_average()}")
    return result, latencies


def targets(
    stores: list[str], admin_url: str
) -> Iterator[Callable[[], AbstractContextManager[Target]]]:
    for store in stores:
        if store == "sqlite":
            yield sqlite_target
        elif store == "postgres":
            problem = postgres_problem(admin_url)
            if problem is None:
                yield lambda: postgres_target(admin_url)
            elif stores == ["postgres"]:
                raise SystemExit(f"PostgreSQL is unreachable at {admin_url}: {problem}")
            else:
                print(f"PostgreSQL is unreachable ({problem}); skipping it.", file=sys.stderr)
        else:
            raise SystemExit(f"unknown store {store!r}: choose from sqlite, postgres")


def latency_section(results: list[StoreResult], command: str) -> str:
    """The head of a section for a run that measured no throughput, only latencies."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"## {stamp}: bench_write_and_rebuild", "", f"`{command}`", ""]
    out += [f"- {fact}" for fact in machine_facts()]
    out += [f"- {result.store}: {result.version}" for result in results]
    out += [f"- {result.store}: {note}" for result in results for note in result.notes]
    return "\n".join(out) + "\n"


def recorded_command(args: argparse.Namespace) -> str:
    """The command line as run, rebuilt from the options so that no password is recorded."""
    parts = ["python -m benchmarks.bench_write_and_rebuild", f"--events {args.events}"]
    parts += [f"--stores {args.stores}", f"--repeats {args.repeats}"]
    if args.measures != ",".join(MEASURES):
        parts.append(f"--measures {args.measures}")
    if args.pg_url != DEFAULT_ADMIN_URL:
        parts.append(f"--pg-url {make_url(args.pg_url).render_as_string(hide_password=True)}")
    return " ".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument(
        "--events", type=int, default=5000, help="events each side writes (over all repeats)"
    )
    parser.add_argument("--stores", default="sqlite,postgres", help="comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per measure")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL, help="a database to CREATE from")
    parser.add_argument(
        "--measures", default=",".join(MEASURES), help=f"comma-separated, of {', '.join(MEASURES)}"
    )
    parser.add_argument("--profile", action="store_true", help="print cProfile summaries")
    parser.add_argument("--no-record", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    if args.repeats < 1 or args.events < EVENTS_PER_AGGREGATE * args.repeats:
        parser.error(
            f"--repeats must be at least 1 and --events at least {EVENTS_PER_AGGREGATE} per repeat"
        )
    stores = [s.strip() for s in args.stores.split(",") if s.strip()]
    measures = {m.strip() for m in args.measures.split(",") if m.strip()}
    if not measures or not measures <= set(MEASURES):
        parser.error(f"--measures: choose from {', '.join(MEASURES)}")
    results: list[StoreResult] = []
    measured: list[tuple[str, Latencies]] = []
    for make_target in targets(stores, args.pg_url):
        with make_target() as target:
            result, latencies = bench_store(
                target, args.events, args.repeats, measures, args.profile
            )
            results.append(result)
            if latencies is not None:
                measured.append((result.store, latencies))
    if not results:
        return 1
    print()
    if any(result.comparisons for result in results):
        print(table(results))
    ryw = read_your_writes.markdown(measured) if measured else ""
    print(ryw)
    for result in results:
        for note in result.notes:
            print(f"{result.store}: {note}")
    if not args.no_record:
        if any(result.comparisons for result in results):
            section = markdown_section(results, recorded_command(args))
        else:
            section = latency_section(results, recorded_command(args))
        append_results(section + ryw)
    verdicts = [c.verdict for r in results for c in r.comparisons]
    verdicts += [found.verdict for _, found in measured]
    return 1 if "FAIL" in verdicts else 0


if __name__ == "__main__":
    raise SystemExit(main())
