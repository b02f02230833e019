"""What other plugins may use of the subjects plugin (the rest is internal): a study's
subject looked up as the caller may see it, the refusal to write for an ended
participation, the models they read and the signal they follow; where a subject's consent
stands, which the eConsent module records; a module's rows about a subject's
participations for the GDPR inventory; a person the tenant knows (a panel volunteer)
entering a study."""

from plugins.subjects.models import (
    PERSONAL_DATA,
    ConsentStatus,
    Subject,
    SubjectInStudy,
    SubjectPersonalData,
    SubjectStatus,
)
from plugins.subjects.records import participation_records
from plugins.subjects.services import (
    enroll_subject,
    get_subject,
    record_consent_status,
    refuse_if_ended,
)
from plugins.subjects.signals import participation_changed

__all__ = [
    "PERSONAL_DATA",
    "ConsentStatus",
    "Subject",
    "SubjectInStudy",
    "SubjectPersonalData",
    "SubjectStatus",
    "enroll_subject",
    "get_subject",
    "participation_changed",
    "participation_records",
    "record_consent_status",
    "refuse_if_ended",
]
