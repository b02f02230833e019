"""What other plugins may use of the ePRO plugin (the rest is internal): a subject's
occurrences of the study's questionnaires (a calendar of visits, a compliance report),
and the models behind them."""

from plugins.epro.models import Occurrence, OccurrenceStatus, Questionnaire
from plugins.epro.occurrences import subject_occurrences

__all__ = ["Occurrence", "OccurrenceStatus", "Questionnaire", "subject_occurrences"]
