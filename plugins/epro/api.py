"""What other plugins may use of the ePRO plugin (the rest is internal): a subject's
occurrences of the study's questionnaires (a calendar of visits, a compliance report),
and the models behind them; one more occurrence scheduled for a subject (automations),
and the signal of an occurrence missed; a questionnaire read, or made from its checked
write schema (a library of templates), and its version and save (translations)."""

from plugins.epro.models import Occurrence, OccurrenceStatus, Questionnaire
from plugins.epro.occurrences import schedule_occurrence, subject_occurrences
from plugins.epro.schemas import QuestionnaireWriteSchema
from plugins.epro.services import (
    create_questionnaire,
    get_questionnaire,
    questionnaire_etag,
    update_questionnaire,
)
from plugins.epro.signals import occurrence_missed

__all__ = [
    "Occurrence",
    "OccurrenceStatus",
    "Questionnaire",
    "QuestionnaireWriteSchema",
    "create_questionnaire",
    "get_questionnaire",
    "occurrence_missed",
    "questionnaire_etag",
    "schedule_occurrence",
    "subject_occurrences",
    "update_questionnaire",
]
