"""Each projection's position in the event log, written in the same transaction as its rows."""

from sqlalchemy import BigInteger, Column, Connection, String, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from projections.database import ReadModelStore, metadata

tracking_table = Table(
    "projection_tracking",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)


class TrackingConflict(Exception):
    """Another copy of this projection advanced it first; this batch must be discarded."""


def ensure_tracking_row(store: ReadModelStore, projection: str) -> None:
    store.create_tables([tracking_table])
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
                conn.execute(insert(tracking_table).values(projection=projection, position=0))
    except IntegrityError:
        pass  # another process created it first, which is just as good


def lock_position(conn: Connection, projection: str) -> int:
    """Read the position, holding the row so a second copy waits rather than redoes the work."""
    position = conn.scalar(
        select(tracking_table.c.position)
        .where(tracking_table.c.projection == projection)
        .with_for_update()
    )
    return int(position or 0)


def read_position(conn: Connection, projection: str) -> int:
    position = conn.scalar(
        select(tracking_table.c.position).where(tracking_table.c.projection == projection)
    )
    return int(position or 0)


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


def reset_position(conn: Connection, projection: str) -> None:
    conn.execute(
        update(tracking_table).where(tracking_table.c.projection == projection).values(position=0)
    )
