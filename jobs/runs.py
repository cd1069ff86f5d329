"""Claims on scheduled runs: each run of a job (a job and its run key, such as the day a scan
is for) acts once, whichever scheduler gets there first.

The election keeps one scheduler at work; a claim is what makes a second one harmless, should a
cut-off leader fire a job in the seconds before it notices a standby has taken over. A claim is
made before the job acts and kept if it then fails: a run acts at most once, and its failure is
logged for a person to see to.
"""

from datetime import datetime

from sqlalchemy import Column, MetaData, String, Table, inspect, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from projections.columns import UtcDateTime
from projections.read import ReadModelStore

# The jobs' own table, beside the read models but none of theirs: no rebuild touches it.
metadata = MetaData()

RUN_KEY_MAX = 64

job_runs = Table(
    "job_runs",
    metadata,
    Column("job", String(64), primary_key=True),
    Column("run_key", String(RUN_KEY_MAX), primary_key=True),
    Column("claimed_by", String(255), nullable=False),
    Column("claimed_at", UtcDateTime, nullable=False),
)


def ensure_job_runs_table(store: ReadModelStore) -> None:
    try:
        metadata.create_all(store.writer, tables=[job_runs])
    except DBAPIError:
        # Another scheduler starting at the same moment made it first.
        with store.writer.connect() as conn:
            if not inspect(conn).has_table(job_runs.name, store.schema):
                raise


def claim_run(store: ReadModelStore, job: str, run_key: str, by: str, at: datetime) -> bool:
    """True if this caller is the first to claim the run: it, and only it, may act on it."""
    try:
        with store.writer.begin() as conn:
            conn.execute(
                job_runs.insert().values(
                    job=job, run_key=run_key[:RUN_KEY_MAX], claimed_by=by[:255], claimed_at=at
                )
            )
    except IntegrityError:
        return False
    return True


def who_claimed(store: ReadModelStore, job: str, run_key: str) -> str | None:
    with store.reader.connect() as conn:
        found: str | None = conn.scalar(
            select(job_runs.c.claimed_by).where(
                job_runs.c.job == job, job_runs.c.run_key == run_key[:RUN_KEY_MAX]
            )
        )
    return found
