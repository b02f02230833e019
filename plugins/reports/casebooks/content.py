"""What a subject's casebook holds, read in a few set-based queries: every section with
its values, each value's audit trail, the subject's queries with their threads, and where
the tenant has monitoring the signatures with their manifestation; the arm only for a
report that may reveal it. A section filled once per zone (side by side) is printed once
per zone recorded, named by the zone's code (never the product applied there)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.toolkit import AuditRecord, Study, db, plugin_enabled
from plugins.ecrf.api import PLAIN, Answer, DataQuery, QueryStatus, compiled_form
from plugins.reports.values import printed, text
from plugins.subjects.api import SubjectInStudy

ANSWERS = Answer.__tablename__


def in_utc(moment: dt.datetime) -> dt.datetime:
    """A stored time in UTC, as the casebook prints it: the database answers in its
    connection's time zone, which need not be UTC."""
    return moment.astimezone(dt.UTC)


#: What an audit record of a value may hold that a reader of the casebook must not see.
HIDDEN = "[redacted]"


def casebook(study: Study, participation: SubjectInStudy, language: str, reveals_arm: bool):
    """The template's context for one subject's casebook."""
    form = compiled_form(study)
    document = form.document
    instanced = {str(section_uuid) for section_uuid in form.instanced}
    # instance -> code -> value, and the instance of each answer (its trail's object).
    answers: dict[str, dict[str, Any]] = defaultdict(dict)
    instance_of: dict[str, str] = {}
    for answer_uuid, instance, code, value in db.session.execute(
        sa.select(Answer.uuid, Answer.instance, Answer.code, Answer.value).where(
            Answer.subject_in_study_id == participation.id
        )
    ):
        answers[instance][code] = value
        instance_of[str(answer_uuid)] = instance
    trails = _audit_trails(participation, instance_of)
    section_titles = {str(s["uuid"]): text(s["title"], language) for s in document["sections"]}
    sections = []
    for section in document["sections"]:
        title = text(section["title"], language)
        if str(section["uuid"]) not in instanced:
            sections.append(_section(section, title, PLAIN, answers, trails, language))
            continue
        codes = {b["code"] for sub in section["subsections"] for b in sub["blocks"]}
        for instance in sorted(i for i in answers if i != PLAIN and codes & set(answers[i])):
            sections.append(
                _section(section, f"{title} · {instance}", instance, answers, trails, language)
            )
    return {
        "study": study,
        "subject": participation,
        "center": participation.center,
        "arm": _arm(participation) if reveals_arm else None,
        "sections": sections,
        "queries": _queries(participation),
        "signatures": _signatures(participation, section_titles),
    }


def _section(
    section: dict[str, Any],
    title: str,
    instance: str,
    answers: dict[str, dict[str, Any]],
    trails: dict[tuple[str, str], list[AuditRecord]],
    language: str,
) -> dict[str, Any]:
    """A section as printed: its values in ``instance`` (a zone, or PLAIN) with their trails."""
    values = answers.get(instance, {})
    return {
        "title": title,
        "subsections": [
            {
                "title": text(sub["title"], language),
                "questions": [
                    {
                        "code": block["code"],
                        "label": text(block.get("label"), language, block["code"]),
                        "value": printed(block, values.get(block["code"]), language),
                        "trail": [
                            _change(block, record, language)
                            for record in trails.get((instance, block["code"]), [])
                        ],
                    }
                    for block in sub["blocks"]
                    if block["kind"] == "question"
                ],
            }
            for sub in section["subsections"]
        ],
    }


def _audit_trails(
    participation: SubjectInStudy, instance_of: dict[str, str]
) -> dict[tuple[str, str], list[AuditRecord]]:
    """Each value's changes by (instance, question), from the answers' records."""
    records = db.session.execute(
        sa.select(AuditRecord)
        .where(
            AuditRecord.subject_id == str(participation.uuid),
            AuditRecord.object_type == ANSWERS,
        )
        .order_by(AuditRecord.sequence)
    ).scalars()
    trails: dict[tuple[str, str], list[AuditRecord]] = defaultdict(list)
    for record in records:
        if record.question is not None and "value" in record.changes:
            instance = instance_of.get(record.object_id, PLAIN)
            trails[(instance, record.question)].append(record)
    return trails


def _change(block: dict[str, Any], record: AuditRecord, language: str) -> dict[str, Any]:
    old, new = record.changes["value"]
    # A value some permission guards is never printed: a casebook is read by many.
    hidden = any("value" in fields for fields in (record.sensitive or {}).values())
    return {
        "at": in_utc(record.created_at),
        "actor": record.actor_name,
        "action": record.action,
        "old": HIDDEN if hidden else printed(block, old, language),
        "new": HIDDEN if hidden else printed(block, new, language),
        "reason": record.reason or "",
    }


def _queries(participation: SubjectInStudy) -> list[DataQuery]:
    """The subject's queries but drafts (not raised yet), with their threads."""
    return list(
        db.session.execute(
            sa.select(DataQuery)
            .where(
                DataQuery.subject_in_study_id == participation.id,
                DataQuery.status != QueryStatus.DRAFT,
            )
            .options(orm.selectinload(DataQuery.messages))
            .order_by(DataQuery.created_at, DataQuery.id)
        ).scalars()
    )


def _signatures(participation: SubjectInStudy, section_titles: dict[str, str]) -> list[Any]:
    """The signatures of the subject's sections and casebook, with their manifestation."""
    if not plugin_enabled("monitoring"):
        return []
    from plugins.monitoring.api import Signature

    rows = db.session.execute(
        sa.select(Signature)
        .where(Signature.subject_in_study_id == participation.id)
        .order_by(Signature.signed_at, Signature.id)
    ).scalars()
    return [
        {
            "printed_name": signature.printed_name,
            "signed_at": in_utc(signature.signed_at),
            "meaning": signature.meaning,
            "state": signature.state,
            "scope": section_titles.get(str(signature.section_uuid), "")
            if signature.section_uuid
            else None,
            "declaration": signature.declaration,
        }
        for signature in rows
    ]


def _arm(participation: SubjectInStudy) -> str | None:
    """The subject's standing arm in production, where the tenant randomizes."""
    if not plugin_enabled("randomizations"):
        return None
    from plugins.randomizations.api import Assignment, Environment

    return db.session.execute(
        sa.select(Assignment.arm).where(
            Assignment.subject_in_study_id == participation.id,
            Assignment.environment == Environment.PRODUCTION,
            Assignment.voided_at.is_(None),
        )
    ).scalar_one_or_none()
