"""The `partnership` command: the root of roots, building each process from Settings."""

import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from datetime import date
from typing import Any

import click

from service.cli_access import people
from service.cli_tokens import tokens
from service.example import example_actor, load_example
from service.settings import Settings, SettingsError

log = logging.getLogger("partnership")


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
def main(verbose: bool) -> None:
    """partnership-tracker: the shared, permanent record of a public partnership."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


main.add_command(people)
main.add_command(tokens)


@contextmanager
def runtime_from_env() -> Iterator[Any]:
    from service.wiring import open_runtime

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    runtime = open_runtime(settings)
    try:
        yield runtime
    finally:
        runtime.close()


def read_models_owed(runtime: Any) -> list[Any]:
    """The start-up check: which read models this code must rebuild before trusting them (they
    are rebuilt beside the live ones, which keep answering); refuses ones newer than the code."""
    from projections.rebuilds import ReadModelTooNew, outdated

    try:
        owed = outdated(runtime.runner)
    except ReadModelTooNew as error:
        raise click.ClickException(str(error)) from None
    if owed:
        click.echo(
            "rebuilding beside the live read models, which keep answering: "
            + ", ".join(o.describe() for o in owed),
            err=True,
        )
    return owed


@main.command()
@click.option("--host", default=None, help="Overrides PARTNERSHIP_HOST.")
@click.option("--port", type=int, default=None, help="Overrides PARTNERSHIP_PORT.")
def serve(host: str | None, port: int | None) -> None:
    """Serve the GraphQL API (and, embedded, the projectors and scheduler too)."""
    import uvicorn

    from jobs.scheduler import build_scheduler
    from partnership_graphql.header_timeout import HeaderTimeoutProtocol
    from projections.rebuilds import upgrade_in_background
    from service.access_wiring import build_app, check_ready_to_serve, open_access

    with runtime_from_env() as runtime:
        settings = runtime.settings
        read_models_owed(runtime)
        try:
            check_ready_to_serve(settings, runtime)
            access = open_access(settings, runtime)
        except SettingsError as error:
            raise click.ClickException(str(error)) from None

        @asynccontextmanager
        async def background(_app: object) -> AsyncIterator[None]:
            stop = threading.Event()
            # An outdated read model is rebuilt while the live one serves; several processes
            # starting at once leave it to the first.
            rebuilding = upgrade_in_background(runtime.runner, stop)
            # Embedded, one process does everything; on PostgreSQL the projector and
            # scheduler are their own processes, so a replica of the API stays stateless.
            if not settings.embedded:
                try:
                    yield
                finally:
                    stop.set()
                    rebuilding.join(timeout=10)
                return
            follower = threading.Thread(
                target=runtime.runner.follow,
                args=(stop, settings.poll_interval_seconds),
                name="projector",
                daemon=True,
            )
            follower.start()
            scheduler = build_scheduler(runtime, blocking=False)
            scheduler.start()
            try:
                yield
            finally:
                scheduler.shutdown(wait=False)
                stop.set()
                follower.join(timeout=10)
                rebuilding.join(timeout=10)

        bind_host = host or settings.host
        bind_port = port or settings.port
        where = f"http://{bind_host}:{bind_port}"
        click.echo(f"GraphQL: {where}/graphql   sign in: {where}/sign-in")
        if settings.graphiql:
            click.echo(f"GraphiQL: {where}/graphql (open it in a browser)")
        try:
            uvicorn.run(
                build_app(settings, runtime, access, lifespan=[background]),
                host=bind_host,
                port=bind_port,
                # uvicorn sets no deadline for a request's headers; this protocol does.
                http=HeaderTimeoutProtocol,
            )
        finally:
            access.close()


def stalled_message(stalled: list[Any], others: str) -> str:
    lines = [f"{stall.describe()[0].upper()}{stall.describe()[1:]}." for stall in stalled]
    return " ".join(
        [
            *lines,
            others,
            "Remove the cause, then run `partnership project`: it resumes from the stalled event.",
        ]
    )


@main.command()
@click.option("--once", is_flag=True, help="Catch up to the head of the log, then exit.")
def project(once: bool) -> None:
    """Run the projectors: follow the event log and keep the read models current.

    A read model built by older code is first rebuilt beside the live one, which keeps
    answering meanwhile as it stood (with --once, before catching up)."""
    from projections.generations import RebuildInProgress
    from projections.rebuilds import bring_up_to_date, upgrade_in_background

    with runtime_from_env() as runtime:
        owed = read_models_owed(runtime)
        if once:
            if owed:
                try:
                    bring_up_to_date(runtime.runner)
                except RebuildInProgress as error:
                    raise click.ClickException(str(error)) from error
            stalled = runtime.runner.advance().stalled
            click.echo(f"read models at {runtime.runner.positions()}")
            if stalled:
                raise click.ClickException(
                    stalled_message(stalled, "Every other read model is up to date.")
                )
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        rebuilding = upgrade_in_background(runtime.runner, stop)
        click.echo("projector following the event log; Ctrl-C to stop")
        runtime.runner.follow(stop, runtime.settings.poll_interval_seconds)
        rebuilding.join(timeout=30)  # it stops at its next step; the next start begins again


@main.command()
@click.option(
    "--run-now", is_flag=True, help="Run the renewal scan once, then keep to the timetable."
)
def schedule(run_now: bool) -> None:
    """Run the scheduler: the daily renewal scan."""
    from jobs.scheduler import build_scheduler, run_renewal_scan

    with runtime_from_env() as runtime:
        scheduler = build_scheduler(runtime, blocking=True)
        if run_now:
            run_renewal_scan(runtime)
        click.echo(
            "scheduler running: renewal scan daily at "
            f"{runtime.settings.renewal_scan_hour:02d}:00 UTC"
        )
        with suppress(KeyboardInterrupt, SystemExit):
            scheduler.start()


@main.command()
def rebuild() -> None:
    """Rebuild every read model from the first event beside the live ones, which keep
    answering, and swap the new ones in within one transaction once they have caught up."""
    from projections.generations import RebuildInProgress
    from projections.rebuilds import GenerationBehind

    with runtime_from_env() as runtime:
        total = runtime.app.head_position()
        label = f"rebuilding {len(runtime.runner.projections)} read models"
        # The log's positions stand in for its length: the estimate of the time left is the
        # progress bar's, from the events replayed so far.
        with click.progressbar(
            length=total, label=label, file=sys.stderr, show_eta=True, show_percent=True
        ) as bar:
            try:
                stalled = runtime.runner.rebuild(progress=bar.update)
            except (RebuildInProgress, GenerationBehind) as error:
                raise click.ClickException(str(error)) from None
        if stalled:
            click.echo(f"read models at {runtime.runner.positions()}")
            raise click.ClickException(
                stalled_message(
                    stalled,
                    "A stalled read model holds only the events before that one, and says so "
                    "in /health/projections; every other read model was rebuilt in full.",
                )
            )
        click.echo(
            f"rebuilt and swapped in {len(runtime.runner.projections)} read models; "
            f"read models at {runtime.runner.positions()}"
        )


@main.command(name="load-example")
def load_example_command() -> None:
    """Load the example partnership from the seed papers (safe to run twice), with one demo
    person for each role (not in production mode)."""
    from service.access_wiring import open_access
    from service.example_people import describe, load_demo_people

    with runtime_from_env() as runtime:
        settings = runtime.settings
        actor = example_actor(settings)
        recorded = load_example(runtime.app, actor, runtime.clock())
        runtime.runner.catch_up()
        click.echo(f"example partnership loaded: {recorded} new fact(s) recorded")
        if settings.production:
            click.echo("production mode: no demo people made", err=True)
            return
        try:
            access = open_access(settings, runtime)
        except SettingsError as error:
            raise click.ClickException(str(error)) from None
        try:
            issued = load_demo_people(runtime.app, access.credentials, actor, runtime.clock())
        finally:
            access.close()
        runtime.runner.catch_up()
        click.echo(describe(issued))


@main.command()
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to scan from (default today).",
)
@click.option(
    "--within",
    "within_days",
    type=click.IntRange(min=0),
    default=None,
    help="Horizon in days (default PARTNERSHIP_RENEWAL_HORIZON_DAYS).",
)
def renewals(as_of: Any, within_days: int | None) -> None:
    """List contracts whose notice deadline falls within the horizon."""
    from jobs.renewals import list_renewals_due

    with runtime_from_env() as runtime:
        runtime.runner.catch_up()
        today: date = as_of.date() if as_of else runtime.clock().date()
        horizon = within_days if within_days is not None else runtime.settings.renewal_horizon_days
        due = list_renewals_due(runtime.store, today, horizon)
        click.echo(
            f"{len(due)} contract(s) need a renewal decision within {horizon} days of {today}"
        )
        for item in due:
            click.echo(f"  {item.describe()}")


@main.command(name="export-schema")
@click.option("--check", is_flag=True, help="Fail if graphql/schema.graphql is out of date.")
def export_schema_command(check: bool) -> None:
    """Write the GraphQL SDL to graphql/schema.graphql."""
    from partnership_graphql.schema import SDL_PATH, export_schema, schema_sdl

    if check:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
        if current != schema_sdl():
            raise click.ClickException(f"{SDL_PATH} is stale; run `partnership export-schema`")
        click.echo(f"{SDL_PATH} is current")
        return
    click.echo(f"wrote {export_schema()}")


@main.command(name="export-access-docs")
@click.option("--check", is_flag=True, help="Fail if docs/access.md is out of date.")
def export_access_docs_command(check: bool) -> None:
    """Write docs/access.md from the access policy table."""
    from access.policy_docs import ACCESS_DOC_PATH, access_markdown, write_access_doc

    if check:
        current = ACCESS_DOC_PATH.read_text(encoding="utf-8") if ACCESS_DOC_PATH.exists() else ""
        if current != access_markdown():
            raise click.ClickException(
                f"{ACCESS_DOC_PATH} is stale; run `partnership export-access-docs`"
            )
        click.echo(f"{ACCESS_DOC_PATH} is current")
        return
    click.echo(f"wrote {write_access_doc()}")
