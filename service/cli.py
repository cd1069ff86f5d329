"""The `partnership` command: the root of roots, building each process from Settings."""

import logging
import signal
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import date
from typing import Any

import click

from service.cli_access import people
from service.cli_errors import (
    EXIT_CODES_HELP,
    EXIT_FAILURE,
    DatabaseUnavailable,
    PartnershipCommand,
    PortTaken,
    SettingsRefused,
)
from service.cli_health import health
from service.cli_output import Progress, chosen_output, emit, output_options
from service.cli_tokens import tokens
from service.example import example_actor, load_example
from service.listening import listening_socket
from service.logs import configure_logging_from_env
from service.settings import Settings, SettingsError

log = logging.getLogger("partnership")


@click.group(
    cls=PartnershipCommand,
    context_settings={"help_option_names": ["-h", "--help"]},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(package_name="partnership-tracker", prog_name="partnership")
@click.option("-v", "--verbose", is_flag=True, help="Log debugging detail.")
def main(verbose: bool) -> None:
    """partnership-tracker: the shared, permanent record of a public partnership."""
    configure_logging_from_env(verbose)


main.add_command(people)
main.add_command(tokens)
main.add_command(health)


def settings_from_env() -> Settings:
    """The settings, checked whole before anything starts; a bad one ends the command."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        raise SettingsRefused(str(error)) from None


def check_database(settings: Settings) -> None:
    """Ends the command at once, naming where, if the database cannot be reached."""
    from service.wiring import DatabaseUnreachable, check_database_reachable

    try:
        check_database_reachable(settings)
    except DatabaseUnreachable as error:
        raise DatabaseUnavailable(str(error)) from None
    except SettingsError as error:
        raise SettingsRefused(str(error)) from None


@contextmanager
def runtime_from_env() -> Iterator[Any]:
    from service.wiring import open_runtime

    settings = settings_from_env()
    check_database(settings)
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
@click.option(
    "--port", type=click.IntRange(1, 65_535), default=None, help="Overrides PARTNERSHIP_PORT."
)
def serve(host: str | None, port: int | None) -> None:
    """Serve the GraphQL API (and, embedded, the projectors and scheduler too)."""
    import uvicorn

    from jobs.scheduler import run_scheduler
    from partnership_graphql.header_timeout import HeaderTimeoutProtocol
    from projections.election import PROJECTOR, SCHEDULER, SoleLeader
    from projections.rebuilds import upgrade_in_background
    from projections.runner import project_while_leading
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
            # Embedded there is no election: this process leads both roles.
            follower = threading.Thread(
                target=project_while_leading,
                args=(runtime.runner, SoleLeader(PROJECTOR), stop, settings.poll_interval_seconds),
                kwargs={"upgrade": False},
                name="projector",
                daemon=True,
            )
            follower.start()
            scheduler = threading.Thread(
                target=run_scheduler,
                args=(runtime, SoleLeader(SCHEDULER), stop),
                name="scheduler",
                daemon=True,
            )
            scheduler.start()
            try:
                yield
            finally:
                stop.set()
                scheduler.join(timeout=10)
                follower.join(timeout=10)
                rebuilding.join(timeout=10)

        bind_host = host or settings.host
        bind_port = port or settings.port
        try:
            # Bound first, so the address is printed only once it is ours.
            listening = listening_socket(bind_host, bind_port)
        except PortTaken:
            access.close()
            raise
        where = f"http://{bind_host}:{bind_port}"
        click.echo(f"GraphQL: {where}/graphql   sign in: {where}/sign-in")
        if settings.graphiql:
            click.echo(f"GraphiQL: {where}/graphql (open it in a browser)")
        try:
            server = uvicorn.Server(
                uvicorn.Config(
                    build_app(settings, runtime, access, lifespan=[background]),
                    host=bind_host,
                    port=bind_port,
                    # uvicorn sets no deadline for a request's headers; this protocol does.
                    http=HeaderTimeoutProtocol,
                    # Its lines go through the process's one log format; the product logs
                    # each request itself, with its id.
                    log_config=None,
                    access_log=False,
                )
            )
            server.run(sockets=[listening])
        finally:
            listening.close()
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
    from projections.election import PROJECTOR, election_for
    from projections.generations import RebuildInProgress
    from projections.rebuilds import bring_up_to_date
    from projections.runner import project_while_leading

    with runtime_from_env() as runtime:
        owed = read_models_owed(runtime)
        if once:
            if owed:
                rebuild_progress = Progress(
                    f"rebuilding {len(owed)} read models", runtime.app.head_position()
                )
                try:
                    bring_up_to_date(runtime.runner, progress=rebuild_progress.update)
                except RebuildInProgress as error:
                    raise click.ClickException(str(error)) from error
                rebuild_progress.done()
            head = runtime.app.head_position()
            catching_up = Progress(
                "catching up", head - min(runtime.runner.positions().values(), default=head)
            )
            stalled = runtime.runner.advance(progress=catching_up.update).stalled
            catching_up.done()
            click.echo(f"read models at {runtime.runner.positions()}")
            if stalled:
                raise click.ClickException(
                    stalled_message(stalled, "Every other read model is up to date.")
                )
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo("projector following the event log; Ctrl-C to stop")
        # On PostgreSQL one projector process leads; the others stand by (projections/election).
        retry = runtime.settings.election_retry_seconds
        project_while_leading(
            runtime.runner,
            election_for(runtime.store, PROJECTOR, retry),
            stop,
            runtime.settings.poll_interval_seconds,
            retry,
        )


@main.command()
@click.option(
    "--run-now", is_flag=True, help="Run the renewal scan once, then keep to the timetable."
)
def schedule(run_now: bool) -> None:
    """Run the scheduler: the daily renewal scan."""
    from jobs.scheduler import run_scheduler
    from projections.election import SCHEDULER, election_for

    with runtime_from_env() as runtime:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        click.echo(
            "scheduler running: renewal scan daily at "
            f"{runtime.settings.renewal_scan_hour:02d}:00 UTC"
        )
        # On PostgreSQL one scheduler process leads; the others stand by (projections/election).
        retry = runtime.settings.election_retry_seconds
        election = election_for(runtime.store, SCHEDULER, retry)
        run_scheduler(runtime, election, stop, run_now=run_now, check_every=retry)


@main.command()
def rebuild() -> None:
    """Rebuild every read model from the first event beside the live ones, which keep
    answering, and swap the new ones in within one transaction once they have caught up."""
    from projections.generations import RebuildInProgress
    from projections.rebuilds import GenerationBehind

    with runtime_from_env() as runtime:
        # The log's positions stand in for its length: the estimate of the time left is made
        # from the events replayed so far.
        progress = Progress(
            f"rebuilding {len(runtime.runner.projections)} read models",
            runtime.app.head_position(),
        )
        try:
            stalled = runtime.runner.rebuild(progress=progress.update)
        except (RebuildInProgress, GenerationBehind) as error:
            raise click.ClickException(str(error)) from None
        progress.done()
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
@click.option(
    "--illustrative",
    is_flag=True,
    help="Also record invented facts (votes, slippage, supplier actions, a correction, a "
    "renewal due soon), each with a source starting 'Illustrative:'.",
)
def load_example_command(illustrative: bool) -> None:
    """Load the example partnership from the seed papers (safe to run twice), with one demo
    person for each role (not in production mode)."""
    from service.access_wiring import open_access
    from service.example_illustrative import load_example_with_illustrations
    from service.example_people import describe, load_demo_people

    with runtime_from_env() as runtime:
        settings = runtime.settings
        actor = example_actor(settings)
        load = load_example_with_illustrations if illustrative else load_example
        recorded = load(runtime.app, actor, runtime.clock())
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
@output_options
def renewals(as_of: Any, within_days: int | None, output: str | None) -> None:
    """List contracts whose notice deadline falls within the horizon.

    Exits 0 when nothing is due and 1 when something is, for monitoring scripts (as diff
    does); 2 and 3 as for every command."""
    from jobs.renewals import RENEWAL_FIELDS, list_renewals_due, renewal_row

    with runtime_from_env() as runtime:
        runtime.runner.catch_up()
        today: date = as_of.date() if as_of else runtime.clock().date()
        horizon = within_days if within_days is not None else runtime.settings.renewal_horizon_days
        due = list_renewals_due(runtime.store, today, horizon)
    if chosen_output(output) != "text":
        emit([renewal_row(item) for item in due], RENEWAL_FIELDS, chosen_output(output))
    else:
        click.echo(
            f"{len(due)} contract(s) need a renewal decision within {horizon} days of {today}"
        )
        for item in due:
            click.echo(f"  {item.describe()}")
    if due:
        click.get_current_context().exit(EXIT_FAILURE)


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
