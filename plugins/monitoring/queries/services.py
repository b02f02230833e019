"""Queries raised by hand and the workflow of every query (release, answer, close, cancel,
reopen, a message in the thread), the study's list and counts, what a section read shows
of them, and the closed-modified flag as data changes.

The query records are the eCRF's (``DataQuery``, its thread ``DataQueryMessage``): the
eCRF opens and closes automatic ones as validation rules hold or not; this module adds
everything a person does with them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from collections.abc import Collection, Mapping
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import orm

from datacapt.toolkit import (
    InternalCodes,
    Level,
    Message,
    QuestionType,
    Role,
    Study,
    StudyCenter,
    acting_user,
    centers_of_study,
    conflict,
    db,
    forbidden,
    get_tenant_settings,
    invalid,
    one_or_404,
    paginate,
    reason_for_change,
    study_permissions,
    study_query,
    utcnow,
)
from plugins.ecrf.api import (
    PLAIN,
    SITE_QUERY_STATUSES,
    AnswerChange,
    DataQuery,
    QueryAction,
    QueryOrigin,
    QueryStatus,
    QueryTarget,
    compiled_form,
    instances_of,
    lock_subjects,
    subject_answers,
)
from plugins.monitoring import permissions
from plugins.monitoring.errors import MonitoringCodes
from plugins.monitoring.locks.holds import refuse_if_locked
from plugins.monitoring.settings import monitoring_settings
from plugins.subjects.api import SubjectInStudy, get_subject

NO_SUCH_QUERY = Message("No such query.")
# Who sees drafts (pre-queries): those who raise and those who release them.
_SEE_DRAFTS = (permissions.QUERIES_RAISE, permissions.QUERIES_RELEASE)
# Who may write in a thread: whoever takes part in the workflow.
_TAKE_PART = (
    permissions.QUERIES_RAISE,
    permissions.QUERIES_RELEASE,
    permissions.QUERIES_ANSWER,
    permissions.QUERIES_CLOSE,
    permissions.QUERIES_CANCEL,
    permissions.QUERIES_REOPEN,
)
_SEVERITY: dict[str, int] = {level: rank for rank, level in enumerate(Level)}


class QueryRow(NamedTuple):
    """A query as the API shows it: with its subject, center and section."""

    query: DataQuery
    subject: uuid.UUID
    study_subject_id: str
    center: uuid.UUID
    center_code: str
    assignee_center: uuid.UUID | None
    section: uuid.UUID | None


def _holds_any(wanted: Collection[str]) -> bool:
    granted = study_permissions()
    return any(permission in granted for permission in wanted)


def _as_seen(statement: sa.Select) -> sa.Select:
    """Drafts, and drafts cancelled before release, only for those who raise or release
    them: the site sees what was opened to it."""
    if _holds_any(_SEE_DRAFTS):
        return statement
    return statement.where(DataQuery.opened_at.is_not(None))


def _target_invalid(field: str, message: Message) -> Exception:
    return invalid(MonitoringCodes.QUERY_TARGET_INVALID, message, field=field)


def _target(study: Study, participation: SubjectInStudy, data: Mapping[str, Any]) -> dict:
    """The columns naming what the query is about, checked against the eCRF and, for a
    cell, against the subject's answer."""
    form = compiled_form(study)
    section, code = data.get("section"), data.get("code")
    if section is not None:
        if section not in form.section_codes:
            raise _target_invalid("section", Message("No such section in this eCRF."))
        return {"target": QueryTarget.SECTION, "section_uuid": section}
    if code is None:
        return {"target": QueryTarget.SUBJECT}
    question = form.by_code.get(code)
    if question is None:
        raise _target_invalid("code", Message("No such question in this eCRF."))
    section_of = form.section_of[code]
    if section_of in form.instanced:
        if data.get("instance") not in instances_of(study, participation, section_of):
            raise _target_invalid("instance", Message("Name one of the subject's zones."))
        return {"target": QueryTarget.DATA_POINT, "code": code, "instance": data["instance"]}
    if "instance" in data:
        raise _target_invalid("instance", Message("This question is answered once per subject."))
    if "row" not in data:
        return {"target": QueryTarget.DATA_POINT, "code": code}
    if question.type != QuestionType.REPEATING_GROUP:
        raise _target_invalid("row", Message("Only a repeating group's answer has cells."))
    if data["column"] not in {column.code for column in question.columns}:
        raise _target_invalid("column", Message("The repeating group has no such column."))
    rows = subject_answers(study, participation).get(code)
    if not isinstance(rows, list) or data["row"] >= len(rows):
        raise _target_invalid("row", Message("The subject's answer has no such row."))
    return {
        "target": QueryTarget.CELL,
        "code": code,
        "cell_row": data["row"],
        "cell_column": data["column"],
    }


def _assignee(study: Study, participation: SubjectInStudy, data: Mapping[str, Any]) -> dict:
    role = data["assignee_role"]
    if db.session.execute(sa.select(Role.id).where(Role.name == role)).first() is None:
        raise invalid(
            InternalCodes.VALIDATION_FAILED, Message("No such role."), field="assignee_role"
        )
    if "assignee_center" not in data:
        center_id: int | None = participation.center_id
    elif data["assignee_center"] is None:
        center_id = None
    else:
        (center,) = centers_of_study(study, [data["assignee_center"]], field="assignee_center")
        center_id = center.id
    return {"assignee_role": role, "assignee_center_id": center_id}


def _refuse_if_locked(
    study: Study,
    participation: SubjectInStudy,
    code: str | None,
    section: uuid.UUID | None,
    instance: str = PLAIN,
) -> None:
    """409 DATA_LOCKED when a lock holds what the query is about (a question's section or
    its zone, a section, or for a query on the whole subject, the subject)."""
    if section is None and code is not None:
        section = compiled_form(study).section_of.get(code)
    refuse_if_locked([participation], [section] if section is not None else [], instance)


def _author() -> tuple[uuid.UUID, str]:
    user = acting_user()
    return user.uuid, user.display_name


def raise_query(study: Study, data: Mapping[str, Any]) -> QueryRow:
    """A query raised by hand; with the study's ``pre_query_review``, a draft the site does
    not see until it is released."""
    participation = get_subject(study, data["subject"])
    target = _target(study, participation, data)
    lock_subjects([participation.id])  # a lock under way commits first, and is seen
    _refuse_if_locked(
        study,
        participation,
        target.get("code"),
        target.get("section_uuid"),
        target.get("instance", PLAIN),
    )
    assignee = _assignee(study, participation, data)
    draft = monitoring_settings(study)["pre_query_review"]
    author = _author()
    query = DataQuery.of_subject(
        participation,
        origin=QueryOrigin.MANUAL,
        level=data["level"],
        message=data["message"],
        status=QueryStatus.DRAFT if draft else QueryStatus.OPEN,
        opened_at=None if draft else utcnow(),
        raised_by_uuid=author[0],
        raised_by_name=author[1],
        **target,
        **assignee,
    )
    query.add_message(QueryAction.RAISED, data["message"], author)
    db.session.add(query)
    db.session.flush()
    return read_query(study, query.uuid)


@dataclasses.dataclass(frozen=True)
class Transition:
    """An action on one query: the states it applies to, the state it leads to (None: it
    only adds a message), and whether its message is the change's reason."""

    action: QueryAction
    start: frozenset[str]
    refusal: Message
    to: str | None = None
    gives_reason: bool = False


TRANSITIONS: dict[str, Transition] = {
    "release": Transition(
        QueryAction.RELEASED,
        frozenset({QueryStatus.DRAFT}),
        Message("Only a draft is released."),
        QueryStatus.OPEN,
    ),
    "answer": Transition(
        QueryAction.ANSWERED,
        frozenset({QueryStatus.OPEN}),
        Message("Only an open query is answered."),
        QueryStatus.ANSWERED,
    ),
    "close": Transition(
        QueryAction.CLOSED,
        frozenset(SITE_QUERY_STATUSES),
        Message("Only an open or answered query is closed."),
        QueryStatus.CLOSED,
    ),
    "cancel": Transition(
        QueryAction.CANCELLED,
        frozenset({QueryStatus.DRAFT, *SITE_QUERY_STATUSES}),
        Message("A closed or cancelled query is not cancelled."),
        QueryStatus.CANCELLED,
        gives_reason=True,
    ),
    "reopen": Transition(
        QueryAction.REOPENED,
        frozenset({QueryStatus.CLOSED}),
        Message("Only a closed query is reopened."),
        QueryStatus.OPEN,
        gives_reason=True,
    ),
    "messages": Transition(
        QueryAction.COMMENTED,
        frozenset({QueryStatus.DRAFT, *SITE_QUERY_STATUSES}),
        Message("A closed or cancelled query takes no more messages: reopen it first."),
    ),
}


def _locked(study: Study, query_uuid: Any) -> DataQuery:
    """The query as the caller sees it, its subject locked until commit (as a save locks
    it before it opens or closes queries): two people acting on it at once act one after
    the other, each on what the other left."""
    query = one_or_404(_seen(study).where(DataQuery.uuid == query_uuid), NO_SUCH_QUERY)
    lock_subjects([query.subject_in_study_id])
    db.session.refresh(query)
    return query


def act(study: Study, query_uuid: Any, name: str, text: str | None) -> QueryRow:
    """Apply the transition ``name`` (TRANSITIONS) to the query, its message in the thread;
    409 QUERY_TRANSITION_REFUSED when the query is not in a state it applies to."""
    transition = TRANSITIONS[name]
    query = _locked(study, query_uuid)
    if transition.to is None and not _holds_any(_TAKE_PART):
        raise forbidden(
            InternalCodes.PERMISSION_DENIED,
            Message("Only those who take part in queries write in their threads."),
            permissions=sorted(_TAKE_PART),
        )
    if query.status not in transition.start:
        raise conflict(
            MonitoringCodes.QUERY_TRANSITION_REFUSED, transition.refusal, status=query.status
        )
    participation = db.session.get_one(SubjectInStudy, query.subject_in_study_id)
    _refuse_if_locked(study, participation, query.code, query.section_uuid, query.instance)
    # The reason holds for every flush of the change (loading the thread flushes too).
    reason = reason_for_change(text) if transition.gives_reason and text else None
    with reason or contextlib.nullcontext():
        now = utcnow()
        if transition.to is not None:
            query.transition_to(transition.to)
        if transition.action == QueryAction.RELEASED:
            query.opened_at = now
        elif transition.action == QueryAction.REOPENED:
            query.closed_at, query.closed_modified = None, False
        if transition.to in (QueryStatus.CLOSED, QueryStatus.CANCELLED):
            query.closed_at, query.closed_automatically = now, False
        query.add_message(transition.action, text, _author())
        db.session.flush()
    return read_query(study, query.uuid)


def _seen(study: Study) -> sa.Select:
    """The study's queries the caller sees (centers, drafts)."""
    return _as_seen(study_query(DataQuery, study))


def _described(study: Study, queries: list[DataQuery]) -> list[QueryRow]:
    """The queries with their subject, centers and section, read in one statement."""
    assignee = orm.aliased(StudyCenter)
    places: dict[int, Any] = {
        query_id: rest
        for query_id, *rest in db.session.execute(
            sa.select(
                DataQuery.id,
                SubjectInStudy.uuid,
                SubjectInStudy.study_subject_id,
                StudyCenter.uuid,
                StudyCenter.code,
                assignee.uuid,
            )
            .join(SubjectInStudy, SubjectInStudy.id == DataQuery.subject_in_study_id)
            .join(StudyCenter, StudyCenter.id == DataQuery.center_id)
            .outerjoin(assignee, assignee.id == DataQuery.assignee_center_id)
            .where(DataQuery.id.in_([query.id for query in queries]))
        )
    }
    section_of = compiled_form(study).section_of
    described = []
    for query in queries:
        subject, subject_id, center, center_code, assignee_center = places[query.id]
        section = query.section_uuid or section_of.get(query.code or "")
        described.append(
            QueryRow(query, subject, subject_id, center, center_code, assignee_center, section)
        )
    return described


def read_query(study: Study, query_uuid: Any) -> QueryRow:
    """One query as the caller sees it (404 otherwise), its thread loaded."""
    statement = _seen(study).where(DataQuery.uuid == query_uuid)
    query = one_or_404(statement.options(orm.selectinload(DataQuery.messages)), NO_SUCH_QUERY)
    return _described(study, [query])[0]


def _filtered(study: Study, statement: sa.Select, filters: Mapping[str, Any]) -> sa.Select:
    """``statement`` (of the study's queries) narrowed by the list's filters."""
    columns = {
        "status": DataQuery.status.in_(filters.get("status") or ()),
        "level": DataQuery.level.in_(filters.get("level") or ()),
        "origin": DataQuery.origin == filters.get("origin"),
        "question": DataQuery.code == filters.get("question"),
        "assignee_role": DataQuery.assignee_role == filters.get("assignee_role"),
        "closed_modified": DataQuery.closed_modified.is_(filters.get("closed_modified")),
    }
    statement = statement.where(*(columns[name] for name in columns if name in filters))
    if "section" in filters:
        codes = compiled_form(study).section_codes.get(filters["section"])
        if codes is None:
            raise invalid(
                InternalCodes.VALIDATION_FAILED,
                Message("No such section in this eCRF."),
                field="section",
            )
        statement = statement.where(
            sa.or_(DataQuery.section_uuid == filters["section"], DataQuery.code.in_(codes))
        )
    if "center" in filters:
        (center,) = centers_of_study(study, [filters["center"]], field="center")
        statement = statement.where(DataQuery.center_id == center.id)
    if "subject" in filters:
        participation = db.session.execute(
            study_query(SubjectInStudy, study).where(SubjectInStudy.uuid == filters["subject"])
        ).scalar_one_or_none()
        if participation is None:
            raise invalid(
                InternalCodes.VALIDATION_FAILED,
                Message("No such subject in this study."),
                field="subject",
            )
        statement = statement.where(DataQuery.subject_in_study_id == participation.id)
    if "older_than_days" in filters:
        cutoff = utcnow() - dt.timedelta(days=filters["older_than_days"])
        statement = statement.where(DataQuery.opened_at < cutoff)
    if "opened_before" in filters:
        zone = ZoneInfo(get_tenant_settings().time_zone)
        day_start = dt.datetime.combine(filters["opened_before"], dt.time(), tzinfo=zone)
        statement = statement.where(DataQuery.opened_at < day_start.astimezone(dt.UTC))
    return statement


def query_page(study: Study, filters: Mapping[str, Any], pagination_parameters: Any) -> list:
    """A page of the study's queries, newest first."""
    statement = _filtered(study, _seen(study), filters).order_by(
        DataQuery.created_at.desc(), DataQuery.id.desc()
    )
    return _described(study, paginate(statement, pagination_parameters))


def query_counts(study: Study, filters: Mapping[str, Any]) -> dict[str, Any]:
    """How many of the filtered queries are in each state and at each level."""
    statement = _filtered(study, _seen(study), filters)
    grouped = statement.with_only_columns(
        DataQuery.status, DataQuery.level, sa.func.count()
    ).group_by(DataQuery.status, DataQuery.level)
    statuses = [s for s in QueryStatus if s != QueryStatus.DRAFT or _holds_any(_SEE_DRAFTS)]
    counts: dict[str, Any] = {
        "total": 0,
        "by_status": dict.fromkeys(statuses, 0),
        "by_level": dict.fromkeys(Level, 0),
    }
    for status, level, count in db.session.execute(grouped):
        counts["total"] += count
        counts["by_status"][status] = counts["by_status"].get(status, 0) + count
        counts["by_level"][level] = counts["by_level"].get(level, 0) + count
    return counts


def _blank_counts() -> dict[str, Any]:
    return {**dict.fromkeys(QueryStatus, 0), "closed_modified": 0, "worst_level": None}


def _count_into(counts: dict[str, Any], status: str, level: str, modified: int, n: int) -> None:
    counts[status] += n
    counts["closed_modified"] += modified
    worst = counts["worst_level"]
    if status in SITE_QUERY_STATUSES and (
        worst is None or _SEVERITY.get(level, 0) > _SEVERITY.get(worst, 0)
    ):
        counts["worst_level"] = level


def section_annotation(
    participation: SubjectInStudy, section: uuid.UUID, codes: Collection[str]
) -> dict[str, Any]:
    """The subject's queries as a section read shows them, in one statement: per answer
    of the section (its cells included), for the section, and for the subject, the count
    in each state, of those closed whose data changed since, and the worst level of those
    open or answered."""
    statement = _as_seen(
        sa.select(
            DataQuery.code,
            DataQuery.section_uuid,
            DataQuery.status,
            DataQuery.level,
            sa.func.count().filter(DataQuery.closed_modified),
            sa.func.count(),
        )
        .where(DataQuery.subject_in_study_id == participation.id)
        .group_by(DataQuery.code, DataQuery.section_uuid, DataQuery.status, DataQuery.level)
    )
    in_section = set(codes)
    answers: dict[str, dict[str, Any]] = {}
    section_counts, subject_counts = _blank_counts(), _blank_counts()
    for code, section_uuid, status, level, modified, count in db.session.execute(statement):
        _count_into(subject_counts, status, level, modified, count)
        if code in in_section:
            _count_into(answers.setdefault(code, _blank_counts()), status, level, modified, count)
        if code in in_section or section_uuid == section:
            _count_into(section_counts, status, level, modified, count)
    return {"answers": answers, "section": section_counts, "subject": subject_counts}


def on_section_read(
    participation: SubjectInStudy, *, section: uuid.UUID, codes: list[str], **_kwargs: Any
) -> dict[str, Any] | None:
    """The ``queries`` annotation of a section read, for those who see queries."""
    if permissions.QUERIES_ACCESS not in study_permissions():
        return None
    return {"queries": section_annotation(participation, section, codes)}


def _cell(value: Any, row: int | None, column: str | None) -> Any:
    if not isinstance(value, list) or row is None or row >= len(value):
        return None
    cells = value[row]
    return cells.get(column) if isinstance(cells, dict) else None


def _concerned(
    query: DataQuery, changes: Mapping[str, AnswerChange], sections: Collection[Any]
) -> bool:
    """Whether the changes touch what the query is about: its answer, its cell, an answer
    of its section, or any of the subject's."""
    if query.target == QueryTarget.SUBJECT:
        return True
    if query.target == QueryTarget.SECTION:
        return query.section_uuid in sections
    change = changes.get(query.code or "")
    if change is None:
        return False
    if query.target == QueryTarget.CELL:
        return _cell(change.before, query.cell_row, query.cell_column) != _cell(
            change.after, query.cell_row, query.cell_column
        )
    return True


def on_answers_changed(
    participation: SubjectInStudy,
    *,
    changes: Mapping[str, AnswerChange],
    sections: Collection[Any],
    **_kwargs: Any,
) -> None:
    """Flag the queries a person closed whose data has just changed (closed-modified).
    Those the eCRF closed itself are left: the rule that raised them is evaluated again on
    every save and opens a new query if the new data calls for one."""
    # Locked, in order: one reopened meanwhile is no longer closed once its reopening
    # commits, and is left as it is.
    closed = db.session.execute(
        sa.select(DataQuery)
        .where(
            DataQuery.subject_in_study_id == participation.id,
            DataQuery.status == QueryStatus.CLOSED,
            DataQuery.closed_modified.is_(False),
            DataQuery.closed_automatically.is_(False),
        )
        .order_by(DataQuery.id)
        .with_for_update()
    ).scalars()
    for query in closed:
        if _concerned(query, changes, sections):
            query.closed_modified = True
    db.session.flush()
