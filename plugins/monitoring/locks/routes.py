"""The locks endpoints of the study named by the Study-Uuid header."""

from __future__ import annotations

from datacapt.toolkit import Blueprint

blp = Blueprint(
    "monitoring_locks",
    __name__,
    url_prefix="/api/monitoring/locks",
    description="Monitoring: locks",
)
