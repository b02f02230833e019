"""The events rules follow, in the transaction of the change (connected with
``connect_when_enabled``): a subject included (the subjects' signal), a visit started, a
section completed or the answers meeting a condition (the eCRF's), a questionnaire
missed (ePRO's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import Study, db
from plugins.automations.runs.holds import complete_sections, started_sections
from plugins.automations.runs.services import Event, current_versions, fire
from plugins.ecrf.api import AnswerChange, subject_answers
from plugins.epro.api import Occurrence
from plugins.subjects.api import SubjectInStudy, SubjectStatus


def on_participation_changed(participation: SubjectInStudy, **_kwargs: Any) -> None:
    if participation.status != SubjectStatus.INCLUDED:
        return
    study = db.session.get_one(Study, participation.study_id)
    # Once per participation: a later change of the inclusion date is not a new inclusion.
    event = Event("subject_included", f"included:{participation.uuid}", {})
    fire(study, participation, [event])


def on_occurrence_missed(occurrence: Occurrence, **_kwargs: Any) -> None:
    """The ePRO tick expired it unanswered (in tenants with ePRO too)."""
    participation = db.session.get_one(SubjectInStudy, occurrence.subject_in_study_id)
    study = db.session.get_one(Study, occurrence.study_id)
    about = {"occurrence": str(occurrence.uuid), "questionnaire": occurrence.questionnaire.code}
    event = Event(
        "questionnaire_missed",
        f"questionnaire_missed:{occurrence.uuid}",
        about,
        questionnaire=occurrence.questionnaire.code,
        object_uuid=occurrence.uuid,
    )
    fire(study, participation, [event])


#: The triggers a save of answers can fire.
ANSWER_TRIGGERS = ("visit_done", "section_completed", "answer_matches")


def _section_events(kind: str, participation: SubjectInStudy, sections: set[str]) -> list[Event]:
    return [
        Event(kind, f"{kind}:{participation.uuid}:{section}", {"section": section}, section=section)
        for section in sorted(sections)
    ]


def on_answers_changed(
    participation: SubjectInStudy,
    study: Study,
    changes: Mapping[str, AnswerChange],
    **_kwargs: Any,
) -> None:
    # Every save of the eCRF comes here: without a rule to follow, the answers are not
    # read nor the form evaluated (twice).
    if not current_versions(study, ANSWER_TRIGGERS):
        return
    after = subject_answers(study, participation)
    before = {**after, **{code: change.before for code, change in changes.items()}}
    events = [
        *_section_events(
            "visit_done",
            participation,
            started_sections(study, after) - started_sections(study, before),
        ),
        *_section_events(
            "section_completed",
            participation,
            complete_sections(study, after) - complete_sections(study, before),
        ),
        # Once per subject: the first time their answers come to meet the condition.
        Event(
            "answer_matches",
            f"answer_matches:{participation.uuid}",
            {"changed": sorted(changes)},
            before=before,
            after=after,
        ),
    ]
    fire(study, participation, events)
