"""The `partnership` command and the scheduled renewal scan, against both stores."""

import logging
import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from jobs.renewals import list_renewals_due
from jobs.scheduler import RENEWAL_SCAN_JOB, build_scheduler, run_renewal_scan
from projections.contracts import contracts_register
from projections.runtime import Runtime
from projections.timeline import timeline_entries
from service.example import BURNLEY_CRM, HEAD_CRM, STORY, example_actor, load_example
from tests.conftest import MovableClock, settings_env

pytestmark = pytest.mark.processes


def partnership(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", *args],
        env=settings_env(runtime.settings),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def dump(runtime: Runtime) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with runtime.store.reader.connect() as conn:
        return (
            [tuple(r) for r in conn.execute(select(timeline_entries).order_by("position"))],
            [tuple(r) for r in conn.execute(select(contracts_register).order_by("reference"))],
        )


def test_load_example_twice_records_the_story_once(runtime: Runtime) -> None:
    first = partnership(runtime, "load-example")
    assert first.returncode == 0, first.stderr
    assert f"{len(STORY)} new fact(s) recorded" in first.stdout
    again = partnership(runtime, "load-example")
    assert again.returncode == 0, again.stderr
    assert "0 new fact(s) recorded" in again.stdout
    assert runtime.app.get_contract(BURNLEY_CRM).version == 3
    timeline, register = dump(runtime)
    logged = runtime.app.recorder.select_notifications(start=1, limit=10**6)
    assert len(timeline) == len(logged) >= len(STORY)
    assert len(register) == 2


def test_rebuild_reproduces_the_live_read_models(runtime: Runtime) -> None:
    assert partnership(runtime, "load-example").returncode == 0
    live = dump(runtime)
    rebuilt = partnership(runtime, "rebuild")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert re.search(r"rebuilding \d+ read models", rebuilt.stderr)  # the progress bar
    assert dump(runtime) == live


def test_renewals_command_lists_what_is_due(runtime: Runtime) -> None:
    assert partnership(runtime, "load-example").returncode == 0
    listed = partnership(runtime, "renewals", "--as-of", "2011-06-01", "--within", "180")
    assert listed.returncode == 1, listed.stderr  # 1: something is due
    assert "1 contract(s) need a renewal decision within 180 days of 2011-06-01" in listed.stdout
    assert f"{HEAD_CRM} (Lancashire County Council, Northgate): notice deadline in 2 days" in (
        listed.stdout
    )
    refused = partnership(runtime, "renewals", "--as-of", "2011-02-30")
    assert refused.returncode != 0
    assert "2011-02-30" in refused.stderr


def test_bad_settings_stop_the_command_with_a_clear_message(runtime: Runtime) -> None:
    env = settings_env(runtime.settings)
    env["PARTNERSHIP_DATABASE_URL"] = "mysql://someone@somewhere/db"
    result = subprocess.run(
        [sys.executable, "-c", "from service.cli import main; main()", "load-example"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "PARTNERSHIP_DATABASE_URL must be a PostgreSQL URL" in result.stderr


def test_the_renewal_job_reads_the_clock_it_is_given(
    runtime: Runtime, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    load_example(runtime.app, example_actor(runtime.settings), clock())
    runtime.runner.catch_up()
    clock.now = datetime(2011, 6, 1, 6, 0, tzinfo=UTC)
    with caplog.at_level(logging.INFO, logger="jobs.renewals"):
        run_renewal_scan(runtime)
    assert "1 contract(s) need a decision within 180 days" in caplog.text
    assert f"renewal due: {HEAD_CRM}" in caplog.text

    # After the Burnley extension the next decision is due 1 Sept 2012.
    due = list_renewals_due(runtime.store, date(2012, 8, 1), 60)
    assert [(d.reference, d.notice_deadline, d.days_left) for d in due] == [
        (BURNLEY_CRM, date(2012, 9, 1), 31),
    ]
    # Past its end date a contract no longer needs a renewal decision.
    assert list_renewals_due(runtime.store, date(2013, 1, 1), 365) == []


def test_the_scheduler_runs_the_scan_daily_at_the_configured_hour(runtime: Runtime) -> None:
    scheduler = build_scheduler(runtime, blocking=False)
    job = scheduler.get_job(RENEWAL_SCAN_JOB)
    assert job is not None
    trigger = job.trigger
    assert isinstance(trigger, CronTrigger)
    after = datetime(2011, 9, 2, 7, 0, tzinfo=UTC)
    first = trigger.get_next_fire_time(None, after)
    assert first == datetime(2011, 9, 3, runtime.settings.renewal_scan_hour, 0, tzinfo=UTC)
    assert trigger.get_next_fire_time(first, first + timedelta(minutes=1)) == first + timedelta(
        days=1
    )
