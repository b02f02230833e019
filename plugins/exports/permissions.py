"""The exports permission category: who defines exports, runs them, downloads their files."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "exports"
ACTIONS = (Action.ACCESS, "define", "run", "download")

#: Read the study's export definitions and the runs of them.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Create and change export definitions (a definition is never deleted: its runs name it).
DEFINE = build_permission(CATEGORY, "define")
#: Run an export (the requester downloads its files).
RUN = build_permission(CATEGORY, "run")
#: Download the files of anyone's exports in the study.
DOWNLOAD = build_permission(CATEGORY, "download")

# Site staff enter the data; what leaves the study is the data manager's and the study
# manager's to decide.
DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, DEFINE, RUN, DOWNLOAD],
    "data_manager": [ACCESS, DEFINE, RUN, DOWNLOAD],
    "monitor": [ACCESS],
}
