"""The chat permission category: reading one's threads, writing in them, talking with
subjects."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "chat"
ACTIONS = (Action.ACCESS, "write", "subjects")

#: Read the threads one takes part in, their messages, receipts and unread counts.
ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Open threads, post messages, mark them read, close threads, give a subject their link.
WRITE = build_permission(CATEGORY, "write")
#: Take part in threads with subjects (at the centers one sees); without it only staff threads.
SUBJECTS = build_permission(CATEGORY, "subjects")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, WRITE, SUBJECTS],
    "investigator": [ACCESS, WRITE, SUBJECTS],
    "monitor": [ACCESS, WRITE],
    "data_manager": [ACCESS, WRITE],
    "viewer": [ACCESS],
}

#: Not a permission of the registry, so no role holds it: what the file storage is told
#: reads a staff thread's files, which only its participants download, through the chat.
PARTICIPANTS_ONLY = f"{CATEGORY}.thread_participants"
