"""What other plugins may use of the side_by_side plugin (the rest is internal): the
export of zone assessments (the exports module offers no source of its own yet)."""

from plugins.side_by_side.results import EXPORT_COLUMNS, export_rows

__all__ = ["EXPORT_COLUMNS", "export_rows"]
