"""Item-level verification: one item (a subject's answer to a source-data question, or
one zone's answer in a section filled once per zone) at a time or in bulk (a subject's
section or one zone of it, a visit across the study's subjects, a subject), always one row
per item; lost, audited with its cause, when the answer changes.

Verifying locks the answers it verifies until the transaction ends, so a save of one of
them waits for it and then finds, and removes, the verification: a verification never
outlives a change of its answer, however the two requests meet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    QuestionType,
    Study,
    acting_user,
    conflict,
    current_reason,
    db,
    not_found,
    reason_for_change,
    study_permissions,
    utcnow,
    visible_center_ids,
)
from plugins.ecrf.api import (
    PLAIN,
    Answer,
    AnswerChange,
    Block,
    Ecrf,
    answered,
    check_instance,
    compiled_form,
    lock_subjects,
)
from plugins.monitoring import permissions
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.holds import refuse_if_locked
from plugins.monitoring.verification.models import Verification
from plugins.monitoring.verification.plans import requirement_of, source_codes
from plugins.monitoring.verification.schemas import SectionVerificationSchema
from plugins.subjects.api import SubjectInStudy

# The audit trail's limit of a reason.
_REASON_LIMIT = 1000
#: An item: the subject's id, the question's code, the answer's instance (PLAIN, or a zone).
Item = tuple[int, str, str]


def signed_now() -> tuple[Any, str, dt.datetime]:
    """Who acts (the user behind the request), as named now, and when."""
    user = acting_user()
    return user.uuid, user.display_name, utcnow()


def lost_because(cause: str) -> str:
    """The reason recorded when a change takes a verification or a review back: the cause,
    then the change's own reason."""
    reason = current_reason()
    return f"{cause}: {reason}"[:_REASON_LIMIT] if reason else cause


def _source_item(
    study: Study, participation: SubjectInStudy, code: str, instance: str = PLAIN
) -> None:
    """404 for a code that is no question of the eCRF; 409 for a calculated one; the
    zone as data entry checks it (a question of a section filled once per zone is verified
    on one of the subject's zones, any other without)."""
    form = compiled_form(study)
    question = form.by_code.get(code)
    if question is None:
        raise not_found(Message("No such question."))
    if question.type == QuestionType.CALCULATED:
        raise conflict(
            MonitoringCodes.NOT_SOURCE_DATA,
            Message("A calculated question is derived from others, not verified against source."),
        )
    check_instance(study, participation, form.section_of[code], instance)


def _lock_answered(*criteria: sa.ColumnElement[bool]) -> list[Item]:
    """The answered items meeting ``criteria`` (over answers and their subjects), read once
    their subjects are locked until commit (as a save locks its subject before it writes):
    a verification never outlives a change to its answer, whichever commits first."""
    items = (
        sa.select(Answer.subject_in_study_id, Answer.code, Answer.instance)
        .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
        .where(answered(Answer.value), *criteria)
    )
    lock_subjects(
        db.session.execute(items.with_only_columns(Answer.subject_in_study_id).distinct()).scalars()
    )
    return [
        (subject, code, instance)
        for subject, code, instance in db.session.execute(items.order_by(Answer.id))
    ]


def _verify(study: Study, items: list[Item]) -> int:
    """Verify the locked items not verified yet, one row each; returns how many. Refused
    when a lock holds any of them (locked data is not verified either)."""
    subjects = {subject for subject, _, _ in items}
    done = {
        (subject, code, instance)
        for subject, code, instance in db.session.execute(
            sa.select(
                Verification.subject_in_study_id, Verification.code, Verification.instance
            ).where(
                Verification.subject_in_study_id.in_(subjects),
                Verification.code.in_({code for _, code, _ in items}),
            )
        )
    }
    # Loaded at once, and held through the flush, for the audit records' context.
    participations = list(
        db.session.execute(
            sa.select(SubjectInStudy).where(SubjectInStudy.id.in_(subjects))
        ).scalars()
    )
    section_of = compiled_form(study).section_of
    # Items of one zone ask for that zone's holds; items of several, for any of theirs.
    [*instances] = {instance for _, _, instance in items}
    refuse_if_locked(
        participations,
        {section_of[code] for _, code, _ in items},
        instances[0] if len(instances) == 1 else None,
    )
    by, name, at = signed_now()
    new = [
        Verification(
            subject_in_study_id=subject,
            code=code,
            instance=instance,
            verified_by=by,
            verified_by_name=name,
            verified_at=at,
        )
        for subject, code, instance in items
        if (subject, code, instance) not in done
    ]
    db.session.add_all(new)
    db.session.flush()
    del participations  # kept until here: the flush's records read them
    return len(new)


def _bulk(study: Study, items: list[Item]) -> dict[str, int]:
    verified = _verify(study, items)
    return {"verified": verified, "already_verified": len(items) - verified}


def verify_item(
    study: Study, participation: SubjectInStudy, code: str, instance: str = PLAIN
) -> Verification:
    """Verify one answered item (of one zone, for a question answered per zone); 409 when
    unanswered or verified already."""
    _source_item(study, participation, code, instance)
    if not _lock_answered(
        Answer.subject_in_study_id == participation.id,
        Answer.code == code,
        Answer.instance == instance,
    ):
        raise conflict(
            MonitoringCodes.ITEM_NOT_ANSWERED, Message("Only an answered item can be verified.")
        )
    if not _verify(study, [(participation.id, code, instance)]):
        raise conflict(
            MonitoringCodes.ITEM_ALREADY_VERIFIED, Message("The item is verified already.")
        )
    return _verification(participation, code, instance)


def _verification(participation: SubjectInStudy, code: str, instance: str) -> Verification:
    found = db.session.execute(
        sa.select(Verification).where(
            Verification.subject_in_study_id == participation.id,
            Verification.code == code,
            Verification.instance == instance,
        )
    ).scalar_one_or_none()
    if found is None:
        raise conflict(MonitoringCodes.ITEM_NOT_VERIFIED, Message("The item is not verified."))
    return found


def unverify_item(
    study: Study, participation: SubjectInStudy, code: str, instance: str = PLAIN
) -> None:
    """Take a verification back; the Reason-For-Change is required (audited)."""
    _source_item(study, participation, code, instance)
    lock_subjects([participation.id])
    refuse_if_locked([participation], [compiled_form(study).section_of[code]], instance)
    db.session.delete(_verification(participation, code, instance))
    db.session.flush()


def verify_section(
    study: Study, participation: SubjectInStudy, section: Any, instance: str | None = None
) -> dict[str, int]:
    """Every answered item of a subject's section (of every zone of a section filled once
    per zone), or of one zone of it."""
    compiled_form(study).section(section)
    criteria = [
        Answer.subject_in_study_id == participation.id,
        Answer.code.in_(source_codes(study)[section]),
    ]
    if instance is not None:
        check_instance(study, participation, section, instance)
        criteria.append(Answer.instance == instance)
    return _bulk(study, _lock_answered(*criteria))


def verify_subject(study: Study, participation: SubjectInStudy) -> dict[str, int]:
    """Every answered item of a subject."""
    codes = [code for section in source_codes(study).values() for code in section]
    return _bulk(
        study,
        _lock_answered(Answer.subject_in_study_id == participation.id, Answer.code.in_(codes)),
    )


def verify_visit(study: Study, section: Any) -> dict[str, int]:
    """Every answered item of a section (visit) of the study's subjects the caller sees."""
    compiled_form(study).section(section)
    criteria = [SubjectInStudy.study_id == study.id, Answer.code.in_(source_codes(study)[section])]
    visible = visible_center_ids()
    if visible is not None:
        criteria.append(SubjectInStudy.center_id.in_(visible))
    return _bulk(study, _lock_answered(*criteria))


def on_answers_changed(
    participation: SubjectInStudy,
    changes: Mapping[str, AnswerChange],
    instance: str = PLAIN,
    **_kwargs: Any,
) -> None:
    """A changed answer (of the zone saved, for a zone's save) loses its verification
    (eCRF's ``answers_changed``), audited with the change as its cause."""
    lost = list(
        db.session.execute(
            sa.select(Verification).where(
                Verification.subject_in_study_id == participation.id,
                Verification.code.in_(changes),
                Verification.instance == instance,
            )
        ).scalars()
    )
    if not lost:
        return
    with reason_for_change(lost_because("The answer changed")):
        for verification in lost:
            db.session.delete(verification)
        db.session.flush()


def _item_state(verification: Verification | None, required: bool) -> dict[str, Any]:
    return {
        "verified": verification is not None,
        "verified_by": verification.verified_by if verification else None,
        "verified_by_name": verification.verified_by_name if verification else None,
        "verified_at": verification.verified_at if verification else None,
        "required": required,
    }


def section_items(
    study: Study, participation: SubjectInStudy, codes: Collection[str], instance: str = PLAIN
) -> dict[str, Any]:
    """Each source-data item of ``codes`` (a section's questions, of one zone for a section
    filled once per zone), in their order: verified (by whom, when), and whether the
    subject's plan requires it; the subject's plan and whether it selected them. Two
    statements."""
    requirement = requirement_of(study, participation)
    rows = db.session.execute(
        sa.select(Block.code, Verification)
        .join(Ecrf, Ecrf.id == Block.ecrf_id)
        .outerjoin(
            Verification,
            sa.and_(
                Verification.subject_in_study_id == participation.id,
                Verification.code == Block.code,
                Verification.instance == instance,
            ),
        )
        .where(
            Ecrf.study_id == study.id,
            Block.code.in_(codes),
            Block.type != QuestionType.CALCULATED,
        )
    )
    verified: dict[Any, Verification | None] = dict(rows.all())
    items = {
        code: _item_state(verified[code], requirement.requires(code))
        for code in codes
        if code in verified
    }
    return {"plan": requirement.plan, "selected": requirement.selected, "items": items}


def section_verification(
    study: Study, participation: SubjectInStudy, section: Any, instance: str = PLAIN
) -> dict[str, Any]:
    """``section_items`` of a subject's section or of one zone of it (404 for a section the
    eCRF lacks, as data entry answers the address)."""
    form = compiled_form(study)
    form.section(section)
    check_instance(study, participation, section, instance)
    return section_items(study, participation, form.section_codes[section], instance)


def on_section_read(
    participation: SubjectInStudy,
    study: Study,
    codes: Collection[str],
    instance: str = PLAIN,
    **_kwargs: Any,
) -> dict[str, Any] | None:
    """The ``verification`` annotation of a data-entry read (eCRF's ``section_read``), for
    those who see verification."""
    if permissions.VERIFICATION_ACCESS not in study_permissions():
        return None
    return {
        "verification": SectionVerificationSchema().dump(
            section_items(study, participation, codes, instance)
        )
    }
