"""Designing a study's eCRF: read the whole design, save a whole new one.

Free edits while the study is a draft. Once it is live, a change makes a new version:
adding is allowed, but removing a question that has data, or changing its type or code,
is refused. An ended or archived study's eCRF no longer changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Message,
    Problem,
    Study,
    StudyStatus,
    conflict,
    current_tenant,
    db,
    design_problems,
    document_etag,
    engine_questions,
    enqueue,
    invalid,
    lock_document,
    not_found,
    require_current,
    study_query,
    transaction_cached,
)
from plugins.ecrf.errors import EcrfCodes
from plugins.ecrf.models import PLAIN, Answer, Block, Ecrf, Section, SectionState, SubSection
from plugins.subjects.api import SubjectInStudy

QUESTION_FIELDS = (
    "code",
    "type",
    "label",
    "help",
    "required",
    "options",
    "visible_if",
    "calculation",
    "validations",
    "columns",
)
STATIC_FIELDS = ("content",)


def ecrf_of(study: Study) -> Ecrf:
    """The study's eCRF; before its first design save, an empty one that is not stored
    (a read writes nothing). Read once per transaction: every reader of a save's design
    asks, and a design save changes this very row (its revision), or stores this one."""

    def read() -> Ecrf:
        ecrf = db.session.execute(study_query(Ecrf, study)).scalar_one_or_none()
        return ecrf if ecrf is not None else Ecrf(study_id=study.id, version=1, revision=1)

    return transaction_cached(("ecrf_of", study.id), read)


def design_etag(study: Study, revision: int) -> str:
    """The ETag of the study's design at ``revision`` (If-Match of a design save)."""
    return document_etag("ecrf", study.uuid, revision)


def _ordered(model, column, parent_ids) -> dict[int, list]:
    children: dict[int, list] = {}
    rows = db.session.execute(
        sa.select(model).where(column.in_(parent_ids)).order_by(column, model.position)
    ).scalars()
    for row in rows:
        children.setdefault(getattr(row, column.key), []).append(row)
    return children


def design(study: Study) -> dict[str, Any]:
    """The whole design, in order, as the write schema takes it back; ``etag`` is its
    version for If-Match."""
    ecrf = ecrf_of(study)
    sections = (
        db.session.execute(
            sa.select(Section).where(Section.ecrf_id == ecrf.id).order_by(Section.position)
        )
        .scalars()
        .all()
    )
    subsections = _ordered(SubSection, SubSection.section_id, [s.id for s in sections])
    blocks = _ordered(
        Block, Block.subsection_id, [sub.id for subs in subsections.values() for sub in subs]
    )
    fields = {"question": QUESTION_FIELDS, "static": STATIC_FIELDS}
    return {
        "etag": design_etag(study, ecrf.revision),
        "version": ecrf.version,
        "study_status": study.status,
        "sections": [
            {
                "uuid": section.uuid,
                "title": section.title,
                "subsections": [
                    {
                        "uuid": sub.uuid,
                        "title": sub.title,
                        "visible_if": sub.visible_if,
                        "blocks": [
                            {
                                "uuid": block.uuid,
                                "kind": block.kind,
                                **{f: getattr(block, f) for f in fields[block.kind]},
                            }
                            for block in blocks.get(sub.id, [])
                        ],
                    }
                    for sub in subsections.get(section.id, [])
                ],
            }
            for section in sections
        ],
    }


def locked_design(study: Study) -> dict[str, Any]:
    """The design read under its lock, for a change of it saved in the same transaction
    (``save_design``): no other save comes between the read and the write."""
    lock_document("ecrf", study.uuid)
    return design(study)


def _answered_codes(ecrf: Ecrf, study: Study) -> set[str]:
    return set(
        db.session.execute(
            sa.select(Answer.code)
            .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
            .where(SubjectInStudy.study_id == study.id, Answer.value.is_not(None))
            .distinct()
        ).scalars()
    )


def save_design(study: Study, document: Mapping[str, Any]) -> dict[str, Any]:
    """Replace the design with ``document`` (elements keep their identity by uuid), if it
    is still the one the caller read (If-Match)."""
    lock_document("ecrf", study.uuid)
    require_current(design_etag(study, ecrf_of(study).revision))
    if study.status in (StudyStatus.ENDED, StudyStatus.ARCHIVED):
        raise conflict(EcrfCodes.ECRF_LOCKED, Message("This study's eCRF no longer changes."))
    sections = document["sections"]
    problems = design_problems(engine_questions(sections))
    if problems:
        raise invalid(
            EcrfCodes.ECRF_DESIGN_INVALID,
            Message("The eCRF design has problems."),
            problems=[problem.as_dict() for problem in problems],
        )
    ecrf = ecrf_of(study)
    if ecrf.id is None:  # the first save stores it
        db.session.add(ecrf)
        db.session.flush()
    # The rows of the design by kind, each by its uuid.
    existing: dict[str, dict[Any, Any]] = {
        "section": {
            s.uuid: s
            for s in db.session.execute(
                sa.select(Section).where(Section.ecrf_id == ecrf.id)
            ).scalars()
        },
        "block": {
            b.uuid: b
            for b in db.session.execute(sa.select(Block).where(Block.ecrf_id == ecrf.id)).scalars()
        },
    }
    section_ids = [s.id for s in existing["section"].values()]
    existing["subsection"] = {
        s.uuid: s
        for s in db.session.execute(
            sa.select(SubSection).where(SubSection.section_id.in_(section_ids))
        ).scalars()
    }
    if study.status == StudyStatus.LIVE:
        _check_live_change(ecrf, study, sections, existing["block"])
    # Removed blocks go first, so that a new block may take a removed one's code; removed
    # subsections and sections last, once the blocks that moved out of them have moved.
    incoming = _incoming_uuids(sections)
    _remove(existing, incoming, "block")
    _apply(ecrf, sections, existing)
    _remove(existing, incoming, "subsection")
    _remove(existing, incoming, "section")
    if study.status == StudyStatus.LIVE:
        ecrf.version += 1
    ecrf.revision += 1
    # Kept completion counters follow the new design once it is committed.
    enqueue("plugins.ecrf.jobs.refresh_progress", str(study.uuid), tenant=current_tenant())
    db.session.flush()
    return design(study)


def _remove(existing: Mapping, incoming: Mapping, kind: str) -> None:
    for element_uuid, row in existing[kind].items():
        if element_uuid not in incoming[kind]:
            db.session.delete(row)
    db.session.flush()


def _incoming_uuids(sections: Sequence[Mapping[str, Any]]) -> dict[str, set]:
    found: dict[str, set] = {"section": set(), "subsection": set(), "block": set()}
    for section in sections:
        found["section"].add(section.get("uuid"))
        for sub in section.get("subsections", []):
            found["subsection"].add(sub.get("uuid"))
            found["block"].update(block.get("uuid") for block in sub.get("blocks", []))
    return found


def _check_live_change(
    ecrf: Ecrf, study: Study, sections: Sequence[Mapping[str, Any]], blocks: Mapping
) -> None:
    answered = _answered_codes(ecrf, study)
    incoming = {
        block["uuid"]: block
        for section in sections
        for sub in section.get("subsections", [])
        for block in sub.get("blocks", [])
        if block.get("uuid") is not None
    }
    removed = sorted(b.code for u, b in blocks.items() if b.code in answered and u not in incoming)
    retyped = sorted(
        b.code
        for u, b in blocks.items()
        if b.code in answered
        and u in incoming
        and (incoming[u].get("type"), incoming[u].get("code")) != (b.type, b.code)
    )
    if removed or retyped:
        raise conflict(
            EcrfCodes.ECRF_CHANGE_REFUSED,
            Message(
                "The study is live: questions with data cannot be removed, renamed or retyped."
            ),
            removed=removed,
            retyped=retyped,
        )


def _element(element_kind: str, model, existing: Mapping, item: Mapping[str, Any], **values: Any):
    element = existing[element_kind].get(item.get("uuid")) if item.get("uuid") else None
    if item.get("uuid") and element is None:
        raise invalid(
            EcrfCodes.ECRF_DESIGN_INVALID,
            Message("The eCRF design has problems."),
            problems=[
                Problem(
                    None,
                    "uuid",
                    Message("no {kind} {uuid} in this eCRF", kind=element_kind, uuid=item["uuid"]),
                    section=item["uuid"] if element_kind == "section" else None,
                    block=item["uuid"] if element_kind == "block" else None,
                ).as_dict()
            ],
        )
    if element is None:
        element = model(**values)
        db.session.add(element)
    else:
        for name, value in values.items():
            setattr(element, name, value)
    return element


def _apply(ecrf: Ecrf, sections: Sequence[Mapping[str, Any]], existing: Mapping) -> None:
    for section_position, section in enumerate(sections):
        section_row = _element(
            "section",
            Section,
            existing,
            section,
            ecrf_id=ecrf.id,
            position=section_position,
            title=section["title"],
        )
        db.session.flush()
        for sub_position, sub in enumerate(section.get("subsections", [])):
            sub_row = _element(
                "subsection",
                SubSection,
                existing,
                sub,
                section_id=section_row.id,
                position=sub_position,
                title=sub["title"],
                visible_if=sub.get("visible_if"),
            )
            db.session.flush()
            for block_position, block in enumerate(sub.get("blocks", [])):
                fields = QUESTION_FIELDS if block["kind"] == "question" else STATIC_FIELDS
                _element(
                    "block",
                    Block,
                    existing,
                    block,
                    ecrf_id=ecrf.id,
                    subsection_id=sub_row.id,
                    position=block_position,
                    kind=block["kind"],
                    **{f: block.get(f) for f in fields},
                )
                db.session.flush()


def instance_section(study: Study, section_uuid: Any, by: str | None) -> Section:
    """Have the section filled once per instance ``by`` names (a module: the side by side
    module's zones), or (None) once per subject again; refused while answers were entered
    the other way. The design's revision moves, so data entry reads it anew."""
    lock_document("ecrf", study.uuid)
    ecrf = ecrf_of(study)
    section = db.session.execute(
        sa.select(Section).where(Section.ecrf_id == ecrf.id, Section.uuid == section_uuid)
    ).scalar_one_or_none()
    if section is None:
        raise not_found(Message("No such section."))
    if section.instanced_by == by:
        return section
    codes = sa.select(Block.code).join(SubSection).where(SubSection.section_id == section.id)
    entered = db.session.execute(
        sa.select(Answer.id)
        .join(SubjectInStudy, SubjectInStudy.id == Answer.subject_in_study_id)
        .where(
            SubjectInStudy.study_id == study.id,
            Answer.code.in_(codes),
            (Answer.instance == PLAIN) if by else (Answer.instance != PLAIN),
        )
        .limit(1)
    ).first()
    if entered:
        raise conflict(
            EcrfCodes.ECRF_CHANGE_REFUSED,
            Message("Answers were entered in this section: how it is filled no longer changes."),
        )
    section.instanced_by = by
    db.session.execute(
        sa.delete(SectionState).where(
            SectionState.section_id == section.id,
            (SectionState.instance == PLAIN) if by else (SectionState.instance != PLAIN),
        )
    )
    ecrf.revision += 1
    db.session.flush()
    return section
