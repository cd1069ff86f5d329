"""`partnership people`: who may use the record, with which roles and passwords; and what
the access commands share (`partnership tokens` is in service/cli_tokens.py).

What these commands change in the record (people and their grants) is recorded as the system,
acting at the command line, citing the paper given with --source. Passwords and tokens never
enter the record: they go to the credential store.
"""

import json
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from typing import Any

import click
from sqlalchemy import Connection

from access.credentials import CredentialStore
from access.passwords import check_password_policy
from partnership.access import Role
from partnership.commands.envelope import Envelope
from partnership.domain import DomainError, Provenance
from partnership.partnerships import AUTHORITY_KINDS, AuthorityNotFound
from partnership.people import PersonNotFound
from projections import read
from projections.runtime import ReadModelsBehind
from service.cli_output import CSV, JSON, emit, output_options
from service.settings import Settings, SettingsError
from service.wiring import ServiceRuntime

SOURCE_HELP = (
    "The paper that authorises this (an e-mail, a decision), cited in the record; "
    "default: the command itself."
)


def credentials_of(settings: Settings) -> CredentialStore:
    """The credential store these settings name, signing sessions with their secret key."""
    from service.access_wiring import secret_key_of

    return CredentialStore(settings.credentials_url(), secret_key_of(settings))


@contextmanager
def refusals() -> Iterator[None]:
    """A refusal from the record or the settings ends the command with its message."""
    try:
        yield
    except DomainError as error:
        raise click.ClickException(f"{error.message} [{error.code}]") from None
    except (SettingsError, ReadModelsBehind) as error:
        raise click.ClickException(str(error)) from None


@contextmanager
def opened() -> Iterator[ServiceRuntime]:
    from service.cli import runtime_from_env

    with runtime_from_env() as runtime, refusals():
        yield runtime


@contextmanager
def opened_credentials(runtime: ServiceRuntime) -> Iterator[CredentialStore]:
    with closing(credentials_of(runtime.settings)) as credentials:
        yield credentials


def envelope(runtime: ServiceRuntime, source: str | None, command: str) -> Envelope:
    from service.access_wiring import command_line_actor

    now: datetime = runtime.clock()
    cited = source or f"`partnership {command}` at the command line"
    return Envelope(Provenance(now.date(), cited), command_line_actor(runtime.settings), now)


def person_by_email(runtime: ServiceRuntime, email: str) -> dict[str, Any]:
    with runtime.store.reader.connect() as conn:
        person = read.person_by_email(conn, email)
    if person is None:
        raise PersonNotFound(email)
    return dict(person)


def new_password() -> str:
    password: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with refusals():
        return check_password_policy(password)


# People


@click.group()
def people() -> None:
    """The people who may use the record, their roles, and their passwords."""


@people.command(name="add")
@click.option("--name", required=True, help="Their name, as the record will show it.")
@click.option("--email", required=True, help="Their e-mail address: it identifies them.")
@click.option("--authority", required=True, help="The authority they act for, as registered.")
@click.option(
    "--authority-kind",
    type=click.Choice(AUTHORITY_KINDS),
    default=None,
    help="Register the authority too if the record does not know it yet (the first person "
    "on a new record).",
)
@click.option("--password-prompt", is_flag=True, help="Set a password too, typed twice.")
@click.option("--source", default=None, help=SOURCE_HELP)
def add_person(
    name: str,
    email: str,
    authority: str,
    authority_kind: str | None,
    password_prompt: bool,
    source: str | None,
) -> None:
    """Register a person. They can do nothing until granted a role (`people grant`)."""
    # Asked for first, so that a password the policy refuses leaves nothing half done.
    password = new_password() if password_prompt else None
    with opened() as runtime:
        if authority_kind is not None:
            try:
                runtime.app.get_authority(authority)
            except AuthorityNotFound:
                registering = envelope(runtime, source, "people add")
                result = runtime.app.register_authority(
                    name=authority, kind=authority_kind, envelope=registering
                )
                runtime.seen(result)
                click.echo(f"registered the authority {authority} ({authority_kind})")
        result = runtime.app.register_person(
            name=name,
            email=email,
            authority=authority,
            envelope=envelope(runtime, source, "people add"),
        )
        runtime.seen(result)
        person = person_by_email(runtime, email)
        click.echo(f"registered {describe_person(person)}")
        if password is not None:
            with opened_credentials(runtime) as credentials:
                credentials.set_password(person["person_id"], password, now=runtime.clock())
            click.echo("password set")


@people.command(name="grant")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--partnership", default=None, help="On this partnership (or a body's own).")
@click.option("--body", default=None, help="On this body (name its --partnership too).")
@click.option("--authority", default=None, help="On this authority.")
@click.option("--source", default=None, help=SOURCE_HELP)
def grant(
    email: str,
    role: str,
    partnership: str | None,
    body: str | None,
    authority: str | None,
    source: str | None,
) -> None:
    """Grant a role. With no scope it is granted on everything, where the role allows that."""
    if authority is not None and (partnership is not None or body is not None):
        raise click.UsageError("Name one scope: --authority, --partnership, or --body.")
    kind, scope, of_partnership = "everything", None, None
    if body is not None:
        kind, scope, of_partnership = "body", body, partnership
    elif partnership is not None:
        kind, scope = "partnership", partnership
    elif authority is not None:
        kind, scope = "authority", authority
    with opened() as runtime:
        result = runtime.app.grant_role(
            email=email,
            role=role,
            scope_kind=kind,
            scope=scope,
            partnership=of_partnership,
            envelope=envelope(runtime, source, "people grant"),
        )
        runtime.seen(result)
        person = person_by_email(runtime, email)
        with runtime.store.reader.connect() as conn:
            held = read.grants_of(conn, [person["person_id"]])[person["person_id"]]
        click.echo(f"granted to {person['email']}: {describe_grant(held[-1])}")


@people.command(name="revoke")
@click.argument("email")
@click.argument("grant_id")
@click.option("--reason", required=True, help="Why, as the record will keep it.")
@click.option("--source", default=None, help=SOURCE_HELP)
def revoke(email: str, grant_id: str, reason: str, source: str | None) -> None:
    """Revoke one of a person's grants (`people list` shows their numbers)."""
    with opened() as runtime:
        result = runtime.app.revoke_grant(
            email=email,
            grant_id=grant_id,
            reason=reason,
            envelope=envelope(runtime, source, "people revoke"),
        )
        runtime.seen(result)
        person = person_by_email(runtime, email)
        click.echo(f"revoked grant {grant_id} of {person['email']}")
        with runtime.store.reader.connect() as conn:
            left = read.grants_of(conn, [person["person_id"]], current_only=True)
        if not left.get(person["person_id"]):
            click.echo("they hold no grant now: their tokens and sessions are refused")


@people.command(name="set-password")
@click.argument("email")
def set_password(email: str) -> None:
    """Set a person's password (typed twice, not shown), signing them out everywhere."""
    with opened() as runtime:
        person = person_by_email(runtime, email)
        password = new_password()
        with opened_credentials(runtime) as credentials:
            credentials.set_password(person["person_id"], password, now=runtime.clock())
            ended = credentials.end_sessions_of(person["person_id"], now=runtime.clock())
        click.echo(f"password set for {person['email']}; {ended} browser session(s) signed out")


@people.command(name="list")
@output_options
def list_people(output: str | None) -> None:
    """Everyone registered, by name, with the grants they hold now.

    With --csv, one row a person, their grants in one cell separated by semicolons."""
    with opened() as runtime, runtime.store.reader.connect() as conn:
        everyone = list(all_people(conn))
        grants = read.grants_of(conn, [p["person_id"] for p in everyone], current_only=True)
    held_by = {p["person_id"]: grants.get(p["person_id"], []) for p in everyone}
    if output == JSON:
        listed = [
            {**person_fields(p), "grants": [grant_fields(g) for g in held_by[p["person_id"]]]}
            for p in everyone
        ]
        click.echo(json.dumps(listed, indent=2))
        return
    if output == CSV:
        rows = [
            {**person_fields(p), "grants": [describe_grant(g) for g in held_by[p["person_id"]]]}
            for p in everyone
        ]
        emit(rows, (*PERSON_FIELDS, "grants"), CSV)
        return
    for person in everyone:
        click.echo(describe_person(person))
        for line in [describe_grant(g) for g in held_by[person["person_id"]]] or ["no grants"]:
            click.echo(f"    {line}")
    click.echo(f"{len(everyone)} {'person' if len(everyone) == 1 else 'people'}")


def all_people(conn: Connection) -> Iterator[dict[str, Any]]:
    after = None
    while True:
        page = read.people_page(conn, read.PageRequest(first=read.MAX_PAGE_SIZE, after=after))
        yield from page.rows
        if not page.has_next_page:
            return
        after = page.cursors[-1]


PERSON_FIELDS = ("person_id", "name", "email", "authority")


def person_fields(person: dict[str, Any]) -> dict[str, Any]:
    return {key: person[key] for key in PERSON_FIELDS}


def grant_fields(held: dict[str, Any]) -> dict[str, Any]:
    return {
        "grant_id": held["grant_id"],
        "role": held["role"],
        "scope_kind": held["scope_kind"],
        "scope": held["scope"],
        "partnership": held["scope_partnership"],
        "granted_on": held["granted_on"].isoformat(),
    }


def describe_person(person: dict[str, Any]) -> str:
    return f"{person['name']} <{person['email']}> of {person['authority']}"


def describe_grant(held: dict[str, Any]) -> str:
    scope = "everything" if held["scope"] is None else f"{held['scope_kind']} {held['scope']}"
    if held["scope_partnership"]:
        scope += f" of {held['scope_partnership']}"
    role = held["role"].replace("_", " ")
    return f"grant {held['grant_id']}: {role} on {scope}, since {held['granted_on']}"
