"""What other plugins may use of the eCRF plugin (the rest is internal): a subject's
answers, whole or of one section (randomization strata, monitoring's source data), the
answers and data queries monitoring reads, and the signals that follow a subject's data."""

from plugins.ecrf.entry import compiled_form, subject_answers
from plugins.ecrf.models import (
    UNRESOLVED_QUERY_STATUSES,
    Answer,
    Block,
    DataQuery,
    Ecrf,
    QueryStatus,
    Section,
    SectionState,
    SubSection,
)
from plugins.ecrf.signals import AnswerChange, answers_changed, answers_changing, section_read

__all__ = [
    "UNRESOLVED_QUERY_STATUSES",
    "Answer",
    "AnswerChange",
    "Block",
    "DataQuery",
    "Ecrf",
    "QueryStatus",
    "Section",
    "SectionState",
    "SubSection",
    "answers_changed",
    "answers_changing",
    "compiled_form",
    "section_read",
    "subject_answers",
]
