"""The formats an export is written in, each a writer of its own."""

from __future__ import annotations

from plugins.exports.formats.base import Context, FormatProblem, OutputFile, Writer
from plugins.exports.formats.csv_files import CsvWriter
from plugins.exports.formats.excel import ExcelWriter
from plugins.exports.formats.odm import OdmWriter
from plugins.exports.formats.sas import SasWriter
from plugins.exports.formats.spss import SpssWriter
from plugins.exports.runs.models import ExportFormat

WRITERS: dict[str, type[Writer]] = {
    ExportFormat.CSV: CsvWriter,
    ExportFormat.XLSX: ExcelWriter,
    ExportFormat.XPT: SasWriter,
    ExportFormat.SAV: SpssWriter,
    ExportFormat.ODM: OdmWriter,
}

__all__ = ["WRITERS", "Context", "FormatProblem", "OutputFile", "Writer"]
