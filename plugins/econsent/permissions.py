"""The econsent permission category. Signed records hold a subject's name and signature:
only ``view_records`` downloads them, every download audited."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "econsent"
ACTIONS = (
    Action.ACCESS,
    "manage_documents",
    "publish",
    "obtain_consent",
    "countersign",
    "view_records",
)

#: Documents, their versions and each subject's consents, read.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Documents and their draft versions written, archived.
MANAGE_DOCUMENTS = build_permission(CATEGORY, "manage_documents")
#: A version published (and the re-consent of those who signed an older one).
PUBLISH = build_permission(CATEGORY, "publish")
#: Consent asked of a subject (remotely or in person: the link for a QR code), the
#: subject's identity attested, a witness's signature, a decline or withdrawal recorded.
OBTAIN_CONSENT = build_permission(CATEGORY, "obtain_consent")
#: The investigator's countersignature.
COUNTERSIGN = build_permission(CATEGORY, "countersign")
#: Signed records (PDF) downloaded.
VIEW_RECORDS = build_permission(CATEGORY, "view_records")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE_DOCUMENTS, PUBLISH, VIEW_RECORDS],
    "investigator": [ACCESS, OBTAIN_CONSENT, COUNTERSIGN, VIEW_RECORDS],
    "monitor": [ACCESS, VIEW_RECORDS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
