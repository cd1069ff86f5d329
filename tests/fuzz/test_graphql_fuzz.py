"""Schema-driven GraphQL fuzzing of a served instance, on each store.

`partnership serve` runs as a user starts it, with the example partnership and its demo
people loaded (one for each role). Generated queries and mutations (valid, invalid, and in
malformed bodies) are sent to it for a bounded time, each with a credential drawn at random: a
demo person's token, none, a malformed header or a forged token. Whatever is sent, the answer
is never a 5xx, never "Unexpected error." and always a GraphQL response, and it keeps to the
access policy for the credential it carried (tests/fuzz/invariants.py). Afterwards every read
model is at the head of the log, read models rebuilt from the log equal the live ones, and
every event recorded during the run came from a request that was not refused and names its
sender, whose grants allow that change (tests/fuzz/recorded.py). Every distinct failure is
collected, not only the first, so one run shows all that is wrong.

The schema is the code's own (`schema_sdl()`), so the served instance keeps introspection off,
as deployed.

Bounds, from the environment: PARTNERSHIP_FUZZ_SECONDS (time spent sending, per store),
PARTNERSHIP_FUZZ_EXAMPLES (at most this many requests per store) and PARTNERSHIP_FUZZ_SEED
(fixed under CI, so that a run there can be replayed exactly; random otherwise, and shown).
"""

import json
import os
import random
import time
import unittest
from pathlib import Path
from uuid import UUID

import httpx
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings

from partnership.access import Role
from partnership.application import PartnershipApplication
from partnership_graphql.schema import schema_sdl
from projections.runner import ProjectionRunner
from service.settings import Settings
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime
from tests.conftest import IN_CI, settings_env
from tests.fuzz.credentials import DemoToken, credentials, demo_tokens, tokens_issue
from tests.fuzz.generation import Known, Request, fuzz_config, harvest, register_scalars
from tests.fuzz.generation import requests as generated
from tests.fuzz.invariants import Findings, failures_in_log, judge
from tests.fuzz.recorded import Span, recorded_wrongly
from tests.fuzz.served import CLI, Served, add_subject, load_example, serve
from tests.integration.test_rebuild_equality import differences, fresh_store, snapshot

SECONDS = float(os.environ.get("PARTNERSHIP_FUZZ_SECONDS", "75" if IN_CI else "20"))
# Under CI the count, not the time, ends a run (2,500 requests reach every operation in about
# 40 s on two cores), so that the fixed seed replays it exactly; the time is a ceiling.
EXAMPLES = int(os.environ.get("PARTNERSHIP_FUZZ_EXAMPLES", "2500" if IN_CI else "1500"))
SEED = int(os.environ.get("PARTNERSHIP_FUZZ_SEED", "14" if IN_CI else random.getrandbits(32)))
REQUEST_TIMEOUT = 30.0
CATCH_UP_TIMEOUT = 60.0
STATUS = "{ projectionStatus { name position head lagEvents } }"


class BudgetSpent(unittest.SkipTest):
    """Ends generation when the time is up: hypothesis lets a skip through at once, unshrunk."""


@pytest.mark.slow
def test_no_generated_request_breaks_the_served_record(settings: Settings, tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    people = demo_tokens(load_example(settings, log), tokens_issue(CLI, settings_env(settings)))
    add_subject(settings, log)
    known = harvest(settings, leave_out={UUID(person.person_id) for person in people})
    log_head = PartnershipApplication(env=settings.event_store_env())
    try:
        with serve(settings, log) as served:
            start = log_head.head_position()
            found, spans = fuzz(served, known, people, log_head)
            behind = read_models_behind(served, auditor_of(people))
    finally:
        log_head.close()
    wrongly = recorded_differently(settings, people, start, spans)
    rebuilt = rebuild_differences(settings, tmp_path)

    store = "PostgreSQL" if settings.database_url else "SQLite"
    summary = (
        f"{store}: {found.sent} requests over {len(found.by_operation)} operations in at most "
        f"{SECONDS:.0f} s, {sum(s.head - s.before for s in spans)} events recorded by "
        f"{len(spans)} of them; replay with PARTNERSHIP_FUZZ_SEED={SEED}"
    )
    print(summary)
    failed = []
    if found.first:
        failed.append(f"answers that break the rules:\n\n{found.report()}")
    if wrongly:
        failed.append("recorded against the policy:\n" + "\n".join(wrongly[:50]))
    if behind:
        failed.append("read models behind afterwards:\n" + "\n".join(behind))
    if rebuilt:
        failed.append("rebuilt differs from live:\n" + "\n".join(rebuilt[:50]))
    if failed:
        logged = failures_in_log(served.log.read_text(errors="replace"))
        failed.append(f"the server logged:\n{logged}")
    assert not failed, "\n\n".join([summary, *failed])
    # Guards against a vacuous pass: requests reached (nearly) every query and mutation.
    assert found.sent >= min(EXAMPLES, 100), summary
    assert len(found.by_operation) >= 0.8 * found.operations, summary


def fuzz(
    served: Served, known: Known, people: list[DemoToken], log_head: PartnershipApplication
) -> tuple[Findings, list[Span]]:
    """The findings, and each request during which the log grew (nothing else writes to it)."""
    register_scalars(known)
    schema = schemathesis.graphql.from_file(schema_sdl(), config=fuzz_config(known))
    found = Findings(operations=sum(1 for _ in schema.get_all_operations()))
    spans: list[Span] = []
    head = log_head.head_position()
    session = requests.Session()
    ends = time.monotonic() + SECONDS

    # Failures are collected, not raised, so hypothesis neither stops at the first nor spends
    # the budget shrinking: a run is bounded by time and count, and shows every distinct one.
    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(request=generated(schema, credentials(people)))
    def one(request: Request) -> None:
        nonlocal head
        if time.monotonic() > ends:
            raise BudgetSpent("the time for sending is spent")
        found.counted(request)
        refused = False
        try:
            response = send(request, served, session)
        except requests.RequestException as error:
            found.add(request, "no answer", repr(error))
            if served.process.poll() is not None:
                raise BudgetSpent("the server has stopped") from error
        else:
            refused = judge(request, response, found)
        before, head = head, log_head.head_position()
        if head != before:
            spans.append(Span(found.sent, request, refused, before, head))

    try:
        one()
    except BudgetSpent:
        pass
    finally:
        session.close()
    return found, spans


def send(request: Request, served: Served, session: requests.Session) -> requests.Response:
    body = request.raw if request.malformed else json.dumps({"query": request.case.body}).encode()
    headers = {"Content-Type": "application/json"}
    if request.credential.header is not None:
        headers["Authorization"] = request.credential.header
    return session.post(served.graphql_url, data=body, headers=headers, timeout=REQUEST_TIMEOUT)


def auditor_of(people: list[DemoToken]) -> str:
    return next(person.token for person in people if person.role is Role.AUDITOR)


def read_models_behind(served: Served, auditor_token: str) -> list[str]:
    """What is still wrong once the read models have had time to reach the head of the log."""
    deadline = time.monotonic() + CATCH_UP_TIMEOUT
    while True:
        problems = []
        try:
            answer = httpx.post(
                served.graphql_url,
                json={"query": STATUS},
                headers={"Authorization": f"Bearer {auditor_token}"},
                timeout=REQUEST_TIMEOUT,
            )
            statuses = (answer.json().get("data") or {}).get("projectionStatus")
            if answer.status_code != 200 or not statuses:
                problems.append(f"projectionStatus: HTTP {answer.status_code} {answer.text[:2000]}")
            else:
                problems += [
                    f"{s['name']} at {s['position']} of {s['head']} ({s['lagEvents']} behind)"
                    for s in statuses
                    if s["lagEvents"] != 0 or s["position"] != s["head"]
                ]
            health = httpx.get(f"{served.base_url}/health/projections", timeout=REQUEST_TIMEOUT)
            if health.status_code != 200:
                problems.append(f"/health/projections: HTTP {health.status_code} {health.text}")
        except (httpx.HTTPError, ValueError) as error:
            problems.append(f"the status could not be read: {error!r}")
        if not problems or time.monotonic() > deadline:
            return problems
        time.sleep(0.2)


def recorded_differently(
    settings: Settings, people: list[DemoToken], start: int, spans: list[Span]
) -> list[str]:
    """Each event recorded during the run against who sent it (tests/fuzz/recorded.py)."""
    runtime = open_runtime(settings)
    try:
        return recorded_wrongly(runtime.app, runtime.store, people, start, spans)
    finally:
        runtime.close()


def rebuild_differences(settings: Settings, tmp_path: Path) -> list[str]:
    """Read models built afresh from the log, and rebuilt in place, each equal the live ones."""
    runtime = open_runtime(settings)
    try:
        return _rebuild_differences(runtime, tmp_path)
    except Exception as error:
        # A rebuild that fails is a finding to show beside the others, not a crash hiding them.
        return [f"the rebuild failed: {error!r}"]
    finally:
        runtime.close()


def _rebuild_differences(runtime: Runtime, tmp_path: Path) -> list[str]:
    head = runtime.app.head_position()
    live = snapshot(runtime.store)
    fresh = fresh_store(runtime, tmp_path)
    try:
        whole = ProjectionRunner(runtime.app, fresh, batch_size=1_000_000)
        whole.catch_up()
        found = [f"built afresh: {line}" for line in differences(live, snapshot(fresh))]
        if set(whole.positions().values()) != {head}:
            found.append(f"built afresh, stopped at {whole.positions()} of {head}")
    finally:
        fresh.dispose()
    runtime.runner.rebuild()
    found += [f"rebuilt: {line}" for line in differences(live, snapshot(runtime.store))]
    if set(runtime.runner.positions().values()) != {head}:
        found.append(f"rebuilt, stopped at {runtime.runner.positions()} of {head}")
    return found
