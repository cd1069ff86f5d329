"""What the listing commands print for scripts (`--json`, `--csv`), and the progress a long
catch-up reports while it runs."""

import csv
import functools
import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO, TypeVar, cast

import click

TEXT = "text"
JSON = "json"
CSV = "csv"

F = TypeVar("F", bound=Callable[..., Any])

# A spreadsheet runs a cell that starts with one of these as a formula: a title recorded as
# "=HYPERLINK(...)" must reach it as text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def output_options(command: F) -> F:
    """--json and --csv, for scripts; at most one of them. The command is given `output`:
    JSON, CSV, or None for text."""

    @functools.wraps(command)
    def choosing(*args: Any, as_json: bool, as_csv: bool, **kwargs: Any) -> Any:
        if as_json and as_csv:
            raise click.UsageError("Choose --json or --csv, not both.")
        output = JSON if as_json else CSV if as_csv else None
        return command(*args, output=output, **kwargs)

    with_csv = click.option(
        "--csv",
        "as_csv",
        is_flag=True,
        help="One CSV table with a header row, for spreadsheets and scripts.",
    )(choosing)
    return cast(
        F,
        click.option("--json", "as_json", is_flag=True, help="One JSON array, for scripts.")(
            with_csv
        ),
    )


def chosen_output(output: str | None) -> str:
    return output or TEXT


def emit(rows: Sequence[Mapping[str, Any]], fields: Sequence[str], output: str) -> None:
    """The rows as a JSON array or a CSV table on stdout, every field in every row."""
    if output == JSON:
        click.echo(json.dumps([{name: row[name] for name in fields} for row in rows], indent=2))
        return
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(fields)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in fields])


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    if isinstance(value, list | tuple):
        return ";".join(str(item) for item in value)
    return value


class Progress:
    """Events done of a total, with the rate, on stderr: at most every `every` seconds, and
    only once the work has taken that long; `done()` always says how it ended."""

    def __init__(
        self,
        label: str,
        total: int,
        *,
        every: float = 2.0,
        stream: TextIO | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.label = label
        self.total = total
        self.every = every
        self.stream = stream
        self.clock = clock
        self.started = clock()
        self.last_report = self.started
        self.count = 0

    def update(self, events: int) -> None:
        self.count += events
        now = self.clock()
        if now - self.last_report >= self.every:
            self.last_report = now
            self._say(self._line(now))

    def done(self) -> None:
        if self.total == 0 and self.count == 0:
            self._say(f"{self.label}: no events to process, done")
            return
        self._say(self._line(self.clock()) + ", done")

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.count / elapsed
        line = f"{self.label}: {self.count:,} of {self.total:,} events, {rate:,.0f} a second"
        if self.count < self.total and rate > 0:
            line += f", about {(self.total - self.count) / rate:,.0f} s left"
        return line

    def _say(self, line: str) -> None:
        click.echo(line, file=self.stream or sys.stderr)
