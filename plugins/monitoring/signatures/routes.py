"""The signatures endpoints of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import Blueprint

blp = Blueprint(
    "monitoring_signatures",
    __name__,
    url_prefix="/api/monitoring/signatures",
    description="Monitoring: signatures",
)
