"""The permissions registry: categories of the platform and of plugins, each with actions."""

from __future__ import annotations

import enum
from collections.abc import Iterable


class Action(enum.StrEnum):
    """Actions shared by every category (a category may add its own)."""

    ACCESS = "access"
    ADD = "add"
    EDIT = "edit"
    DELETE = "delete"


def build_permission(category: str, action: str) -> str:
    """The permission string a view declares and a role grants: ``category.action``."""
    return f"{category}.{action}"


class PermissionsRegistry:
    """Which categories exist, their actions, and who contributed each category."""

    def __init__(self) -> None:
        self._actions: dict[str, frozenset[str]] = {}
        self._owners: dict[str, str] = {}

    def register(self, category: str, actions: Iterable[str], owner: str) -> None:
        if category in self._owners:
            raise ValueError(
                f"permission category {category!r} of {owner!r} is already"
                f" registered by {self._owners[category]!r}"
            )
        self._actions[category] = frozenset(actions)
        self._owners[category] = owner

    def categories(self) -> dict[str, frozenset[str]]:
        return dict(self._actions)

    def owner(self, category: str) -> str:
        return self._owners[category]

    def permissions(self) -> set[str]:
        return {
            build_permission(category, action)
            for category, actions in self._actions.items()
            for action in actions
        }
