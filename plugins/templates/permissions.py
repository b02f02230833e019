"""The templates permission category: the tenant's library is read and kept with a
platform role; a study's pieces are saved into it, and templates inserted into its
design, with a role in that study."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "templates"
ACTIONS = (Action.ACCESS, "manage", "save", "insert")

#: Browse the library, read versions, the uses of a template (in one's studies), export.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Add templates and versions, change their name, tags and description, import a file.
MANAGE = build_permission(CATEGORY, "manage")
#: In a study: save one of its pieces into the library.
SAVE = build_permission(CATEGORY, "save")
#: In a study: insert a template into its design, read what it uses.
INSERT = build_permission(CATEGORY, "insert")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE, SAVE, INSERT],
    "data_manager": [ACCESS, INSERT],
    "investigator": [ACCESS],
    "monitor": [ACCESS],
    "viewer": [ACCESS],
}
