"""APScheduler set-up: one daily renewal scan, at a configured hour, UTC."""

from datetime import UTC

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger

from jobs.renewals import scan_renewals
from projections.runtime import Runtime

RENEWAL_SCAN_JOB = "renewal-scan"


def run_renewal_scan(runtime: Runtime) -> None:
    # The clock is read when the job fires, so tests (and a moved clock) choose the date.
    scan_renewals(runtime.store, runtime.clock().date(), runtime.policy.renewal_horizon_days)


def build_scheduler(runtime: Runtime, *, blocking: bool) -> BaseScheduler:
    scheduler: BaseScheduler = (
        BlockingScheduler(timezone=UTC) if blocking else BackgroundScheduler(timezone=UTC)
    )
    scheduler.add_job(
        run_renewal_scan,
        CronTrigger(hour=runtime.policy.renewal_scan_hour, minute=0, timezone=UTC),
        args=[runtime],
        id=RENEWAL_SCAN_JOB,
        name="Daily renewal scan",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=6 * 3600,
    )
    return scheduler
