"""The randomizations permission category. Blinded roles see a subject's randomization
number (and treatment code); only ``view_arms`` shows the arm, the list's table, its seed
and the counts per arm; ``manage_keys`` uploads the code -> arm key of a double-blind list."""

from __future__ import annotations

from datacapt.toolkit import Action, Blinding, build_permission

CATEGORY = "randomizations"
ACTIONS = (
    Action.ACCESS,
    "design",
    "approve",
    "randomize",
    "correct",
    "unblind",
    "approve_unblinding",
    "view_arms",
    "manage_keys",
)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Edit designs and their draft versions, import list parts, run simulations.
DESIGN = build_permission(CATEGORY, "design")
#: Approve a version (after its simulation) and put it live.
APPROVE = build_permission(CATEGORY, "approve")
RANDOMIZE = build_permission(CATEGORY, "randomize")
#: Void a mistaken assignment, with a reason.
CORRECT = build_permission(CATEGORY, "correct")
#: Ask for the emergency unblinding of one subject.
UNBLIND = build_permission(CATEGORY, "unblind")
#: Approve or refuse another person's unblinding request (when the study asks for it).
APPROVE_UNBLINDING = build_permission(CATEGORY, "approve_unblinding")
VIEW_ARMS = build_permission(CATEGORY, "view_arms")
MANAGE_KEYS = build_permission(CATEGORY, "manage_keys")

#: A subject's arm and whatever reveals it (a list's arms, block sizes, seed, the key).
ARM = Blinding("treatment_arm", VIEW_ARMS)
#: A design's parameters (block sizes among them): for those who design it.
PARAMETERS = Blinding("randomization_parameters", DESIGN)

# Everyone in the study is blinded by default: investigators randomize and may ask for an
# emergency unblinding, study managers design, approve and correct. An unblinded
# statistician or pharmacist is a custom role with view_arms (and manage_keys).
DEFAULT_ROLE_PERMISSIONS = {
    "study_manager": [ACCESS, DESIGN, APPROVE, CORRECT, APPROVE_UNBLINDING],
    "investigator": [ACCESS, RANDOMIZE, UNBLIND],
    "monitor": [ACCESS],
    "data_manager": [ACCESS],
    "viewer": [ACCESS],
}
