"""What other plugins may use of the eCRF plugin (the rest is internal): a subject's
answers, whole or of one section (randomization strata, monitoring's source data), and
the answers and data queries monitoring reads."""

from plugins.ecrf.entry import subject_answers
from plugins.ecrf.models import Answer, DataQuery, QueryStatus

__all__ = ["Answer", "DataQuery", "QueryStatus", "subject_answers"]
