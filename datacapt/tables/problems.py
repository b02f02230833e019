"""The refusal of an imported table: the problems found, each with its row (the file's
own numbering, the header being row 1) and column, listed in ``details.problems`` (at most
``MAX_PROBLEMS``; ``details.count`` says how many there were)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import TypedDict

from datacapt.errors import DatacaptException, invalid
from datacapt.i18n import Message
from datacapt.tables.reading import Table, TableUnreadable, read_table

MAX_PROBLEMS = 100


class TableProblem(TypedDict):
    row: int | None  # None: the file as a whole
    column: str | None
    message: Message


def problem(row: int | None, column: str | None, message: Message) -> TableProblem:
    return {"row": row, "column": column, "message": message}


def refuse_table(code: enum.IntEnum, problems: list[TableProblem]) -> DatacaptException:
    """The 422 refusing a file, under the caller's error ``code``."""
    return invalid(
        code,
        Message("The file has problems; details.problems lists them."),
        problems=problems[:MAX_PROBLEMS],
        count=len(problems),
    )


def required_table(content: bytes, columns: Iterable[str], code: enum.IntEnum) -> Table:
    """The table in ``content``, refused (under ``code``) when it cannot be read, lacks one
    of ``columns`` or has no rows."""
    try:
        table = read_table(content)
    except TableUnreadable as exc:
        raise refuse_table(code, [problem(None, None, exc.message)]) from exc
    problems = [
        problem(1, column, Message("The file has no such column."))
        for column in columns
        if column not in table.columns
    ]
    if not table.rows:
        problems.append(problem(None, None, Message("The file has no rows.")))
    if problems:
        raise refuse_table(code, problems)
    return table
