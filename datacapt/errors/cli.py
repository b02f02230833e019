"""Commands report a DatacaptException as a clear message and a non-zero exit."""

from __future__ import annotations

import functools
from collections.abc import Callable
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
