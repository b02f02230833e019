"""The formats whose library writes a whole table at once (SAS transport and SPSS, through
pyreadstat): rows are spooled to disk as they come, and each table is read back into one
data frame only when it is written. Memory holds one table's frame at a time: about 8
bytes a numeric value and a Python string a text one (the bench measures it)."""

from __future__ import annotations

import abc
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plugins.exports.extract.tables import Table
from plugins.exports.formats.base import Context, OutputFile, Spool, TabularWriter

if TYPE_CHECKING:
    import pandas as pd


class FrameWriter(TabularWriter):
    def __init__(self, context: Context):
        super().__init__(context)
        spool = context.directory / ".spool"
        spool.mkdir()
        self.spools = {
            name: Spool(spool / f"{name}.csv", table) for name, table in self.tables.items()
        }

    def append(self, table: Table, rows: list[list[Any]]) -> None:
        self.spools[table.name].append(rows)

    def close(self) -> list[OutputFile]:
        made: list[OutputFile] = []
        for name, table in self.tables.items():
            path = self.spools[name].close()
            made.append(self.write_table(table, self.frame(table, path), self.counts[name]))
            path.unlink()
        made += self.write_companions()
        (self.context.directory / ".spool").rmdir()
        return made

    def frame(self, table: Table, path: Path) -> pd.DataFrame:
        """The table's rows back from the spool, numeric columns as numbers."""
        import pandas as pd  # here, not at module level: it costs ~0.1 s of every start-up

        return pd.read_csv(
            path,
            dtype={c.name: ("float64" if c.numeric else str) for c in table.columns},
            keep_default_na=False,
            na_values={c.name: [""] for c in table.columns if c.numeric},
        )

    @abc.abstractmethod
    def write_table(self, table: Table, frame: pd.DataFrame, rows: int) -> OutputFile: ...

    def write_companions(self) -> list[OutputFile]:
        """Files that go with the tables (a name map, a formats program)."""
        return []
