"""`partnership people` and `partnership tokens`, run in-process with click's CliRunner against
an embedded record: what they record, what they print, and how they refuse."""

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from access import AuthenticationFailed, Authenticator
from partnership.access import Role
from projections import read
from projections.runtime import Runtime, system_clock
from service.cli_access import credentials_of, people
from service.cli_tokens import tokens
from service.settings import Settings
from tests.conftest import settings_env

# The command line reaches its stores through the environment, as a real one would: an
# embedded record in files is what a second process can open.
pytestmark = pytest.mark.parametrize("settings", ["sqlite"], indirect=True)

LCC = "Lancashire County Council"
RUTH = "ruth.hawes@lancashire.gov.uk"
PASSWORD = "correct horse battery staple"

Invoke = Callable[..., Result]


@click.group()
def partnership() -> None:
    """The access commands as `partnership` carries them."""


partnership.add_command(people)
partnership.add_command(tokens)


@pytest.fixture
def cli(settings: Settings) -> Invoke:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("PARTNERSHIP_")}
    env.update(settings_env(settings))

    def invoke(*args: str, typed: str | None = None) -> Result:
        return CliRunner().invoke(partnership, list(args), env=env, input=typed)

    return invoke


@pytest.fixture
def authenticator(settings: Settings, runtime: Runtime) -> Iterator[Authenticator]:
    from service.access_wiring import secret_key_of

    credentials = credentials_of(settings)
    try:
        yield Authenticator(credentials, runtime.store, secret_key_of(settings), system_clock)
    finally:
        credentials.close()


def ok(result: Result) -> Result:
    assert result.exit_code == 0, result.output
    return result


def refused(result: Result, *words: str) -> None:
    assert result.exit_code != 0, result.output
    for word in words:
        assert word in result.output


def add_ruth(cli: Invoke, *extra: str, typed: str | None = None) -> Result:
    return cli(
        "people",
        "add",
        "--name",
        "Ruth Hawes",
        "--email",
        RUTH,
        "--authority",
        LCC,
        "--authority-kind",
        "county",
        *extra,
        typed=typed,
    )


def listed_people(cli: Invoke) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = json.loads(ok(cli("people", "list", "--json")).stdout)
    return listed


def test_the_first_admin_is_added_granted_and_signs_in(
    cli: Invoke, authenticator: Authenticator, runtime: Runtime
) -> None:
    added = ok(add_ruth(cli, "--password-prompt", typed=f"{PASSWORD}\n{PASSWORD}\n"))
    assert f"registered the authority {LCC} (county)" in added.output
    assert f"registered Ruth Hawes <{RUTH}> of {LCC}" in added.output
    assert PASSWORD not in added.output
    granted = ok(cli("people", "grant", RUTH, "--role", "admin"))
    assert "grant 1: admin on everything" in granted.output
    [ruth] = listed_people(cli)
    assert (ruth["email"], ruth["authority"]) == (RUTH, LCC)
    assert [(g["grant_id"], g["role"], g["scope"]) for g in ruth["grants"]] == [
        ("1", "admin", None)
    ]
    principal = authenticator.password_sign_in(RUTH, PASSWORD)
    assert principal is not None
    assert principal.roles() == {Role.ADMIN}
    with runtime.store.reader.connect() as conn:
        person = read.person_by_email(conn, RUTH)
    assert person is not None
    assert person["registered_by_id"] == "system:command-line"
    assert "Ruth Hawes" in ok(cli("people", "list")).output


def test_a_token_is_printed_once_and_signs_its_script_in(
    cli: Invoke, authenticator: Authenticator
) -> None:
    ok(add_ruth(cli))
    early = ok(cli("tokens", "issue", RUTH, "--label", "before any grant"))
    assert "refused until they do" in early.output
    ok(cli("people", "grant", RUTH, "--role", "auditor"))
    issued = ok(cli("tokens", "issue", RUTH, "--label", "audit export", "--days", "30"))
    token = issued.stdout.strip()
    assert token.startswith("ptk_")
    assert "will not be shown again" in issued.output
    signed_in = authenticator.authenticate(authorization=f"Bearer {token}", session_cookie=None)
    assert signed_in is not None
    assert signed_in.principal.email == RUTH
    listed = json.loads(ok(cli("tokens", "list", RUTH, "--json")).stdout)
    assert [row["label"] for row in listed] == ["before any grant", "audit export"]
    assert {row["status"] for row in listed} == {"active"}
    assert token not in ok(cli("tokens", "list")).output
    assert all(token.split("_", 2)[2] not in json.dumps(row) for row in listed)
    token_id = listed[1]["token_id"]
    assert token_id in ok(cli("tokens", "revoke", token_id)).output
    assert json.loads(ok(cli("tokens", "list", "--json")).stdout)[1]["status"] == "revoked"
    with pytest.raises(AuthenticationFailed) as raised:
        authenticator.authenticate(authorization=f"Bearer {token}", session_cookie=None)
    assert raised.value.code == "token_revoked"


def test_grants_are_scoped_and_revoked_with_a_reason(
    cli: Invoke, authenticator: Authenticator
) -> None:
    ok(add_ruth(cli))
    ok(cli("people", "grant", RUTH, "--role", "auditor"))
    scoped = ok(cli("people", "grant", RUTH, "--role", "procurement_officer", "--authority", LCC))
    assert f"grant 2: procurement officer on authority {LCC}" in scoped.output
    revoked = ok(cli("people", "revoke", RUTH, "1", "--reason", "Audit finished"))
    assert "revoked grant 1" in revoked.output
    [ruth] = listed_people(cli)
    assert [g["grant_id"] for g in ruth["grants"]] == ["2"]
    emptied = ok(cli("people", "revoke", RUTH, "2", "--reason", "Left the council"))
    assert "they hold no grant now" in emptied.output
    refused(cli("people", "revoke", RUTH, "2", "--reason", "Again"), "grant_already_revoked")


def test_set_password_asks_twice_and_signs_out_everywhere(
    cli: Invoke, authenticator: Authenticator
) -> None:
    ok(add_ruth(cli))
    ok(cli("people", "grant", RUTH, "--role", "auditor"))
    ruth = authenticator.person_id_for_email(RUTH)
    assert ruth is not None
    session = authenticator.credentials.start_session(ruth, now=system_clock())
    typed = f"{PASSWORD}\n{PASSWORD} typo\n{PASSWORD}\n{PASSWORD}\n"
    changed = ok(cli("people", "set-password", RUTH, typed=typed))
    assert "do not match" in changed.output
    assert "1 browser session(s) signed out" in changed.output
    assert authenticator.password_sign_in(RUTH, PASSWORD) is not None
    with pytest.raises(AuthenticationFailed) as raised:
        authenticator.authenticate(authorization=None, session_cookie=session.cookie_value)
    assert raised.value.code == "session_ended"
    refused(cli("people", "set-password", RUTH, typed="too short\ntoo short\n"), "12 characters")


def test_refusals_exit_non_zero_with_their_reason(cli: Invoke) -> None:
    refused(
        cli("people", "add", "--name", "Ruth Hawes", "--email", RUTH, "--authority", LCC),
        LCC,
        "not_found",
    )
    short = add_ruth(cli, "--password-prompt", typed="too short\ntoo short\n")
    refused(short, "password_too_short")
    assert listed_people(cli) == []
    ok(add_ruth(cli))
    refused(add_ruth(cli), "person_already_registered")
    refused(cli("people", "grant", "nobody@lancashire.gov.uk", "--role", "auditor"), "Nobody")
    refused(
        cli("people", "grant", RUTH, "--role", "auditor", "--partnership", "LSSCC"),
        "scope_not_allowed",
    )
    both = cli("people", "grant", RUTH, "--role", "secretary", "--authority", LCC, "--body", "B")
    assert both.exit_code == 2
    refused(cli("people", "grant", RUTH, "--role", "overlord"), "overlord")
    refused(cli("tokens", "issue", "nobody@lancashire.gov.uk", "--label", "x"), "Nobody")
    refused(cli("tokens", "issue", RUTH, "--label", "x", "--days", "367"), "367")
    refused(cli("tokens", "revoke", "0" * 16), "token_not_found")
    refused(cli("tokens", "list", "nobody@lancashire.gov.uk"), "Nobody")
