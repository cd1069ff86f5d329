"""Serve one app for an HTTP benchmark, in its own process.

    python -m benchmarks.timeline_server {graphql|signed-in|signed-in-every-request|bare} PORT

Settings come from the environment (`Settings.from_env()`, as `partnership serve` does), and
the runtime from `open_runtime`, so every app reads the same read models through the same
engines. All are served alike: uvicorn, one worker, access log off. The GraphQL apps are the
product's own `create_app`, without the embedded projector and scheduler (on PostgreSQL an API
replica runs without them too; here the log is empty), and without a rate limit:

- `graphql`: every request is the auditor's, with nothing looked up (`SignedInAs`);
- `signed-in`: each request signs in as under `partnership serve`: the real `Identification`,
  `Authenticator` and credential store (`open_access`), then the policy;
- `signed-in-every-request`: the same, but with nothing remembered between requests: every
  request checks its token and reads its person afresh;
- `bare`: a plain Litestar JSON endpoint returning the same rows.
"""

import sys
from collections.abc import Callable

import uvicorn
from litestar import Litestar

from benchmarks.identities import BENCHMARK_OPTIONS, SignedInAs
from benchmarks.signed_in import AUDITOR
from benchmarks.timeline_bare_app import create_bare_app
from service.settings import Settings
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime

KINDS = ("graphql", "signed-in", "signed-in-every-request", "bare")


def build(kind: str, runtime: Runtime, on_exit: list[Callable[[], None]]) -> Litestar:
    from partnership_graphql.app import create_app

    if kind == "graphql":
        return create_app(runtime, SignedInAs(AUDITOR), options=BENCHMARK_OPTIONS)
    if kind in ("signed-in", "signed-in-every-request"):
        from partnership_graphql.credential_memory import RememberedSignIns
        from partnership_graphql.signed_in import Identification
        from service.access_wiring import open_access

        access = open_access(runtime.settings, runtime)
        on_exit.append(access.close)
        identification = (
            Identification(access.authenticator)
            if kind == "signed-in"
            else Identification(access.authenticator, remembered=RememberedSignIns(seconds=0))
        )
        return create_app(runtime, identification, options=BENCHMARK_OPTIONS)
    if kind == "bare":
        return create_bare_app(runtime.store)
    raise SystemExit(f"unknown app {kind!r}: choose from {', '.join(KINDS)}")


def main(argv: list[str]) -> None:
    kind, port = argv
    runtime = open_runtime(Settings.from_env())
    on_exit = [runtime.close]
    try:
        uvicorn.run(
            build(kind, runtime, on_exit),
            host="127.0.0.1",
            port=int(port),
            workers=1,
            log_level="warning",
            access_log=False,
        )
    finally:
        for close in reversed(on_exit):
            close()


if __name__ == "__main__":
    main(sys.argv[1:])
