"""What other plugins may use of the monitoring plugin (the rest is internal): the data
locks and freezes, the electronic signatures with their manifestation, source data
verification and data review, for the modules that report on them or export them; and
raising a query, for the modules that raise one on what they find."""

from plugins.monitoring.locks.models import DataLock, LockStatus
from plugins.monitoring.queries.services import raise_query
from plugins.monitoring.review.models import SectionReview
from plugins.monitoring.signatures.models import (
    Meaning,
    Signature,
    SignatureState,
    Signing,
    SigningState,
)
from plugins.monitoring.verification.models import SdvPlan, Verification
from plugins.monitoring.verification.progress import study_progress as verification_progress

__all__ = [
    "DataLock",
    "LockStatus",
    "Meaning",
    "SdvPlan",
    "SectionReview",
    "Signature",
    "SignatureState",
    "Signing",
    "SigningState",
    "Verification",
    "raise_query",
    "verification_progress",
]
