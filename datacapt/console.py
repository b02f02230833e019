"""What every command shares: errors as one clear line and exit 1, aligned tables."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click

from datacapt.errors.exceptions import DatacaptException

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DatacaptException as exc:
            raise click.ClickException(exc.message) from exc

    return wrapper  # type: ignore[return-value]


def echo_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print rows under headers in left-aligned columns."""
    widths = [max(len(str(v)) for v in column) for column in zip(headers, *rows, strict=False)]
    for row in (headers, *rows):
        click.echo("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
