"""What the payments plugin follows, in the transaction of the change (connected with
``connect_when_enabled``): a subject's answers (a visit done or undone) and their
participation (completed, withdrawn, reopened)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import Study, db
from plugins.ecrf.api import AnswerChange
from plugins.payments.orders.events import settle_participation
from plugins.payments.plans.services import current_versions
from plugins.payments.visits.services import done_visits, settle_after_save
from plugins.subjects.api import SubjectInStudy


def on_answers_changed(
    participation: SubjectInStudy,
    study: Study,
    changes: Mapping[str, AnswerChange],
    **_kwargs: Any,
) -> None:
    settle_after_save(study, participation, changes)


def on_participation_changed(participation: SubjectInStudy, **_kwargs: Any) -> None:
    study = db.session.get_one(Study, participation.study_id)
    versions = current_versions(study)
    if versions:
        settle_participation(participation, done_visits(study, participation), versions)
