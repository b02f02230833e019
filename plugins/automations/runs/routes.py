"""The runs of the study's rules (Study-Uuid header), at the centers the caller sees."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.automations import permissions
from plugins.automations.runs import services
from plugins.automations.runs.schemas import AutomationRunReadSchema, AutomationRunSearchSchema

blp = Blueprint(
    "automation_runs",
    __name__,
    url_prefix="/api/automations/runs",
    description="Automations: what the rules did",
)


@blp.route("/")
class Runs(ApiView):
    permissions_registry = {"GET": permissions.VIEW_RUNS}

    @blp.arguments(AutomationRunSearchSchema, location="query")
    @blp.response(200, AutomationRunReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """Every run, the newest first: its trigger, what it did or why it failed."""
        return paginate(services.list_runs(current_study(), filters), pagination_parameters)
