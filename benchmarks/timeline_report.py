"""Figures of one bench_timeline_query run: tables for the terminal and RESULTS.md."""

import re
import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from benchmarks.report import machine_facts
from benchmarks.timeline_datasets import Dataset
from benchmarks.timeline_http import HttpResult
from benchmarks.timeline_queries import Plan, Timings, median_ms, percentile_ms

AUTHORITY_INDEX = "ix_timeline_authorities_by_authority"


@dataclass
class SizeResult:
    events: int
    data: Dataset
    facts: dict[str, str]
    plans: list[Plan]
    timings: Timings
    http: HttpResult | None = None


@dataclass
class StoreRun:
    store: str
    version: str = ""
    sizes: list[SizeResult] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    text: str
    failed: bool


Percentiles = tuple[float, float] | None


def _direct(s: SizeResult) -> Percentiles:
    samples = s.timings.direct
    return median_ms(samples), percentile_ms(samples, 0.95)


def _graphql(s: SizeResult) -> Percentiles:
    samples = s.timings.graphql
    return median_ms(samples), percentile_ms(samples, 0.95)


def _http(kind: str) -> Callable[[SizeResult], Percentiles]:
    def figures(s: SizeResult) -> Percentiles:
        if s.http is None:
            return None
        load = s.http.latency[kind]
        return load.p50_ms, load.p95_ms

    return figures


MEASURES: list[tuple[str, Callable[[SizeResult], Percentiles]]] = [
    ("in-process `timeline_page`", _direct),
    ("in-process GraphQL `schema.execute`", _graphql),
    ("HTTP GraphQL POST, 1 connection", _http("graphql")),
    ("HTTP bare JSON GET, 1 connection", _http("bare")),
]


def size_label(events: int) -> str:
    if events % 1_000_000 == 0:
        return f"{events // 1_000_000}M"
    if events % 1000 == 0:
        return f"{events // 1000}k"
    return f"{events:,}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def latency_table(runs: list[StoreRun], growth_target: float) -> tuple[list[str], bool]:
    sizes = [size_label(s.events) for s in runs[0].sizes]
    head = ["store", "measure"] + [f"{n} {p}" for n in sizes for p in ("p50", "p95")]
    head += ["p95 growth", "target", "result"]
    out = ["| " + " | ".join(head) + " |", "|---|---|" + "---:|" * (len(head) - 3) + "---|"]
    failed = False
    for run in runs:
        for name, measure in MEASURES:
            figures = [measure(s) for s in run.sizes]
            if any(f is None for f in figures):
                continue
            cells = [f"{value:.2f}" for f in figures if f for value in f]
            growth, verdict, target = "-", "info", "-"
            first, last = figures[0], figures[-1]
            if len(figures) > 1 and first and last:
                ratio = last[1] / first[1]
                growth, target = f"{ratio:.2f}x", f"≤ {growth_target:g}x"
                verdict = _verdict(ratio <= growth_target)
                failed |= verdict == "FAIL"
            out.append(
                f"| {run.store} | {name} | " + " | ".join([*cells, growth, target, verdict]) + " |"
            )
    return out, failed


def throughput_table(runs: list[StoreRun], share_target: float) -> tuple[list[str], bool]:
    out = [
        "| store | events | GraphQL req/s | bare req/s | GraphQL / bare | target | result "
        "| GraphQL p50/p95 ms | bare p50/p95 ms |",
        "|---|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    failed = False
    for run in runs:
        for s in run.sizes:
            if s.http is None:
                continue
            ours, bare = s.http.throughput["graphql"], s.http.throughput["bare"]
            share = ours.rate / bare.rate
            verdict = _verdict(share >= share_target)
            failed |= verdict == "FAIL"
            out.append(
                f"| {run.store} | {size_label(s.events)} | {ours.rate:,.0f} | {bare.rate:,.0f} "
                f"| {share:.0%} | ≥ {share_target:.0%} | {verdict} "
                f"| {ours.p50_ms:.1f}/{ours.p95_ms:.1f} | {bare.p50_ms:.1f}/{bare.p95_ms:.1f} |"
            )
    return out, failed


_SQLITE_STEP = re.compile(r"^(SEARCH|SCAN|USE|CO-ROUTINE|MATERIALIZE|MULTI-INDEX)")


def compact_plan(plan: Plan) -> str:
    """One line: the plan's steps, with PostgreSQL's actual rows, without costs and details."""
    steps = []
    for number, line in enumerate(plan.lines):
        text = line.strip()
        step = number == 0 or text.startswith("->") or _SQLITE_STEP.match(text)
        if not step:
            continue  # PostgreSQL's detail lines: conditions, buffers, timings
        text = text.removeprefix("->").strip()
        text = re.sub(r"\s*\(cost=[^)]*\)", "", text)
        actual = re.search(r"\s*\(actual [^)]*rows=(\d+) loops=(\d+)\)", text)
        if actual:
            rows, loops = actual.groups()
            count = f"{rows} rows" + (f" x {loops} loops" if loops != "1" else "")
            text = f"{text[: actual.start()]} [{count}]"
        steps.append(text)
    return " → ".join(steps)


def plan_lines(runs: list[StoreRun]) -> tuple[list[str], bool]:
    out = []
    failed = False
    for run in runs:
        for s in run.sizes:
            if not s.plans:
                continue
            page, *others = s.plans
            ok = AUTHORITY_INDEX in " ".join(page.lines) and all(p.index_backed for p in s.plans)
            failed |= not ok
            verdict = (
                "index-backed"
                if ok
                else "NOT index-backed: " + "; ".join(scan for p in s.plans for scan in p.scans)
            )
            out.append(f"- {run.store}, {size_label(s.events)}: **{verdict}**")
            out.append(f"  - page: `{compact_plan(page)}`")
            out += [f"  - authorities of the page: `{compact_plan(p)}`" for p in others]
    return out, failed


def _notes(runs: list[StoreRun]) -> list[str]:
    out = []
    for run in runs:
        for s in run.sizes:
            built = (
                "from the cache"
                if s.data.built_seconds is None
                else f"built in {s.data.built_seconds:.0f} s"
            )
            rows = s.timings.rows
            full = sum(1 for r in rows if r == 50) / len(rows) if rows else 0
            out.append(
                f"- {run.store}, {size_label(s.events)}: {s.facts['entries']} timeline entries, "
                f"{s.facts['authority_rows']} authority rows, effective {s.facts['span']} "
                f"({built}); rows per page mean {statistics.fmean(rows):.1f}, "
                f"{full:.0%} of pages full"
            )
            if s.http is not None:
                errors = sum(load.errors for load in s.http.latency.values())
                errors += sum(load.errors for load in s.http.throughput.values())
                if errors:
                    out.append(f"- {run.store}, {size_label(s.events)}: wrk errors {errors}")
        out += [f"- {run.store}: {note}" for note in run.notes]
    return out


def tables(runs: list[StoreRun], growth_target: float, share_target: float) -> Report:
    latency, slow = latency_table(runs, growth_target)
    throughput, behind = throughput_table(runs, share_target)
    plans, scanning = plan_lines(runs)
    out = ["Latency, ms (p95 growth: largest size over smallest)", "", *latency, ""]
    if len(throughput) > 2:
        out += ["Requests/s over HTTP (same connections for both)", "", *throughput, ""]
    out += ["Query plans (first query of the set)", "", *plans, "", *_notes(runs)]
    return Report("\n".join(out) + "\n", slow or behind or scanning)


def terminal_report(runs: list[StoreRun], growth_target: float, share_target: float) -> Report:
    return tables(runs, growth_target, share_target)


def markdown_section(
    runs: list[StoreRun], command: str, growth_target: float, share_target: float
) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"## {stamp}: bench_timeline_query", "", f"`{command}`", ""]
    out += [f"- {fact}" for fact in machine_facts()]
    out += [f"- {run.store}: {run.version}" for run in runs]
    out.append("")
    return "\n".join(out) + "\n" + tables(runs, growth_target, share_target).text
