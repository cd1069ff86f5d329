"""What read-your-writes adds to a mutation, measured beside the bare command in one run.

Three sides run the same commands (award, then extend, novate, vary, extend) on the same
runtime, each on contracts of its own, taking turns command by command so that all three meet
the same machine load:

- the bare command: it returns once the event is saved; then, untimed, the read models are
  brought up to it, so that the next side starts from read models at the head as a mutation
  does;
- with read-your-writes: the command, then `runtime.seen(result)`, which is what every GraphQL
  mutation does before it answers;
- with the batch catch-up: the command, then `runner.advance(until=...)`, the general path
  (read the positions, read the events back from the log), for comparison.

Every timed `seen` is checked: afterwards each read model stands at or past the command's
position, so what is timed is a change visible to the next query.
"""

import time
from dataclasses import dataclass, field

from benchmarks.workload import our_workload
from partnership.application import CommandResult
from projections.inline import HeldConnection, RecentlyRecorded
from projections.runtime import Runtime

# Overhead the read-your-writes side may add at p95 over the bare command.
OVERHEAD_TARGET_MS = 5.0

BARE = "bare command"
INLINE = "command + read-your-writes"
BATCH = "command + batch catch-up"


@dataclass
class Latencies:
    seconds: dict[str, list[float]] = field(
        default_factory=lambda: {BARE: [], INLINE: [], BATCH: []}
    )
    # How many `seen` calls the inline path settled without falling back to the batch path.
    inline_settled: int = 0
    inline_calls: int = 0

    def percentile_ms(self, side: str, fraction: float) -> float:
        ordered = sorted(self.seconds[side])
        return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def overhead_p95_ms(self) -> float:
        return self.percentile_ms(INLINE, 0.95) - self.percentile_ms(BARE, 0.95)

    @property
    def verdict(self) -> str:
        return "PASS" if self.overhead_p95_ms <= OVERHEAD_TARGET_MS else "FAIL"


def measure(runtime: Runtime, contracts: int) -> Latencies:
    found = Latencies()
    runner = runtime.runner
    runner.catch_up()
    project_recorded = runner.project_recorded
    timing: list[str] = []

    def counted(recorded: RecentlyRecorded, until: int, held: HeldConnection | None = None) -> bool:
        settled = project_recorded(recorded, until, held)
        if timing == [INLINE]:
            found.inline_calls += 1
            found.inline_settled += settled
        return settled

    def batch(result: CommandResult) -> CommandResult:
        stalled = runner.advance(until=result.position).stalled
        if stalled:
            raise AssertionError("; ".join(stall.describe() for stall in stalled))
        return result

    workloads = {
        BARE: our_workload(runtime.app, "ryw-bare", contracts),
        INLINE: our_workload(runtime.app, "ryw-inline", contracts, runtime.seen),
        BATCH: our_workload(runtime.app, "ryw-batch", contracts, batch),
    }
    runner.project_recorded = counted  # type: ignore[method-assign]
    try:
        for steps in zip(*([w.create, *w.changes] for w in workloads.values()), strict=True):
            sides = list(zip(workloads, steps, strict=True))
            for i in range(contracts):
                turn = i % len(sides)  # whoever goes first meets the others' leftovers
                for side, step in sides[turn:] + sides[:turn]:
                    timing[:] = [side]
                    before = time.perf_counter()
                    result = step(i)
                    found.seconds[side].append(time.perf_counter() - before)
                    timing.clear()
                    if not isinstance(result, CommandResult):
                        raise TypeError(f"{side} answered {result!r}")
                    if side == BARE:
                        runtime.seen(result)  # untimed: the next side starts at the head
                    _check_visible(runtime, result)
    finally:
        del runner.project_recorded
    return found


def _check_visible(runtime: Runtime, result: CommandResult) -> None:
    lowest = min(runtime.runner.positions().values())
    if lowest < result.position:
        raise AssertionError(f"a read model is at {lowest}, the change at {result.position}")


def table_rows(store: str, found: Latencies) -> list[tuple[str, ...]]:
    bare50, bare95 = found.percentile_ms(BARE, 0.5), found.percentile_ms(BARE, 0.95)
    rows: list[tuple[str, ...]] = []
    for side in (INLINE, BATCH):
        p50, p95 = found.percentile_ms(side, 0.5), found.percentile_ms(side, 0.95)
        rows.append(
            (
                store,
                side,
                f"{bare50:.2f} / {bare95:.2f}",
                f"{p50:.2f} / {p95:.2f}",
                f"+{p50 - bare50:.2f} / +{p95 - bare95:.2f}",
                f"{p50 / bare50:.2f} / {p95 / bare95:.2f}",
                f"≤ +{OVERHEAD_TARGET_MS:.0f} at p95" if side == INLINE else "-",
                found.verdict if side == INLINE else "info",
            )
        )
    return rows


HEAD = (
    "store",
    "measure",
    "bare p50 / p95 ms",
    "with p50 / p95 ms",
    "overhead p50 / p95 ms",
    "ratio p50 / p95",
    "target",
    "result",
)


def markdown(measured: list[tuple[str, Latencies]]) -> str:
    out = [
        "",
        f"Read-your-writes, {len(next(iter(measured))[1].seconds[BARE])} commands per side, "
        "taking turns command by command (see `benchmarks/read_your_writes.py`):",
        "",
        "| " + " | ".join(HEAD) + " |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for store, found in measured:
        out += ["| " + " | ".join(row) + " |" for row in table_rows(store, found)]
    out.append("")
    for store, found in measured:
        out.append(
            f"- {store}: the inline path settled {found.inline_settled} of "
            f"{found.inline_calls} timed read-your-writes catch-ups; the rest fell back to "
            "the batch catch-up"
        )
    return "\n".join(out) + "\n"
