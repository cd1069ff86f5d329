"""A timeline page in-process against the very SQL it runs, through the raw driver.

The product's side is what the API does for one page: take a pooled reader connection, call
`timeline_page`, give the connection back. The raw side is the floor under it: the statements
that call sent, captured as executed (text and bound parameters, from SQLAlchemy's
`before_cursor_execute`), run on one open DBAPI connection (`sqlite3`, or `psycopg` in
autocommit) with every row fetched. Everything between the two is the product's own cost:
building and compiling the statement, checking the connection out and in, the transaction
around the read, turning rows into Python values, cursors and the page.
"""

import random
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg
from sqlalchemy import Connection, event

from benchmarks.timeline_data import AUTHORITIES, FIRST_DAY
from projections.database import ReadModelStore
from projections.read import TimelineFilter, TimelinePage, timeline_page

PAGE = 50
SEED = 15
QUARTERS = 56  # windows start in 2011-2024, so every one ends inside the generated years

# The kinds every synthetic year holds plenty of, so that a kind's pages are full.
BUSY_KINDS = (
    "CONTRACT_VARIED",
    "MEETING_AGENDA_ITEM_RECORDED",
    "MEETING_DECISION_RECORDED",
    "PROJECT_PROGRESS_REPORTED",
)


@dataclass(frozen=True)
class PageCall:
    """One page as the API would ask for it: the filter and the paging arguments."""

    filters: TimelineFilter
    arguments: dict[str, Any]

    def run(self, conn: Connection) -> TimelinePage:
        return timeline_page(conn, self.filters, **self.arguments)


@dataclass(frozen=True)
class Shape:
    name: str
    description: str
    # The i-th page of this shape; the connection is there to find a cursor to start from.
    make: Callable[[Connection, int, random.Random], PageCall]


def _window(rng: random.Random) -> tuple[date, date]:
    quarter = rng.randrange(QUARTERS)
    start = date(FIRST_DAY.year + quarter // 4, 1 + 3 * (quarter % 4), 1)
    return start, date(start.year + 1, start.month, 1) - timedelta(days=1)


def _newest(_conn: Connection, _number: int, _rng: random.Random) -> PageCall:
    return PageCall(TimelineFilter(), {"first": PAGE})


def _council_year(_conn: Connection, number: int, rng: random.Random) -> PageCall:
    start, end = _window(rng)
    filters = TimelineFilter(
        authority=AUTHORITIES[number % len(AUTHORITIES)], effective_from=start, effective_to=end
    )
    return PageCall(filters, {"first": PAGE})


def _kind_year(_conn: Connection, number: int, rng: random.Random) -> PageCall:
    start, end = _window(rng)
    filters = TimelineFilter(
        kinds=(BUSY_KINDS[number % len(BUSY_KINDS)],), effective_from=start, effective_to=end
    )
    return PageCall(filters, {"first": PAGE})


def _council_next(conn: Connection, number: int, rng: random.Random) -> PageCall:
    first = _council_year(conn, number, rng)
    cursor = first.run(conn).cursors[-1]
    return PageCall(first.filters, {"first": PAGE, "after": cursor})


def _council_back(conn: Connection, number: int, rng: random.Random) -> PageCall:
    second = _council_next(conn, number, rng)
    cursor = second.run(conn).cursors[0]
    return PageCall(second.filters, {"last": PAGE, "before": cursor})


SHAPES = (
    Shape("newest", "the newest 50 entries, no filter (the first page anyone sees)", _newest),
    Shape("council, year", "one council's newest 50 in a 12-month window", _council_year),
    Shape("kind, year", "one kind of fact, newest 50 in a 12-month window", _kind_year),
    Shape("council, after", "the same council page's next 50, after its end cursor", _council_next),
    Shape("council, before", "back 50 from the next page's start cursor", _council_back),
)


@dataclass(frozen=True)
class Statement:
    sql: str
    parameters: Any


@dataclass(frozen=True)
class Case:
    call: PageCall
    statements: tuple[Statement, ...]
    entries: int  # on the page


@dataclass
class Samples:
    """Seconds per page: the product's call and the raw statements, taken in turns."""

    page: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)


def _is_query(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


def capture(store: ReadModelStore, call: PageCall) -> tuple[TimelinePage, tuple[Statement, ...]]:
    """The page, and every statement that read rows for it, as the driver was handed them."""
    seen: list[Statement] = []

    def listen(_c: Any, _cur: Any, sql: str, parameters: Any, *_: Any) -> None:
        if _is_query(sql):
            seen.append(Statement(sql, parameters))

    event.listen(store.reader, "before_cursor_execute", listen)
    try:
        with store.reader.connect() as conn:
            page = call.run(conn)
    finally:
        event.remove(store.reader, "before_cursor_execute", listen)
    return page, tuple(seen)


class RawReader:
    """One DBAPI connection to the same database, as a driver's own user would hold it."""

    def __init__(self, store: ReadModelStore) -> None:
        url = store.url
        if store.is_sqlite:
            assert url.database
            conn = sqlite3.connect(url.database, isolation_level=None, check_same_thread=False)
            # The product's reader connections have the same settings (projections/database.py).
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            self._sqlite: sqlite3.Connection | None = conn
            self._pg: psycopg.Connection[Any] | None = None
        else:
            plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._sqlite = None
            self._pg = psycopg.connect(plain, autocommit=True)

    def rows(self, statements: Sequence[Statement]) -> list[list[Any]]:
        if self._sqlite is not None:
            return [self._sqlite.execute(s.sql, s.parameters).fetchall() for s in statements]
        assert self._pg is not None
        found = []
        with self._pg.cursor() as cursor:
            for s in statements:
                cursor.execute(s.sql, s.parameters)
                found.append(cursor.fetchall())
        return found

    def close(self) -> None:
        if self._sqlite is not None:
            self._sqlite.close()
        if self._pg is not None:
            self._pg.close()


def cases(store: ReadModelStore, shape: Shape, count: int) -> list[Case]:
    """`count` pages of one shape, each with its statements, checked against the raw rows."""
    rng = random.Random(f"{SEED}:{shape.name}")
    raw = RawReader(store)
    found = []
    try:
        for number in range(count):
            with store.reader.connect() as conn:
                call = shape.make(conn, number, rng)
            page, statements = capture(store, call)
            if not statements:
                raise RuntimeError(f"{shape.name}: the page ran no statement")
            # The raw rows must hold the page: the same statement, the same answer.
            first_columns = {row[0] for rows in raw.rows(statements) for row in rows}
            missing = [row["position"] for row in page.rows if row["position"] not in first_columns]
            if missing:
                raise RuntimeError(f"{shape.name}: raw rows lack positions {missing[:5]}")
            found.append(Case(call, statements, len(page.rows)))
    finally:
        raw.close()
    return found


def time_side_by_side(store: ReadModelStore, pages: Sequence[Case], rounds: int) -> Samples:
    """Each page: the product's call, then its statements raw, in turns (which goes first
    alternates page by page), so that both meet the same load. One warm-up pass first."""
    raw = RawReader(store)
    clock = time.perf_counter
    samples = Samples()

    def product(case: Case) -> float:
        started = clock()
        with store.reader.connect() as conn:
            case.call.run(conn)
        return clock() - started

    def floor(case: Case) -> float:
        started = clock()
        raw.rows(case.statements)
        return clock() - started

    try:
        for case in pages:
            product(case)
            floor(case)
        for number in range(rounds):
            for index, case in enumerate(pages if number % 2 == 0 else pages[::-1]):
                if index % 2 == 0:
                    samples.page.append(product(case))
                    samples.raw.append(floor(case))
                else:
                    samples.raw.append(floor(case))
                    samples.page.append(product(case))
    finally:
        raw.close()
    return samples


def profile_pages(store: ReadModelStore, pages: Sequence[Case], repeat: int = 5) -> str:
    """cProfile of the product's calls: where the time beyond the SQL goes."""
    import cProfile
    import io
    import pstats

    def run() -> None:
        for _ in range(repeat):
            for case in pages:
                with store.reader.connect() as conn:
                    case.call.run(conn)

    profiler = cProfile.Profile()
    profiler.runcall(run)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(40)
    return out.getvalue()
