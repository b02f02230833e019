"""Casebooks printed: one subject's in the request, the study's by a job (one PDF per
subject, zipped or merged), keeping its progress; and the blank annotated CRF."""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from datacapt.toolkit import (
    Actor,
    Channel,
    DatacaptException,
    Message,
    Recipient,
    Study,
    User,
    acting_as,
    centers_of_study,
    commit_job_step,
    current_tenant,
    db,
    enqueue,
    invalid,
    notify,
    restrict_to_visible_centers,
    study_centers,
    utcnow,
)
from plugins.reports.errors import ReportsCodes
from plugins.reports.messages import CASEBOOKS_PRINTED
from plugins.reports.printing import annotated_crf_pdf, casebook_pdf, has_design
from plugins.reports.runs.models import Layout, ReportKind, ReportRun, RunState
from plugins.reports.runs.services import finish, new_run
from plugins.subjects.api import SubjectInStudy

PDF = "application/pdf"
#: Subjects printed between two commits of a job's progress.
CHUNK = 10

log = logging.getLogger(__name__)


def print_casebook(study: Study, participation: SubjectInStudy) -> ReportRun:
    """One subject's casebook, printed and stored now."""
    run = new_run(study, ReportKind.CASEBOOK, [participation.center_id], participation)
    pdf = casebook_pdf(study, participation, run.language, run.reveals_arm, run.requested_by)
    run.printed = 1
    return finish(run, _casebook_name(study, participation), PDF, pdf)


def print_annotated_crf(study: Study) -> ReportRun:
    """The study's blank annotated CRF, printed and stored now."""
    if not has_design(study):
        raise invalid(
            ReportsCodes.NO_DESIGN_TO_PRINT, Message("The study's eCRF has no section yet.")
        )
    run = new_run(study, ReportKind.ANNOTATED_CRF, [])
    pdf = annotated_crf_pdf(study, run.language, run.requested_by)
    return finish(run, f"{study.reference}-annotated-crf.pdf", PDF, pdf)


def request_study_casebooks(
    study: Study, layout: Layout, center_uuids: Collection[Any] | None
) -> ReportRun:
    """The casebooks of every subject at the centers named (default: all the caller
    sees), queued for a job; 422 when they have no subject."""
    if center_uuids:
        centers = centers_of_study(study, center_uuids)
        seen = {center.id for center in study_centers(study)}
        if any(center.id not in seen for center in centers):
            raise invalid(
                ReportsCodes.NO_SUBJECTS_TO_PRINT,
                Message("Name centers of the study that you see."),
                field="centers",
            )
    else:
        centers = study_centers(study)
    center_ids = [center.id for center in centers]
    total = db.session.execute(
        restrict_to_visible_centers(
            sa.select(sa.func.count()).where(
                SubjectInStudy.study_id == study.id, SubjectInStudy.center_id.in_(center_ids)
            ),
            SubjectInStudy.center_id,
        )
    ).scalar_one()
    if not total:
        raise invalid(
            ReportsCodes.NO_SUBJECTS_TO_PRINT, Message("No subject to print at these centers.")
        )
    run = new_run(study, ReportKind.STUDY_CASEBOOKS, center_ids, layout=layout, total=total)
    enqueue("plugins.reports.jobs.print_casebooks", str(run.uuid), tenant=current_tenant())
    return run


def print_study_casebooks(run: ReportRun) -> None:
    """The job's part: each subject's casebook printed as its requester, progress
    committed every ``CHUNK`` subjects, the requester emailed when done; on an error the
    run shows failed with the reason (the job's retry prints it again)."""
    run_id, study = run.id, db.session.get_one(Study, run.study_id)
    requester = db.session.get_one(User, run.requested_by_id)
    actor = Actor("user", str(requester.uuid), requester.display_name)
    try:
        with acting_as(actor):
            subjects = _subjects(study, run.center_ids)
            run.state, run.total, run.printed, run.failure = (
                RunState.RUNNING,
                len(subjects),
                0,
                None,
            )
            db.session.flush()
            commit_job_step()
            assembly = _Assembly(Layout(run.layout or Layout.ZIP))
            for participation in subjects:
                pdf = casebook_pdf(study, participation, run.language, run.reveals_arm, requester)
                assembly.add(_casebook_name(study, participation), pdf)
                run.printed += 1
                if run.printed % CHUNK == 0:
                    db.session.flush()
                    commit_job_step()
            name, content_type, content = assembly.result(f"{study.reference}-casebooks")
            finish(run, name, content_type, content)
            notify(
                CASEBOOKS_PRINTED,
                Channel.EMAIL,
                Recipient.of_user(requester),
                {
                    "study": study.reference,
                    "printed": run.printed,
                    "name": name,
                    "sha256": run.sha256,
                },
                study_id=study.id,
            )
    except Exception as error:
        db.session.rollback()
        with acting_as(actor):
            failed = db.session.get_one(ReportRun, run_id)
            failed.state, failed.finished_at = RunState.FAILED, utcnow()
            failed.failure = {"message": _failure_reason(run_id, error)}
            db.session.flush()
            commit_job_step()
        raise


def _failure_reason(run_id: int, error: Exception) -> str:
    """What the run's readers are told: a refusal's own message; of anything else only
    its kind, since its text (a database error's parameters) may hold answer values."""
    if isinstance(error, DatacaptException):
        return str(error.message)
    log.exception("casebooks run %s failed", run_id)
    return f"An unexpected error stopped the printing ({type(error).__name__})."


def _subjects(study: Study, center_ids: list[int]) -> list[SubjectInStudy]:
    return list(
        db.session.execute(
            sa.select(SubjectInStudy)
            .where(SubjectInStudy.study_id == study.id, SubjectInStudy.center_id.in_(center_ids))
            .order_by(SubjectInStudy.study_subject_id, SubjectInStudy.id)
        ).scalars()
    )


def _casebook_name(study: Study, participation: SubjectInStudy) -> str:
    return f"{study.reference}-{participation.study_subject_id}-casebook.pdf"


class _Assembly:
    """The study's casebooks put together as they are printed: a zip of one PDF per
    subject, or one PDF of all."""

    def __init__(self, layout: Layout) -> None:
        from pypdf import PdfWriter  # here, not at module level: ~40 ms of every start-up

        self.layout = layout
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w", zipfile.ZIP_DEFLATED)
        self.merged = PdfWriter()

    def add(self, name: str, pdf: bytes) -> None:
        if self.layout == Layout.ZIP:
            self.zip.writestr(name, pdf)
        else:
            self.merged.append(io.BytesIO(pdf))

    def result(self, stem: str) -> tuple[str, str, bytes]:
        if self.layout == Layout.ZIP:
            self.zip.close()
            return f"{stem}.zip", "application/zip", self.buffer.getvalue()
        out = io.BytesIO()
        self.merged.write(out)
        return f"{stem}.pdf", PDF, out.getvalue()
