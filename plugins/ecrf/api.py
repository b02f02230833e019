"""What other plugins may use of the eCRF plugin (the rest is internal): a subject's
answers, whole or of one section (randomization strata, monitoring's source data), the
answers and data queries (with their threads) monitoring works on, the signals that
follow a subject's data, and the study's design read under its lock and saved whole
(translations)."""

from plugins.ecrf.entry import compiled_form, lock_subjects, subject_answers
from plugins.ecrf.models import (
    SITE_QUERY_STATUSES,
    UNRESOLVED_QUERY_STATUSES,
    Answer,
    Block,
    DataQuery,
    DataQueryMessage,
    Ecrf,
    QueryAction,
    QueryOrigin,
    QueryStatus,
    QueryTarget,
    Section,
    SectionState,
    SubSection,
)
from plugins.ecrf.services import design, locked_design, save_design
from plugins.ecrf.signals import AnswerChange, answers_changed, answers_changing, section_read

__all__ = [
    "SITE_QUERY_STATUSES",
    "UNRESOLVED_QUERY_STATUSES",
    "Answer",
    "AnswerChange",
    "Block",
    "DataQuery",
    "DataQueryMessage",
    "Ecrf",
    "QueryAction",
    "QueryOrigin",
    "QueryStatus",
    "QueryTarget",
    "Section",
    "SectionState",
    "SubSection",
    "answers_changed",
    "answers_changing",
    "compiled_form",
    "design",
    "lock_subjects",
    "locked_design",
    "save_design",
    "section_read",
    "subject_answers",
]
