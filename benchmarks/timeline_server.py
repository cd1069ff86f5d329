"""Serve one app for the HTTP half of bench_timeline_query, in its own process.

    python -m benchmarks.timeline_server {graphql|bare} PORT

Settings come from the environment (`Settings.from_env()`, as `partnership serve` does), and
the runtime from `open_runtime`, so both apps read the same read models through the same
engines. Both are served alike: uvicorn, one worker, access log off. The GraphQL app is the
product's own `create_app(runtime)`, without the embedded projector and scheduler (on
PostgreSQL an API replica runs without them too; here the log is empty).
"""

import sys

import uvicorn
from litestar import Litestar

from benchmarks.timeline_bare_app import create_bare_app
from service.settings import Settings
from service.wiring import ServiceRuntime as Runtime
from service.wiring import open_runtime


def build(kind: str, runtime: Runtime) -> Litestar:
    if kind == "graphql":
        from benchmarks.signed_in import as_the_auditor
        from partnership_graphql.app import create_app

        return create_app(runtime, as_the_auditor())
    if kind == "bare":
        return create_bare_app(runtime.store)
    raise SystemExit(f"unknown app {kind!r}: choose graphql or bare")


def main(argv: list[str]) -> None:
    kind, port = argv
    runtime = open_runtime(Settings.from_env())
    try:
        uvicorn.run(
            build(kind, runtime),
            host="127.0.0.1",
            port=int(port),
            workers=1,
            log_level="warning",
            access_log=False,
        )
    finally:
        runtime.close()


if __name__ == "__main__":
    main(sys.argv[1:])
