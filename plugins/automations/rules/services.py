"""A study's rules: saved once checked (rules/definition.py), each change of what a rule
says a new version, the versions kept."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from datacapt.toolkit import Message, Study, db, get_in_study, study_query
from plugins.automations.rules.definition import clean_definition
from plugins.automations.rules.models import AutomationRule, AutomationRuleVersion


def list_rules(study: Study) -> sa.Select:
    return (
        study_query(AutomationRule, study=study)
        .options(selectinload(AutomationRule.versions))
        .order_by(AutomationRule.id)
    )


def get_rule(study: Study, rule_uuid: Any) -> AutomationRule:
    return get_in_study(AutomationRule, rule_uuid, Message("No such rule."), study=study)


def _add_version(study: Study, rule: AutomationRule, data: Mapping[str, Any]) -> None:
    trigger, actions = clean_definition(study, data["trigger"], data["actions"])
    if rule.versions:
        current = rule.current
        if (data["name"], trigger, actions) == (current.name, current.trigger, current.actions):
            return
        rule.version += 1
    db.session.add(
        AutomationRuleVersion(
            study_id=study.id,
            rule=rule,
            number=rule.version,
            name=data["name"],
            trigger_kind=trigger["kind"],
            trigger=trigger,
            actions=actions,
        )
    )


def create_rule(study: Study, data: Mapping[str, Any]) -> AutomationRule:
    rule = AutomationRule(study_id=study.id, active=data["active"], version=1)
    _add_version(study, rule, data)
    db.session.add(rule)
    db.session.flush()
    return rule


def change_rule(study: Study, rule: AutomationRule, data: Mapping[str, Any]) -> AutomationRule:
    """A new version when the name, trigger or actions differ from the current one; the
    runs made so far keep naming theirs."""
    _add_version(study, rule, data)
    rule.active = data["active"]
    db.session.flush()
    return rule
