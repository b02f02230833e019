"""The subject_repository permission category: the panel (read, manage), the volunteers'
personal data, and the data protection officer's decisions on GDPR requests."""

from __future__ import annotations

from datacapt.toolkit import Action, SensitiveFields, build_permission

CATEGORY = "subject_repository"
ACTIONS = (Action.ACCESS, "manage", "view_personal_data", "dpo")

#: The panel: volunteers by platform id, their profiles, consents, history; saved filters.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Register volunteers, answer their profiles, record consents and notes, save filters,
#: design the profile questions, file GDPR requests.
MANAGE = build_permission(CATEGORY, "manage")
#: Names and contact details of volunteers (every read audited), and their access files.
PERSONAL_DATA = build_permission(CATEGORY, "view_personal_data")
#: Decide erasure requests and retention reviews: the data protection officer's role.
DPO = build_permission(CATEGORY, "dpo")

# In the audit trail, only those who may read the panel's personal data see these values.
PANEL_PERSONAL_DATA = SensitiveFields("panel_personal_data", PERSONAL_DATA)

# Administrators hold every permission, DPO included; a tenant gives DPO to a role of its
# own (a data protection officer who is not an administrator).
DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE, PERSONAL_DATA],
    "investigator": [ACCESS],
}
