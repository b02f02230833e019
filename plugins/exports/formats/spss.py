"""SPSS .sav (pyreadstat): one file per table, with its variables' labels and the labels
of coded values (SPSS labels numeric codes: text codes keep their value)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from plugins.exports.extract.tables import Table
from plugins.exports.formats.base import OutputFile
from plugins.exports.formats.frames import FrameWriter

if TYPE_CHECKING:
    import pandas as pd

NAME_LENGTH = 64


def spss_names(names: list[str]) -> list[str]:
    """SPSS names: a letter first, then letters, digits, _ or ., unique whatever the case."""
    made: list[str] = []
    taken: set[str] = set()
    for name in names:
        base = re.sub(r"[^A-Za-z0-9_.]", "_", name)
        if not base or not base[0].isalpha():
            base = f"V{base}"
        short, number = base[:NAME_LENGTH], 1
        while short.lower() in taken:
            number += 1
            short = f"{base[: NAME_LENGTH - len(str(number)) - 1]}_{number}"
        taken.add(short.lower())
        made.append(short)
    return made


class SpssWriter(FrameWriter):
    def write_table(self, table: Table, frame: pd.DataFrame, rows: int) -> OutputFile:
        import pyreadstat  # here, not at module level: with narwhals, ~0.1 s of every start-up

        names = spss_names([column.name for column in table.columns])
        frame.columns = names
        value_labels = {
            name: {float(code): label for code, label in column.codes.items()}
            for name, column in zip(names, table.columns, strict=True)
            if column.numeric and column.codes
        }
        path = self.context.directory / f"{self.context.prefix}_{table.name}.sav"
        pyreadstat.write_sav(
            frame,
            str(path),
            file_label=table.label,
            column_labels=[column.label for column in table.columns],
            variable_value_labels=value_labels,
        )
        return OutputFile(path, "application/x-spss-sav", rows)
