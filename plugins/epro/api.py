"""What other plugins may use of the ePRO plugin (the rest is internal): a subject's
occurrences of the study's questionnaires (a calendar of visits, a compliance report),
and the models behind them; one more occurrence scheduled for a subject (automations),
the signal of an occurrence missed, and a questionnaire's version and save
(translations)."""

from plugins.epro.models import Occurrence, OccurrenceStatus, Questionnaire
from plugins.epro.occurrences import schedule_occurrence, subject_occurrences
from plugins.epro.services import questionnaire_etag, update_questionnaire
from plugins.epro.signals import occurrence_missed

__all__ = [
    "Occurrence",
    "OccurrenceStatus",
    "Questionnaire",
    "occurrence_missed",
    "questionnaire_etag",
    "schedule_occurrence",
    "subject_occurrences",
    "update_questionnaire",
]
