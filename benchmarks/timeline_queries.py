"""The page queries, timed in-process, and the query plans behind them.

Every query asks for the newest 50 entries of one council in one 12-month window (four
quarters from a random quarter of 2011-2024), councils taken in turn. A year rather than a
quarter because at 10,000 events one district's quarter holds ~35 entries: pages would not
be full at the small size, and the two sizes would compare pages of different lengths. At a
million events the same window holds thousands of entries, which an index-backed query never
reads: it walks the authority index backwards from the window's end and stops at 51.

Every page is asked as an auditor, who sees the whole record, so the page is the query it was
before the record had people and grants. `SignedInAs` (benchmarks/identities.py) hands the
app that person with no credential read and nothing looked up; benchmarks/auth_overhead.py
measures what signing in for real adds to a page.
"""

import asyncio
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, event

from benchmarks.identities import BENCHMARK_OPTIONS, SignedInAs
from benchmarks.signed_in import AUDITOR
from benchmarks.timeline_data import AUTHORITIES, FIRST_DAY
from projections.read import TimelineFilter, timeline_page
from projections.runtime import Runtime

QUARTERS = 56  # 2011-2024: every window ends within the generated 15 years
SEED = 42

GRAPHQL_QUERY = """
query TimelinePage($authority: String!, $from: Date!, $to: Date!) {
  timeline(
    filter: {authority: $authority, effectiveFrom: $from, effectiveTo: $to}
    first: FIRST
  ) {
    edges {
      cursor
      node {
        position effectiveDate recordedAt kind summary subject subjectType partnership body
        project contractReference authorities recordedBy recordedByAuthority source
      }
    }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


@dataclass(frozen=True)
class PageQuery:
    authority: str
    effective_from: date
    effective_to: date

    @property
    def filters(self) -> TimelineFilter:
        return TimelineFilter(
            authority=self.authority,
            effective_from=self.effective_from,
            effective_to=self.effective_to,
        )


def page_queries(count: int) -> list[PageQuery]:
    rng = random.Random(SEED)
    found = []
    for number in range(count):
        quarter = rng.randrange(QUARTERS)
        start = date(FIRST_DAY.year + quarter // 4, 1 + 3 * (quarter % 4), 1)
        end = date(start.year + 1, start.month, 1) - timedelta(days=1)
        found.append(PageQuery(AUTHORITIES[number % len(AUTHORITIES)], start, end))
    return found


def graphql_body(query: PageQuery, first: int) -> dict[str, Any]:
    return {
        "query": GRAPHQL_QUERY.replace("FIRST", str(first)),
        "variables": {
            "authority": query.authority,
            "from": query.effective_from.isoformat(),
            "to": query.effective_to.isoformat(),
        },
    }


# In-process timings


@dataclass
class Timings:
    """Seconds per call, of the query function and of a GraphQL execution of the same page."""

    direct: list[float] = field(default_factory=list)
    graphql: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def percentile_ms(samples: Sequence[float], fraction: float) -> float:
    ordered = sorted(samples)
    return 1000 * ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median_ms(samples: Sequence[float]) -> float:
    return 1000 * statistics.median(samples)


def app_context_getter(runtime: Runtime) -> Callable[[], Awaitable[Any]]:
    """The context `create_app` builds for a request, signed in as the auditor.

    The getter is taken from the app itself, so the context is whatever the app builds for a
    request (fresh per request), however that changes. The app's getter makes it anonymous;
    a request's handler then puts in the person its identification found, as done here.
    """
    from partnership_graphql.app import create_app

    app = create_app(runtime, SignedInAs(AUDITOR), options=BENCHMARK_OPTIONS)
    anonymous: Callable[[], Awaitable[Any]] = next(
        handler.resolve_dependencies()["custom_context"].dependency
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
        if "POST" in handler.http_methods and route.path == "/graphql"
    )

    async def getter() -> Any:
        context = await anonymous()
        context.principal = AUDITOR
        return context

    return getter


def graphql_executor(runtime: Runtime) -> Callable[[PageQuery, int], Awaitable[Any]]:
    """Runs the page through the app's schema and context, as one HTTP request would."""
    from partnership_graphql.schema import build_schema

    getter = app_context_getter(runtime)
    schema = build_schema()

    async def execute(query: PageQuery, first: int) -> Any:
        body = graphql_body(query, first)
        result = await schema.execute(
            body["query"], variable_values=body["variables"], context_value=await getter()
        )
        if result.errors:
            raise RuntimeError(f"GraphQL errors: {result.errors}")
        return result.data

    return execute


def time_in_process(
    runtime: Runtime, queries: Sequence[PageQuery], first: int, rounds: int
) -> Timings:
    """Each query: `timeline_page` on a pooled connection, then the GraphQL execution.

    One warm-up pass first; then `rounds` passes, the two alternating query by query so that
    both meet the same load.
    """
    store = runtime.store
    execute = graphql_executor(runtime)
    timings = Timings()
    clock = time.perf_counter

    def direct(query: PageQuery) -> int:
        with store.reader.connect() as conn:
            return len(timeline_page(conn, query.filters, first=first).rows)

    async def run() -> None:
        for query in queries:
            direct(query)
            await execute(query, first)
        for number in range(rounds):
            for query in queries if number % 2 == 0 else queries[::-1]:
                started = clock()
                rows = direct(query)
                timings.direct.append(clock() - started)
                started = clock()
                await execute(query, first)
                timings.graphql.append(clock() - started)
                if number == 0:
                    timings.rows.append(rows)

    asyncio.run(run())
    return timings


def profile_graphql(runtime: Runtime, queries: Sequence[PageQuery], first: int) -> str:
    """cProfile of GraphQL executions of the pages: where the time beyond the query goes."""
    import cProfile
    import io
    import pstats

    execute = graphql_executor(runtime)

    async def run() -> None:
        for query in queries:
            await execute(query, first)

    profiler = cProfile.Profile()
    profiler.runcall(asyncio.run, run())
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(30)
    return out.getvalue()


# Query plans


@dataclass(frozen=True)
class Plan:
    statement: str  # the start of the SQL, one line
    lines: list[str]
    scans: list[str]  # plan steps that read a whole table, or sort every matching row

    @property
    def index_backed(self) -> bool:
        return not self.scans


_PG_SEQ_SCAN = re.compile(r"^(Parallel )?Seq Scan ")
_PG_SORT = re.compile(r"^(Incremental )?Sort\s+\(")  # the node, not its "Sort Key:" line
_PG_COSTS = re.compile(r"\s*\((cost|actual)=?[^)]*\)")


def _scans(lines: list[str], sqlite: bool, is_page: bool) -> list[str]:
    """Steps whose cost grows with the table or the window rather than with the page.

    A sort in the page query sorts every entry in the window before the LIMIT; the second
    query's sort (by position, of the page's own authority rows) is bounded by the page.
    """
    found = []
    for line in lines:
        text = line.strip().removeprefix("->").strip()
        if sqlite:
            whole = text.startswith("SCAN ") and "timeline_" in text
            sorts = "TEMP B-TREE" in text
        else:
            whole = bool(_PG_SEQ_SCAN.match(text))
            sorts = bool(_PG_SORT.match(text))
        if whole or (sorts and is_page):
            found.append(_PG_COSTS.sub("", text))
    return found


def explain(runtime: Runtime, query: PageQuery, first: int) -> list[Plan]:
    """Every SELECT `timeline_page` runs for `query`, explained with the same parameters.

    SQLite: EXPLAIN QUERY PLAN. PostgreSQL: EXPLAIN (ANALYZE, BUFFERS), whose actual row
    counts show how much of the table each step really read.
    """
    store = runtime.store
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    with store.reader.connect() as conn:
        event.listen(conn, "before_cursor_execute", capture)
        try:
            timeline_page(conn, query.filters, first=first)
        finally:
            event.remove(conn, "before_cursor_execute", capture)
        return [
            _explained(conn, statement, parameters, store.is_sqlite, number == 0)
            for number, (statement, parameters) in enumerate(seen)
        ]


def _explained(
    conn: Connection, statement: str, parameters: Any, sqlite: bool, is_page: bool
) -> Plan:
    if sqlite:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        lines = [str(row[3]) for row in rows]
    else:
        rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
        lines = [str(row[0]) for row in rows]
    first_line = " ".join(statement.split())[:90] + "…"
    return Plan(first_line, lines, _scans(lines, sqlite, is_page))
