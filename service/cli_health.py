"""`partnership health --role projector|scheduler`: a container's health check for the
processes that serve no HTTP (the API's is `GET /health/ready`).

Exits 0 when what the role needs answers (the event store and the read models) and, on
PostgreSQL, some process leads the role; otherwise 1, with a one-line reason. A standby is
healthy while another process leads: it is there to take over.
"""

import threading

import click

ROLE_NEEDS = ("event_store_unreachable", "read_models_unreachable", "health_check_timed_out")


@click.command()
@click.option(
    "--role",
    type=click.Choice(["projector", "scheduler"]),
    required=True,
    help="The role of the process being checked.",
)
def health(role: str) -> None:
    """Exit 0 if the stores answer and the role is led; else 1 with the reason."""
    from partnership_graphql.readiness import TIMEOUT_SECONDS, Probe
    from service.settings import Settings, SettingsError
    from service.wiring import open_runtime

    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(str(error)) from None
    try:
        runtime = open_runtime(settings)
    except Exception as error:
        raise click.ClickException(
            f"not healthy: the stores cannot be opened ({type(error).__name__})"
        ) from None
    try:
        probe = Probe(runtime, settings.ready_max_lag_events)
        looking = threading.Thread(target=probe.run, daemon=True)
        looking.start()
        looking.join(TIMEOUT_SECONDS)
        body = probe.body(timed_out=looking.is_alive())
    finally:
        runtime.close()
    failing = [
        r["message"] for r in body["reasons"] if r["code"] in (*ROLE_NEEDS, f"no_{role}_elected")
    ]
    if failing:
        raise click.ClickException("not healthy: " + "; ".join(failing))
    leader = body.get("leaders", {}).get(role)
    led = f"led by process {leader['pid']} on {leader['host']}" if leader else "embedded"
    click.echo(f"healthy: the stores answer; the {role} is {led}")
