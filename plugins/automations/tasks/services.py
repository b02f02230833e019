"""The tasks rules give: each to a role at a center, seen and closed by the users who
hold that role in the study and see that center."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    acting_user,
    conflict,
    db,
    forbidden,
    get_in_study,
    study_members,
    study_query,
    utcnow,
)
from plugins.automations.errors import AutomationsCodes
from plugins.automations.tasks.models import AutomationTask, TaskStatus


def _my_roles(study: Study) -> list[str]:
    """The roles of the tasks of the study that the caller holds there."""
    me = acting_user().id
    roles = db.session.execute(
        sa.select(AutomationTask.role).where(AutomationTask.study_id == study.id).distinct()
    ).scalars()
    return [role for role in roles if me in {u.id for u in study_members(study, roles=[role])}]


def my_tasks(study: Study, status: str | None) -> sa.Select:
    """The caller's tasks: of their roles, at the centers they see."""
    statement = (
        study_query(AutomationTask, study=study)
        .where(AutomationTask.role.in_(_my_roles(study)))
        .order_by(AutomationTask.id)
    )
    if status is not None:
        statement = statement.where(AutomationTask.status == status)
    return statement


def get_task(study: Study, task_uuid: Any) -> AutomationTask:
    return get_in_study(AutomationTask, task_uuid, Message("No such task."), study=study)


def close_task(study: Study, task: AutomationTask, note: str) -> AutomationTask:
    if task.role not in _my_roles(study):
        raise forbidden(
            AutomationsCodes.TASK_NOT_YOURS,
            Message("This task is for the {role} role, which you do not hold.", role=task.role),
        )
    # Read again under a row lock: of two closings at once, the second finds it closed
    # (rather than overwrite the first one's note).
    db.session.refresh(task, with_for_update={"of": AutomationTask})
    if task.status == TaskStatus.CLOSED:
        raise conflict(AutomationsCodes.TASK_CLOSED, Message("The task is closed already."))
    task.status, task.note = TaskStatus.CLOSED, note
    task.closed_at, task.closed_by_id = utcnow(), acting_user().id
    db.session.flush()
    return task
