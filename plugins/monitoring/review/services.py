"""Data review: a subject's section (each zone apart, in a section filled once per zone)
reviewed by data management, or not; lost, audited with its cause, when any answer of
the section (of that zone) changes.

Reviewing locks the subject's section (the eCRF's counters row, which every save of the
subject's answers locks too), and so does the loss on a change: a review and a change of
the section's data queue up, and a review never outlives a change made after it.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Study,
    conflict,
    db,
    reason_for_change,
    study_centers,
    study_permissions,
    visible_center_ids,
)
from plugins.ecrf.api import (
    PLAIN,
    Answer,
    Section,
    answered,
    check_instance,
    compiled_form,
    instances_of,
    lock_subjects,
)
from plugins.monitoring import permissions
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.holds import refuse_if_locked
from plugins.monitoring.review.models import SectionReview
from plugins.monitoring.review.schemas import SectionReviewStateSchema
from plugins.monitoring.verification.progress import subject_fields, subjects_page
from plugins.monitoring.verification.services import lost_because, signed_now
from plugins.subjects.api import SubjectInStudy


def _review(participation: SubjectInStudy, section_id: int, instance: str) -> SectionReview | None:
    return db.session.execute(
        sa.select(SectionReview).where(
            SectionReview.subject_in_study_id == participation.id,
            SectionReview.section_id == section_id,
            SectionReview.instance == instance,
        )
    ).scalar_one_or_none()


def _section_id(study: Study, participation: SubjectInStudy, section: Any, instance: str) -> int:
    """The section's id (404 for a section the eCRF lacks); the zone as data entry
    checks it (a section filled once per zone is reviewed per zone)."""
    form = compiled_form(study)
    form.section(section)
    check_instance(study, participation, section, instance)
    return form.section_ids[section]


def review_section(
    study: Study, participation: SubjectInStudy, section: Any, instance: str = PLAIN
) -> SectionReview:
    """Mark the subject's section (or one zone of it) reviewed; 409 when nothing is
    entered in it, when it is reviewed already, or when it is locked."""
    section_id = _section_id(study, participation, section, instance)
    lock_subjects([participation.id])  # a save or a lock under way commits first
    refuse_if_locked([participation], [section], instance)
    entered = db.session.execute(
        sa.select(
            sa.exists().where(
                Answer.subject_in_study_id == participation.id,
                Answer.code.in_(compiled_form(study).section_codes[section]),
                Answer.instance == instance,
                answered(Answer.value),
            )
        )
    ).scalar_one()
    if not entered:
        raise conflict(
            MonitoringCodes.SECTION_WITHOUT_DATA,
            Message("Nothing is entered in this section: there is nothing to review."),
        )
    if _review(participation, section_id, instance) is not None:
        raise conflict(
            MonitoringCodes.SECTION_ALREADY_REVIEWED, Message("The section is reviewed already.")
        )
    by, name, at = signed_now()
    review = SectionReview(
        subject_in_study_id=participation.id,
        section_id=section_id,
        instance=instance,
        reviewed_by=by,
        reviewed_by_name=name,
        reviewed_at=at,
    )
    db.session.add(review)
    db.session.flush()
    return review


def unreview_section(
    study: Study, participation: SubjectInStudy, section: Any, instance: str = PLAIN
) -> None:
    """Take the review back (not on locked data); the Reason-For-Change is required
    (audited)."""
    section_id = _section_id(study, participation, section, instance)
    lock_subjects([participation.id])
    refuse_if_locked([participation], [section], instance)
    review = _review(participation, section_id, instance)
    if review is None:
        raise conflict(
            MonitoringCodes.SECTION_NOT_REVIEWED, Message("The section is not reviewed.")
        )
    db.session.delete(review)
    db.session.flush()


def on_answers_changed(
    participation: SubjectInStudy,
    study: Study,
    sections: Collection[Any],
    instance: str = PLAIN,
    **_kwargs: Any,
) -> None:
    """A section whose answers changed (the zone saved, for a zone's save) loses its review
    (eCRF's ``answers_changed``), audited with the change as its cause."""
    section_ids = [compiled_form(study).section_ids[section] for section in sections]
    # The save holds its subject's lock: a review under way committed first, and is found.
    lost = list(
        db.session.execute(
            sa.select(SectionReview).where(
                SectionReview.subject_in_study_id == participation.id,
                SectionReview.section_id.in_(section_ids),
                SectionReview.instance == instance,
            )
        ).scalars()
    )
    if not lost:
        return
    with reason_for_change(lost_because("The section's data changed")):
        for review in lost:
            db.session.delete(review)
        db.session.flush()


def section_review(participation: SubjectInStudy, section: Any, instance: str) -> dict[str, Any]:
    """Whether the subject's section (or zone of it) is reviewed, by whom and when; one
    statement."""
    review = db.session.execute(
        sa.select(SectionReview)
        .join(Section, Section.id == SectionReview.section_id)
        .where(
            SectionReview.subject_in_study_id == participation.id,
            Section.uuid == section,
            SectionReview.instance == instance,
        )
    ).scalar_one_or_none()
    return _state(review)


def _state(review: SectionReview | None) -> dict[str, Any]:
    return {
        "reviewed": review is not None,
        "reviewed_by": review.reviewed_by if review else None,
        "reviewed_by_name": review.reviewed_by_name if review else None,
        "reviewed_at": review.reviewed_at if review else None,
    }


def on_section_read(
    participation: SubjectInStudy, section: Any, instance: str = PLAIN, **_kwargs: Any
) -> dict[str, Any] | None:
    """The ``review`` annotation of a data-entry read (eCRF's ``section_read``), for those
    who see reviews."""
    if permissions.REVIEW_ACCESS not in study_permissions():
        return None
    review = section_review(participation, section, instance)
    return {"review": SectionReviewStateSchema().dump(review)}


# Progress


def _counts(study: Study, key: sa.SQLColumnExpression[int], *criteria: Any) -> list[Any]:
    """Per ``key`` and section id: the visible subjects' sections with data (each zone of a
    section filled once per zone), and of those the reviewed ones."""
    form = compiled_form(study)
    pairs = [
        (code, form.section_ids[section])
        for section, codes in form.section_codes.items()
        for code in codes
    ]
    if not pairs:
        return []
    items = sa.values(sa.column("code", sa.String), sa.column("section_id", sa.BigInteger))
    items = items.data(pairs).alias("items")
    entered = (
        sa.select(
            Answer.subject_in_study_id.label("subject_id"),
            items.c.section_id.label("section_id"),
            Answer.instance.label("instance"),
        )
        .join(items, items.c.code == Answer.code)
        .where(answered(Answer.value))
        .distinct()
        .subquery("entered")
    )
    statement = (
        sa.select(
            key.label("key"),
            entered.c.section_id,
            sa.func.count().label("with_data"),
            sa.func.count(SectionReview.id).label("reviewed"),
        )
        .select_from(entered)
        .join(SubjectInStudy, SubjectInStudy.id == entered.c.subject_id)
        .outerjoin(
            SectionReview,
            sa.and_(
                SectionReview.subject_in_study_id == entered.c.subject_id,
                SectionReview.section_id == entered.c.section_id,
                SectionReview.instance == entered.c.instance,
            ),
        )
        .where(SubjectInStudy.study_id == study.id, *criteria)
        .group_by(key, entered.c.section_id)
    )
    visible = visible_center_ids()
    if visible is not None:
        statement = statement.where(SubjectInStudy.center_id.in_(visible))
    return list(db.session.execute(statement))


def _figures(rows: Collection[Any]) -> dict[str, Any]:
    with_data = sum(row.with_data for row in rows)
    reviewed = sum(row.reviewed for row in rows)
    return {
        "with_data": with_data,
        "reviewed": reviewed,
        "completion": round(reviewed / with_data, 4) if with_data else None,
    }


def study_progress(study: Study) -> dict[str, Any]:
    """The study's reviewed sections over those with data (the subjects the caller sees),
    per center and per section (visit)."""
    rows = _counts(study, SubjectInStudy.center_id)
    form = compiled_form(study)
    return {
        "study": _figures(rows),
        "centers": [
            {
                "center": center.uuid,
                "center_code": center.code,
                **_figures([row for row in rows if row.key == center.id]),
            }
            for center in study_centers(study)
        ],
        "sections": [
            {
                "section": section["uuid"],
                "title": section["title"],
                **_figures(
                    [row for row in rows if row.section_id == form.section_ids[section["uuid"]]]
                ),
            }
            for section in form.document["sections"]
        ],
    }


def _subject(participation: SubjectInStudy, rows: Collection[Any]) -> dict[str, Any]:
    return {
        **subject_fields(participation),
        **_figures([row for row in rows if row.key == participation.id]),
    }


def subjects_progress(
    study: Study, pagination_parameters: Any, center: Any = None
) -> list[dict[str, Any]]:
    """A page of the study's subjects (the centers the caller sees, or one) with their
    figures."""
    page = subjects_page(study, pagination_parameters, center)
    rows = _counts(
        study,
        SubjectInStudy.id,
        SubjectInStudy.id.in_([participation.id for participation in page]),
    )
    return [_subject(participation, rows) for participation in page]


def _zones(
    study: Study, participation: SubjectInStudy, section: Any, kept: Collection[str]
) -> list[str]:
    """The instances a subject's section is listed with: PLAIN for a section filled once
    per subject, else the subject's zones, then any other one with data or a review."""
    if section not in compiled_form(study).instanced:
        return [PLAIN]
    zones = instances_of(study, participation, section)
    return [*zones, *sorted(set(kept) - set(zones))]


def subject_reviews(study: Study, participation: SubjectInStudy) -> dict[str, Any]:
    """The subject's figures, and each section of the design (each zone of a section filled
    once per zone): with data or not, reviewed (by whom, when) or not."""
    rows = _counts(study, SubjectInStudy.id, SubjectInStudy.id == participation.id)
    form = compiled_form(study)
    section_of = {code: form.section_ids[section] for code, section in form.section_of.items()}
    entered = {
        (section_of[code], instance)
        for code, instance in db.session.execute(
            sa.select(Answer.code, Answer.instance)
            .where(Answer.subject_in_study_id == participation.id, answered(Answer.value))
            .distinct()
        )
        if code in section_of
    }
    reviews = {
        (review.section_id, review.instance): review
        for review in db.session.execute(
            sa.select(SectionReview).where(SectionReview.subject_in_study_id == participation.id)
        ).scalars()
    }
    listed = []
    for section in form.document["sections"]:
        section_id = form.section_ids[section["uuid"]]
        kept = {instance for sid, instance in {*entered, *reviews} if sid == section_id}
        listed += [
            {
                "section": section["uuid"],
                "instance": instance,
                "title": section["title"],
                "with_data": (section_id, instance) in entered,
                **_state(reviews.get((section_id, instance))),
            }
            for instance in _zones(study, participation, section["uuid"], kept)
        ]
    return {**_subject(participation, rows), "sections": listed}
