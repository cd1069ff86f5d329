"""Where a rebuild builds the next generation of read models, and how it is swapped in.

Tables are declared without a schema, so the same table objects write either generation: the
schema translate map decides which. On PostgreSQL the next generation is a sibling schema, and
the swap moves tables between schemas (their indexes, constraints and statistics go with them).
On SQLite it is a file of its own, attached to the rebuild's connections; the swap copies its
rows into freshly made tables of the live file. Either way the swap is one transaction on the
live database, and whatever a killed rebuild leaves behind is dropped by the next one.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, Table, text

from projections.database import ReadModelStore, metadata, sqlite_engine

# PostgreSQL keeps the first 63 bytes of a name; a longer one would make the two below collide.
MAX_IDENTIFIER_BYTES = 63
NEXT_SUFFIX = "__next"
# How long the swap waits for a reader of a table it moves before it gives way.
SWAP_LOCK_TIMEOUT_MS = 500
RETIRING_SUFFIX = "__retiring"
SQLITE_NEXT = "next"


class RebuildInProgress(Exception):
    """Another rebuild of these read models is running; one at a time builds the next one."""

    def __init__(self) -> None:
        super().__init__(
            "another rebuild of the read models is running; it swaps its generation in when "
            "it has caught up (the live read models keep answering meanwhile)"
        )


class Generations(Protocol):
    def exclusive(self) -> AbstractContextManager[None]:
        """Held while a rebuild runs; raises RebuildInProgress if another holds it. A killed
        process lets go of it with its connection or its file."""

    def leftovers(self) -> bool:
        """Whether a rebuild left a generation behind (killed, or before its clean-up)."""

    def drop_leftovers(self) -> None: ...

    def open_next(self) -> ReadModelStore:
        """An empty store for the next generation: tables and tracking rows of its own."""

    def swap_transaction(self) -> AbstractContextManager[Connection]:
        """One transaction that can read and write both generations, holding off every other
        writer of the live one."""

    def as_live(self, conn: Connection) -> None: ...

    def as_next(self, conn: Connection) -> None: ...

    def move(self, conn: Connection, tables: Sequence[Table]) -> None:
        """Within the swap transaction: the next generation's tables become the live ones."""

    def close(self) -> None: ...


def generations_of(store: ReadModelStore) -> Generations:
    if store.is_sqlite:
        return SqliteGenerations(store)
    return PostgresGenerations(store)


class PostgresGenerations:
    def __init__(self, store: ReadModelStore) -> None:
        self.store = store
        with store.writer.connect() as conn:
            self.live = store.schema or str(conn.scalar(text("SELECT current_schema()")))
        self.next = self.live + NEXT_SUFFIX
        self.retiring = self.live + RETIRING_SUFFIX
        if len(self.retiring.encode()) > MAX_IDENTIFIER_BYTES:
            raise ValueError(
                f"the read-model schema name {self.live!r} is too long to rebuild beside: "
                f"at most {MAX_IDENTIFIER_BYTES - len(RETIRING_SUFFIX)} bytes"
            )
        self._quote = store.writer.dialect.identifier_preparer.quote
        digest = hashlib.sha256(f"partnership rebuild {self.live}".encode()).digest()
        self._lock_key = int.from_bytes(digest[:8], "big", signed=True)

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        # A session lock: it outlives the transaction that took it, and dies with the session.
        conn = self.store.writer.connect()
        try:
            taken = conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._lock_key})
            conn.commit()
            if not taken:
                raise RebuildInProgress()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._lock_key})
                conn.commit()
        finally:
            conn.close()

    def leftovers(self) -> bool:
        with self.store.writer.connect() as conn:
            found = conn.scalar(
                text("SELECT count(*) FROM pg_namespace WHERE nspname IN (:next, :retiring)"),
                {"next": self.next, "retiring": self.retiring},
            )
        return bool(found)

    def drop_leftovers(self) -> None:
        with self.store.writer.begin() as conn:
            for schema in (self.next, self.retiring):
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {self._quote(schema)} CASCADE")

    def open_next(self) -> ReadModelStore:
        with self.store.writer.begin() as conn:
            conn.exec_driver_sql(f"CREATE SCHEMA {self._quote(self.next)}")
        writer = self.store.writer.execution_options(schema_translate_map={None: self.next})
        return ReadModelStore.over(self.store.url, self.next, writer, writer)

    @contextmanager
    def swap_transaction(self) -> Iterator[Connection]:
        with self.store.writer.begin() as conn:
            yield conn

    def as_live(self, conn: Connection) -> None:
        conn.execution_options(schema_translate_map={None: self.live})

    def as_next(self, conn: Connection) -> None:
        conn.execution_options(schema_translate_map={None: self.next})

    def move(self, conn: Connection, tables: Sequence[Table]) -> None:
        q = self._quote
        # Moving a table waits for its readers. A reader that holds one moved table and waits
        # for another would deadlock with the swap, and PostgreSQL might abort the reader: the
        # swap gives way first (before the deadlock check at 1 s) and is tried again.
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = '{SWAP_LOCK_TIMEOUT_MS}ms'")
        conn.exec_driver_sql(f"CREATE SCHEMA {q(self.retiring)}")
        for table in tables:
            live = f"{q(self.live)}.{q(table.name)}"
            if conn.scalar(text("SELECT to_regclass(:name)"), {"name": live}) is not None:
                conn.exec_driver_sql(f"ALTER TABLE {live} SET SCHEMA {q(self.retiring)}")
        for table in tables:
            conn.exec_driver_sql(
                f"ALTER TABLE {q(self.next)}.{q(table.name)} SET SCHEMA {q(self.live)}"
            )

    def close(self) -> None:
        pass  # the next generation's engine is the live one's, with another translate map


class SqliteGenerations:
    def __init__(self, store: ReadModelStore) -> None:
        if not store.url.database or store.url.database == ":memory:":
            raise ValueError("a read-model store in memory has nowhere to build beside it")
        self.store = store
        live = Path(store.url.database)
        self.next_path = live.with_name(live.name + ".next")
        self.lock_path = live.with_name(live.name + ".rebuild-lock")
        self._engine: Engine | None = None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        # The operating system lets go of the lock when the process dies, however it dies.
        descriptor = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise RebuildInProgress() from None
            try:
                yield
            finally:
                fcntl.flock(descriptor, fcntl.LOCK_UN)
        finally:
            os.close(descriptor)

    def leftovers(self) -> bool:
        return self.next_path.exists()

    def drop_leftovers(self) -> None:
        self.close()
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.next_path}{suffix}").unlink(missing_ok=True)

    def open_next(self) -> ReadModelStore:
        # Its transactions begin deferred: filling the next file must not hold the live one.
        self._engine = sqlite_engine(
            self.store.url, immediate=False, attach={SQLITE_NEXT: self.next_path}
        )
        writer = self._engine.execution_options(schema_translate_map={None: SQLITE_NEXT})
        return ReadModelStore.over(self.store.url, SQLITE_NEXT, writer, writer)

    @contextmanager
    def swap_transaction(self) -> Iterator[Connection]:
        if self._engine is None:
            raise RuntimeError("the next generation is not open")
        with self._engine.connect() as conn:
            conn.execution_options(immediate=True)  # every other writer waits from the start
            with conn.begin():
                yield conn

    def as_live(self, conn: Connection) -> None:
        conn.execution_options(schema_translate_map={None: "main"})

    def as_next(self, conn: Connection) -> None:
        conn.execution_options(schema_translate_map={None: SQLITE_NEXT})

    def move(self, conn: Connection, tables: Sequence[Table]) -> None:
        quote = conn.dialect.identifier_preparer.quote
        for table in tables:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS main.{quote(table.name)}")
        self.as_live(conn)
        # Made afresh, so a changed definition (columns, indexes) takes effect.
        metadata.create_all(conn, tables=list(tables), checkfirst=False)
        for table in tables:
            columns = ", ".join(quote(column.name) for column in table.columns)
            conn.exec_driver_sql(
                f"INSERT INTO main.{quote(table.name)} ({columns}) "
                f"SELECT {columns} FROM {SQLITE_NEXT}.{quote(table.name)}"
            )

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
