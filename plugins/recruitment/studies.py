"""Recruitment studies of the request's clinical study: set up, changed, published; the
public page a published one shows while it is open."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Question,
    Study,
    block_questions,
    db,
    design_problems,
    get_in_study,
    invalid,
    one_or_404,
    study_query,
    utcnow,
)
from plugins.recruitment import waiting_list
from plugins.recruitment.errors import RecruitmentCodes
from plugins.recruitment.models import RecruitmentStudy

NOT_FOUND = Message("No such recruitment study.")


def questions(recruitment: RecruitmentStudy) -> list[Question]:
    return block_questions(recruitment.blocks)


def _check(data: Mapping[str, Any]) -> None:
    problems = design_problems(block_questions(data.get("blocks", [])))
    if problems:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_FORM_INVALID,
            Message("The application form has problems."),
            problems=[problem.as_dict() for problem in problems],
        )
    opens_on, closes_on = data.get("opens_on"), data.get("closes_on")
    if opens_on and closes_on and closes_on < opens_on:
        raise invalid(
            RecruitmentCodes.RECRUITMENT_INVALID,
            Message("The recruitment closes before it opens."),
            field="closes_on",
        )


def list_recruitments(study: Study) -> sa.Select:
    return study_query(RecruitmentStudy, study).order_by(RecruitmentStudy.created_at)


def get_recruitment(study: Study, recruitment_uuid: Any) -> RecruitmentStudy:
    return get_in_study(RecruitmentStudy, recruitment_uuid, NOT_FOUND, study=study)


def create_recruitment(study: Study, data: Mapping[str, Any]) -> RecruitmentStudy:
    _check(data)
    recruitment = RecruitmentStudy(study_id=study.id, **data)
    db.session.add(recruitment)
    db.session.flush()
    return recruitment


def change_recruitment(recruitment: RecruitmentStudy, data: Mapping[str, Any]) -> RecruitmentStudy:
    merged = {
        "blocks": recruitment.blocks,
        "opens_on": recruitment.opens_on,
        "closes_on": recruitment.closes_on,
        **data,
    }
    _check(merged)
    waiting_list.lock(recruitment)
    for name, value in data.items():
        setattr(recruitment, name, value)
    db.session.flush()
    waiting_list.fill_places(recruitment)  # a higher target takes in those waiting
    return recruitment


def published_recruitment(recruitment_uuid: Any) -> RecruitmentStudy:
    """A recruitment study shown to the public: published ones only (else 404, as for
    one that does not exist)."""
    return one_or_404(
        sa.select(RecruitmentStudy).where(
            RecruitmentStudy.uuid == recruitment_uuid, RecruitmentStudy.published.is_(True)
        ),
        NOT_FOUND,
    )


def is_open_now(recruitment: RecruitmentStudy) -> bool:
    return recruitment.is_open(utcnow().date())
