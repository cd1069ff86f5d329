"""How the `partnership` command ends: its exit codes, and every expected failure told in one
line on stderr (`partnership: <what went wrong>`), never a traceback."""

import sys
from collections.abc import Sequence
from typing import Any, NoReturn

import click

# The exit codes, which scripts branch on; README's command table and `partnership -h` list
# them.
EXIT_OK = 0
EXIT_FAILURE = 1  # the command could not do what was asked; `renewals`: something is due
EXIT_USAGE = 2  # a malformed command line, or a malformed or refused setting
EXIT_UNREACHABLE = 3  # the database cannot be reached or used
EXIT_PORT_TAKEN = 4  # `serve`: the address to listen on is taken or not ours to use

EXIT_CODES_HELP = """\b
Exit codes:
  0  done; `renewals`: nothing is due
  1  failed (a refusal, a stalled read model); `renewals`: something is due
  2  a malformed command line or setting (the message names the variable)
  3  the database cannot be reached or used (the message names host and port)
  4  `serve`: the port is taken"""


class SettingsRefused(click.ClickException):
    exit_code = EXIT_USAGE


class DatabaseUnavailable(click.ClickException):
    exit_code = EXIT_UNREACHABLE


class PortTaken(click.ClickException):
    exit_code = EXIT_PORT_TAKEN


def one_line(message: str) -> str:
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def fail(message: str, exit_code: int) -> NoReturn:
    click.echo(f"partnership: {one_line(message)}", err=True)
    sys.exit(exit_code)


def _database_failure(error: BaseException) -> str | None:
    """One line for a database that failed mid-command, or None if `error` is something else.

    Only the driver's own first line: SQLAlchemy's message would repeat the statement and
    its parameters, which may hold what must not reach a terminal or a log."""
    import psycopg
    import psycopg_pool
    from eventsourcing.persistence import InterfaceError as StoreInterfaceError
    from eventsourcing.persistence import OperationalError as StoreOperationalError
    from sqlalchemy.exc import DBAPIError

    from service.wiring import reason_of

    if isinstance(error, DBAPIError) and isinstance(
        error.orig, psycopg.OperationalError | psycopg.InterfaceError
    ):
        return reason_of(error.orig)
    if isinstance(
        error,
        psycopg.OperationalError
        | psycopg.InterfaceError
        | psycopg_pool.PoolTimeout
        | StoreOperationalError
        | StoreInterfaceError,
    ):
        return reason_of(error)
    return None


class PartnershipCommand(click.Group):
    """The root command: ends every expected failure with one line and its exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        try:
            returned = super().main(
                args, prog_name or "partnership", complete_var, standalone_mode=False, **extra
            )
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()
            sys.exit(EXIT_USAGE)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx is not None else "partnership"
            fail(f"{error.format_message()} (see `{command} -h`)", EXIT_USAGE)
        except click.ClickException as error:
            fail(error.format_message(), error.exit_code)
        except click.Abort:
            fail("stopped", EXIT_FAILURE)
        except Exception as error:
            reason = _database_failure(error)
            if reason is None:
                raise
            fail(f"the database failed: {reason}", EXIT_UNREACHABLE)
        sys.exit(returned if isinstance(returned, int) else EXIT_OK)
