"""The recruitment permission category: reading it, running it, and campaigns to the panel."""

from __future__ import annotations

from datacapt.toolkit import Action, SensitiveFields, build_permission

CATEGORY = "recruitment"
MANAGE_ACTION = "manage"
CAMPAIGNS_ACTION = "campaigns"
ACTIONS = (Action.ACCESS, MANAGE_ACTION, CAMPAIGNS_ACTION)

#: Read recruitment studies, their applications, slots and campaigns.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Set up recruitment studies and slots, move applications along, book and convert.
MANAGE = build_permission(CATEGORY, MANAGE_ACTION)
#: Invite panel volunteers by email or SMS.
CAMPAIGNS = build_permission(CATEGORY, CAMPAIGNS_ACTION)

#: An applicant's answers to the pre-screening questionnaire (health data).
ANSWERS = SensitiveFields("recruitment_answers", MANAGE)

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE, CAMPAIGNS],
    "investigator": [ACCESS, MANAGE],
    "monitor": [ACCESS],
}
