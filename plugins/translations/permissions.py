"""The translations permission category: reading a study's form texts by language (their
completeness, the files for translators), and importing translations into its forms."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "translations"
ACTIONS = (Action.ACCESS, "manage")

#: See each form's completeness by language and export its texts.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Import translated texts into the study's forms.
MANAGE = build_permission(CATEGORY, "manage")

# Study managers keep the study's forms; data managers follow what is translated.
DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE],
    "data_manager": [ACCESS],
}
