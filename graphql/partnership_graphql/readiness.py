"""`/health/ready`: whether this API process can answer truthfully, and if not, why not.

Ready means: the event store answers; the read models' database answers; no read model is
stalled or more than `max_lag_events` events behind the log; and, on PostgreSQL, a projector
and a scheduler are elected (their advisory locks are held, see projections/election.py), named
by host and process id. Each thing that is not so is a reason in the answer, with a code.

The probe runs on a worker thread, one at a time: requests that arrive while one runs wait for
its answer, and an answer is reused for a second. A probe that takes longer than the timeout is
answered as not ready, naming the step it was on, and is left to finish on its own: a database
that stops answering ties up one thread, never one per request. Health is outside the rate
limit, so this is what bounds the work a flood of probes can cause.
"""

import asyncio
import logging
import threading
import time
from typing import Any

from sqlalchemy import text

from partnership_graphql.context import off_the_loop
from projections.election import ROLES, Leader, elections_are_held, read_leaders
from projections.runtime import Runtime

log = logging.getLogger(__name__)

DEFAULT_MAX_LAG_EVENTS = 1_000
# A probe answers within this, whatever the databases do.
TIMEOUT_SECONDS = 3.0
# An answer serves every probe within this long of it.
REUSE_SECONDS = 1.0
# Lags up to this are counted event by event (PostgreSQL's positions have gaps); beyond, the
# difference of positions, a little above the count, stands in.
EXACT_LAG_AT_MOST = 10_000


class Probe:
    """One look at everything readiness depends on; `step` says what it is looking at."""

    def __init__(self, runtime: Runtime, max_lag_events: int) -> None:
        self.runtime = runtime
        self.max_lag_events = max_lag_events
        self.step = "starting"
        self.reasons: list[dict[str, str]] = []
        self.checks: dict[str, Any] = {}
        self._guard = threading.Lock()

    def run(self) -> dict[str, Any]:
        head = self._event_store()
        self._read_models(head)
        return self.body()

    def body(self, timed_out: bool = False) -> dict[str, Any]:
        with self._guard:
            reasons = list(self.reasons)
            checks = dict(self.checks)
        if timed_out:
            reasons.append(
                reason(
                    "health_check_timed_out",
                    f"no answer from the {self.step} within {TIMEOUT_SECONDS:g} s",
                )
            )
        return {
            "status": "not_ready" if reasons else "ready",
            "reasons": reasons,
            **checks,
        }

    def _event_store(self) -> int | None:
        self.step = "event store"
        try:
            head = self.runtime.app.head_position()
        except Exception as error:
            self._fail("event_store_unreachable", "the event store cannot be reached", error)
            self._check("eventStore", {"reachable": False})
            return None
        self._check("eventStore", {"reachable": True, "head": head})
        return head

    def _read_models(self, head: int | None) -> None:
        self.step = "read models' database"
        store = self.runtime.store
        try:
            with store.reader.connect() as conn:
                conn.execute(text("SELECT 1"))
                self.step = "elected leaders"
                leaders = read_leaders(conn)
            self.step = "read models' positions"
            runner = self.runtime.runner
            positions = runner.positions()
            stalls = {stall.projection: stall for stall in runner.stalls()}
        except Exception as error:
            self._fail("read_models_unreachable", "the read models cannot be reached", error)
            self._check("readModels", {"reachable": False})
            return
        self.step = "read models' lag"
        states: dict[str, Any] = {}
        for name, position in positions.items():
            stall = stalls.get(name)
            lag = None if head is None else self._lag(position, head)
            states[name] = {"position": position, "lag": lag, "stalled": stall is not None}
            if stall is not None:
                self._add("read_model_stalled", stall.describe())
            elif lag is not None and lag > self.max_lag_events:
                self._add(
                    "read_model_lagging",
                    f"the {name} read model is {lag} events behind the log "
                    f"(at most {self.max_lag_events} are allowed)",
                )
        self._check(
            "readModels",
            {"reachable": True, "maxLagEvents": self.max_lag_events, "projections": states},
        )
        elected = elections_are_held(store)
        self._check(
            "leaders",
            {"elected": elected, **{role: leader_json(leaders[role]) for role in ROLES}},
        )
        for role in ROLES if elected else ():
            if leaders[role] is None:
                self._add(
                    f"no_{role}_elected",
                    f"no {role} process leads: start `partnership "
                    f"{'project' if role == 'projector' else 'schedule'}`",
                )

    def _lag(self, position: int, head: int) -> int:
        behind = max(0, head - position)
        if behind <= self.max_lag_events or self.max_lag_events >= EXACT_LAG_AT_MOST:
            return behind
        # Counted only past the threshold, and only as far as it: bounded by the setting.
        counted = self.runtime.app.recorder.select_notifications(
            start=position, limit=self.max_lag_events + 1, inclusive_of_start=False
        )
        return behind if len(counted) > self.max_lag_events else len(counted)

    def _fail(self, code: str, message: str, error: Exception) -> None:
        # The driver's words may name hosts and users: they go to the log, not to the caller.
        log.warning("not ready: %s: %s: %s", message, type(error).__name__, error)
        self._add(code, f"{message} ({type(error).__name__})")

    def _add(self, code: str, message: str) -> None:
        with self._guard:
            self.reasons.append(reason(code, message))

    def _check(self, name: str, value: Any) -> None:
        with self._guard:
            self.checks[name] = value


def reason(code: str, message: str) -> dict[str, str]:
    return {"code": code, "message": message}


def leader_json(leader: Leader | None) -> dict[str, Any] | None:
    return None if leader is None else {"host": leader.host, "pid": leader.pid}


class Readiness:
    """Answers `/health/ready`, with at most one probe at work at a time."""

    def __init__(
        self,
        runtime: Runtime,
        max_lag_events: int = DEFAULT_MAX_LAG_EVENTS,
        timeout: float = TIMEOUT_SECONDS,
        reuse: float = REUSE_SECONDS,
    ) -> None:
        self.runtime = runtime
        self.max_lag_events = max_lag_events
        self.timeout = timeout
        self.reuse = reuse
        self._probe: Probe | None = None
        self._running: asyncio.Future[dict[str, Any]] | None = None
        self._last: tuple[float, dict[str, Any]] | None = None

    async def answer(self) -> dict[str, Any]:
        if self._last is not None and time.monotonic() - self._last[0] < self.reuse:
            return self._last[1]
        if self._running is None or self._running.done():
            self._probe = Probe(self.runtime, self.max_lag_events)
            self._running = asyncio.ensure_future(off_the_loop(self._probe.run))
        probe, running = self._probe, self._running
        assert probe is not None
        try:
            # Shielded: a probe that times out goes on, and the next request waits for it.
            body: dict[str, Any] = await asyncio.wait_for(asyncio.shield(running), self.timeout)
        except TimeoutError:
            body = probe.body(timed_out=True)
        except Exception as error:
            log.exception("the readiness probe failed")
            body = {
                "status": "not_ready",
                "reasons": [reason("health_check_failed", type(error).__name__)],
            }
        self._last = (time.monotonic(), body)
        return body
