"""The queries endpoints of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import Blueprint

blp = Blueprint(
    "monitoring_queries",
    __name__,
    url_prefix="/api/monitoring/queries",
    description="Monitoring: queries",
)
