"""What the payments plugin follows, in the transaction of the change (connected with
``connect_when_enabled``): a subject's answers (a visit done or undone) and their
participation (completed, withdrawn, reopened)."""

from __future__ import annotations

from typing import Any

from datacapt.toolkit import Study, db
from plugins.payments.orders.events import settle_participation, settle_visits
from plugins.payments.visits.services import done_visits
from plugins.subjects.api import SubjectInStudy


def on_answers_changed(participation: SubjectInStudy, study: Study, **_kwargs: Any) -> None:
    settle_visits(study, participation, done_visits(study, participation))


def on_participation_changed(participation: SubjectInStudy, **_kwargs: Any) -> None:
    study = db.session.get_one(Study, participation.study_id)
    settle_participation(study, participation, done_visits(study, participation))
