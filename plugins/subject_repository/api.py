"""What other plugins may use of the subject_repository plugin (the rest is internal): the
panel's volunteers, their profile answers and consents, GDPR requests made for them, the
search of the panel and a study's wash-out rules."""

from plugins.subject_repository.filters import matching_volunteers
from plugins.subject_repository.gdpr import request_access, request_erasure
from plugins.subject_repository.models import (
    ConsentPurpose,
    GdprKind,
    GdprRequest,
    GdprStatus,
    PanelConsent,
    Volunteer,
    VolunteerStatus,
)
from plugins.subject_repository.panel import (
    give_consent,
    register_volunteer,
    update_volunteer_profile,
    volunteer_consents,
    volunteer_profile,
    withdraw_consent,
)
from plugins.subject_repository.washout import washout_refusal

__all__ = [
    "ConsentPurpose",
    "GdprKind",
    "GdprRequest",
    "GdprStatus",
    "PanelConsent",
    "Volunteer",
    "VolunteerStatus",
    "give_consent",
    "matching_volunteers",
    "register_volunteer",
    "request_access",
    "request_erasure",
    "update_volunteer_profile",
    "volunteer_consents",
    "volunteer_profile",
    "washout_refusal",
    "withdraw_consent",
]
