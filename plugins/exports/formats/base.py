"""What every format's writer does: take the run's chunks of subjects as they are read,
write them to files on disk, and name the files it made."""

from __future__ import annotations

import abc
import csv
import dataclasses
import datetime as dt
import decimal
import json
from pathlib import Path
from typing import IO, Any

from datacapt.toolkit import Study
from plugins.exports.extract.chunks import Chunk
from plugins.exports.extract.design import Design
from plugins.exports.extract.tables import Table, Tabulator


@dataclasses.dataclass(frozen=True)
class Context:
    """What a writer knows of the run."""

    study: Study
    directory: Path
    prefix: str  # the start of every file's name
    design: Design
    settings: dict[str, Any]
    arm: bool
    product: bool  # zone assessments name the product
    extras: tuple[str, ...]
    as_of: dt.datetime  # the snapshot's time: written where a format wants a date


@dataclasses.dataclass(frozen=True)
class OutputFile:
    path: Path
    content_type: str
    rows: int | None = None

    @property
    def name(self) -> str:
        return self.path.name


class FormatProblem(Exception):
    """The data cannot be written in this format (the run fails with this reason)."""


def plain(value: Any) -> Any:
    """A cell as a writer takes it: None, a number, a date or a text."""
    if value is None or isinstance(value, int | float | decimal.Decimal | str):
        return value if not isinstance(value, bool) else int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def text(value: Any) -> str:
    value = plain(value)
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class Writer(abc.ABC):
    def __init__(self, context: Context):
        self.context = context

    @abc.abstractmethod
    def write(self, chunk: Chunk) -> int:
        """Write a chunk; the rows it made."""

    @abc.abstractmethod
    def finish(self, locks: list[dict[str, Any]]) -> list[OutputFile]:
        """Write what comes last (the study's locks), close the files, name them."""


class TabularWriter(Writer):
    """A format of tables: each chunk's rows go to each table as they come."""

    def __init__(self, context: Context):
        super().__init__(context)
        self.tabulator = Tabulator(
            context.design, context.settings, context.arm, context.extras, context.product
        )
        self.tables = {table.name: table for table in self.tabulator.tables}
        self.counts = dict.fromkeys(self.tables, 0)

    def write(self, chunk: Chunk) -> int:
        made = 0
        for name, rows in self.tabulator.rows(chunk).items():
            self.append(self.tables[name], rows)
            self.counts[name] += len(rows)
            made += len(rows)
        return made

    def finish(self, locks: list[dict[str, Any]]) -> list[OutputFile]:
        if "locks" in self.tables:
            rows = self.tabulator.lock_rows(locks)
            self.append(self.tables["locks"], rows)
            self.counts["locks"] += len(rows)
        return self.close()

    @abc.abstractmethod
    def append(self, table: Table, rows: list[list[Any]]) -> None: ...

    @abc.abstractmethod
    def close(self) -> list[OutputFile]: ...


class Spool:
    """A table's rows kept on disk as CSV while they come (for the formats whose library
    writes a whole table at once)."""

    def __init__(self, path: Path, table: Table):
        self.path = path
        self.handle: IO[str] = path.open("w", encoding="utf-8", newline="")
        self.writer = csv.writer(self.handle)
        self.writer.writerow([column.name for column in table.columns])

    def append(self, rows: list[list[Any]]) -> None:
        self.writer.writerows([[text(value) for value in row] for row in rows])

    def close(self) -> Path:
        self.handle.close()
        return self.path
