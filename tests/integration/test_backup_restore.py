"""The backup of README.md, "Backup and restore": scripts/backup keeps the event store and the
credentials, scripts/restore puts them into a new database, and `partnership rebuild` makes
every read model again, row for row as it stood."""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.conftest import IN_CI

pytestmark = [pytest.mark.postgres, pytest.mark.processes]

ROOT = Path(__file__).resolve().parents[2]
BACKUP = str(ROOT / "scripts" / "backup")
RESTORE = str(ROOT / "scripts" / "restore")
READ_MODEL_SCHEMA = "read_models"
# Which generation of the read models is live: bookkeeping of how they were built (none for
# those a projector filled, 1 after one rebuild), not of what they hold.
BUILD_BOOKKEEPING = {("projection_tracking", "generation")}
# What the backup carries: the event store and the credentials.
KEPT_TABLES = (
    "partnershipapplication_events",
    "partnershipapplication_snapshots",
    "access_tokens",
    "access_passwords",
    "access_sessions",
)

Rows = dict[str, list[tuple[object, ...]]]


@pytest.fixture(scope="module", autouse=True)
def postgres_client() -> None:
    missing = [name for name in ("pg_dump", "pg_restore") if shutil.which(name) is None]
    if missing:
        reason = f"{' and '.join(missing)} not installed (PostgreSQL's client programs)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture
def restored_url(postgres_admin_url: str) -> Iterator[str]:
    """A second new database, dropped afterwards: where the backup is restored."""
    name = f"pt_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_admin_url.rsplit('/', 1)[0]}/{name}"
    finally:
        with psycopg.connect(postgres_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(database_url: str, data_dir: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERSHIP_", "PG"))}
    env["PARTNERSHIP_DATABASE_URL"] = database_url
    env["PARTNERSHIP_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        list(command), env=env, capture_output=True, text=True, timeout=120, check=False
    )


def partnership(database_url: str, data_dir: Path, *args: str) -> None:
    cli = [sys.executable, "-c", "from service.cli import main; main()"]
    result = run(database_url, data_dir, *cli, *args)
    assert result.returncode == 0, result.stderr


def rows_of(database_url: str, schema: str, tables: list[str] | None = None) -> Rows:
    """Each table's rows, sorted (json columns have no order in SQL)."""
    with psycopg.connect(database_url) as conn:
        if tables is None:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT table_name FROM information_schema.tables"
                    " WHERE table_schema = %s AND table_type = 'BASE TABLE'",
                    [schema],
                )
            ]
        found: Rows = {}
        for table in tables:
            columns = [
                name
                for (name,) in conn.execute(
                    "SELECT column_name FROM information_schema.columns"
                    " WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
                    [schema, table],
                )
                if (table, name) not in BUILD_BOOKKEEPING
            ]
            listed = ", ".join(f'"{column}"' for column in columns)
            rows = conn.execute(f'SELECT {listed} FROM "{schema}"."{table}"').fetchall()
            found[table] = sorted(rows, key=repr)
    return found


def has_schema(database_url: str, schema: str) -> bool:
    with psycopg.connect(database_url) as conn:
        found = conn.execute(
            "SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [schema]
        ).fetchone()
    return found is not None


def test_restored_events_rebuild_every_read_model_as_it_stood(
    postgres_url: str, restored_url: str, tmp_path: Path
) -> None:
    partnership(postgres_url, tmp_path, "load-example")  # facts, demo people and their tokens
    partnership(postgres_url, tmp_path, "project", "--once")
    original = rows_of(postgres_url, READ_MODEL_SCHEMA)
    assert original["timeline_entries"]
    assert original["people"]
    original_kept = rows_of(postgres_url, "public", list(KEPT_TABLES))
    assert original_kept["access_tokens"]

    backup = tmp_path / "partnership.dump"
    backed_up = run(postgres_url, tmp_path, BACKUP, str(backup))
    assert backed_up.returncode == 0, backed_up.stderr
    restored = run(restored_url, tmp_path, RESTORE, str(backup))
    assert restored.returncode == 0, restored.stderr
    # The read models were not in the backup: what follows is made from the events alone.
    assert not has_schema(restored_url, READ_MODEL_SCHEMA)
    assert rows_of(restored_url, "public", list(KEPT_TABLES)) == original_kept

    partnership(restored_url, tmp_path, "rebuild")
    rebuilt = rows_of(restored_url, READ_MODEL_SCHEMA)
    assert rebuilt.keys() == original.keys()
    for table, rows in original.items():
        assert rebuilt[table] == rows, table


def test_restore_refuses_a_database_that_holds_a_record(postgres_url: str, tmp_path: Path) -> None:
    partnership(postgres_url, tmp_path, "load-example")
    backup = tmp_path / "partnership.dump"
    assert run(postgres_url, tmp_path, BACKUP, str(backup)).returncode == 0
    before = rows_of(postgres_url, "public", list(KEPT_TABLES))

    again = run(postgres_url, tmp_path, BACKUP, str(backup))
    assert again.returncode != 0
    assert "exists" in again.stderr
    refused = run(postgres_url, tmp_path, RESTORE, str(backup))
    assert refused.returncode != 0
    assert "nothing was restored" in refused.stderr
    assert rows_of(postgres_url, "public", list(KEPT_TABLES)) == before
