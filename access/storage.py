"""The credential tables: their own database, apart from the event log and the read models.

A secret must never reach the permanent record, and a read model is rebuilt from that record,
so credentials live here alone: API tokens, password hashes and browser sessions, each stored
only as a hash of its secret. The same tables serve SQLite (embedded) and PostgreSQL.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Index,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import URL, make_url

from partnership.limits import check_text
from projections.columns import UtcDateTime

# Ids of people as the record gives them, with room for the system's own ("system:...").
PERSON_ID_MAX = 100
# A SHA-256 digest written in hex.
DIGEST_LENGTH = 64
# An argon2 hash in its encoded form, with room for stronger parameters than today's.
PASSWORD_HASH_MAX = 512
# What a person calls a token so they know which script holds it.
LABEL_MAX = 100
TOKEN_ID_LENGTH = 16
CSRF_TOKEN_MAX = 64

# Two processes starting at once on PostgreSQL would race to create the same tables; this
# lock (a number fixed so every process takes the same one: "access" in ASCII) puts them in
# turn.
_CREATE_TABLES_LOCK = 0x6163_6365_7373

metadata = MetaData()


access_tokens = Table(
    "access_tokens",
    metadata,
    Column("token_id", String(TOKEN_ID_LENGTH), primary_key=True),
    Column("person_id", String(PERSON_ID_MAX), nullable=False),
    Column("label", String(LABEL_MAX), nullable=False),
    Column("secret_hash", String(DIGEST_LENGTH), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("last_used_at", UtcDateTime(), nullable=True),
    Column("revoked_at", UtcDateTime(), nullable=True),
    Index("access_tokens_by_person", "person_id", "created_at"),
)

access_passwords = Table(
    "access_passwords",
    metadata,
    Column("person_id", String(PERSON_ID_MAX), primary_key=True),
    Column("password_hash", String(PASSWORD_HASH_MAX), nullable=False),
    Column("set_at", UtcDateTime(), nullable=False),
)

access_sessions = Table(
    "access_sessions",
    metadata,
    # Only a hash of the session id: a copy of this table lets no one into a session.
    Column("session_hash", String(DIGEST_LENGTH), primary_key=True),
    Column("person_id", String(PERSON_ID_MAX), nullable=False),
    Column("csrf_token", String(CSRF_TOKEN_MAX), nullable=False),
    Column("created_at", UtcDateTime(), nullable=False),
    Column("expires_at", UtcDateTime(), nullable=False),
    Column("ended_at", UtcDateTime(), nullable=True),
    Index("access_sessions_by_person", "person_id", "created_at"),
)


def check_person_id(person_id: str) -> str:
    """A person's id as the record gives it: credentials are only ever held for one."""
    return check_text(person_id, "personId", "The person's id", PERSON_ID_MAX)


class CredentialDatabase:
    """An engine over the credential tables, creating them if absent."""

    def __init__(self, url: URL | str) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        self.engine = _sqlite_engine(self.url) if self.is_sqlite else _postgres_engine(self.url)
        with self.writing() as conn:
            if not self.is_sqlite:
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CREATE_TABLES_LOCK}
                )
            metadata.create_all(conn, checkfirst=True)

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A transaction that will write: on SQLite it takes the write lock at its start, so
        that reading then writing cannot fail halfway on another writer's change."""
        with self.engine.connect() as conn:
            conn.execution_options(immediate=True)
            with conn.begin():
                yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()


def _postgres_engine(url: URL) -> Engine:
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return create_engine(url, pool_pre_ping=True)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine
