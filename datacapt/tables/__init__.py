"""Tables imported from files (CSV or XLSX): read into rows, checked whole, refused with
every problem at once, each with its row and column, so that nothing of a file that has
one is kept."""

from datacapt.tables.problems import (
    MAX_PROBLEMS,
    TableProblem,
    problem,
    refuse_table,
    required_table,
)
from datacapt.tables.reading import MAX_ROWS, Table, TableUnreadable, read_table

__all__ = [
    "MAX_PROBLEMS",
    "MAX_ROWS",
    "Table",
    "TableProblem",
    "TableUnreadable",
    "problem",
    "read_table",
    "refuse_table",
    "required_table",
]
