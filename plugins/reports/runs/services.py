"""The study's reports as printed: a run recorded for each printing (audited), its file
stored once with its SHA-256, and downloads that answer those bytes only after checking
them, each download audited."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    DocumentAltered,
    Message,
    Study,
    acting_user,
    conflict,
    current_language,
    db,
    forbidden,
    get_in_study,
    keep_on_error,
    may_see,
    plugin_enabled,
    record_event,
    store_document,
    study_permissions,
    study_query,
    utcnow,
    verified_content,
)
from plugins.reports.errors import ReportsCodes
from plugins.reports.permissions import ANNOTATED_CRF, CASEBOOKS
from plugins.reports.runs.models import ReportKind, ReportRun, RunState
from plugins.subjects.api import SubjectInStudy

#: What reads the content of each kind of report.
READ_PERMISSION = {
    ReportKind.CASEBOOK: CASEBOOKS,
    ReportKind.STUDY_CASEBOOKS: CASEBOOKS,
    ReportKind.ANNOTATED_CRF: ANNOTATED_CRF,
}


def caller_sees_arm() -> bool:
    """Whether the caller of the request may see the arm (a tenant that randomizes)."""
    if not plugin_enabled("randomizations"):
        return False
    from plugins.randomizations.api import ARM

    return may_see(ARM)


def new_run(
    study: Study,
    kind: ReportKind,
    center_ids: list[int],
    participation: SubjectInStudy | None = None,
    **fields: Any,
) -> ReportRun:
    """A report the caller asks for, recorded (and audited) before it is printed."""
    run = ReportRun(
        study_id=study.id,
        kind=kind,
        center_ids=sorted(center_ids),
        subject_in_study_id=participation.id if participation else None,
        language=current_language(),
        requested_by_id=acting_user().id,
        reveals_arm=kind != ReportKind.ANNOTATED_CRF and caller_sees_arm(),
        **{"total": 1 if participation else 0, **fields},
    )
    db.session.add(run)
    db.session.flush()
    return run


def finish(run: ReportRun, name: str, content_type: str, content: bytes) -> ReportRun:
    """The printed file stored as a document of record, the run done with its hash."""
    stored = store_document(name, content_type, content)
    run.file_uuid, run.name, run.content_type = stored.uuid, stored.name, content_type
    run.size, run.sha256 = stored.size, stored.sha256
    run.state, run.finished_at, run.failure = RunState.DONE, utcnow(), None
    db.session.flush()
    return run


def list_runs(study: Study, kind: str | None = None) -> sa.Select[ReportRun]:
    """The study's reports at the centers the caller sees, newest first."""
    statement = study_query(ReportRun, study).order_by(
        ReportRun.created_at.desc(), ReportRun.id.desc()
    )
    return statement.where(ReportRun.kind == kind) if kind else statement


def get_run(study: Study, run_uuid: Any) -> ReportRun:
    return get_in_study(ReportRun, run_uuid, Message("No such report."), study=study)


def checked_content(run: ReportRun) -> bytes:
    """The stored bytes for a caller who may read them, audited as downloaded; 409 (the
    finding audited and kept) when they are not the bytes hashed when printed."""
    if READ_PERMISSION[ReportKind(run.kind)] not in study_permissions() or (
        run.reveals_arm and not caller_sees_arm()
    ):
        raise forbidden(message=Message("You may not read this report."))
    if run.state != RunState.DONE or run.file_uuid is None:
        raise conflict(
            ReportsCodes.REPORT_NOT_READY,
            Message("The report is not printed: it is {state}.", state=run.state),
            state=run.state,
        )
    try:
        content = verified_content(run.file_uuid, run.sha256)
    except DocumentAltered as altered:
        record_event("file_altered", run, {"sha256": [run.sha256, altered.actual]})
        keep_on_error()
        raise conflict(
            ReportsCodes.REPORT_FILE_ALTERED,
            Message("The stored file is not the one printed for the report: it is not served."),
            sha256=run.sha256,
        ) from None
    record_event("download", run)
    return content
