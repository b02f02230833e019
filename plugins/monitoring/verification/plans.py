"""Verification plans and what they require of each subject.

A subject starts on their inclusion date or, before they are included, the day (UTC) they
were added. The plan that applies to them is the latest one in effect on that day: their
center's if the center has one in effect then, else the study's; a subject who started
before any plan took effect has nothing required. A plan requires:

- ``all_items``: every item of every subject it applies to;
- ``flagged_items``: the items of its questions (``codes``), of every subject;
- ``random_subjects``: every item of ``percentage`` % of the subjects it applies to at each
  center (rounded up), drawn by ranking them on HMAC-SHA256 keyed with the plan's seed
  over the subject's uuid (lower-case text), lowest first: the same seed and subjects give
  the same sample;
- ``first_subjects``: every item of the first ``subject_count`` subjects it applies to at
  each center, in the order they started (then were added).

An item is a subject's answer to a question that is source data (every question but
calculated ones, which are derived from others).
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import secrets
import uuid
from collections.abc import Collection, Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.toolkit import (
    InternalCodes,
    Message,
    QuestionType,
    Study,
    centers_of_study,
    conflict,
    db,
    forbidden,
    get_in_study,
    invalid,
    study_query,
    visible_center_ids,
)
from plugins.ecrf.api import compiled_form
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.verification.models import PlanKind, SdvPlan
from plugins.subjects.api import SubjectInStudy

SEED_BYTES = 32


@dataclasses.dataclass(frozen=True)
class Requirement:
    """What a subject's plan asks to verify: every item (``codes`` None) or those of some
    questions, if the plan selected the subject at all; and the subject's center."""

    center_id: int
    plan_id: int | None = None
    plan: uuid.UUID | None = None
    selected: bool = False
    codes: frozenset[str] | None = None

    def requires(self, code: str) -> bool:
        return self.selected and (self.codes is None or code in self.codes)


def source_codes(study: Study) -> dict[Any, list[str]]:
    """Per section uuid of the design, in order, the codes of its source-data questions."""
    form = compiled_form(study)
    return {
        section: [code for code in codes if form.by_code[code].type != QuestionType.CALCULATED]
        for section, codes in form.section_codes.items()
    }


def sample_rank(seed: str, subject: uuid.UUID) -> str:
    """Where a subject ranks in a random plan's draw (lowest first)."""
    return hmac.new(bytes.fromhex(seed), str(subject).encode(), hashlib.sha256).hexdigest()


def sample_size(subjects: int, percentage: int) -> int:
    """``percentage`` % of ``subjects``, rounded up."""
    return -(-subjects * percentage // 100)


def _start() -> sa.ColumnElement[Any]:
    added = sa.cast(sa.func.timezone("UTC", SubjectInStudy.created_at), sa.Date)
    return sa.func.coalesce(SubjectInStudy.inclusion_date, added)


def _applicable_plan() -> sa.ScalarSelect[Any]:
    """The id of the plan in effect for the subject of the enclosing query."""
    plan = orm.aliased(SdvPlan)
    return (
        sa.select(plan.id)
        .where(
            plan.study_id == SubjectInStudy.study_id,
            sa.or_(plan.center_id == SubjectInStudy.center_id, plan.center_id.is_(None)),
            plan.effective_from <= _start(),
        )
        # A center's plan first, then the latest.
        .order_by(plan.center_id.is_(None), plan.effective_from.desc())
        .limit(1)
        .correlate(SubjectInStudy)
        .scalar_subquery()
    )


def _chosen(plan: Any, members: list[Any]) -> Iterable[Any]:
    """Which of a center's subjects under ``plan`` it selects."""
    if plan.kind == PlanKind.FIRST_SUBJECTS:
        return sorted(members, key=lambda m: (m.start, m.created_at, m.id))[: plan.subject_count]
    if plan.kind == PlanKind.RANDOM_SUBJECTS:
        ranked = sorted(members, key=lambda m: sample_rank(plan.seed, m.uuid))
        return ranked[: sample_size(len(members), plan.percentage)]
    return members


def _required(study: Study, *criteria: sa.ColumnElement[bool]) -> dict[int, Requirement]:
    """What is required of the study's subjects meeting ``criteria``, by id; a draw ranks
    all the subjects its plan applies to at a center, so ``criteria`` keep them all."""
    statement = (
        sa.select(
            SubjectInStudy.id,
            SubjectInStudy.uuid,
            SubjectInStudy.center_id,
            SubjectInStudy.created_at,
            _start().label("start"),
            SdvPlan.id.label("plan_id"),
            SdvPlan.uuid.label("plan"),
            SdvPlan.kind,
            SdvPlan.codes,
            SdvPlan.percentage,
            SdvPlan.subject_count,
            SdvPlan.seed,
        )
        .outerjoin(SdvPlan, SdvPlan.id == _applicable_plan())
        .where(SubjectInStudy.study_id == study.id, *criteria)
    )
    groups: dict[tuple[int, int | None], list[Any]] = {}
    for row in db.session.execute(statement):
        groups.setdefault((row.center_id, row.plan_id), []).append(row)
    found: dict[int, Requirement] = {}
    for (_, plan_id), members in groups.items():
        plan = members[0]
        if plan_id is None:
            found.update((member.id, Requirement(member.center_id)) for member in members)
            continue
        codes = frozenset(plan.codes) if plan.kind == PlanKind.FLAGGED_ITEMS else None
        chosen = {member.id for member in _chosen(plan, members)}
        for member in members:
            found[member.id] = Requirement(
                member.center_id, plan_id, plan.plan, member.id in chosen, codes
            )
    return found


def requirements(study: Study, center_ids: Collection[int] | None = None) -> dict[int, Requirement]:
    """What is required of each subject (by id) of the study at ``center_ids`` (default:
    the centers the caller sees)."""
    centers = visible_center_ids() if center_ids is None else center_ids
    return _required(study, *([] if centers is None else [SubjectInStudy.center_id.in_(centers)]))


def requirement_of(study: Study, participation: SubjectInStudy) -> Requirement:
    """What is required of one subject; the other subjects of their center are read only
    when a plan draws among them."""
    drawing = SdvPlan.kind.in_([PlanKind.RANDOM_SUBJECTS, PlanKind.FIRST_SUBJECTS])
    return _required(
        study,
        SubjectInStudy.center_id == participation.center_id,
        sa.or_(SubjectInStudy.id == participation.id, drawing),
    )[participation.id]


# Plans


def list_plans(study: Study) -> sa.Select[SdvPlan]:
    """The study's plans and those of the centers the caller sees: the study's first, then
    by center, each by date."""
    return study_query(SdvPlan, study).order_by(
        SdvPlan.center_id.is_not(None), SdvPlan.center_id, SdvPlan.effective_from
    )


def get_plan(study: Study, plan_uuid: Any) -> SdvPlan:
    return get_in_study(SdvPlan, plan_uuid, Message("No such verification plan."), study=study)


def _refuse_study_wide_if_limited(plan_center: int | None) -> None:
    """A plan of the whole study is set or removed by someone who sees every center."""
    if plan_center is None and visible_center_ids() is not None:
        raise forbidden(
            InternalCodes.PERMISSION_DENIED,
            Message("Only someone who sees every center sets or removes the study's plans."),
        )


def _flagged_codes(study: Study, codes: list[str]) -> list[str]:
    """The codes given, each once, each a source-data question of the eCRF (else 422)."""
    known = {code for section in source_codes(study).values() for code in section}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise invalid(
            MonitoringCodes.SDV_PLAN_INVALID,
            Message(
                "These are not questions of the eCRF that are verified against source: {codes}",
                codes=", ".join(unknown),
            ),
            field="codes",
            codes=unknown,
        )
    return list(dict.fromkeys(codes))


def create_plan(study: Study, data: Mapping[str, Any]) -> SdvPlan:
    """A new plan of the study or of one center, in effect from its date; a random one
    draws its seed from the operating system's cryptographic source."""
    center = None
    if data.get("center") is not None:
        [center] = centers_of_study(study, [data["center"]], field="center")
        visible = visible_center_ids()
        if visible is not None and center.id not in visible:
            raise invalid(
                InternalCodes.CENTER_NOT_IN_STUDY,
                Message("These centers are not in the study: {codes}", codes=center.code),
                field="center",
            )
    _refuse_study_wide_if_limited(center.id if center else None)
    taken = db.session.execute(
        sa.select(SdvPlan.uuid).where(
            SdvPlan.study_id == study.id,
            SdvPlan.center_id.is_(None) if center is None else SdvPlan.center_id == center.id,
            SdvPlan.effective_from == data["effective_from"],
        )
    ).scalar_one_or_none()
    if taken is not None:
        raise conflict(
            MonitoringCodes.SDV_PLAN_EXISTS,
            Message("A plan of this scope already takes effect on that day."),
            field="effective_from",
            existing=str(taken),
        )
    kind = data["kind"]
    plan = SdvPlan(
        study_id=study.id,
        center_id=center.id if center else None,
        kind=kind,
        effective_from=data["effective_from"],
        codes=_flagged_codes(study, data["codes"]) if kind == PlanKind.FLAGGED_ITEMS else [],
        percentage=data.get("percentage"),
        subject_count=data.get("subject_count"),
        seed=secrets.token_hex(SEED_BYTES) if kind == PlanKind.RANDOM_SUBJECTS else None,
    )
    db.session.add(plan)
    db.session.flush()
    return plan


def delete_plan(plan: SdvPlan) -> None:
    """Remove a plan (with a reason): the subjects it applied to fall to the plan in
    effect before it."""
    _refuse_study_wide_if_limited(plan.center_id)
    db.session.delete(plan)
    db.session.flush()
