"""APScheduler set-up: one daily renewal scan, at a configured hour, UTC, run only by the
elected scheduler (projections/election.py), and each day's scan at most once."""

import logging
import threading
from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from jobs.renewals import scan_renewals
from jobs.runs import claim_run, ensure_job_runs_table, who_claimed
from projections.election import (
    DEFAULT_RETRY_SECONDS,
    Election,
    SoleLeader,
    holder_name,
    lead,
    this_process,
)
from projections.runtime import Runtime

log = logging.getLogger(__name__)

RENEWAL_SCAN_JOB = "renewal-scan"


def run_renewal_scan(runtime: Runtime) -> None:
    # The clock is read when the job fires, so tests (and a moved clock) choose the date.
    scan_renewals(runtime.store, runtime.clock().date(), runtime.policy.renewal_horizon_days)


def run_claimed_renewal_scan(runtime: Runtime, election: Election) -> bool:
    """The scheduled scan: only while this process leads, and only once for each day, whoever
    runs it. True if this call ran it."""
    if not election.still_leading():
        log.warning("the renewal scan was due, but this process no longer leads: left to another")
        return False
    now = runtime.clock()
    day = now.date().isoformat()
    me = holder_name(this_process(election.role))
    if not claim_run(runtime.store, RENEWAL_SCAN_JOB, day, me, now):
        log.info(
            "the renewal scan for %s has already run (%s); not running it again",
            day,
            who_claimed(runtime.store, RENEWAL_SCAN_JOB, day) or "another scheduler",
        )
        return False
    run_renewal_scan(runtime)
    return True


def build_scheduler(
    runtime: Runtime, *, blocking: bool, election: Election | None = None
) -> BaseScheduler:
    ensure_job_runs_table(runtime.store)
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC)
    )
    scheduler.add_job(
        run_claimed_renewal_scan,
        CronTrigger(hour=runtime.policy.renewal_scan_hour, minute=0, timezone=UTC),
        args=[runtime, election or SoleLeader("scheduler")],
        id=RENEWAL_SCAN_JOB,
        name="Daily renewal scan",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
    return scheduler


def run_scheduler(
    runtime: Runtime,
    election: Election,
    stop: threading.Event,
    *,
    run_now: bool = False,
    check_every: float = DEFAULT_RETRY_SECONDS,
) -> None:
    """The scheduler's life: stand by until elected, then keep the timetable until `stop` or
    until no longer elected. `run_now` runs the day's scan on being elected, unless it has run."""

    def while_leading(term: threading.Event) -> None:
        # A fresh APScheduler each term: a standby keeps no timetable that could fire.
        scheduler = build_scheduler(runtime, blocking=False, election=election)
        scheduler.start()
        try:
            if run_now:
                run_claimed_renewal_scan(runtime, election)
            term.wait()
        finally:
            scheduler.shutdown(wait=False)

    lead(election, stop, while_leading, check_every)
