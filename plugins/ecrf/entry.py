"""Data entry: a subject's section with its questions, answers, visibility, calculated
values and findings; saving a section's answers; progress kept current on each save.

Logic reads the whole eCRF, so a display condition or a calculation may use answers of
other sections. A section instanced by a module (a split-body study's zones) is filled once
per instance the module names for the subject (``section_instances``): an instance's logic
reads the subject's plain answers with that instance's answers of the section.

A save is checked per type (field errors), based on the version the client read
(If-Match), then re-evaluated: calculated values are recomputed, answers of questions that
became hidden are cleared, and every change is audited (a reason is needed for any change
after the first entry).
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from datacapt.toolkit import (
    FileAttachment,
    FormState,
    Message,
    Question,
    QuestionType,
    RowChange,
    Study,
    asks_for_answer,
    check_if_match,
    clean_answers,
    conflict,
    current_reason,
    db,
    encode_rows,
    engine_questions,
    evaluate_form,
    file_exists,
    filled_blocks,
    in_reading_language,
    is_answered,
    json_rows,
    not_found,
    reason_required,
    rows_parameter,
    utcnow,
    write_audited,
)
from plugins.ecrf import permissions
from plugins.ecrf.errors import EcrfCodes
from plugins.ecrf.models import (
    PLAIN,
    SITE_QUERY_STATUSES,
    Answer,
    Block,
    DataQuery,
    Ecrf,
    QueryAction,
    QueryOrigin,
    QueryStatus,
    Section,
    SectionState,
)
from plugins.ecrf.services import design, ecrf_of
from plugins.ecrf.signals import (
    AnswerChange,
    answers_changed,
    answers_changing,
    section_instances,
    section_read,
)
from plugins.subjects.api import SubjectInStudy, SubjectStatus, refuse_if_ended


def etag(version: int) -> str:
    return f'"{version}"'


class CompiledForm:
    """The study's design with the engine's questions, by section."""

    def __init__(self, study: Study, ecrf_id: int | None) -> None:
        self.document = design(study)
        self.questions = engine_questions(self.document["sections"])
        self.by_code = {q.code: q for q in self.questions}
        self.section_codes = {
            section["uuid"]: [
                block["code"]
                for sub in section["subsections"]
                for block in sub["blocks"]
                if block["kind"] == "question"
            ]
            for section in self.document["sections"]
        }
        self.section_of = {
            code: section_uuid
            for section_uuid, codes in self.section_codes.items()
            for code in codes
        }
        rows = db.session.execute(
            sa.select(Section.uuid, Section.id, Section.instanced_by).where(
                Section.ecrf_id == ecrf_id
            )
        ).all()
        self.section_ids: dict[Any, int] = {row.uuid: row.id for row in rows}
        # The sections filled once per instance, and the codes of the others.
        self.instanced = {row.uuid for row in rows if row.instanced_by}
        self.plain_codes = frozenset(
            code for code, section in self.section_of.items() if section not in self.instanced
        )
        blank = evaluate_form(self.questions, {})
        # What a subject with no answers has to fill in, per section id: the counters of
        # subjects that have none kept yet.
        self.blank_required = {
            self.section_ids[section_uuid]: self.completion(blank, section_uuid)[0]
            for section_uuid in self.section_codes
        }

    def section(self, section_uuid: Any) -> dict[str, Any]:
        for section in self.document["sections"]:
            if section["uuid"] == section_uuid:
                return section
        raise not_found(Message("No such section."))

    def completion(self, state: FormState, section_uuid: Any) -> tuple[int, int]:
        required = answered = 0
        for code in self.section_codes[section_uuid]:
            if asks_for_answer(self.by_code[code], state):
                required += 1
                answered += is_answered(state.answers.get(code))
        return required, answered


# Compiled forms by (eCRF uuid, design revision): a saved design has a new revision, so a
# worker never serves a stale one, and the design is not re-read on every request.
_FORMS: OrderedDict[tuple[uuid.UUID, int], CompiledForm] = OrderedDict()
_FORMS_KEPT = 128
_FORMS_LOCK = threading.Lock()


def compiled_form(study: Study) -> CompiledForm:
    """The study's design compiled for the engine (kept per design revision)."""
    ecrf = ecrf_of(study)
    if ecrf.id is None:  # nothing designed yet: an empty form, not worth keeping
        return CompiledForm(study, None)
    key = (ecrf.uuid, ecrf.revision)
    with _FORMS_LOCK:
        form = _FORMS.get(key)
        if form is not None:
            _FORMS.move_to_end(key)
            return form
    form = CompiledForm(study, ecrf.id)
    with _FORMS_LOCK:
        _FORMS[key] = form
        while len(_FORMS) > _FORMS_KEPT:
            _FORMS.popitem(last=False)
    return form


_StoredAnswers = dict[str, dict[str, tuple[uuid.UUID, Any]]]


def _stored_answers(participation: SubjectInStudy, instance: str = PLAIN) -> _StoredAnswers:
    """The subject's plain answers and those of ``instance``: {instance: {code: (uuid,
    value)}}, in one query."""
    stored: _StoredAnswers = {PLAIN: {}, instance: {}}
    rows = db.session.execute(
        sa.select(Answer.instance, Answer.code, Answer.uuid, Answer.value).where(
            Answer.subject_in_study_id == participation.id,
            Answer.instance.in_({PLAIN, instance}),
        )
    )
    for row in rows:
        stored[row.instance][row.code] = (row.uuid, row.value)
    return stored


def _answers(participation: SubjectInStudy) -> dict[str, Any]:
    """The subject's plain answers by code."""
    rows = db.session.execute(
        sa.select(Answer.code, Answer.value).where(
            Answer.subject_in_study_id == participation.id, Answer.instance == PLAIN
        )
    )
    return dict(rows.all())


def _instance_answers(
    participation: SubjectInStudy, instance: str, stored: _StoredAnswers | None = None
) -> dict[str, Any]:
    """What an instance's logic reads: the plain answers, with the instance's over them."""
    if stored is None:
        stored = _stored_answers(participation, instance)
    answers = {code: value for code, (_, value) in stored[PLAIN].items()}
    answers.update((code, value) for code, (_, value) in stored[instance].items())
    return answers


def _write_answers(
    form: CompiledForm,
    participation: SubjectInStudy,
    instance: str,
    stored: _StoredAnswers,
    changes: Mapping[str, AnswerChange],
) -> None:
    """Write the changed answers of ``instance`` in one statement with their audit
    records: an update of each stored one, a creation of each new one (the subject is
    locked, so no other save adds them meanwhile; a write of another number of rows than
    the records describe raises, and the save rolls back)."""
    table = Answer.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    now, subject = utcnow(), participation.audit_context()
    rows, audited = [], []
    for code, change in sorted(changes.items()):
        known = stored[instance].get(code)
        public = known[0] if known else uuid.uuid4()
        rows.append(
            {
                "uuid": public,
                "subject_in_study_id": participation.id,
                "code": code,
                "instance": instance,
                "value": change.after,
                "created_at": now,
                "modified_at": now,
            }
        )
        section = form.section_of.get(code)
        context = dataclasses.replace(
            subject, section=str(section) if section is not None else None, question=code
        )
        pairs: dict[str, tuple[Any, Any]] = {"value": (change.before, change.after)}
        if known is None:
            pairs.update(
                uuid=(None, public),
                subject_in_study_id=(None, participation.id),
                code=(None, code),
                instance=(None, instance),
            )
        audited.append(RowChange("update" if known else "create", str(public), pairs, context))
    statement = insert(table).from_select(list(rows[0]), json_rows(_columns(table, rows[0]), rows))
    upsert = statement.on_conflict_do_update(
        index_elements=[table.c.subject_in_study_id, table.c.code, table.c.instance],
        set_={"value": statement.excluded.value, "modified_at": statement.excluded.modified_at},
    )
    subjects = SubjectInStudy.__table__
    assert isinstance(subjects, sa.Table)
    # The subject's public id is known: the record names it without a lookup.
    subject_key = subjects.c.id
    write_audited(
        Answer, upsert, audited, {(subject_key, participation.id): str(participation.uuid)}
    )


def _columns(table: sa.Table, row: Mapping[str, Any]) -> list[sa.Column[Any]]:
    return [table.c[name] for name in row]


def instances_of(study: Study, participation: SubjectInStudy, section_uuid: Any) -> list[str]:
    """The instances the modules name for the subject's instanced section, in order."""
    keys: list[str] = []
    for _, named in section_instances.send(participation, study=study, section=section_uuid):
        keys += [key for key in named or () if key not in keys]
    return keys


def check_instance(
    study: Study, participation: SubjectInStudy, section_uuid: Any, instance: str
) -> None:
    """A plain section is addressed without an instance (404 with one), an instanced one
    with one of the subject's instances (409 without, 404 for any other)."""
    if section_uuid in compiled_form(study).instanced:
        if instance == PLAIN:
            raise conflict(
                EcrfCodes.ECRF_SECTION_INSTANCED,
                Message("This section is filled once per zone: name the zone."),
            )
        if instance not in instances_of(study, participation, section_uuid):
            raise not_found(Message("The subject has no such zone in this section."))
    elif instance != PLAIN:
        raise not_found(Message("This section is filled once per subject: it has no zones."))


def subject_answers(
    study: Study, participation: SubjectInStudy, section_uuid: uuid.UUID | None = None
) -> dict[str, Any]:
    """A subject's stored answers by question code (unanswered questions absent); with
    ``section_uuid``, only that section's (404 when the study's eCRF has no such section)."""
    answers = _answers(participation)
    if section_uuid is None:
        return answers
    form = compiled_form(study)
    form.section(section_uuid)
    codes = form.section_codes[section_uuid]
    return {code: answers[code] for code in codes if code in answers}


def _version(participation: SubjectInStudy, section_id: int, instance: str) -> int:
    return (
        db.session.execute(
            sa.select(SectionState.version).where(
                SectionState.subject_in_study_id == participation.id,
                SectionState.section_id == section_id,
                SectionState.instance == instance,
            )
        ).scalar_one_or_none()
        or 0
    )


def lock_subjects(subject_in_study_ids: Iterable[int]) -> None:
    """Lock the subjects' rows until commit, in id order. A save takes its subject's first:
    it reads every section (logic crosses them) and updates every section's counters, so
    two saves of one subject go one after the other. Whoever else writes about a
    subject's data (a freeze or lock, a query, a verification, a review, a signature)
    takes them first too, so no two writers wait on each other in a circle. No key is
    updated: rows that merely refer to a subject are still written meanwhile."""
    ids = sorted(set(subject_in_study_ids))
    if ids:
        db.session.execute(
            sa.select(SubjectInStudy.id)
            .where(SubjectInStudy.id.in_(ids))
            .order_by(SubjectInStudy.id)
            .with_for_update(key_share=True)
        )


def _locked_version(participation: SubjectInStudy, section_id: int, instance: str) -> int:
    """Lock the subject's row as ``lock_subjects`` does, then the section's (created if
    needed: a no-op update takes the lock) until commit, and return the section's version:
    one statement, the subject locked first as by every writer."""
    values = {"subject": participation.id, "section": section_id, "instance": instance}
    return db.session.execute(_locking_upsert(), values).scalar_one()


# The statements of every save are built once (building one costs more than running it).
@functools.cache
def _locking_upsert() -> sa.Insert:
    """``_locked_version``'s statement, given its subject, section and instance."""
    table = SectionState.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    subject = (
        sa.select(SubjectInStudy.id)
        .where(SubjectInStudy.id == sa.bindparam("subject"))
        .with_for_update(key_share=True)
        .cte("locked_subject")
    )
    columns = ("subject_in_study_id", "section_id", "instance", "version", "required", "answered")
    statement = insert(table).from_select(
        columns,
        sa.select(
            subject.c.id,
            sa.bindparam("section", type_=sa.BigInteger),
            sa.bindparam("instance", type_=sa.String),
            sa.literal(0),
            sa.literal(0),
            sa.literal(0),
        ),
    )
    return statement.on_conflict_do_update(
        index_elements=[table.c.subject_in_study_id, table.c.section_id, table.c.instance],
        set_={"version": table.c.version},
    ).returning(table.c.version)


def _view(
    study: Study,
    form: CompiledForm,
    section: Mapping[str, Any],
    participation: SubjectInStudy,
    state: FormState,
    version: int,
    site_queries: list[DataQuery],
    instance: str = PLAIN,
) -> dict[str, Any]:
    codes = set(form.section_codes[section["uuid"]])
    required, answered = form.completion(state, section["uuid"])
    annotations: dict[str, Any] = {}
    for _, added in section_read.send(
        participation,
        study=study,
        section=section["uuid"],
        codes=form.section_codes[section["uuid"]],
        instance=instance,
    ):
        annotations.update(added or {})
    view = {
        "subject": participation.uuid,
        "section": section["uuid"],
        "title": in_reading_language(study, section["title"]),
        "version": version,
        "subsections": [
            {
                "uuid": sub["uuid"],
                "title": in_reading_language(study, sub["title"]),
                "visible_if": sub.get("visible_if"),
                "blocks": in_reading_language(study, filled_blocks(sub["blocks"], state)),
            }
            for sub in section["subsections"]
        ],
        "queries": [
            query
            for query in site_queries
            if query.instance == instance
            and (query.code in codes or query.section_uuid == section["uuid"])
        ],
        "progress": {"required": required, "answered": answered},
        "annotations": annotations,
    }
    if instance != PLAIN:
        view["instance"] = instance
    return view


def _site_queries(participation: SubjectInStudy) -> list[DataQuery]:
    """The subject's queries the site sees: open and answered, never a draft."""
    return list(
        db.session.execute(
            sa.select(DataQuery)
            .where(
                DataQuery.subject_in_study_id == participation.id,
                DataQuery.status.in_(SITE_QUERY_STATUSES),
            )
            .order_by(DataQuery.id)
        ).scalars()
    )


# The thread's words when a validation rule's query closes itself.
_AUTO_CLOSED = {
    QueryAction.RESOLVED: "Closed automatically: the data no longer raises it.",
    QueryAction.HIDDEN: "Closed automatically: its question is hidden.",
}


def _sync_queries(
    participation: SubjectInStudy,
    state: FormState,
    changed: set[str],
    codes: frozenset[str],
    instance: str = PLAIN,
) -> None:
    """Open a query for each new finding of a validation rule, and close the automatic
    ones whose finding is gone, saying why in their thread (the data no longer raises it,
    or its question is hidden). A finding whose query a person closed or cancelled raises a
    new one only in a save that changes its question's answer. Only the findings on
    ``codes`` (those the save stores, in ``instance``) count."""
    # Keyed as stored (a Level is its str value), in the design's order.
    findings = dict.fromkeys(
        (f.code, f.level, f.message) for f in state.findings if f.code is None or f.code in codes
    )
    latest: dict[tuple[str | None, str, str], DataQuery] = {}
    # Locked: a person acting on one of them meanwhile goes first, or after this save.
    for query in db.session.execute(
        sa.select(DataQuery)
        .where(
            DataQuery.subject_in_study_id == participation.id,
            DataQuery.origin == QueryOrigin.AUTOMATIC,
            DataQuery.instance == instance,
        )
        .order_by(DataQuery.id)
        .with_for_update()
    ).scalars():
        latest[(query.code, query.level, query.message)] = query
    now = utcnow()
    for key, query in latest.items():
        if query.status in SITE_QUERY_STATUSES and key not in findings:
            query.status, query.closed_at, query.closed_automatically = (
                QueryStatus.CLOSED,
                now,
                True,
            )
            action = QueryAction.RESOLVED if query.code in state.visible else QueryAction.HIDDEN
            query.add_message(action, _AUTO_CLOSED[action])
    for key in findings:
        known = latest.get(key)
        if known is not None and (
            known.status in SITE_QUERY_STATUSES
            or (not known.closed_automatically and known.code not in changed)
        ):
            continue
        code, level, message = key
        query = DataQuery.of_subject(
            participation,
            code=code,
            level=level,
            message=message,
            assignee_center_id=participation.center_id,
            opened_at=now,
            instance=instance,
        )
        query.add_message(QueryAction.OPENED, message)
        db.session.add(query)
    db.session.flush()


def read_section(
    study: Study, participation: SubjectInStudy, section_uuid: Any, instance: str = PLAIN
) -> dict[str, Any]:
    """A subject's section, or one instance of an instanced section."""
    form = compiled_form(study)
    section = form.section(section_uuid)
    check_instance(study, participation, section_uuid, instance)
    state = evaluate_form(form.questions, _instance_answers(participation, instance))
    version = _version(participation, form.section_ids[section_uuid], instance)
    return _view(
        study,
        form,
        section,
        participation,
        state,
        version,
        _site_queries(participation),
        instance,
    )


def _names_missing_upload(question: Question, value: Any) -> bool:
    """Whether a cleaned answer names an upload this tenant does not have (file questions
    and the file columns of repeating groups)."""
    if question.type == QuestionType.FILE:
        return bool(value) and not file_exists(value)
    if question.type == QuestionType.REPEATING_GROUP:
        return any(
            _names_missing_upload(column, row.get(column.code))
            for row in value or []
            for column in question.columns
        )
    return False


def _missing_upload(question: Question, value: Any) -> Message | None:
    return Message("No such uploaded file.") if _names_missing_upload(question, value) else None


def _cleaned(form: CompiledForm, section_uuid: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    questions = {code: form.by_code[code] for code in form.section_codes[section_uuid]}
    return clean_answers(
        questions, given, Message("Not a question of this section."), _missing_upload
    )


def save_section(
    study: Study,
    participation: SubjectInStudy,
    section_uuid: Any,
    given: Mapping[str, Any],
    if_match: frozenset[str],
    instance: str = PLAIN,
) -> dict[str, Any]:
    """Save some answers of a section, or of one instance of an instanced section (partial
    saves allowed); ``if_match`` holds the ETags the client read (``read_if_match``): 412
    when none is current. Refused for an excluded or withdrawn subject (until reopened);
    after completion every save is a correction and needs a reason."""
    refuse_if_ended(participation)
    if participation.status == SubjectStatus.COMPLETED and current_reason() is None:
        raise reason_required({Answer.__tablename__})
    form = compiled_form(study)
    section = form.section(section_uuid)
    check_instance(study, participation, section_uuid, instance)
    cleaned = _cleaned(form, section_uuid, given)
    version = _locked_version(participation, form.section_ids[section_uuid], instance)
    check_if_match(
        etag(version),
        if_match,
        message=Message("The section changed since you read it: read it again."),
        details={"version": version},
    )
    stored_rows = _stored_answers(participation, instance)
    before = _instance_answers(participation, instance, stored_rows)
    state = evaluate_form(form.questions, {**before, **cleaned})
    # What the save stores: an instance, its section's answers; else the plain answers.
    stored = frozenset(form.section_codes[section_uuid]) if instance != PLAIN else form.plain_codes
    changed = {code for code in stored if state.answers.get(code) != before.get(code)}
    changes = {code: AnswerChange(before.get(code), state.answers.get(code)) for code in changed}
    if changes:
        touched = {form.section_of[code] for code in changed}
        answers_changing.send(
            participation, study=study, changes=changes, sections=touched, instance=instance
        )
    if changes:
        _write_answers(form, participation, instance, stored_rows, changes)
        answers_changed.send(
            participation, study=study, changes=changes, sections=touched, instance=instance
        )
    if instance == PLAIN:
        versions = record_progress(
            form, participation.id, state, changed | {*cleaned}, section_uuid
        )
        saved_version = versions[section_uuid]
    else:
        saved_version = _record_instance_progress(
            form, participation.id, state, section_uuid, instance
        )
    _sync_queries(participation, state, changed, stored, instance)
    view = _view(
        study,
        form,
        section,
        participation,
        state,
        saved_version,
        _site_queries(participation),
        instance,
    )
    db.session.flush()
    return view


def _record_instance_progress(
    form: CompiledForm, subject_in_study_id: int, state: FormState, section_uuid: Any, instance: str
) -> int:
    """The instance's completion and its next version (its row is locked already)."""
    required, answered = form.completion(state, section_uuid)
    return db.session.execute(
        sa.update(SectionState)
        .where(
            SectionState.subject_in_study_id == subject_in_study_id,
            SectionState.section_id == form.section_ids[section_uuid],
            SectionState.instance == instance,
        )
        .values(required=required, answered=answered, version=SectionState.version + 1)
        .returning(SectionState.version)
    ).scalar_one()


def open_instances(
    study: Study, participation: SubjectInStudy, section_uuid: Any, instances: Iterable[str]
) -> None:
    """Count the instances of a subject's instanced section in its progress from now on,
    each with what a blank one has to fill in (those counted already are left alone)."""
    form = compiled_form(study)
    section_id = form.section_ids[section_uuid]
    rows = [
        {
            "subject_in_study_id": participation.id,
            "section_id": section_id,
            "instance": instance,
            "version": 0,
            "required": form.blank_required[section_id],
            "answered": 0,
        }
        for instance in instances
    ]
    if rows:
        table = SectionState.__table__
        assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
        db.session.execute(insert(table).values(rows).on_conflict_do_nothing())


def record_progress(
    form: CompiledForm,
    subject_in_study_id: int,
    state: FormState,
    touched: set[str],
    saved_section: Any,
) -> dict[Any, int]:
    """Every plain section's completion for the subject, and a new version where answers
    moved; returns each such section's version (an instanced section's are per instance)."""
    rows = []
    for section_uuid, codes in form.section_codes.items():
        if section_uuid in form.instanced:
            continue
        required, answered = form.completion(state, section_uuid)
        moved = section_uuid == saved_section or bool(touched & set(codes))
        rows.append(
            {
                "subject_in_study_id": subject_in_study_id,
                "section_id": form.section_ids[section_uuid],
                "version": int(moved),
                "required": required,
                "answered": answered,
            }
        )
    if not rows:
        return {}
    columns = _progress_columns()
    versions: dict[int, int] = dict(
        db.session.execute(_progress_upsert(), {"rows": encode_rows(columns, rows)}).all()
    )
    return {
        section_uuid: versions[section_id]
        for section_uuid, section_id in form.section_ids.items()
        if section_id in versions
    }


@functools.cache
def _progress_columns() -> tuple[sa.Column[Any], ...]:
    table = SectionState.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    names = ("subject_in_study_id", "section_id", "version", "required", "answered")
    return tuple(table.c[name] for name in names)


@functools.cache
def _progress_upsert() -> sa.Insert:
    """``record_progress``'s statement, given its rows as the parameter ``rows``: each
    section's counters replaced, its version moved on by the row's."""
    table = SectionState.__table__
    assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
    columns = _progress_columns()
    statement = insert(table).from_select(
        [column.name for column in columns], rows_parameter(columns, "rows")
    )
    return statement.on_conflict_do_update(
        index_elements=[table.c.subject_in_study_id, table.c.section_id, table.c.instance],
        set_={
            "required": statement.excluded.required,
            "answered": statement.excluded.answered,
            "version": table.c.version + statement.excluded.version,
        },
    ).returning(table.c.section_id, table.c.version)


def refresh_progress(study: Study) -> int:
    """Recount the kept completion of every subject with counters against the current
    design (a saved design may add, remove or re-condition questions); answers and
    versions are left as they are. Returns how many subjects were recounted."""
    form = compiled_form(study)
    subject_ids = db.session.execute(
        sa.select(SectionState.subject_in_study_id)
        .join(Section, Section.id == SectionState.section_id)
        .where(Section.ecrf_id == ecrf_of(study).id)
        .distinct()
    ).scalars()
    answers: dict[int, dict[str, Any]] = {subject_id: {} for subject_id in subject_ids}
    # The subjects are locked first, in id order, as every save locks its subject before its
    # section: a save running meanwhile finishes before the recount reads, or waits for it,
    # and neither waits on the other in a circle.
    lock_subjects(answers)
    rows = db.session.execute(
        sa.select(Answer.subject_in_study_id, Answer.code, Answer.value).where(
            Answer.subject_in_study_id.in_(list(answers)), Answer.instance == PLAIN
        )
    )
    for subject_id, code, value in rows:
        answers[subject_id][code] = value
    for subject_id, given in answers.items():
        record_progress(form, subject_id, evaluate_form(form.questions, given), set(), None)
    _refresh_instanced_progress(form, answers)
    db.session.flush()
    return len(answers)


def _refresh_instanced_progress(form: CompiledForm, plain: dict[int, dict[str, Any]]) -> None:
    """Recount each kept row of the instanced sections (one per instance, or the blank one
    before any) of the subjects whose plain answers are given, against the current design:
    an instance's logic reads the plain answers with its own; versions are left alone."""
    uuid_of = {form.section_ids[section_uuid]: section_uuid for section_uuid in form.instanced}
    if not uuid_of or not plain:
        return
    kept = db.session.execute(
        sa.select(
            SectionState.subject_in_study_id, SectionState.section_id, SectionState.instance
        ).where(
            SectionState.subject_in_study_id.in_(list(plain)),
            SectionState.section_id.in_(list(uuid_of)),
        )
    ).all()
    of_instances: dict[tuple[int, str], dict[str, Any]] = {}
    for subject_id, instance, code, value in db.session.execute(
        sa.select(Answer.subject_in_study_id, Answer.instance, Answer.code, Answer.value).where(
            Answer.subject_in_study_id.in_(list(plain)), Answer.instance != PLAIN
        )
    ):
        of_instances.setdefault((subject_id, instance), {})[code] = value
    counts = []
    for subject_id, section_id, instance in kept:
        given = {**plain[subject_id], **of_instances.get((subject_id, instance), {})}
        required, answered = form.completion(
            evaluate_form(form.questions, given), uuid_of[section_id]
        )
        counts.append(
            {
                "subject": subject_id,
                "section": section_id,
                "key": instance,
                "new_required": required,
                "new_answered": answered,
            }
        )
    if counts:
        table = SectionState.__table__
        assert isinstance(table, sa.Table)  # SQLAlchemy types a model's table as any FROM
        db.session.execute(
            sa.update(table)
            .where(
                table.c.subject_in_study_id == sa.bindparam("subject"),
                table.c.section_id == sa.bindparam("section"),
                table.c.instance == sa.bindparam("key"),
            )
            .values(required=sa.bindparam("new_required"), answered=sa.bindparam("new_answered")),
            counts,
        )


def file_attachments(file_uuid: str) -> list[FileAttachment]:
    """The subjects' places (study, center) whose answers name the upload: file questions,
    and the file columns of repeating groups (a text cell holding the same id is no
    attachment)."""
    named_in_rows = sa.func.jsonb_path_exists(
        Answer.value, "$[*].* ? (@ == $file)", sa.func.jsonb_build_object("file", file_uuid)
    )
    rows = db.session.execute(
        sa.select(SubjectInStudy.study_id, SubjectInStudy.center_id, Block.columns, Answer.value)
        .join(Answer, Answer.subject_in_study_id == SubjectInStudy.id)
        .join(Ecrf, Ecrf.study_id == SubjectInStudy.study_id)
        .join(Block, sa.and_(Block.ecrf_id == Ecrf.id, Block.code == Answer.code))
        .where(
            sa.or_(
                sa.and_(
                    Block.type == QuestionType.FILE,
                    Answer.value == sa.func.to_jsonb(sa.cast(file_uuid, sa.Text)),
                ),
                sa.and_(
                    Block.type == QuestionType.REPEATING_GROUP,
                    Block.columns.contains([{"type": QuestionType.FILE.value}]),
                    named_in_rows,
                ),
            )
        )
    ).all()
    places = {
        (study, center)
        for study, center, columns, value in rows
        if not columns or _in_file_columns(file_uuid, columns, value)
    }
    return [FileAttachment(study, center, permissions.DATA_VIEW) for study, center in places]


def _in_file_columns(file_uuid: str, columns: list[dict[str, Any]], rows: list[Any]) -> bool:
    codes = [c["code"] for c in columns if c.get("type") == QuestionType.FILE.value]
    return any(isinstance(row, dict) and file_uuid in (row.get(c) for c in codes) for row in rows)
