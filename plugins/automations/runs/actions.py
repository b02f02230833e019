"""What each kind of action does for a run (``perform``), and what it would do for a dry
run (``plan``, which writes nothing). An action that cannot be done raises
``ActionFailed`` with the reason the run records."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Channel,
    Message,
    Recipient,
    RecipientKind,
    Study,
    db,
    notify,
    plugin_enabled,
    study_members,
    utcnow,
)
from plugins.automations.messages import RECIPIENTS
from plugins.automations.rules.definition import ACTIONS
from plugins.automations.rules.models import AutomationRuleVersion
from plugins.automations.tasks.models import AutomationTask
from plugins.calendar_app.api import request_appointment
from plugins.ecrf.api import DataQuery, QueryAction, QueryOrigin, QueryStatus, QueryTarget
from plugins.epro.api import schedule_occurrence
from plugins.subjects.api import (
    ConsentStatus,
    SubjectInStudy,
    SubjectPersonalData,
    SubjectStatus,
)


class ActionFailed(Exception):
    """An action that could not be done, and why (kept on the run)."""


@dataclasses.dataclass
class Context:
    study: Study
    participation: SubjectInStudy
    version: AutomationRuleVersion
    run_id: int | None = None  # None in a dry run
    # What the actions created, for the loop guard.
    created: list[uuid.UUID] = dataclasses.field(default_factory=list)


Params = Mapping[str, Any]


def _refuse_if_ended(ctx: Context) -> None:
    """A subject excluded, withdrawn or whose consent is withdrawn is not contacted (nor
    asked to come) by a rule: their run fails, saying why."""
    participation = ctx.participation
    if participation.consent_status == ConsentStatus.WITHDRAWN:
        raise ActionFailed(str(Message("The subject's consent was withdrawn.")))
    if participation.status in (SubjectStatus.EXCLUDED, SubjectStatus.WITHDRAWN):
        raise ActionFailed(str(Message("The subject is {status}.", status=participation.status)))


def _recipients(action: Params, ctx: Context) -> list[Recipient]:
    if RECIPIENTS[action["template"]] == "subject":
        contact = db.session.execute(
            sa.select(SubjectPersonalData).where(
                SubjectPersonalData.subject_id == ctx.participation.subject_id
            )
        ).scalar_one_or_none()
        address = getattr(contact, "phone" if action["channel"] == "sms" else "email", None)
        language = contact.language if contact else "en"
        return [Recipient(RecipientKind.SUBJECT, ctx.participation.uuid, address, language)]
    members = study_members(ctx.study, roles=[action["role"]], center=ctx.participation.center)
    return [Recipient.of_user(user) for user in members]


def _plan_message(action: Params, ctx: Context) -> dict[str, Any]:
    recipients = _recipients(action, ctx)
    return {
        "template": action["template"],
        "channel": action["channel"],
        "recipients": [{"kind": r.kind, "id": str(r.id)} for r in recipients],
    }


def _send_message(action: Params, ctx: Context) -> dict[str, Any]:
    if RECIPIENTS[action["template"]] == "subject":
        _refuse_if_ended(ctx)
    recipients = _recipients(action, ctx)
    if not recipients:
        raise ActionFailed(
            str(
                Message(
                    "Nobody holds the role {role} at the subject's center.", role=action["role"]
                )
            )
        )
    params = {
        "study": ctx.study.reference,
        "subject": ctx.participation.study_subject_id,
        "rule": ctx.version.name,
        "title": action["title"],
        "text": action["text"],
    }
    sent = [notify_one(action, recipient, params, ctx) for recipient in recipients]
    return {**_plan_message(action, ctx), "notifications": sent}


def notify_one(action: Params, recipient: Recipient, params: Params, ctx: Context) -> str:
    notification = notify(
        action["template"],
        Channel(action["channel"]),
        recipient,
        params,
        study_id=ctx.study.id,
        center_id=ctx.participation.center_id,
    )
    return str(notification.uuid)


def _due_on(action: Params) -> dt.date | None:
    days = action.get("due_in_days")
    return None if days is None else utcnow().date() + dt.timedelta(days=days)


def _plan_task(action: Params, ctx: Context) -> dict[str, Any]:
    due = _due_on(action)
    return {
        "role": action["role"],
        "title": action["title"],
        "center": ctx.participation.center.code,
        "due_on": due.isoformat() if due else None,
    }


def _create_task(action: Params, ctx: Context) -> dict[str, Any]:
    assert ctx.run_id is not None
    task = AutomationTask(
        study_id=ctx.study.id,
        center_id=ctx.participation.center_id,
        role=action["role"],
        title=action["title"],
        subject_in_study_id=ctx.participation.id,
        run_id=ctx.run_id,
        due_on=_due_on(action),
    )
    db.session.add(task)
    db.session.flush()
    return {**_plan_task(action, ctx), "task": str(task.uuid)}


def _in_the_name_of(ctx: Context) -> str:
    return str(Message("Automation: {rule}", rule=ctx.version.name))[:200]


def _plan_query(action: Params, ctx: Context) -> dict[str, Any]:
    return {"message": action["message"], "level": action["level"], "assignee_role": action["role"]}


def _raise_query(action: Params, ctx: Context) -> dict[str, Any]:
    """A query on the subject, raised in the rule's name (not a validation rule's query:
    no save of the data closes it by itself)."""
    author = _in_the_name_of(ctx)
    query = DataQuery.of_subject(
        ctx.participation,
        target=QueryTarget.SUBJECT,
        origin=QueryOrigin.MANUAL,
        level=action["level"],
        message=action["message"],
        status=QueryStatus.OPEN,
        opened_at=utcnow(),
        raised_by_name=author,
        assignee_role=action["role"],
        assignee_center_id=ctx.participation.center_id,
    )
    query.add_message(QueryAction.RAISED, action["message"])
    db.session.add(query)
    db.session.flush()
    ctx.created.append(query.uuid)
    return {**_plan_query(action, ctx), "query": str(query.uuid)}


def _plan_schedule(action: Params, ctx: Context) -> dict[str, Any]:
    return {"questionnaire": action["questionnaire"], "in_days": action["in_days"]}


def _schedule(action: Params, ctx: Context) -> dict[str, Any]:
    occurrence = schedule_occurrence(
        ctx.participation, action["questionnaire"], in_days=action["in_days"]
    )
    ctx.created.append(occurrence.uuid)
    return {
        **_plan_schedule(action, ctx),
        "occurrence": str(occurrence.uuid),
        "opens_at": occurrence.opens_at.isoformat(),
    }


def _plan_appointment(action: Params, ctx: Context) -> dict[str, Any]:
    return {"reason": action["reason"]}


def _request_appointment(action: Params, ctx: Context) -> dict[str, Any]:
    _refuse_if_ended(ctx)
    request = request_appointment(
        ctx.participation, reason=action["reason"], requested_by=_in_the_name_of(ctx)
    )
    return {**_plan_appointment(action, ctx), "request": str(request.uuid)}


Step = Callable[[Params, Context], dict[str, Any]]

#: Each kind: what it would do, what it does.
STEPS: dict[str, tuple[Step, Step]] = {
    "send_message": (_plan_message, _send_message),
    "schedule_questionnaire": (_plan_schedule, _schedule),
    "request_appointment": (_plan_appointment, _request_appointment),
    "create_task": (_plan_task, _create_task),
    "raise_query": (_plan_query, _raise_query),
}


def _enabled_or_fail(kind: str) -> None:
    plugin = ACTIONS[kind].plugin
    if plugin is not None and not plugin_enabled(plugin):
        raise ActionFailed(str(Message("The {plugin} module is no longer enabled.", plugin=plugin)))


def plan(action: Params, ctx: Context) -> dict[str, Any]:
    return STEPS[action["kind"]][0](action, ctx)


def perform(action: Params, ctx: Context) -> dict[str, Any]:
    _enabled_or_fail(action["kind"])
    return STEPS[action["kind"]][1](action, ctx)
