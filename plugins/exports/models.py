"""The exports plugin's models."""

from __future__ import annotations

from plugins.exports.definitions.models import ExportDefinition
from plugins.exports.runs.models import Export, ExportFile, ExportProgress

MODELS: list[type] = [ExportDefinition, Export, ExportFile, ExportProgress]
