"""Excel: one workbook, a sheet per table, written by xlsxwriter in constant-memory mode
(each row goes to disk once written; a sheet's rows come in order)."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from plugins.exports.extract.tables import Table
from plugins.exports.formats.base import Context, FormatProblem, OutputFile, TabularWriter, plain

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 1_048_576  # Excel's limit of a sheet, its header included
CELL_CHARACTERS = 32_767  # Excel's limit of a cell's text (UTF-16 units)
CUT = -2  # what xlsxwriter's write_string answers when it cut a longer text to fit


def sheet_names(tables: list[Table]) -> dict[str, str]:
    """Excel's sheet names: at most 31 characters, unique whatever their case."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for table in tables:
        base = "".join("_" if c in "[]:*?/\\" else c for c in table.name)[:31]
        name, number = base, 1
        while name.lower() in taken:
            number += 1
            name = f"{base[: 31 - len(str(number)) - 1]}_{number}"
        taken.add(name.lower())
        names[table.name] = name
    return names


class ExcelWriter(TabularWriter):
    def __init__(self, context: Context):
        import xlsxwriter  # here, not at module level: start-up would pay for it

        super().__init__(context)
        self.path = context.directory / f"{context.prefix}.xlsx"
        self.workbook = xlsxwriter.Workbook(
            str(self.path), {"constant_memory": True, "strings_to_numbers": False}
        )
        # A fixed creation time: the same snapshot makes the same workbook.
        self.workbook.set_properties({"created": context.as_of.replace(tzinfo=None)})
        self.bold = self.workbook.add_format({"bold": True})
        self.sheets = {}
        self.next_row: dict[str, int] = {}
        for table_name, sheet_name in sheet_names(list(self.tables.values())).items():
            sheet = self.workbook.add_worksheet(sheet_name)
            for index, column in enumerate(self.tables[table_name].columns):
                sheet.write_string(0, index, column.name, self.bold)
            self.sheets[table_name] = sheet
            self.next_row[table_name] = 1

    def append(self, table: Table, rows: list[list[Any]]) -> None:
        sheet, row_number = self.sheets[table.name], self.next_row[table.name]
        if row_number + len(rows) > MAX_ROWS:
            raise FormatProblem(
                f"The table {table.name} has more rows than an Excel sheet holds ({MAX_ROWS - 1})."
            )
        for row in rows:
            for index, value in enumerate(row):
                value = plain(value)
                if value is None:
                    continue
                if isinstance(value, int | float | decimal.Decimal):
                    sheet.write_number(row_number, index, float(value))
                elif isinstance(value, dt.datetime | dt.date):
                    sheet.write_string(row_number, index, value.isoformat())
                elif sheet.write_string(row_number, index, value) == CUT:
                    raise FormatProblem(
                        f"The column {table.columns[index].name} of {table.name} has a value"
                        f" longer than an Excel cell holds ({CELL_CHARACTERS} characters)."
                    )
            row_number += 1
        self.next_row[table.name] = row_number

    def close(self) -> list[OutputFile]:
        self.workbook.close()
        return [OutputFile(self.path, XLSX, sum(self.counts.values()))]
