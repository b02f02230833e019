"""What other plugins may use of the eCRF plugin (the rest is internal): a subject's
answers, whole or of one section (randomization strata, monitoring's source data), the
answers and data queries (with their threads) monitoring works on, the signals that
follow a subject's data; the design read (under its lock, for a change saved in the same
transaction: translations) and saved whole, and the schemas checking its pieces (a library
of templates inserts them); sections filled once per instance a module names (side by side's
zones), with the check of an address naming one; whether a stored answer counts as
answered."""

from plugins.ecrf.entry import (
    check_instance,
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
    answered,
)
from plugins.ecrf.schemas import EcrfWriteSchema, SectionSchema, SubSectionSchema
from plugins.ecrf.services import design, instance_section, locked_design, save_design
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
    "EcrfWriteSchema",
    "QueryAction",
    "QueryOrigin",
    "QueryStatus",
    "QueryTarget",
    "Section",
    "SectionSchema",
    "SectionState",
    "SubSection",
    "SubSectionSchema",
    "answered",
    "answers_changed",
    "answers_changing",
    "check_instance",
    "compiled_form",
    "design",
    "instance_section",
    "instances_of",
    "lock_subjects",
    "locked_design",
    "open_instances",
    "save_design",
    "section_instances",
    "section_read",
    "subject_answers",
]
