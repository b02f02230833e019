"""The caller's tasks in the study of the Study-Uuid header, and closing one."""

from __future__ import annotations

from datacapt.toolkit import ApiView, Blueprint, current_study, paginate
from plugins.automations import permissions
from plugins.automations.tasks import services
from plugins.automations.tasks.schemas import (
    AutomationTaskCloseSchema,
    AutomationTaskReadSchema,
    AutomationTaskSearchSchema,
)

blp = Blueprint(
    "automation_tasks",
    __name__,
    url_prefix="/api/automations/tasks",
    description="Automations: tasks for a role",
)


@blp.route("/")
class Tasks(ApiView):
    permissions_registry = {"GET": permissions.WORK_TASKS}

    @blp.arguments(AutomationTaskSearchSchema, location="query")
    @blp.response(200, AutomationTaskReadSchema(many=True))
    @blp.paginate()
    def get(self, filters, pagination_parameters):
        """The tasks of the roles the caller holds, at the centers they see."""
        statement = services.my_tasks(current_study(), filters["status"])
        return paginate(statement, pagination_parameters)


@blp.route("/<uuid:task_uuid>/close")
class CloseTask(ApiView):
    permissions_registry = {"POST": permissions.WORK_TASKS}

    @blp.arguments(AutomationTaskCloseSchema)
    @blp.errors(
        {403: "The task is for a role the caller does not hold (TASK_NOT_YOURS)."},
        {409: "The task is closed already (TASK_CLOSED)."},
    )
    @blp.response(200, AutomationTaskReadSchema)
    def post(self, data, task_uuid):
        """Close the task with a note."""
        study = current_study()
        return services.close_task(study, services.get_task(study, task_uuid), data["note"])
