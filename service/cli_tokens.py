"""`partnership tokens`: the API tokens a person's scripts sign in with.

A token is printed once, when issued; the credential store keeps only its digest, so a lost
token is revoked and another issued.
"""

from datetime import datetime, timedelta
from typing import Any

import click

from access.tokens import DEFAULT_TOKEN_LIFETIME, MAX_TOKEN_LIFETIME
from projections import read
from service.cli_access import opened, opened_credentials, person_by_email
from service.cli_output import emit, output_options


@click.group()
def tokens() -> None:
    """API tokens, with which a person's scripts sign in."""


@tokens.command(name="issue")
@click.argument("email")
@click.option("--label", required=True, help="What it is for, e.g. the script that holds it.")
@click.option(
    "--days",
    type=click.IntRange(1, MAX_TOKEN_LIFETIME.days),
    default=DEFAULT_TOKEN_LIFETIME.days,
    show_default=True,
    help="Days until it expires.",
)
def issue_token(email: str, label: str, days: int) -> None:
    """Issue an API token for a person. It is printed once and cannot be shown again."""
    with opened() as runtime:
        person = person_by_email(runtime, email)
        with opened_credentials(runtime) as credentials:
            issued = credentials.issue_token(
                person["person_id"], label, now=runtime.clock(), expires_in=timedelta(days=days)
            )
        with runtime.store.reader.connect() as conn:
            principal = read.principal_of(conn, person["person_id"])
    info = issued.info
    click.echo(
        f"API token {info.token_id} for {person['email']} ({info.label}), "
        f"expires {when(info.expires_at)}:",
        err=True,
    )
    click.echo(issued.token)
    click.echo(
        "Copy it now: it will not be shown again. Send it as 'Authorization: Bearer <token>'.",
        err=True,
    )
    if principal is None or not principal.grants:
        click.echo("They hold no grant yet: the token is refused until they do.", err=True)


@tokens.command(name="revoke")
@click.argument("token_id")
def revoke_token(token_id: str) -> None:
    """Revoke an API token at once (`tokens list` shows their ids)."""
    with opened() as runtime, opened_credentials(runtime) as credentials:
        info = credentials.revoke_token(token_id, now=runtime.clock())
    click.echo(f"revoked API token {info.token_id} ({info.label}) on {when(info.revoked_at)}")


@tokens.command(name="list")
@click.argument("email", required=False)
@output_options
def list_tokens(email: str | None, output: str | None) -> None:
    """Every API token, or one person's: never the tokens themselves."""
    with opened() as runtime, opened_credentials(runtime) as credentials:
        person_id = person_by_email(runtime, email)["person_id"] if email else None
        listed = credentials.list_tokens(person_id)
        with runtime.store.reader.connect() as conn:
            emails = {pid: email_of(conn, pid) for pid in {info.person_id for info in listed}}
        now = runtime.clock()
    rows: list[dict[str, Any]] = [
        {
            "token_id": info.token_id,
            "email": emails[info.person_id],
            "label": info.label,
            "status": info.status(now),
            "created_at": info.created_at.isoformat(),
            "expires_at": info.expires_at.isoformat(),
            "last_used_at": info.last_used_at.isoformat() if info.last_used_at else None,
            "revoked_at": info.revoked_at.isoformat() if info.revoked_at else None,
        }
        for info in listed
    ]
    if output is not None:
        emit(rows, TOKEN_FIELDS, output)
        return
    for info, row in zip(listed, rows, strict=True):
        used = when(info.last_used_at) if info.last_used_at else "never"
        click.echo(
            f"{info.token_id}  {row['status']:<7}  {row['email']}  {info.label!r}  "
            f"expires {when(info.expires_at)}, last used {used}"
        )
    click.echo(f"{len(rows)} API token(s)")


TOKEN_FIELDS = (
    "token_id",
    "email",
    "label",
    "status",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)


def email_of(conn: Any, person_id: str) -> str:
    found = read.person_by_id(conn, person_id)
    return str(found["email"]) if found else f"(no one registered: {person_id})"


def when(at: datetime | None) -> str:
    return "-" if at is None else at.strftime("%Y-%m-%d %H:%M UTC")
