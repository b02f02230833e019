"""The demo study's annotated CRF: printed once, whatever the number of seeds, and
downloaded as any report of record."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa

from datacapt.testing import pdf_text, unit_of_work
from datacapt.toolkit import Study, db, tenant_context
from plugins.reports.demo import add_demo_reports
from plugins.reports.tests.support import REPORTS, Trial


def test_the_demo_annotated_crf_is_printed_once(app, trial: Trial, tenant):
    for _ in range(2):  # the demo seed runs again on an existing demo tenant
        with app.app_context(), tenant_context(tenant), unit_of_work():
            study = db.session.execute(
                sa.select(Study).where(Study.uuid == uuid.UUID(trial.headers["Study-Uuid"]))
            ).scalar_one()
            add_demo_reports(study)
    listed: Any = trial.viewer.get(REPORTS, headers=trial.headers)
    (report,) = listed.json
    assert (report["kind"], report["state"]) == ("annotated_crf", "done")
    text = pdf_text(trial.download(trial.viewer, report["uuid"]).data)
    # Each question's code and type, a choice's coded values beside their labels.
    assert "sex" in text and "single_choice" in text and "F = Female" in text
    assert "weight" in text and "Weight (kg)" in text and "pain" in text


def test_the_annotated_crf_is_printed_on_request(trial: Trial):
    printed: Any = trial.viewer.post(f"{REPORTS}annotated-crf", headers=trial.headers)
    assert printed.status_code == 201, printed.json
    assert "M = Male" in pdf_text(trial.download(trial.manager, printed.json["uuid"]).data)
    assert (
        trial.viewer.post(
            f"{REPORTS}subjects/{trial.subject}/casebook", headers=trial.headers
        ).status_code
        == 403
    )
