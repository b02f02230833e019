"""Hello permissions: the category this plugin adds to the registry."""

from __future__ import annotations

from datacapt.toolkit import Action, build_permission

CATEGORY = "hello"
ACTIONS = (Action.ACCESS, Action.ADD)

ACCESS = build_permission(CATEGORY, Action.ACCESS)
ADD = build_permission(CATEGORY, Action.ADD)
