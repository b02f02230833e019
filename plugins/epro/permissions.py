"""The ePRO permission category: questionnaires, their sending, and corrections."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "epro"
SEND = "send"  # resend or cancel a subject's questionnaire
CORRECT = "correct"  # correct a subject's submitted answers, with a reason
ACTIONS = (Action.ACCESS, Action.EDIT, SEND, CORRECT)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
EDIT = build_permission(CATEGORY, Action.EDIT)
SEND_MESSAGES = build_permission(CATEGORY, SEND)
CORRECT_ANSWERS = build_permission(CATEGORY, CORRECT)

DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, EDIT, SEND_MESSAGES],
    "investigator": [ACCESS, SEND_MESSAGES, CORRECT_ANSWERS],
    "monitor": [ACCESS],
    "data_manager": [ACCESS, EDIT, CORRECT_ANSWERS],
    "viewer": [ACCESS],
}
