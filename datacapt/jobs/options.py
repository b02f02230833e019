"""Declared job behaviour: retries with backoff, and a time limit."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class JobOptions:
    retries: int = 3
    backoff: tuple[int, ...] = (10, 60, 300)  # seconds before each retry
    timeout: int | None = None  # seconds; RQ's default when None


DEFAULT_OPTIONS = JobOptions()


def job(
    *, retries: int = 3, backoff: Sequence[int] = (10, 60, 300), timeout: int | None = None
) -> Callable[[F], F]:
    """Declare how a job function is retried: ``@job(retries=5, backoff=(30, 300))``."""

    def declare(func: F) -> F:
        func.datacapt_job = JobOptions(retries, tuple(backoff), timeout)  # type: ignore[attr-defined]
        return func

    return declare


def options_of(func: Callable[..., Any]) -> JobOptions:
    return getattr(func, "datacapt_job", DEFAULT_OPTIONS)
