"""Which process is the projector and which the scheduler: one of each at a time, elected by a
PostgreSQL advisory lock.

Each role has its own session-level advisory lock, taken with `pg_try_advisory_lock` on a
connection the leader holds for as long as it leads. The lock dies with that connection, so
when a leader's process dies (killed, crashed, cut off) PostgreSQL lets the lock go and a
standby, trying every few seconds, takes it. A leader checks its connection still holds the
lock before each unit of work and every few seconds between; once it does not, it stops and
stands by again.

The keys are two 32-bit numbers (`pg_try_advisory_lock(NAMESPACE, role_key(role))`): a
namespace fixed for this product and the role's own. `pg_locks` shows them as `classid` and
`objid` with `objsubid = 2`, which is how any process (the API's readiness check among them)
sees who leads. The leader names itself in its connection's `application_name`
(`partnership-<role>:<pid>@<host>`), so the lock and the name of its holder are one fact that
PostgreSQL keeps: nothing can outlive the process that leads.

The election keeps work from being done twice in the ordinary course; it is not what makes
that safe. A leader cut off from the database may work on for a few seconds after a standby has
taken over: the read models' positions (which only move from where a batch began) and the jobs'
claims (one row per run) make that overlap harmless.

Embedded (SQLite) there is nothing to elect: the one process that serves does everything.
"""

import logging
import os
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from projections.database import ReadModelStore

log = logging.getLogger(__name__)

PROJECTOR = "projector"
SCHEDULER = "scheduler"
ROLES = (PROJECTOR, SCHEDULER)

# The first key of every lock this product takes: crc32("partnership-tracker") as a positive
# 32-bit number, so that no other application's advisory locks are mistaken for ours.
NAMESPACE = zlib.crc32(b"partnership-tracker") & 0x7FFF_FFFF

# A standby asks again this often; a leader checks it still leads as often.
DEFAULT_RETRY_SECONDS = 5.0
# How long a leader's watch sleeps between looks at whether it has been asked to stop.
STOP_POLL_SECONDS = 0.2
# A leader's check, and a standby's attempt, may not wait longer than this on the database.
STATEMENT_TIMEOUT_MS = 5_000
CONNECT_TIMEOUT_SECONDS = 5
# A standby says who leads each time the leader changes, and otherwise this often.
STANDBY_LOG_EVERY_SECONDS = 300.0
# PostgreSQL keeps this many bytes of an application_name (NAMEDATALEN - 1).
APPLICATION_NAME_MAX = 63
HOLDER = re.compile(r"partnership-(?P<role>[a-z]+):(?P<pid>[0-9]+)@(?P<host>.*)")


def role_key(role: str) -> int:
    """The second key of a role's lock: crc32 of its name, as a positive 32-bit number."""
    if role not in ROLES:
        raise ValueError(f"no such role to elect: {role!r}")
    return zlib.crc32(role.encode()) & 0x7FFF_FFFF


@dataclass(frozen=True)
class Leader:
    """The process that leads a role: where it runs, and its process id there."""

    role: str
    host: str
    pid: int

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def this_process(role: str) -> Leader:
    return Leader(role, socket.gethostname(), os.getpid())


class Election(Protocol):
    role: str

    def campaign(self, stop: threading.Event) -> bool:
        """Wait until this process leads (True) or `stop` is set (False)."""

    def still_leading(self) -> bool:
        """Whether this process still holds the role; False from the moment it may not."""

    def resign(self) -> None:
        """Give up the role, or give up trying for it."""


# Embedded, the roles this process has taken on, for its own readiness check to name.
_sole: dict[str, Leader] = {}
_sole_lock = threading.Lock()


class SoleLeader:
    """Embedded: the one process leads, with nobody to ask."""

    def __init__(self, role: str) -> None:
        role_key(role)
        self.role = role

    def campaign(self, stop: threading.Event) -> bool:
        if stop.is_set():
            return False
        with _sole_lock:
            _sole[self.role] = this_process(self.role)
        return True

    def still_leading(self) -> bool:
        return True

    def resign(self) -> None:
        with _sole_lock:
            _sole.pop(self.role, None)


class AdvisoryLockElection:
    """A role on PostgreSQL: led by whichever process holds its advisory lock."""

    def __init__(
        self, store: ReadModelStore, role: str, retry_seconds: float = DEFAULT_RETRY_SECONDS
    ) -> None:
        self.role = role
        self.key = role_key(role)
        self.retry_seconds = retry_seconds
        self.me = this_process(role)
        self._engine = _lock_engine(store, holder_name(self.me))
        self._conn: Connection | None = None
        # The watch and the work may both ask; one connection answers one at a time.
        self._guard = threading.Lock()

    def campaign(self, stop: threading.Event) -> bool:
        said: tuple[Leader | None, float] | None = None
        while not stop.is_set():
            try:
                with self._guard:
                    conn = self._connection()
                    won = conn.scalar(
                        text("SELECT pg_try_advisory_lock(:namespace, :key)"),
                        {"namespace": NAMESPACE, "key": self.key},
                    )
                    leader = None if won else _holder(conn, self.key)
                if won:
                    log.info("leading as the %s (%s)", self.role, self.me.describe())
                    return True
                now = time.monotonic()
                if said is None or said[0] != leader or now - said[1] > STANDBY_LOG_EVERY_SECONDS:
                    who = "another process" if leader is None else leader.describe()
                    log.info(
                        "standing by: the %s is %s; asking again every %g s",
                        self.role,
                        who,
                        self.retry_seconds,
                    )
                    said = (leader, now)
            except Exception as error:
                self._drop()
                log.warning(
                    "cannot reach the database to elect the %s (%s); trying again in %g s",
                    self.role,
                    type(error).__name__,
                    self.retry_seconds,
                )
            stop.wait(self.retry_seconds)
        return False

    def still_leading(self) -> bool:
        with self._guard:
            if self._conn is None:
                return False
            try:
                held = self._conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() "
                        "AND locktype = 'advisory' AND granted AND objsubid = 2 "
                        "AND classid = CAST(:namespace AS oid) AND objid = CAST(:key AS oid)"
                    ),
                    {"namespace": NAMESPACE, "key": self.key},
                )
            except Exception as error:
                self._drop_unguarded()
                log.error(
                    "lost the connection that holds the %s's lock (%s): no longer leading",
                    self.role,
                    type(error).__name__,
                )
                return False
        if not held:
            log.error("the %s's lock is no longer held here: no longer leading", self.role)
        return bool(held)

    def resign(self) -> None:
        # Closing the session releases its advisory locks; no unlock to forget.
        self._drop()

    def close(self) -> None:
        self._drop()
        self._engine.dispose()

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self._engine.connect()
            try:
                # A statement waits no longer than this, and the server notices a vanished
                # client within seconds, so a dead leader's lock is let go soon.
                conn.exec_driver_sql(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
                conn.exec_driver_sql("SET tcp_keepalives_idle = 5")
                conn.exec_driver_sql("SET tcp_keepalives_interval = 2")
                conn.exec_driver_sql("SET tcp_keepalives_count = 3")
            except Exception:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        with self._guard:
            self._drop_unguarded()

    def _drop_unguarded(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.invalidate()  # never back to a pool: the session, and its locks, end here
                conn.close()
            except Exception as error:
                log.debug("closing the lock connection failed: %s", type(error).__name__)


def holder_name(leader: Leader) -> str:
    # PostgreSQL keeps only printable ASCII of an application_name, and only 63 bytes.
    host = "".join(c if c.isascii() and c.isprintable() else "?" for c in leader.host)
    return f"partnership-{leader.role}:{leader.pid}@{host}"[:APPLICATION_NAME_MAX]


def _lock_engine(store: ReadModelStore, application_name: str) -> Engine:
    url = store.url
    connect_args: dict[str, Any] = {
        "application_name": application_name,
        # The client notices a dead server as soon as the server notices a dead client.
        "keepalives": 1,
        "keepalives_idle": 5,
        "keepalives_interval": 2,
        "keepalives_count": 3,
        "tcp_user_timeout": 10_000,
    }
    if "connect_timeout" not in url.query:
        connect_args["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    return create_engine(url, poolclass=NullPool, connect_args=connect_args).execution_options(
        isolation_level="AUTOCOMMIT"
    )


_LEADERS = text(
    "SELECT l.objid::bigint AS key, a.application_name AS name "
    "FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid "
    "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
    "AND l.classid = CAST(:namespace AS oid) "
    "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


def _holder(conn: Connection, key: int) -> Leader | None:
    return read_leaders(conn).get(_ROLE_OF_KEY[key])


_ROLE_OF_KEY = {role_key(role): role for role in ROLES}


def read_leaders(conn: Connection) -> dict[str, Leader | None]:
    """Who leads each role, as PostgreSQL's lock table says; embedded, this process's own."""
    if conn.dialect.name == "sqlite":
        with _sole_lock:
            return {role: _sole.get(role) for role in ROLES}
    found: dict[str, Leader | None] = dict.fromkeys(ROLES)
    for key, name in conn.execute(_LEADERS, {"namespace": NAMESPACE}):
        role = _ROLE_OF_KEY.get(int(key))
        if role is None:
            continue
        named = HOLDER.fullmatch(name or "")
        found[role] = (
            Leader(role, named["host"], int(named["pid"])) if named else Leader(role, "unknown", 0)
        )
    return found


def elections_are_held(store: ReadModelStore) -> bool:
    return not store.is_sqlite


def election_for(
    store: ReadModelStore, role: str, retry_seconds: float = DEFAULT_RETRY_SECONDS
) -> Election:
    if not elections_are_held(store):
        return SoleLeader(role)
    return AdvisoryLockElection(store, role, retry_seconds)


def lead(
    election: Election,
    stop: threading.Event,
    work: Callable[[threading.Event], None],
    check_every: float = DEFAULT_RETRY_SECONDS,
) -> None:
    """Stand for `election` until `stop` is set; whenever this process leads, run `work`.

    `work` is given an event set once it must stop: when `stop` is, or when this process no
    longer leads. It must return promptly then. After losing the role, this process stands by
    again.
    """
    try:
        while not stop.is_set():
            if not election.campaign(stop):
                return
            term = threading.Event()
            watch = threading.Thread(
                target=_watch,
                args=(election, stop, term, check_every),
                name=f"{election.role}-leadership",
                daemon=True,
            )
            watch.start()
            try:
                work(term)
            finally:
                term.set()
                watch.join()
            if not stop.is_set():
                log.warning("no longer the %s; standing by again", election.role)
                election.resign()
    finally:
        election.resign()
        close = getattr(election, "close", None)
        if close is not None:
            close()


def _watch(
    election: Election, stop: threading.Event, term: threading.Event, check_every: float
) -> None:
    next_check = time.monotonic() + check_every
    while not term.wait(min(STOP_POLL_SECONDS, check_every)):
        if stop.is_set():
            break
        if time.monotonic() >= next_check:
            if not election.still_leading():
                break
            next_check = time.monotonic() + check_every
    term.set()
