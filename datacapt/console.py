"""What every command shares: one unit of work, errors as one clear line and exit 1,
aligned tables or JSON for scripts, progress on long work, the prompt for a new password."""

from __future__ import annotations

import functools
import json
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import click
from flask.cli import AppGroup, with_appcontext

from datacapt.api.json import DatacaptJSONProvider
from datacapt.database.unit import unit_of_work
from datacapt.errors.exceptions import DatacaptException

F = TypeVar("F", bound=Callable[..., Any])

_IN_UNIT = "_datacapt_unit_of_work"


class CommandGroup(AppGroup):
    """The app's command group: every command under it, at any depth and whoever adds it
    (core, plugins, blueprints), runs as one unit of work."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            as_unit_of_work(command)
        return command


def as_unit_of_work(command: click.Command) -> None:
    """Make ``command`` (each command of a group) commit once when it ends, or roll back
    when it fails."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            as_unit_of_work(sub)
        return
    callback = command.callback
    if callback is None or getattr(callback, _IN_UNIT, False):
        return

    @functools.wraps(callback)
    def in_unit(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work("command"):
            return callback(*args, **kwargs)

    wrapped = with_appcontext(in_unit)
    setattr(wrapped, _IN_UNIT, True)
    command.callback = wrapped


def reports_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatacaptException as exc:
            raise click.ClickException(str(exc.message)) from exc

    return wrapper  # type: ignore[return-value]


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows under headers in left-aligned columns."""
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
    for row in (headers, *rows):
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


json_option = click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (for scripts) instead of a table."
)


def echo_json(value: Mapping[str, Any] | Sequence[Any]) -> None:
    """Print ``value`` as JSON on one line, encoded as the API encodes it (dates and times
    in ISO 8601; uuids, decimals and messages as strings)."""
    click.echo(json.dumps(value, default=DatacaptJSONProvider.default, ensure_ascii=False))


@contextmanager
def progress(label: str, total: int) -> Iterator[Callable[[str], None]]:
    """Report ``total`` steps of long work on standard error: a bar with the count and the
    time left on a terminal, a plain line per step otherwise (logs, pipes, CI). Yields
    ``advance(detail)``, called once each step is done; no steps, no report."""
    stream = sys.stderr
    if not total:
        yield lambda _detail: None
        return
    if stream.isatty():
        with click.progressbar(
            length=total,
            label=label,
            show_pos=True,
            show_eta=True,
            item_show_func=lambda detail: detail,
            file=stream,
        ) as bar:
            yield lambda detail: bar.update(1, detail)
        return
    started, done = time.monotonic(), 0

    def advance(detail: str) -> None:
        nonlocal done
        done += 1
        elapsed = time.monotonic() - started
        left = elapsed / done * (total - done)
        click.echo(
            f"{label}: {done}/{total} ({done * 100 // total}%) {detail}"
            f" [{elapsed:.1f} s, about {left:.0f} s left]",
            err=True,
        )

    yield advance


def prompt_new_password() -> str:
    """A new password, typed twice at a hidden prompt (or read from stdin), never an argument."""
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)
