"""The read-model database: SQLite file (embedded) or a PostgreSQL schema.

Column lengths come from the limits every command checks (partnership.limits), so that what the
record accepts a read model can hold. PostgreSQL counts them in characters and refuses an index
entry over 2,704 bytes: text built from several fields is unbounded and never indexed, and no
index joins more long text than fits in 4-byte characters (a test adds them up).
"""

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Engine,
    MetaData,
    Table,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL

metadata = MetaData()


class ReadModelStore:
    """Two engines over one database: `writer` for projectors, `reader` for queries.

    On SQLite the writer begins IMMEDIATE so that two projectors serialise at the start of a
    batch instead of failing on a stale snapshot at its end; readers must not take that lock.
    """

    def __init__(self, url: URL, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self.is_sqlite = url.get_backend_name() == "sqlite"
        if self.is_sqlite:
            if url.database:
                Path(url.database).parent.mkdir(parents=True, exist_ok=True)
            self.writer = sqlite_engine(url, immediate=True)
            self.reader = sqlite_engine(url, immediate=False)
        else:
            options: dict[str, Any] = {}
            if schema:
                # Tables are declared without a schema so the same code serves SQLite.
                options["schema_translate_map"] = {None: schema}
            engine = create_engine(url, pool_pre_ping=True).execution_options(**options)
            if schema:
                with engine.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
            self.writer = engine
            # Queries read in autocommit. At READ COMMITTED, the default, a transaction gives a
            # series of reads no common snapshot; it only adds a BEGIN and a ROLLBACK, and at a
            # rollback psycopg forgets its prepared statements, so every query was planned anew.
            self.reader = engine.execution_options(isolation_level="AUTOCOMMIT")

    @classmethod
    def over(cls, url: URL, schema: str | None, writer: Engine, reader: Engine) -> "ReadModelStore":
        """A store over engines made elsewhere: a rebuild's, writing into its own generation."""
        store = cls.__new__(cls)
        store.url, store.schema = url, schema
        store.is_sqlite = url.get_backend_name() == "sqlite"
        store.writer, store.reader = writer, reader
        return store

    def create_tables(self, tables: Iterable[Table]) -> None:
        metadata.create_all(self.writer, tables=list(tables))

    def drop_tables(self, tables: Iterable[Table]) -> None:
        metadata.drop_all(self.writer, tables=list(tables))

    def analyze(self, tables: Iterable[Table]) -> None:
        """Give PostgreSQL's planner statistics for freshly filled tables.

        A rebuilt table has none until autovacuum comes round, and without them PostgreSQL may
        scan millions of rows where an index would read fifty. SQLite plans well without them.
        """
        if self.is_sqlite:
            return
        quote = self.writer.dialect.identifier_preparer.quote
        prefix = f"{quote(self.schema)}." if self.schema else ""
        with self.writer.begin() as conn:
            for table in tables:
                conn.exec_driver_sql(f"ANALYZE {prefix}{quote(table.name)}")

    def dispose(self) -> None:
        self.writer.dispose()
        self.reader.dispose()


def sqlite_engine(url: URL, immediate: bool, attach: Mapping[str, Path] | None = None) -> Engine:
    """An engine whose transactions begin IMMEDIATE or not; a connection's own execution
    option `immediate` overrides that. `attach` names further database files every connection
    sees (as schemas), which lets one transaction read one file and write another."""
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        for name, path in (attach or {}).items():
            cursor.execute("ATTACH DATABASE ? AS " + _quote_sqlite(name), (str(path),))
            cursor.execute(f"PRAGMA {_quote_sqlite(name)}.journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        at_once = conn.get_execution_options().get("immediate", immediate)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if at_once else "BEGIN")

    return engine


def _quote_sqlite(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
