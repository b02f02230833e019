"""A visit done out of its window: a protocol-deviation query, where the tenant has the
monitoring plugin and the study asks for it (setting ``deviation_queries``)."""

from __future__ import annotations

import uuid

from datacapt.toolkit import Study, plugin_enabled, study_settings
from plugins.calendar_app.schedule.models import PlannedVisit, VisitWindow
from plugins.calendar_app.settings import calendar_settings
from plugins.subjects.api import SubjectInStudy


def raise_deviation(
    study: Study, participation: SubjectInStudy, window: VisitWindow, visit: PlannedVisit
) -> uuid.UUID | None:
    """The query's public id, or None where no query is raised."""
    if not plugin_enabled("monitoring") or not calendar_settings(study)["deviation_queries"]:
        return None
    # A pre-query is a draft its raiser may not be allowed to read back (the investigator
    # whose save did the visit): monitoring's raise_query answers 404 then; the visit stays
    # flagged for the reviewers instead.
    if study_settings("monitoring", study).get("pre_query_review"):
        return None
    from plugins.monitoring.api import raise_query

    query = raise_query(
        study,
        {
            "subject": participation.uuid,
            "section": window.section_uuid,
            "level": "warning",
            "assignee_role": "investigator",
            "message": f"Protocol deviation: visit {window.name} was done on"
            f" {visit.actual_on:%Y-%m-%d}, outside its window"
            f" {visit.earliest_on:%Y-%m-%d} to {visit.latest_on:%Y-%m-%d}.",
        },
    )
    return query.query.uuid
