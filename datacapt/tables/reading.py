"""Reading an imported table: a CSV file (UTF-8, comma or semicolon) or the first
sheet of an XLSX workbook, whose first row names the columns. Cells are read as text
(a number ``12`` as ``"12"``), stripped; blank rows are skipped."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from datacapt.i18n import Message

MAX_ROWS = 100_000
_XLSX_SIGNATURE = b"PK\x03\x04"


class TableUnreadable(ValueError):
    """The file is not a CSV or XLSX table this module reads; ``message`` says why."""

    def __init__(self, message: Message) -> None:
        super().__init__(message.msgid)
        self.message = message


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (the row's number in the file, its cells)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _xlsx_rows(content: bytes) -> Iterator[Sequence[Any]]:
    import openpyxl  # here, not at module level: it costs ~0.2 s of every start-up

    # A malformed workbook fails in many ways inside openpyxl (zip, XML, its own errors),
    # on opening or while the rows are read: each is the file's fault.
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise TableUnreadable(Message("The XLSX workbook cannot be read.")) from exc
    try:
        if not workbook.worksheets:
            raise TableUnreadable(Message("The XLSX workbook has no sheet."))
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except TableUnreadable:
        raise
    except Exception as exc:
        raise TableUnreadable(Message("The XLSX workbook cannot be read.")) from exc
    finally:
        workbook.close()


def _csv_rows(content: bytes) -> Iterator[Sequence[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableUnreadable(Message("The CSV file is not UTF-8 text.")) from exc
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error as exc:
        raise TableUnreadable(Message("The CSV file cannot be read.")) from exc


def read_table(content: bytes) -> Table:
    """The table in ``content`` (XLSX when it is a ZIP archive, else CSV)."""
    rows = _xlsx_rows(content) if content.startswith(_XLSX_SIGNATURE) else _csv_rows(content)
    columns: list[str] | None = None
    found: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=1):
        cells = [_text(value) for value in row]
        if not any(cells):
            continue
        if columns is None:
            columns = [cell.lower() for cell in cells]
            continue
        if len(found) == MAX_ROWS:
            raise TableUnreadable(Message("A file has at most {limit} rows.", limit=MAX_ROWS))
        # A short row's missing cells are empty, as a spreadsheet shows them.
        cells += [""] * (len(columns) - len(cells))
        found.append((number, dict(zip(columns, cells, strict=False))))
    if columns is None:
        raise TableUnreadable(Message("The file is empty."))
    return Table(columns, found)
