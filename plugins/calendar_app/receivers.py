"""What the calendar follows, in the transaction of the change (connected with
``connect_when_enabled``): a participation's inclusion date and status (its visits move)
and a subject's answers (a visit's section started: the visit is done)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from datacapt.toolkit import Study, db, plugin_enabled
from plugins.calendar_app.reminders.services import replan_after_zone_change
from plugins.calendar_app.schedule.services import plan_visits, record_done
from plugins.subjects.api import SubjectInStudy


def on_participation_changed(participation: SubjectInStudy, **_kwargs: Any) -> None:
    plan_visits(db.session.get_one(Study, participation.study_id), participation)


def on_answers_changed(
    participation: SubjectInStudy,
    study: Study,
    changes: Mapping[str, Any],
    sections: Iterable[Any] = (),
    **_kwargs: Any,
) -> None:
    """A section with a newly given answer is started: its visit is done."""
    if not plugin_enabled("ecrf"):
        return
    from plugins.ecrf.api import compiled_form

    given = {code for code, change in changes.items() if change.after is not None}
    codes = {str(section): names for section, names in compiled_form(study).section_codes.items()}
    started = [
        uuid.UUID(str(section))
        for section in sections
        if given.intersection(codes.get(str(section), ()))
    ]
    if started:
        record_done(study, participation, started)


def on_tenant_settings_changed(_settings: Any, changed: Iterable[str] = (), **_kwargs: Any) -> None:
    if "time_zone" in changed:
        replan_after_zone_change()
