"""Runs: an event fires the study's active rules of its kind, each once (a run recorded
and its job enqueued in the event's transaction); the job does the actions, recording
what they did or why they failed; a dry run says what would happen and writes nothing.

The loop guard: an event about something a run created (a query it raised, a
questionnaire it scheduled) is one level deeper than that run; a rule whose own run is
among the event's origins, or an event deeper than ``MAX_DEPTH``, is recorded skipped."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DatacaptException,
    Message,
    Study,
    current_tenant,
    db,
    enqueue,
    get_in_study,
    study_query,
    utcnow,
)
from plugins.automations.rules.models import AutomationRule, AutomationRuleVersion
from plugins.automations.runs import actions
from plugins.automations.runs.holds import condition_holds, holds
from plugins.automations.runs.models import AutomationEffect, AutomationRun, RunStatus
from plugins.subjects.api import SubjectInStudy

log = logging.getLogger(__name__)

MAX_DEPTH = 3


@dataclasses.dataclass(frozen=True)
class Event:
    """Something that happened to a subject: ``key`` names it once (the same event seen
    again has the same key); ``about`` is what the run records of it."""

    kind: str
    key: str
    about: dict[str, Any]
    section: str | None = None
    questionnaire: str | None = None
    # What the event is about, when a run's action may have created it.
    object_uuid: uuid.UUID | None = None
    # For answer_matches: the subject's answers before and after the change.
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    # For query_open: the one rule version whose days the query has been open for.
    version_id: int | None = None


def _matches(study: Study, trigger: Mapping[str, Any], event: Event) -> bool:
    if event.version_id is not None:
        return True  # chosen by the version's own parameters
    if trigger.get("section") is not None and trigger["section"] != event.section:
        return False
    if trigger.get("questionnaire") not in (None, event.questionnaire):
        return False
    if event.kind == "answer_matches":
        assert event.before is not None and event.after is not None
        condition = trigger["condition"]
        return condition_holds(study, condition, event.after) and not condition_holds(
            study, condition, event.before
        )
    return True


def current_versions(study: Study, kinds: Iterable[str]) -> list[AutomationRuleVersion]:
    """The current versions of the study's active rules with these triggers."""
    return list(
        db.session.execute(
            sa.select(AutomationRuleVersion)
            .join(AutomationRule, AutomationRule.id == AutomationRuleVersion.rule_id)
            .where(
                AutomationRule.study_id == study.id,
                AutomationRule.active.is_(True),
                AutomationRuleVersion.number == AutomationRule.version,
                AutomationRuleVersion.trigger_kind.in_(list(kinds)),
            )
            .order_by(AutomationRuleVersion.id)
        ).scalars()
    )


def fire(study: Study, participation: SubjectInStudy, events: list[Event]) -> None:
    """Record a run of each matching rule for each event, in the event's transaction."""
    if not events:
        return
    versions = current_versions(study, {event.kind for event in events})
    for event in events:
        for version in versions:
            if version.trigger_kind != event.kind:
                continue
            if event.version_id is not None and event.version_id != version.id:
                continue
            if _matches(study, version.trigger, event):
                _record(version, participation, event)


def _origin(event: Event) -> AutomationRun | None:
    if event.object_uuid is None:
        return None
    return db.session.execute(
        sa.select(AutomationRun)
        .join(AutomationEffect, AutomationEffect.run_id == AutomationRun.id)
        .where(AutomationEffect.object_uuid == event.object_uuid)
    ).scalar_one_or_none()


def _rules_upstream(run: AutomationRun | None) -> set[int]:
    """The rules of the run and of every run it came from."""
    rules: set[int] = set()
    while run is not None:
        rules.add(run.rule_version.rule_id)
        run = db.session.get(AutomationRun, run.origin_run_id) if run.origin_run_id else None
    return rules


def _record(
    version: AutomationRuleVersion, participation: SubjectInStudy, event: Event
) -> AutomationRun | None:
    """The run of this version for this event, unless one exists (then None)."""
    # Concurrent transactions seeing one event wait here for the first to commit, then
    # find its run: no savepoint, whose release would send the outbox before the commit.
    db.session.execute(
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtext(f"{version.id}:{event.key}")))
    )
    exists = db.session.execute(
        sa.select(AutomationRun.id).where(
            AutomationRun.rule_version_id == version.id, AutomationRun.event_key == event.key
        )
    ).first()
    if exists is not None:
        return None
    origin = _origin(event)
    run = AutomationRun(
        study_id=version.study_id,
        rule_version_id=version.id,
        event_key=event.key,
        subject_in_study_id=participation.id,
        center_id=participation.center_id,
        trigger={"kind": event.kind, **event.about},
        outcome=[],
        depth=0 if origin is None else origin.depth + 1,
        origin_run_id=None if origin is None else origin.id,
    )
    if version.rule_id in _rules_upstream(origin) or run.depth > MAX_DEPTH:
        run.status, run.finished_at = RunStatus.SKIPPED, utcnow()
        run.error = str(
            Message("Not run: the event came from this rule's own actions (a loop).")
            if version.rule_id in _rules_upstream(origin)
            else Message("Not run: too many rules in a row fired one another.")
        )
    db.session.add(run)
    db.session.flush()
    if run.status == RunStatus.PENDING:
        enqueue(
            "plugins.automations.jobs.execute_run",
            str(run.uuid),
            tenant=current_tenant(),
            idempotency_key=f"automation-run:{run.uuid}",
        )
    return run


def _perform_all(run: AutomationRun) -> list[dict[str, Any]]:
    version = run.rule_version
    study = db.session.get_one(Study, run.study_id)
    ctx = actions.Context(study, run.participation, version, run.id)
    outcome: list[dict[str, Any]] = []
    try:
        for action in version.actions:
            outcome.append({"kind": action["kind"], **actions.perform(action, ctx)})
    except (actions.ActionFailed, DatacaptException) as failure:
        failed = version.actions[len(outcome)]
        raise actions.ActionFailed(f"{failed['kind']}: {failure}") from failure
    for created in ctx.created:
        db.session.add(AutomationEffect(run_id=run.id, object_uuid=created))
    db.session.flush()
    return outcome


def execute(run: AutomationRun) -> None:
    """The job's part: the actions are done in a savepoint, so that one failing leaves
    nothing of those before it and the run records why. An unexpected error fails the run
    too, saying only its kind (its text may hold data), rather than leaving it pending
    once the job's retries are spent."""
    if run.status != RunStatus.PENDING:
        return  # a second delivery of the job
    try:
        with db.session.begin_nested():  # released on success, rolled back on an error
            outcome = _perform_all(run)
    except actions.ActionFailed as failure:
        run.status, run.error, run.outcome = RunStatus.FAILED, str(failure), []
    except Exception as error:
        log.exception("automation run %s failed", run.id)
        kind = type(error).__name__
        run.status, run.outcome = RunStatus.FAILED, []
        run.error = f"An unexpected error stopped the run ({kind})."
    else:
        run.status, run.outcome = RunStatus.DONE, outcome
    run.finished_at = utcnow()
    db.session.flush()


def dry_run(study: Study, rule: AutomationRule, participation: SubjectInStudy) -> dict[str, Any]:
    """What the rule's current version would do for the subject now: nothing is written."""
    version = rule.current
    ctx = actions.Context(study, participation, version)
    return {
        "rule": rule.uuid,
        "version": version.number,
        "subject": participation.uuid,
        "trigger_holds": holds(study, version.trigger, participation),
        "actions": [
            {"kind": action["kind"], "would": actions.plan(action, ctx)}
            for action in version.actions
        ],
    }


def list_runs(study: Study, filters: Mapping[str, Any]) -> sa.Select:
    statement = study_query(AutomationRun, study=study).order_by(AutomationRun.id.desc())
    if filters.get("rule") is not None:
        rule = get_in_study(AutomationRule, filters["rule"], Message("No such rule."), study=study)
        statement = statement.join(
            AutomationRuleVersion, AutomationRuleVersion.id == AutomationRun.rule_version_id
        ).where(AutomationRuleVersion.rule_id == rule.id)
    if filters.get("status") is not None:
        statement = statement.where(AutomationRun.status == filters["status"])
    if filters.get("subject") is not None:
        statement = statement.join(
            SubjectInStudy, SubjectInStudy.id == AutomationRun.subject_in_study_id
        ).where(SubjectInStudy.uuid == filters["subject"])
    return statement
