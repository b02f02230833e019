"""The subjects an export covers, read a chunk at a time in id order with their answers
and what the definition adds (audit trail, queries, verification, signatures): memory
holds one chunk, whatever the study's size."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from datacapt.toolkit import AuditRecord, Study, StudyCenter, db, plugin_enabled
from plugins.ecrf.api import PLAIN, Answer, DataQuery
from plugins.exports.definitions.models import Extra
from plugins.subjects.api import SubjectInStudy

CHUNK = 500  # subjects per chunk: 500 x 200 items is 100,000 values in memory
YIELD_PER = 100  # subjects' rows fetched from the server-side cursor at a time


@dataclasses.dataclass(frozen=True)
class Scope:
    """Whom and what a run reads: fixed when it was requested."""

    study: Study
    center_ids: frozenset[int] | None  # None: every center
    statuses: tuple[str, ...]
    included_from: dt.date | None
    included_to: dt.date | None
    sections: tuple[str, ...]  # the sections read (uuids), in the design's order
    codes: tuple[str, ...]  # the questions read, in the design's order
    extras: frozenset[str]
    arm_visible: bool
    product_visible: bool


@dataclasses.dataclass(frozen=True)
class SubjectRow:
    id: int
    uuid: str
    label: str  # the study's subject id, never a name
    center: str
    status: str
    inclusion_date: dt.date | None
    arm: str | None


@dataclasses.dataclass
class Chunk:
    subjects: list[SubjectRow]
    answers: dict[int, dict[str, Any]]
    audit: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    queries: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    verifications: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    signatures: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    zone_assessments: list[dict[str, Any]] = dataclasses.field(default_factory=list)


def _subjects(scope: Scope) -> sa.Select:
    query = (
        sa.select(
            SubjectInStudy.id,
            SubjectInStudy.uuid,
            SubjectInStudy.study_subject_id,
            StudyCenter.code,
            SubjectInStudy.status,
            SubjectInStudy.inclusion_date,
        )
        .join(StudyCenter, StudyCenter.id == SubjectInStudy.center_id)
        .where(SubjectInStudy.study_id == scope.study.id)
    )
    if scope.center_ids is not None:
        query = query.where(SubjectInStudy.center_id.in_(scope.center_ids))
    if scope.statuses:
        query = query.where(SubjectInStudy.status.in_(scope.statuses))
    if scope.included_from is not None:
        query = query.where(SubjectInStudy.inclusion_date >= scope.included_from)
    if scope.included_to is not None:
        query = query.where(SubjectInStudy.inclusion_date <= scope.included_to)
    return query


def count_subjects(scope: Scope) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(_subjects(scope).subquery())
    ).scalar_one()


def chunks(scope: Scope, size: int = CHUNK) -> Iterator[Chunk]:
    """The scope's subjects ``size`` at a time, each chunk read whole before it is given
    (a caller may commit between chunks: no cursor stays open across them)."""
    after = 0
    while True:
        rows = db.session.execute(
            _subjects(scope)
            .where(SubjectInStudy.id > after)
            .order_by(SubjectInStudy.id)
            .limit(size)
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        ids = [row[0] for row in rows]
        arms = _arms(ids) if scope.arm_visible else {}
        subjects = [
            SubjectRow(row[0], str(row[1]), row[2], row[3], row[4], row[5], arms.get(row[0]))
            for row in rows
        ]
        chunk = Chunk(subjects, _answers(ids, scope.codes))
        _add_extras(scope, chunk)
        _add_zone_assessments(scope, chunk)
        yield chunk


def _answers(ids: Sequence[int], codes: Sequence[str]) -> dict[int, dict[str, Any]]:
    answers: dict[int, dict[str, Any]] = {id_: {} for id_ in ids}
    if not codes:
        return answers
    # A subject's answers as one JSON object: one row and one decoding per subject, not
    # per value (most of an export's time otherwise).
    result = db.session.execute(
        sa.select(
            Answer.subject_in_study_id,
            sa.func.jsonb_object_agg(Answer.code, Answer.value, type_=JSONB),
        )
        # A zone's answers (a section filled once per zone) are no subject-level value.
        .where(
            Answer.subject_in_study_id.in_(ids),
            Answer.code.in_(codes),
            Answer.instance == PLAIN,
        )
        .group_by(Answer.subject_in_study_id)
        .execution_options(yield_per=YIELD_PER)
    )
    for subject_id, values in result:
        answers[subject_id] = values
    return answers


def _arms(ids: Sequence[int]) -> dict[int, str]:
    """Each subject's arm in production (asked only for a requester who may see it)."""
    if not plugin_enabled("randomizations"):
        return {}
    from plugins.randomizations.api import Assignment, Environment

    return dict(
        db.session.execute(
            sa.select(Assignment.subject_in_study_id, Assignment.arm).where(
                Assignment.subject_in_study_id.in_(ids),
                Assignment.environment == Environment.PRODUCTION,
                Assignment.voided_at.is_(None),
            )
        ).all()
    )


def _add_extras(scope: Scope, chunk: Chunk) -> None:
    ids = [subject.id for subject in chunk.subjects]
    labels = {subject.id: subject.label for subject in chunk.subjects}
    if Extra.AUDIT_TRAIL in scope.extras:
        by_uuid = {subject.uuid: subject.label for subject in chunk.subjects}
        # Only the answers' records: a subject's personal data has records of its own,
        # which never leave through an export.
        records = db.session.execute(
            sa.select(AuditRecord)
            .where(
                AuditRecord.study_id == str(scope.study.uuid),
                AuditRecord.object_type == Answer.__tablename__,
                AuditRecord.subject_id.in_(list(by_uuid)),
                AuditRecord.question.in_(scope.codes),
            )
            .order_by(AuditRecord.sequence)
        ).scalars()
        for record in records:
            old, new = (record.changes.get("value") or [None, None])[:2]
            chunk.audit.append(
                {
                    "subject": by_uuid[record.subject_id or ""],
                    "question": record.question,
                    "action": record.action,
                    "at": record.created_at,
                    "user": record.actor_name,
                    "old": old,
                    "new": new,
                    "reason": record.reason,
                    "sequence": record.sequence,
                }
            )
    if Extra.QUERIES in scope.extras:
        for query in db.session.execute(
            sa.select(DataQuery)
            .where(DataQuery.subject_in_study_id.in_(ids))
            .order_by(DataQuery.subject_in_study_id, DataQuery.id)
        ).scalars():
            chunk.queries.append(
                {
                    "subject": labels[query.subject_in_study_id],
                    "question": query.code,
                    "zone": query.instance,
                    "uuid": str(query.uuid),
                    "status": query.status,
                    "level": query.level,
                    "origin": query.origin,
                    "message": query.message,
                    "opened_at": query.opened_at,
                    "closed_at": query.closed_at,
                }
            )
    if not plugin_enabled("monitoring"):
        return
    from plugins.monitoring.api import Signature, Verification

    if Extra.SDV in scope.extras:
        for verification in db.session.execute(
            sa.select(Verification)
            .where(Verification.subject_in_study_id.in_(ids))
            .order_by(Verification.subject_in_study_id, Verification.code, Verification.instance)
        ).scalars():
            chunk.verifications.append(
                {
                    "subject": labels[verification.subject_in_study_id],
                    "question": verification.code,
                    "zone": verification.instance,
                    "verified_by": verification.verified_by_name,
                    "verified_at": verification.verified_at,
                }
            )
    if Extra.SIGNATURES in scope.extras:
        for signature in db.session.execute(
            sa.select(Signature)
            .where(Signature.subject_in_study_id.in_(ids))
            .order_by(Signature.subject_in_study_id, Signature.id)
        ).scalars():
            chunk.signatures.append(
                {
                    "subject": labels[signature.subject_in_study_id],
                    "uuid": str(signature.uuid),
                    "scope": signature.scope,
                    "section": str(signature.section_uuid) if signature.section_uuid else None,
                    "printed_name": signature.printed_name,
                    "meaning": signature.meaning,
                    "signed_at": signature.signed_at,
                    "state": signature.state,
                }
            )


def _add_zone_assessments(scope: Scope, chunk: Chunk) -> None:
    """The chunk's subjects' values per zone (side by side), with the product only in a
    run whose requester may see it: those of the sections and questions the definition
    reads, by subject (the chunk's order), section and question in the design's order,
    zone by zone."""
    if Extra.ZONE_ASSESSMENTS not in scope.extras or not plugin_enabled("side_by_side"):
        return
    from plugins.side_by_side.api import export_rows

    columns, rows = export_rows(
        scope.study,
        unblinded=scope.product_visible,
        subject_ids=[subject.id for subject in chunk.subjects],
    )
    subjects = {subject.label: index for index, subject in enumerate(chunk.subjects)}
    sections = {uuid: index for index, uuid in enumerate(scope.sections)}
    codes = {code: index for index, code in enumerate(scope.codes)}
    found = [
        record
        for record in (dict(zip(columns, row, strict=True)) for row in rows)
        if record["section"] in sections and record["question"] in codes
    ]
    found.sort(
        key=lambda record: (
            subjects[record["subject"]],
            sections[record["section"]],
            record["zone"],
            codes[record["question"]],
        )
    )
    chunk.zone_assessments.extend(found)


def locks(scope: Scope) -> list[dict[str, Any]]:
    """The study's freezes and locks (monitoring), at the centers in scope."""
    if Extra.LOCKS not in scope.extras or not plugin_enabled("monitoring"):
        return []
    from plugins.monitoring.api import DataLock

    query = (
        sa.select(
            DataLock, SubjectInStudy.study_subject_id, SubjectInStudy.center_id, StudyCenter.code
        )
        .outerjoin(SubjectInStudy, SubjectInStudy.id == DataLock.subject_in_study_id)
        .outerjoin(StudyCenter, StudyCenter.id == DataLock.center_id)
        .where(DataLock.study_id == scope.study.id)
        .order_by(DataLock.id)
    )
    found = []
    for lock, subject, subject_center, center in db.session.execute(query).all():
        # A subject's lock is at the subject's center; a center's at its own.
        at = subject_center if subject is not None else lock.center_id
        if scope.center_ids is not None and at is not None and at not in scope.center_ids:
            continue
        found.append(
            {
                "uuid": str(lock.uuid),
                "level": lock.level,
                "status": lock.status,
                "subject": subject,
                "center": center,
                "section": str(lock.section_uuid) if lock.section_uuid else None,
                "zone": lock.instance,
                "frozen_at": lock.frozen_at,
                "locked_at": lock.locked_at,
            }
        )
    return found


def audit_head(study: Study) -> tuple[int | None, str | None, dt.datetime]:
    """The last audit record of the study's subjects' data: its sequence, hash and time
    (the study's creation when nothing was recorded yet)."""
    row = db.session.execute(
        sa.select(AuditRecord.sequence, AuditRecord.hash, AuditRecord.created_at)
        .where(AuditRecord.study_id == str(study.uuid), AuditRecord.subject_id.is_not(None))
        .order_by(AuditRecord.sequence.desc())
        .limit(1)
    ).first()
    return (row[0], row[1], row[2]) if row else (None, None, study.created_at)
