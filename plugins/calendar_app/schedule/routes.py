"""The visit schedule of the study named by the Study-Uuid header, and its subjects'
planned visits."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.calendar_app import permissions
from plugins.calendar_app.schedule import services
from plugins.calendar_app.schedule.models import PlannedVisit
from plugins.calendar_app.schedule.schemas import (
    PlannedVisitReadSchema,
    PlannedVisitSearchSchema,
    ScheduleReadSchema,
    ScheduleWriteSchema,
)
from plugins.subjects.api import get_subject

blp = Blueprint(
    "calendar_schedule",
    __name__,
    url_prefix="/api/calendar",
    description="Calendar: the visit schedule and subjects' planned visits",
)


@blp.route("/schedule")
class Schedule(ApiView):
    permissions_registry = {"GET": permissions.ACCESS, "PUT": permissions.MANAGE_SCHEDULE}

    @blp.response(200, ScheduleReadSchema)
    def get(self):
        """The study's visits, each an eCRF section with its target day and window."""
        return {"visits": services.windows_of(current_study())}

    @blp.arguments(ScheduleWriteSchema)
    @blp.errors(
        {
            422: "A section not in the eCRF or named twice, an anchor not in the schedule, a"
            " circle (VISIT_SCHEDULE_INVALID)."
        },
        {409: "The tenant has no eCRF (SCHEDULE_NEEDS_ECRF)."},
    )
    @blp.response(200, ScheduleReadSchema)
    def put(self, data):
        """Replace the schedule whole: every subject's visits are planned again (a done
        visit keeps its date, and is flagged if outside its new window)."""
        return {"visits": services.save_schedule(current_study(), data["visits"])}


@blp.route("/visits/")
class PlannedVisits(ApiView):
    permissions_registry = {"GET": permissions.ACCESS}

    @blp.arguments(PlannedVisitSearchSchema, location="query")
    @blp.errors({404: "No such subject (OBJECT_NOT_FOUND)."})
    @blp.response(200, PlannedVisitReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """Subjects' planned visits at the centers the caller sees: target, window, actual
        date, out of window (filters: `subject`, `out_of_window`)."""
        study = current_study()
        subject = get_subject(study, filters["subject"]) if "subject" in filters else None
        statement = services.planned_visits(study, subject)
        if "out_of_window" in filters:
            statement = statement.where(PlannedVisit.out_of_window.is_(filters["out_of_window"]))
        return paginate(statement, pagination_parameters)
