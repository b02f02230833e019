"""SAS transport version 5 (pyreadstat): one .xpt per table, names of at most 8
characters (unique), labels of at most 40 bytes, text values of at most 200 bytes; a name
map from each dataset and variable to its table and column with the whole label, and a SAS
program of formats for the coded values."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from plugins.exports.extract.tables import Column, Table
from plugins.exports.formats.base import Context, FormatProblem, OutputFile
from plugins.exports.formats.frames import FrameWriter

if TYPE_CHECKING:
    import pandas as pd

NAME_LENGTH = 8
LABEL_BYTES = 40
VALUE_BYTES = 200


def short_names(names: Iterable[str]) -> list[str]:
    """SAS names: letters, digits and _, not starting with a digit, at most 8, unique
    (a clash keeps the start and numbers the end)."""
    made: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = re.sub(r"[^A-Z0-9_]", "_", name.upper()) or "_"
        if base[0].isdigit():
            base = f"_{base}"
        short, number = base[:NAME_LENGTH], 1
        while short in taken:
            number += 1
            suffix = str(number)
            short = f"{base[: NAME_LENGTH - len(suffix)]}{suffix}"
        taken.add(short)
        made.append(short)
    return made


def clip(text: str, size: int) -> str:
    """At most ``size`` bytes of UTF-8, never cutting a character."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def _literal(value: Any, number: bool = False) -> str:
    """A value in SAS: a number as is in a numeric format, any other quoted (a character
    format takes quoted values only)."""
    if number and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class SasWriter(FrameWriter):
    def __init__(self, context: Context):
        super().__init__(context)
        self.datasets = dict(zip(self.tables, short_names(self.tables), strict=True))
        self.variables = {
            name: short_names(column.name for column in table.columns)
            for name, table in self.tables.items()
        }

    def write_table(self, table: Table, frame: pd.DataFrame, rows: int) -> OutputFile:
        for column in table.columns:
            if column.numeric:
                continue
            too_long = frame[column.name].map(lambda v: len(v.encode("utf-8")) > VALUE_BYTES)
            if too_long.any():
                raise FormatProblem(
                    f"The column {column.name} of {table.name} has a value longer than"
                    f" {VALUE_BYTES} bytes, which SAS transport version 5 cannot hold."
                )
        import pyreadstat  # here, not at module level: with narwhals, ~0.1 s of every start-up

        frame.columns = self.variables[table.name]
        path = self.context.directory / f"{self.datasets[table.name].lower()}.xpt"
        pyreadstat.write_xport(
            frame,
            str(path),
            file_label=clip(table.label, LABEL_BYTES),
            column_labels=[clip(column.label, LABEL_BYTES) for column in table.columns],
            table_name=self.datasets[table.name],
            file_format_version=5,
        )
        return OutputFile(path, "application/x-sas-xport", rows)

    def write_companions(self) -> list[OutputFile]:
        return [self._name_map(), self._formats()]

    def _name_map(self) -> OutputFile:
        path = self.context.directory / f"{self.context.prefix}_names.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["dataset", "table", "variable", "column", "label"])
            for name, table in self.tables.items():
                for variable, column in zip(self.variables[name], table.columns, strict=True):
                    writer.writerow(
                        [self.datasets[name], name, variable, column.name, column.label]
                    )
        return OutputFile(path, "text/csv")

    def _coded(self) -> list[tuple[str, str, Column, str]]:
        """(dataset, variable, column, format name) of every coded column."""
        found: list[tuple[str, str, Column, str]] = []
        for name, table in self.tables.items():
            for variable, column in zip(self.variables[name], table.columns, strict=True):
                if column.codes:
                    number = len(found) + 1
                    format_name = f"F{number}_" if column.numeric else f"$F{number}_"
                    found.append((self.datasets[name], variable, column, format_name))
        return found

    def _formats(self) -> OutputFile:
        path = self.context.directory / f"{self.context.prefix}_formats.sas"
        coded = self._coded()
        lines = [
            f"/* Formats of the coded values of {self.context.study.reference}: run this after"
            " reading the .xpt files into WORK. */",
            "proc format;",
        ]
        for _, _, column, format_name in coded:
            lines.append(f"  value {format_name}")
            for value, label in (column.codes or {}).items():
                lines.append(f"    {_literal(value, column.numeric)} = {_literal(label)}")
            lines.append("  ;")
        lines.append("run;")
        by_dataset: dict[str, list[str]] = {}
        for dataset, variable, _, format_name in coded:
            by_dataset.setdefault(dataset, []).append(f"{variable} {format_name}.")
        for dataset, formats in by_dataset.items():
            lines += [
                f"data work.{dataset};",
                f"  set work.{dataset};",
                f"  format {' '.join(formats)};",
                "run;",
            ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return OutputFile(path, "text/plain")
