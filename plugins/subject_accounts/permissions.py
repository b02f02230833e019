"""The subject_accounts permission category: staff manage the registration links (the
volunteers' own realm has no permissions: a session reaches its own data only)."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "subject_accounts"
ACTIONS = (Action.ACCESS, Action.EDIT)

#: See the registration links, their URLs and QR codes.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Create registration links, rename, close or reopen them.
EDIT = build_permission(CATEGORY, Action.EDIT)

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, EDIT],
}
