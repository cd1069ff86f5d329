"""What signing in and the access policy add to a timeline page request over HTTP.

    .venv/bin/python -m benchmarks.auth_overhead [--events 10000] [--stores sqlite postgres]
        [--queries 200] [--rounds 15] [--every-request] [--quick] [--no-record]

The promise: authentication and authorisation add at most 10% to a timeline page request. The
same page requests as bench_timeline_query (the newest 50 entries of one council in a 12-month
window, over the same cached synthetic timeline) are sent over HTTP, one at a time, to four
servers of the product's own `create_app` (benchmarks/timeline_server.py), taking turns
request by request (`timeline_http.interleaved`):

- baseline: every request is the auditor's, handed to the app with no credential read and
  nothing looked up (`SignedInAs`): what the app would cost with no sign-in at all;
- baseline again, from a second server: how far apart two identical servers measure;
- auditor: a real API token through the real `Identification`, `Authenticator` and credential
  store, then the policy; an auditor sees the whole record, so the page is the baseline's;
- board member: the same for a board member of the partnership, whose pages are narrowed to
  what they may see (the visibility clauses are on);
- with --every-request, a fifth: the auditor again, with nothing remembered between requests,
  so that every request checks its token and reads its person: what remembering a sign-in
  for a second saves.

Every request carries the same Authorization header size (a real token; the baseline ignores
it). The figures are each arm's median and p95 over all timed requests and their ratios to the
baseline's; the target (at most 1.10) applies to both. Then, in-process, what each step of
signing in costs, to say where the difference goes (benchmarks/auth_setup.py, which also
sets up the two people and their tokens). Printed, and appended to RESULTS.md; the exit
status is 1 when a target is missed.
"""

import argparse
import statistics
import sys
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime

from benchmarks.auth_setup import AUDITOR, BOARD_MEMBER, prepare_access, steps
from benchmarks.report import append_results, machine_facts
from benchmarks.stores import DEFAULT_ADMIN_URL
from benchmarks.timeline_datasets import copy_of
from benchmarks.timeline_http import Arm, Interleaved, interleaved, serving
from benchmarks.timeline_queries import page_queries, percentile_ms
from benchmarks.timeline_stores import prepare, store_version, usable_stores

TARGET = 1.10
PAGE = 50
BASELINE, CONTROL = "baseline", "baseline again"
EVERY_REQUEST = "auditor, checked on every request"


# A run


@dataclass
class StoreRun:
    store: str
    version: str
    events: int
    measured: Interleaved
    steps: list[tuple[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def samples(self, arm: str) -> list[float]:
        return [took for round_ in self.measured.seconds[arm] for took in round_]

    def p50_ms(self, arm: str) -> float:
        return 1000 * statistics.median(self.samples(arm))

    def p95_ms(self, arm: str) -> float:
        return percentile_ms(self.samples(arm), 0.95)

    def ratios(self, arm: str) -> tuple[float, float]:
        return (
            self.p50_ms(arm) / self.p50_ms(BASELINE),
            self.p95_ms(arm) / self.p95_ms(BASELINE),
        )

    def round_ratios(self, arm: str) -> list[float]:
        """The ratio of medians within each round: how steady the comparison is."""
        return [
            statistics.median(ours) / statistics.median(base)
            for ours, base in zip(
                self.measured.seconds[arm], self.measured.seconds[BASELINE], strict=True
            )
        ]

    def verdict(self, arm: str) -> str:
        if arm not in (AUDITOR, BOARD_MEMBER):
            return "info"
        return "PASS" if max(self.ratios(arm)) <= TARGET else "FAIL"


def bench_store(store: str, args: argparse.Namespace) -> StoreRun:
    data = prepare([store], [args.events], args.pg_url)[store, args.events]
    queries = page_queries(args.queries)
    with copy_of(data, args.pg_url) as copied:
        prepared = prepare_access(copied)
        settings, env = prepared.settings, prepared.env
        as_auditor = {"Authorization": f"Bearer {prepared.tokens[AUDITOR]}"}
        as_board_member = {"Authorization": f"Bearer {prepared.tokens[BOARD_MEMBER]}"}
        with (
            serving("graphql", settings, env) as baseline,
            serving("graphql", settings, env) as control,
            serving("signed-in", settings, env) as auditor,
            serving("signed-in", settings, env) as board_member,
        ):
            arms = [
                Arm(BASELINE, baseline, as_auditor),
                Arm(CONTROL, control, as_auditor),
                Arm(AUDITOR, auditor, as_auditor),
                Arm(BOARD_MEMBER, board_member, as_board_member),
            ]
            with ExitStack() as more:
                if args.every_request:
                    unremembered = more.enter_context(
                        serving("signed-in-every-request", settings, env)
                    )
                    arms.append(Arm(EVERY_REQUEST, unremembered, as_auditor))
                measured = interleaved(arms, queries, PAGE, args.rounds)
        run = StoreRun(store, store_version(store, args.pg_url), args.events, measured)
        run.steps = steps(prepared, args.repeats)
    rows = measured.rows
    if any(rows[arm] != rows[BASELINE] for arm in rows if arm != BOARD_MEMBER):
        raise RuntimeError("the auditor's pages differ from the baseline's: not the same request")
    alike = sum(ours == base for ours, base in zip(rows[BOARD_MEMBER], rows[BASELINE], strict=True))
    sizes = [len(page) for page in rows[BASELINE]]
    run.notes.append(
        f"{len(queries)} pages (mean {statistics.mean(sizes):.1f} entries) to each of "
        f"{len(rows)} servers, "
        f"{args.rounds} timed rounds after one untimed pass: {len(run.samples(BASELINE)):,} "
        f"timed requests per arm; the board member's pages equal the auditor's in "
        f"{alike} of {len(queries)}"
    )
    return run


# Reports


def _arm_rows(run: StoreRun) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for arm in run.measured.seconds:
        p50, p95 = run.ratios(arm)
        rounds = run.round_ratios(arm)
        target = "-" if run.verdict(arm) == "info" else f"≤ {TARGET:.2f}"
        found.append(
            (
                run.store,
                arm,
                f"{run.p50_ms(arm):.2f}",
                f"{run.p95_ms(arm):.2f}",
                f"{p50:.3f}",
                f"{p95:.3f}",
                f"{min(rounds):.3f} to {max(rounds):.3f}",
                target,
                run.verdict(arm),
            )
        )
    return found


ARM_HEAD = (
    "store",
    "arm",
    "p50 ms",
    "p95 ms",
    "p50 ratio",
    "p95 ratio",
    "rounds' p50 ratios",
    "target",
    "result",
)
STEP_HEAD = ("store", "step (in-process, alone)", "median ms", "of the baseline's p50")


def _step_rows(run: StoreRun) -> list[tuple[str, ...]]:
    base = run.p50_ms(BASELINE)
    return [(run.store, step, f"{ms:.3f}", f"{ms / base:.1%}") for step, ms in run.steps]


def markdown_table(head: Sequence[str], rows: list[tuple[str, ...]], numeric_from: int) -> str:
    align = ["---" if i < numeric_from else "---:" for i in range(len(head))]
    lines = [head, align, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def markdown_section(runs: list[StoreRun], command: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [f"## {stamp}: auth_overhead", "", f"`{command}`", ""]
    out += [f"- {fact}" for fact in machine_facts()]
    out += [f"- {run.store}: {run.version}; {run.events:,} events" for run in runs]
    out += [f"- {run.store}: {note}" for run in runs for note in run.notes]
    out += [
        "",
        "A timeline page over HTTP, signed in for real, against the same page with the person "
        "handed to the app (the baseline); requests taking turns one by one:",
        "",
        markdown_table(ARM_HEAD, [row for run in runs for row in _arm_rows(run)], 2),
        "",
        "What each step of signing in costs, measured alone in-process:",
        "",
        markdown_table(STEP_HEAD, [row for run in runs for row in _step_rows(run)], 2),
    ]
    return "\n".join(out) + "\n"


def recorded_command(args: argparse.Namespace) -> str:
    parts = ["python -m benchmarks.auth_overhead", f"--events {args.events}"]
    parts += ["--stores", *args.stores, f"--queries {args.queries}", f"--rounds {args.rounds}"]
    if args.every_request:
        parts.append("--every-request")
    return " ".join(parts)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--events", type=int, help="size of the timeline (default 10000)")
    parser.add_argument("--stores", nargs="+", default=["sqlite"])
    parser.add_argument("--queries", type=int, help="distinct page queries (default 200)")
    parser.add_argument("--rounds", type=int, help="timed rounds (default 15)")
    parser.add_argument("--repeats", type=int, default=2000, help="calls per in-process step")
    parser.add_argument("--pg-url", default=DEFAULT_ADMIN_URL, help="a database to CREATE from")
    parser.add_argument("--quick", action="store_true", help="a small smoke run; records nothing")
    parser.add_argument(
        "--every-request",
        action="store_true",
        help="add an arm that checks the token and reads the person on every request",
    )
    parser.add_argument("--no-record", action="store_true", help="do not touch RESULTS.md")
    args = parser.parse_args(argv)
    args.stores = [s.strip() for item in args.stores for s in item.split(",") if s.strip()]
    args.events = args.events or (2000 if args.quick else 10_000)
    args.queries = args.queries or (26 if args.quick else 200)
    args.rounds = args.rounds or (2 if args.quick else 15)
    args.repeats = 200 if args.quick else args.repeats
    args.no_record = args.no_record or args.quick
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    runs = []
    for store in usable_stores(args.stores, args.pg_url):
        print(f"{store}: {args.events:,} events …", file=sys.stderr)
        runs.append(bench_store(store, args))
    if not runs:
        return 1
    print(markdown_section(runs, recorded_command(args)))
    if not args.no_record:
        append_results(markdown_section(runs, recorded_command(args)))
    failed = any(run.verdict(arm) == "FAIL" for run in runs for arm in (AUDITOR, BOARD_MEMBER))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
