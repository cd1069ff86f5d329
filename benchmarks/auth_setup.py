"""The set-up of benchmarks/auth_overhead.py, and what each step of signing in costs alone.

The synthetic timeline names its councils and partnership by made-up ids, and has no people.
Before a run, the councils, the partnership with all of them as members, and two people with
their grants are recorded through the real commands (in memory) and projected into the copy
with the real projections, after the events it holds; then each person is issued a token.
"""

import asyncio
import secrets
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread

from benchmarks.timeline_data import AUTHORITIES, COUNTY, FIRST_DAY
from partnership.access import system_actor
from partnership.application import PartnershipApplication
from partnership.commands.envelope import Envelope
from partnership.domain import Provenance
from partnership.partnerships import COUNTY as COUNTY_KIND
from partnership.partnerships import DISTRICT, LEAD, PARTNER
from partnership.people import person_id
from projections import read
from projections.tracking import advance_position, lock_position
from service.access_wiring import open_access
from service.example_papers import LSSCC
from service.settings import Settings
from service.wiring import open_runtime

AUDITOR, BOARD_MEMBER = "auditor", "board member"
AUDITOR_EMAIL = "auditor@bench.invalid"
BOARD_MEMBER_EMAIL = "board.member@bench.invalid"
BOARD_MEMBER_AUTHORITY = "Chorley Borough Council"
SOURCE = "Benchmark set-up: the councils, the partnership and two people"


@dataclass(frozen=True)
class Prepared:
    settings: Settings
    env: dict[str, str]  # what a server needs besides the settings: the same secret key
    tokens: dict[str, str]  # by arm


def access_events(now: datetime) -> list[Any]:
    """The facts access needs, recorded through the real commands in a throw-away record."""
    app = PartnershipApplication(env={"PERSISTENCE_MODULE": "eventsourcing.popo"})
    envelope = Envelope(Provenance(FIRST_DAY, SOURCE), system_actor("benchmark", COUNTY), now)
    try:
        for name in AUTHORITIES:
            kind = COUNTY_KIND if name == COUNTY else DISTRICT
            app.register_authority(name=name, kind=kind, envelope=envelope)
        app.form_partnership(name=LSSCC, purpose="Shared services", envelope=envelope)
        for name in AUTHORITIES:
            role = LEAD if name == COUNTY else PARTNER
            app.admit_member(partnership=LSSCC, authority=name, role=role, envelope=envelope)
        for name, email, authority in (
            ("Benchmark Auditor", AUDITOR_EMAIL, COUNTY),
            ("Benchmark Board Member", BOARD_MEMBER_EMAIL, BOARD_MEMBER_AUTHORITY),
        ):
            app.register_person(name=name, email=email, authority=authority, envelope=envelope)
        app.grant_role(
            email=AUDITOR_EMAIL, role="auditor", scope_kind="everything", envelope=envelope
        )
        app.grant_role(
            email=BOARD_MEMBER_EMAIL,
            role="board_member",
            scope_kind="partnership",
            scope=LSSCC,
            envelope=envelope,
        )
        notifications = app.recorder.select_notifications(start=1, limit=1000)
        return [app.mapper.to_domain_event(notification) for notification in notifications]
    finally:
        app.close()


def prepare_access(settings: Settings) -> Prepared:
    """Projects `access_events` into the copy, after what it holds, and issues the tokens."""
    settings = replace(settings, secret_key=secrets.token_urlsafe(48).encode())
    runtime = open_runtime(settings)
    try:
        now = runtime.clock()
        events = access_events(now)
        after = max(runtime.runner.positions().values())
        batch = [(after + number, event) for number, event in enumerate(events, start=1)]
        for projection in runtime.runner.projections:
            with runtime.store.writer.begin() as conn:
                position = lock_position(conn, projection.name)
                projection.process(conn, batch)
                advance_position(conn, projection.name, position, batch[-1][0])
        access = open_access(settings, runtime)
        try:
            tokens = {
                arm: access.credentials.issue_token(
                    str(person_id(email)), "benchmark", now=now, expires_in=timedelta(days=1)
                ).token
                for arm, email in ((AUDITOR, AUDITOR_EMAIL), (BOARD_MEMBER, BOARD_MEMBER_EMAIL))
            }
        finally:
            access.close()
    finally:
        runtime.close()
    assert settings.secret_key is not None
    return Prepared(settings, {"PARTNERSHIP_SECRET_KEY": settings.secret_key.decode()}, tokens)


# Where the time goes, in-process


def median_ms_of(work: Callable[[], Any], repeats: int) -> float:
    clock = time.perf_counter
    samples = []
    for _ in range(repeats):
        started = clock()
        work()
        samples.append(clock() - started)
    return 1000 * statistics.median(samples)


def hop_ms(repeats: int) -> float:
    """A call on a worker thread and back, as the API makes every blocking call."""

    async def run() -> float:
        clock = time.perf_counter
        samples = []
        for _ in range(repeats):
            started = clock()
            await anyio.to_thread.run_sync(int)
            samples.append(clock() - started)
        return 1000 * statistics.median(samples)

    return asyncio.run(run())


def steps(prepared: Prepared, repeats: int) -> list[tuple[str, float]]:
    """The median of each step signing in takes, measured alone (the same calls the app
    makes for a request)."""
    settings = prepared.settings
    runtime = open_runtime(settings)
    access = open_access(settings, runtime)
    try:
        credentials, authenticator = access.credentials, access.authenticator
        auditor, board = prepared.tokens[AUDITOR], prepared.tokens[BOARD_MEMBER]
        auditor_id = str(person_id(AUDITOR_EMAIL))
        member = authenticator.principal_of(str(person_id(BOARD_MEMBER_EMAIL)))

        def visibility() -> Any:
            with runtime.store.reader.connect() as conn:
                return read.visibility_of(conn, member)

        return [
            ("a call on a worker thread and back", hop_ms(repeats)),
            (
                "the token checked in the credential store",
                median_ms_of(
                    lambda: credentials.verify_token(auditor, now=runtime.clock()), repeats
                ),
            ),
            (
                "the person and their grants read",
                median_ms_of(lambda: authenticator.principal_of(auditor_id), repeats),
            ),
            (
                "both: `Authenticator.authenticate` (on the worker thread, for a request)",
                median_ms_of(
                    lambda: authenticator.authenticate(
                        authorization=f"Bearer {auditor}", session_cookie=None
                    ),
                    repeats,
                ),
            ),
            (
                "a board member's: `authenticate`",
                median_ms_of(
                    lambda: authenticator.authenticate(
                        authorization=f"Bearer {board}", session_cookie=None
                    ),
                    repeats,
                ),
            ),
            (
                "a board member's visibility worked out (`visibility_of`)",
                median_ms_of(visibility, repeats),
            ),
        ]
    finally:
        access.close()
        runtime.close()
