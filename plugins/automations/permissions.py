"""The automations permission category: reading rules, writing them, reading their runs,
and working on the tasks rules create."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "automations"
ACTIONS = (Action.ACCESS, "manage_rules", "view_runs", "work_tasks")

ACCESS = build_permission(CATEGORY, Action.ACCESS)
#: Create and change rules (each change a new version), try them on a subject.
MANAGE_RULES = build_permission(CATEGORY, "manage_rules")
#: What the rules did: each run, its trigger, its actions or why it failed.
VIEW_RUNS = build_permission(CATEGORY, "view_runs")
#: The tasks given to the caller's roles at the centers they see; closing them.
WORK_TASKS = build_permission(CATEGORY, "work_tasks")

DEFAULT_ROLE_PERMISSIONS: dict[str, list[str]] = {
    "study_manager": [ACCESS, MANAGE_RULES, VIEW_RUNS, WORK_TASKS],
    "investigator": [ACCESS, WORK_TASKS],
    "monitor": [ACCESS, VIEW_RUNS, WORK_TASKS],
    "data_manager": [ACCESS, VIEW_RUNS, WORK_TASKS],
    "viewer": [ACCESS],
}
