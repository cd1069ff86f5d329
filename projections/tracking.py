"""Each projection's position in the event log, written in the same transaction as its rows.

Beside it, the stalls: a projection that cannot project an event stops just before it, and says
so in a row every process reads (the API's health check as much as the projector itself).

The tracking row also says which generation of the read model is live: the schema version it
was built with, a counter raised each time a rebuilt generation is swapped in (so a runner that
remembers rows of the one before knows to forget them), and whether a rebuild was asked for and
has not yet been swapped in.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError

from projections.columns import UtcDateTime
from projections.database import ReadModelStore, metadata

tracking_table = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    # Added to databases made before them, so they may be null: an unknown version is older
    # than any, and a null generation is the first.
    Column("schema_version", Integer, nullable=True),
    Column("generation", Integer, nullable=True),
    Column("rebuild_requested", UtcDateTime, nullable=True),
)

# Columns a database made before them lacks, added when a process starts.
ADDED_COLUMNS = ("schema_version", "generation", "rebuild_requested")

stalls_table = Table(
    "projection_stalls",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("since", UtcDateTime, nullable=False),
    Column("last_attempt", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False),
)

# Enough to name the fault; a database's message can quote a whole row.
MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True)
class Stall:
    """A projection stopped before the event at `position`, which it failed to project."""

    projection: str
    position: int
    event_type: str
    error: str
    since: datetime
    last_attempt: datetime
    attempts: int

    @property
    def event_name(self) -> str:
        """The event's class, as an officer reads it: `Contract.Awarded`, not its module path."""
        return self.event_type.rsplit(":", 1)[-1]

    def describe(self) -> str:
        return (
            f"the {self.projection} read model is stalled at log position {self.position} "
            f"({self.event_name}): {self.error}"
        )


@dataclass(frozen=True)
class Tracked:
    position: int
    stall: Stall | None  # only while it holds the projection back
    schema_version: int | None = None  # None: built before versions were recorded
    generation: int = 0
    rebuild_requested: datetime | None = None  # asked for, not yet swapped in


@dataclass(frozen=True)
class Held:
    """A tracking row locked for a batch: where it is, and in which generation."""

    position: int
    generation: int


class TrackingConflict(Exception):
    """Another copy of this projection advanced it first; this batch must be discarded."""


def ensure_tracking_row(
    store: ReadModelStore, projection: str, schema_version: int | None = None
) -> None:
    """Make the row of a projection met for the first time: its tables are new, so they are of
    the `schema_version` the code that made them has."""
    ensure_tracking_tables(store)
    try:
        with store.writer.begin() as conn:
            if (
                conn.scalar(
                    select(tracking_table.c.position).where(
                        tracking_table.c.projection == projection
                    )
                )
                is None
            ):
                conn.execute(
                    insert(tracking_table).values(
                        projection=projection, position=0, schema_version=schema_version
                    )
                )
    except IntegrityError:
        pass  # another process created it first, which is just as good


def ensure_tracking_tables(store: ReadModelStore) -> None:
    store.create_tables([tracking_table, stalls_table])
    with store.writer.connect() as conn:
        present = {c["name"] for c in inspect(conn).get_columns(tracking_table.name, store.schema)}
    missing = [tracking_table.c[name] for name in ADDED_COLUMNS if name not in present]
    if not missing:
        return
    quote = store.writer.dialect.identifier_preparer.quote
    prefix = f"{quote(store.schema)}." if store.schema else ""
    for column in missing:
        kind = column.type.compile(store.writer.dialect)
        try:
            with store.writer.begin() as conn:
                conn.exec_driver_sql(
                    f"ALTER TABLE {prefix}{quote(tracking_table.name)} "
                    f"ADD COLUMN {quote(column.name)} {kind}"
                )
        except DBAPIError:
            # Another process starting at the same moment added it first.
            with store.writer.connect() as conn:
                columns = inspect(conn).get_columns(tracking_table.name, store.schema)
            if column.name not in {c["name"] for c in columns}:
                raise


def lock_position(conn: Connection, projection: str) -> int:
    """Read the position, holding the row so a second copy waits rather than redoes the work."""
    return lock_tracked(conn, projection).position


def lock_tracked(conn: Connection, projection: str) -> Held:
    """The position and generation, holding the row as `lock_position` does."""
    row = conn.execute(
        select(tracking_table.c.position, tracking_table.c.generation)
        .where(tracking_table.c.projection == projection)
        .with_for_update()
    ).first()
    if row is None:
        return Held(0, 0)
    return Held(int(row.position or 0), int(row.generation or 0))


def read_position(conn: Connection, projection: str) -> int:
    position = conn.scalar(
        select(tracking_table.c.position).where(tracking_table.c.projection == projection)
    )
    return int(position or 0)


def read_tracking(conn: Connection) -> dict[str, Tracked]:
    """Every projection's position and stall, in one query.

    A stall row at or below the position is history (another process got past it without
    knowing of the row), so it is not reported.
    """
    stalls = stalls_table.c
    rows = conn.execute(
        select(
            tracking_table.c.projection,
            tracking_table.c.position,
            tracking_table.c.schema_version,
            tracking_table.c.generation,
            tracking_table.c.rebuild_requested,
            stalls.position.label("stalled_at"),
            stalls.event_type,
            stalls.error,
            stalls.since,
            stalls.last_attempt,
            stalls.attempts,
        ).join_from(
            tracking_table,
            stalls_table,
            stalls.projection == tracking_table.c.projection,
            isouter=True,
        )
    ).all()
    found: dict[str, Tracked] = {}
    for row in rows:
        position = int(row.position)
        stall = None
        if row.stalled_at is not None and int(row.stalled_at) > position:
            stall = Stall(
                projection=row.projection,
                position=int(row.stalled_at),
                event_type=row.event_type,
                error=row.error,
                since=row.since,
                last_attempt=row.last_attempt,
                attempts=int(row.attempts),
            )
        found[row.projection] = Tracked(
            position,
            stall,
            schema_version=row.schema_version,
            generation=int(row.generation or 0),
            rebuild_requested=row.rebuild_requested,
        )
    return found


def advance_position(conn: Connection, projection: str, expected: int, new: int) -> None:
    """Compare-and-set: moves only from the position this batch started at."""
    result = conn.execute(
        update(tracking_table)
        .where(tracking_table.c.projection == projection)
        .where(tracking_table.c.position == expected)
        .values(position=new)
    )
    if result.rowcount != 1:
        raise TrackingConflict(projection)


def request_rebuild(conn: Connection, projections: Sequence[str], now: datetime) -> None:
    """Say, where every process reads it, that these read models are being rebuilt: a start
    that finds it so, and no rebuild running, finishes the job."""
    conn.execute(
        update(tracking_table)
        .where(tracking_table.c.projection.in_(projections))
        .values(rebuild_requested=now)
    )


def install_generation(conn: Connection, projection: str, built: Tracked) -> None:
    """Make a rebuilt generation's tracking row the live one, in the transaction that swaps its
    tables in, so its rows and its position become live together."""
    conn.execute(
        update(tracking_table)
        .where(tracking_table.c.projection == projection)
        .values(
            position=built.position,
            schema_version=built.schema_version,
            generation=func.coalesce(tracking_table.c.generation, 0) + 1,
            rebuild_requested=None,
        )
    )
    conn.execute(delete(stalls_table).where(stalls_table.c.projection == projection))
    stall = built.stall
    if stall is not None:
        conn.execute(
            insert(stalls_table).values(
                projection=projection,
                position=stall.position,
                event_type=stall.event_type,
                error=stall.error,
                since=stall.since,
                last_attempt=stall.last_attempt,
                attempts=stall.attempts,
            )
        )


def record_stall(
    conn: Connection, projection: str, position: int, event_type: str, error: str, now: datetime
) -> Stall:
    """Note a failed attempt; a stall on the same event keeps its start and counts attempts."""
    error = error if len(error) <= MAX_ERROR_LENGTH else error[: MAX_ERROR_LENGTH - 1] + "…"
    row = conn.execute(
        select(stalls_table.c.position, stalls_table.c.since, stalls_table.c.attempts)
        .where(stalls_table.c.projection == projection)
        .with_for_update()
    ).first()
    if row is not None and int(row.position) == position:
        since, attempts = row.since, int(row.attempts) + 1
    else:
        since, attempts = now, 1
    values = {
        "position": position,
        "event_type": event_type,
        "error": error,
        "since": since,
        "last_attempt": now,
        "attempts": attempts,
    }
    if row is None:
        conn.execute(insert(stalls_table).values(projection=projection, **values))
    else:
        conn.execute(
            update(stalls_table).where(stalls_table.c.projection == projection).values(**values)
        )
    return Stall(projection, position, event_type, error, since, now, attempts)


def clear_stall(conn: Connection, projection: str, up_to: int) -> None:
    """Forget a stall the projection has now got past, in the transaction that got it past."""
    conn.execute(
        delete(stalls_table)
        .where(stalls_table.c.projection == projection)
        .where(stalls_table.c.position <= up_to)
    )
