"""Source data verification progress, as the monitoring module counts it over the
answered items and its plans: per center and for the study (the centers the caller
sees)."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Study
from plugins.analytics.dashboards.modules import require_module


def verification_progress(study: Study) -> dict[str, Any]:
    require_module("monitoring")
    # Imported here: the tenant may not have the module, whose tables are then absent.
    from plugins.monitoring.api import verification_progress as progress

    figures = progress(study)
    return {"study": figures["study"], "centers": figures["centers"]}
