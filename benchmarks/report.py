"""Figures of one benchmark run: the table on the terminal and the section in RESULTS.md."""

import os
import platform
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")
HEADER = (
    "# Benchmark results\n\n"
    "Each run appends a dated section below; earlier runs stay for comparison.\n"
)


@dataclass(frozen=True)
class Comparison:
    """Our rate against its baseline's, in events per second."""

    measure: str
    ours: float
    baseline: float
    target: float | None = None  # the lowest acceptable ours/baseline ratio

    @property
    def ratio(self) -> float:
        return self.ours / self.baseline if self.baseline else float("nan")

    @property
    def verdict(self) -> str:
        if self.target is None:
            return "info"
        return "PASS" if self.ratio >= self.target else "FAIL"


@dataclass
class StoreResult:
    store: str
    version: str
    events_written: int  # by each side, over all repeats
    repeats: int
    log_events: int = 0
    comparisons: list[Comparison] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def machine_facts() -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("eventsourcing", "SQLAlchemy", "psycopg")
    )
    return [
        f"code: {_code_version()}",
        f"nproc {os.cpu_count()}, {cpu}, {platform.system()} {platform.release()}",
        f"Python {platform.python_version()} ({sys.implementation.name})",
        packages,
    ]


def _code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"commit {head}" + (" with uncommitted changes" if dirty else "")


def _rate(value: float) -> str:
    return f"{value:,.0f}"


def table(results: list[StoreResult]) -> str:
    head = ("store", "measure", "ours ev/s", "baseline ev/s", "ratio", "target", "result")
    rows = [
        (
            result.store,
            c.measure,
            _rate(c.ours),
            _rate(c.baseline),
            f"{c.ratio:.0%}",
            "-" if c.target is None else f">= {c.target:.0%}",
            c.verdict,
        )
        for result in results
        for c in result.comparisons
    ]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(head), "  ".join("-" * w for w in widths), *map(line, rows)])


def markdown_section(results: list[StoreResult], command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"## {stamp}: bench_write_and_rebuild", "", f"`{command}`", ""]
    out += [f"- {fact}" for fact in machine_facts()]
    for result in results:
        out += [
            f"- {result.store}: {result.version}; each side wrote {result.events_written:,} "
            f"events in {result.repeats} timed runs (medians shown); the rebuild replays "
            f"{result.log_events:,} events",
        ]
    out += [
        "",
        "| store | measure | ours ev/s | baseline ev/s | ratio | target | result |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for result in results:
        for c in result.comparisons:
            target = "-" if c.target is None else f"≥ {c.target:.0%}"
            out.append(
                f"| {result.store} | {c.measure} | {_rate(c.ours)} | {_rate(c.baseline)} "
                f"| {c.ratio:.0%} | {target} | {c.verdict} |"
            )
    notes = [f"- {result.store}: {note}" for result in results for note in result.notes]
    if notes:
        out += ["", *notes]
    return "\n".join(out) + "\n"


def append_results(section: str, path: Path = RESULTS) -> None:
    existing = path.read_text() if path.exists() else HEADER
    path.write_text(existing.rstrip("\n") + "\n\n" + section)
