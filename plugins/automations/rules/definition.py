"""What a rule may say, checked when it is saved: its trigger and actions (known kinds,
their parameters, the plugins they need enabled in the tenant), and that no action can
fire the rule's own trigger (a loop).

A trigger: ``{"kind": "subject_included"}``, ``{"kind": "visit_done", "section": uuid}``,
``{"kind": "section_completed", "section": uuid}`` (no section: any),
``{"kind": "answer_matches", "condition": <form engine rule>}``,
``{"kind": "questionnaire_missed", "questionnaire": code}`` (none: any),
``{"kind": "query_open", "days": N}``.
An action: ``{"kind": "send_message", "template", "channel", "role"?, "title", "text"}``,
``{"kind": "schedule_questionnaire", "questionnaire": code, "in_days": N}``,
``{"kind": "request_appointment", "reason"}``,
``{"kind": "create_task", "role", "title", "due_in_days"?}``, ``{"kind": "raise_query", "message", "level", "role"}``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import marshmallow as ma
import sqlalchemy as sa

from datacapt.toolkit import (
    Level,
    Message,
    Question,
    QuestionType,
    Role,
    Study,
    db,
    design_problems,
    invalid,
    plugin_enabled,
)
from plugins.automations.errors import AutomationsCodes
from plugins.automations.messages import CHANNELS, RECIPIENTS
from plugins.ecrf.api import compiled_form
from plugins.epro.api import Questionnaire

#: The code of the one-question form whose display condition is a rule's condition: the
#: form engine checks and evaluates it as it does the eCRF's own conditions.
PROBE = "automation_rule_condition"


def _text(maximum: int, **options: Any) -> ma.fields.String:
    return ma.fields.String(validate=ma.validate.Length(min=1, max=maximum), **options)


class _Params(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class NoParams(_Params):
    pass


class SectionParams(_Params):
    section = ma.fields.UUID(load_default=None, allow_none=True)


class ConditionParams(_Params):
    condition = ma.fields.Raw(required=True, allow_none=False)


class QueryOpenParams(_Params):
    days = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1, max=365))


class QuestionnaireParams(_Params):
    questionnaire = _text(40, load_default=None, allow_none=True)


class ScheduleParams(_Params):
    questionnaire = _text(40, required=True)
    in_days = ma.fields.Integer(load_default=0, validate=ma.validate.Range(min=0, max=365))


class AppointmentParams(_Params):
    reason = _text(500, required=True)


class SendMessageParams(_Params):
    template = ma.fields.String(required=True, validate=ma.validate.OneOf(sorted(RECIPIENTS)))
    channel = ma.fields.String(load_default="email", validate=ma.validate.OneOf(["email", "sms"]))
    role = _text(60, load_default=None, allow_none=True)
    title = _text(200, required=True)
    text = _text(2000, required=True)


class TaskParams(_Params):
    role = _text(60, required=True)
    title = _text(500, required=True)
    due_in_days = ma.fields.Integer(
        load_default=None, allow_none=True, validate=ma.validate.Range(min=0, max=365)
    )


class QueryParams(_Params):
    message = _text(2000, required=True)
    level = ma.fields.String(
        load_default=Level.INFORMATION, validate=ma.validate.OneOf([str(x) for x in Level])
    )
    role = _text(60, load_default="investigator")


@dataclasses.dataclass(frozen=True)
class Kind:
    """A kind of trigger or action: its parameters and the plugin it needs (None: only
    this plugin's requirements)."""

    params: type[ma.Schema]
    plugin: str | None = None


TRIGGERS: dict[str, Kind] = {
    "subject_included": Kind(NoParams),
    "visit_done": Kind(SectionParams, "ecrf"),
    "section_completed": Kind(SectionParams, "ecrf"),
    "answer_matches": Kind(ConditionParams, "ecrf"),
    "questionnaire_missed": Kind(QuestionnaireParams, "epro"),
    "query_open": Kind(QueryOpenParams, "ecrf"),
}
ACTIONS: dict[str, Kind] = {
    "send_message": Kind(SendMessageParams),
    "schedule_questionnaire": Kind(ScheduleParams, "epro"),
    "request_appointment": Kind(AppointmentParams, "calendar_app"),
    "create_task": Kind(TaskParams),
    "raise_query": Kind(QueryParams, "monitoring"),
}
#: The actions whose result can fire the trigger: a raised query stays open for N days,
#: a scheduled questionnaire can be missed.
FIRES: dict[str, str] = {
    "raise_query": "query_open",
    "schedule_questionnaire": "questionnaire_missed",
}


def _refuse(field: str, message: Message, code: AutomationsCodes = AutomationsCodes.RULE_INVALID):
    return invalid(code, message, field=field)


def _kind(kinds: Mapping[str, Kind], value: Any, field: str) -> tuple[str, Kind]:
    given = value.get("kind") if isinstance(value, Mapping) else None
    if not isinstance(given, str) or given not in kinds:
        raise _refuse(
            f"{field}.kind", Message("Unknown kind: one of {kinds}.", kinds=", ".join(kinds))
        )
    kind = kinds[given]
    if kind.plugin is not None and not plugin_enabled(kind.plugin):
        raise invalid(
            AutomationsCodes.RULE_PLUGIN_MISSING,
            Message("This needs the {plugin} module, which is not enabled.", plugin=kind.plugin),
            field=f"{field}.kind",
            plugin=kind.plugin,
        )
    return given, kind


def _params(kind: Kind, value: Mapping[str, Any], field: str) -> dict[str, Any]:
    try:
        loaded = kind.params().load({k: v for k, v in value.items() if k != "kind"})
    except ma.ValidationError as error:
        name, problem = next(iter(error.normalized_messages().items()))
        text = problem[0] if isinstance(problem, list) else str(problem)
        raise _refuse(f"{field}.{name}", Message("{problem}", problem=text)) from None
    return {key: str(v) if key == "section" and v is not None else v for key, v in loaded.items()}


def condition_probe(condition: Any) -> Question:
    return Question(code=PROBE, type=QuestionType.YES_NO, visible_if=condition)


def _check_trigger(study: Study, kind: str, params: dict[str, Any]) -> None:
    sections = {str(s) for s in compiled_form(study).section_codes}
    if params.get("section") is not None and params["section"] not in sections:
        raise _refuse("trigger.section", Message("No such section in this eCRF."))
    if kind == "questionnaire_missed":
        _check_questionnaire(study, params["questionnaire"], "trigger.questionnaire")
    if kind == "answer_matches":
        questions = [*compiled_form(study).questions, condition_probe(params["condition"])]
        for problem in design_problems(questions):
            if problem.question == PROBE:
                raise _refuse("trigger.condition", problem.message)


def _check_questionnaire(study: Study, code: str | None, field: str) -> None:
    if code is None:
        return
    found = db.session.execute(
        sa.select(Questionnaire.id).where(
            Questionnaire.study_id == study.id, Questionnaire.code == code
        )
    ).first()
    if found is None:
        raise _refuse(field, Message("No such questionnaire in this study."))


def _check_role(name: str | None, field: str) -> None:
    if (
        name is not None
        and db.session.execute(sa.select(Role.id).where(Role.name == name)).first() is None
    ):
        raise _refuse(field, Message("No such role."))


def _check_action(study: Study, kind: str, params: dict[str, Any], field: str) -> None:
    if kind == "schedule_questionnaire":
        _check_questionnaire(study, params["questionnaire"], f"{field}.questionnaire")
    _check_role(params.get("role"), f"{field}.role")
    if kind == "send_message":
        if params["channel"] not in CHANNELS[params["template"]]:
            raise _refuse(f"{field}.channel", Message("The template has no such channel."))
        if RECIPIENTS[params["template"]] == "role" and params.get("role") is None:
            raise _refuse(f"{field}.role", Message("Name the role the message goes to."))


def clean_definition(
    study: Study, trigger: Any, actions: Sequence[Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The rule's trigger and actions as stored, or 422 naming the first wrong field."""
    trigger_kind, kind = _kind(TRIGGERS, trigger, "trigger")
    trigger_params = _params(kind, trigger, "trigger")
    _check_trigger(study, trigger_kind, trigger_params)
    cleaned = []
    for index, action in enumerate(actions):
        field = f"actions.{index}"
        action_kind, kind = _kind(ACTIONS, action, field)
        params = _params(kind, action, field)
        _check_action(study, action_kind, params, field)
        if FIRES.get(action_kind) == trigger_kind:
            raise _refuse(
                f"{field}.kind",
                Message(
                    "This action can fire the rule's own trigger ({trigger}): the rule would"
                    " run again on what it did, in a loop.",
                    trigger=trigger_kind,
                ),
                AutomationsCodes.RULE_LOOP,
            )
        cleaned.append({"kind": action_kind, **params})
    return {"kind": trigger_kind, **trigger_params}, cleaned
