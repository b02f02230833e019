"""The demo study's annotated CRF, printed once, so that a newcomer finds a report of
record in the list and downloads it."""

from __future__ import annotations

import sqlalchemy as sa

from datacapt.toolkit import Study, User, db
from plugins.reports.printing import annotated_crf_pdf, has_design
from plugins.reports.runs.models import ReportKind, ReportRun
from plugins.reports.runs.services import finish

DEMO_LANGUAGE = "en"


def add_demo_reports(study: Study) -> None:
    """The annotated CRF of the demo design, unless one is printed already."""
    printed = sa.select(ReportRun.id).where(
        ReportRun.study_id == study.id, ReportRun.kind == ReportKind.ANNOTATED_CRF
    )
    if db.session.execute(printed).first() is not None or not has_design(study):
        return
    # The demo's first administrator prints it (there is no caller in a command).
    printer = db.session.execute(sa.select(User).order_by(User.id)).scalars().first()
    if printer is None:
        return
    run = ReportRun(
        study_id=study.id,
        kind=ReportKind.ANNOTATED_CRF,
        center_ids=[],
        language=DEMO_LANGUAGE,
        requested_by_id=printer.id,
        reveals_arm=False,
        total=0,
    )
    db.session.add(run)
    db.session.flush()
    pdf = annotated_crf_pdf(study, DEMO_LANGUAGE, printer)
    finish(run, f"{study.reference}-annotated-crf.pdf", "application/pdf", pdf)
