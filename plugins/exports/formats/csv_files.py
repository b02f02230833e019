"""CSV: one UTF-8 file per table, a header row of column names, written row by row."""

from __future__ import annotations

import csv
from typing import IO, Any

from plugins.exports.extract.tables import Table
from plugins.exports.formats.base import Context, OutputFile, TabularWriter, text


class CsvWriter(TabularWriter):
    def __init__(self, context: Context):
        super().__init__(context)
        self.paths = {
            name: context.directory / f"{context.prefix}_{name}.csv" for name in self.tables
        }
        self.handles: dict[str, IO[str]] = {}
        self.writers: dict[str, Any] = {}
        for table in self.tables.values():
            self.handles[table.name] = self.paths[table.name].open(
                "w", encoding="utf-8", newline=""
            )
            self.writers[table.name] = csv.writer(self.handles[table.name])
            self.writers[table.name].writerow([column.name for column in table.columns])

    def append(self, table: Table, rows: list[list[Any]]) -> None:
        self.writers[table.name].writerows([[text(value) for value in row] for row in rows])

    def close(self) -> list[OutputFile]:
        made = []
        for name, handle in self.handles.items():
            handle.close()
            made.append(OutputFile(self.paths[name], "text/csv", self.counts[name]))
        return made
