"""What other plugins may use of the eCRF plugin (the rest is internal): a subject's
answers, whole or of one section (randomization strata, monitoring's source data), the
answers and data queries (with their threads) monitoring works on, and the signals that
follow a subject's data."""

from plugins.ecrf.entry import (
    compiled_form,
    instances_of,
    lock_subjects,
    open_instances,
    subject_answers,
)
from plugins.ecrf.models import (
    PLAIN,
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
from plugins.ecrf.services import instance_section
from plugins.ecrf.signals import (
    AnswerChange,
    answers_changed,
    answers_changing,
    section_instances,
    section_read,
)

__all__ = [
    "PLAIN",
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
    "instance_section",
    "instances_of",
    "lock_subjects",
    "open_instances",
    "section_instances",
    "section_read",
    "subject_answers",
]
