"""Setting the enrollment targets: one for the study and one per center at most. Only a
member who sees every center sets the study's own; a member limited to some centers sets
theirs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    InternalCodes,
    Message,
    Study,
    StudyCenter,
    centers_of_study,
    conflict,
    db,
    forbidden,
    get_in_study,
    invalid,
    study_query,
    visible_center_ids,
)
from plugins.analytics.errors import AnalyticsCodes
from plugins.analytics.targets.models import EnrollmentTarget


def list_targets(study: Study) -> sa.Select[EnrollmentTarget]:
    """The study's own target first, then its centers' (those the caller sees) by code."""
    return (
        study_query(EnrollmentTarget, study)
        .outerjoin(StudyCenter, StudyCenter.id == EnrollmentTarget.center_id)
        .order_by(EnrollmentTarget.center_id.is_not(None), StudyCenter.code)
    )


def get_target(study: Study, target_uuid: Any) -> EnrollmentTarget:
    return get_in_study(
        EnrollmentTarget, target_uuid, Message("No such enrollment target."), study=study
    )


def _refuse_study_wide_if_limited(center_id: int | None) -> None:
    if center_id is None and visible_center_ids() is not None:
        raise forbidden(
            InternalCodes.PERMISSION_DENIED,
            Message("Only someone who sees every center sets the study's target."),
        )


def _visible_center_id(study: Study, center_uuid: Any) -> int | None:
    if center_uuid is None:
        return None
    [center] = centers_of_study(study, [center_uuid], field="center")
    visible = visible_center_ids()
    if visible is not None and center.id not in visible:
        # Answered as for a center of another study: its existence is not revealed.
        raise invalid(
            InternalCodes.CENTER_NOT_IN_STUDY,
            Message("These centers are not in the study: {codes}", codes=center.code),
            field="center",
        )
    return center.id


def create_target(study: Study, data: Mapping[str, Any]) -> EnrollmentTarget:
    center_id = _visible_center_id(study, data.get("center"))
    _refuse_study_wide_if_limited(center_id)
    # Targets of one study are added one at a time (FOR NO KEY UPDATE leaves other
    # writes referencing the study alone): the check below then holds until commit.
    db.session.execute(
        sa.select(Study.id).where(Study.id == study.id).with_for_update(key_share=True)
    )
    taken = db.session.execute(
        sa.select(EnrollmentTarget.uuid).where(
            EnrollmentTarget.study_id == study.id,
            EnrollmentTarget.center_id.is_(None)
            if center_id is None
            else EnrollmentTarget.center_id == center_id,
        )
    ).scalar_one_or_none()
    if taken is not None:
        raise conflict(
            AnalyticsCodes.TARGET_EXISTS,
            Message("This scope has a target already: change it."),
            field="center",
            existing=str(taken),
        )
    target = EnrollmentTarget(
        study_id=study.id,
        center_id=center_id,
        subjects=data["subjects"],
        target_date=data.get("target_date"),
    )
    db.session.add(target)
    db.session.flush()
    return target


def change_target(target: EnrollmentTarget, data: Mapping[str, Any]) -> EnrollmentTarget:
    _refuse_study_wide_if_limited(target.center_id)
    for name in ("subjects", "target_date"):
        if name in data:
            setattr(target, name, data[name])
    db.session.flush()
    return target


def delete_target(target: EnrollmentTarget) -> None:
    _refuse_study_wide_if_limited(target.center_id)
    db.session.delete(target)
    db.session.flush()
