"""The permissions registry: categories of the platform and of plugins, each with actions."""

from __future__ import annotations

import enum
from collections.abc import Iterable

from flask import Flask

from datacapt.slots import Slot


class Action(enum.StrEnum):
    """Actions shared by every category (a category may add its own)."""

    ACCESS = "access"
    ADD = "add"
    EDIT = "edit"
    DELETE = "delete"
    UNLOCK = "unlock"
    RESEND = "resend"
    EXPORT = "export"


class Categories(enum.StrEnum):
    """The core's permission categories (plugins add theirs through datacapt_permissions)."""

    USERS = "users"
    ROLES = "roles"
    API_KEYS = "api_keys"
    STUDIES = "studies"
    CENTERS = "centers"
    STUDY_USERS = "study_users"
    INVITATIONS = "invitations"
    TENANT_SETTINGS = "tenant_settings"
    AUDIT_TRAILS = "audit_trails"
    FILES = "files"
    NOTIFICATIONS = "notifications"


# Read a message's address and text (personal data), beside its delivery state.
VIEW_CONTENT = "view_content"

CORE_ACTIONS: dict[Categories, tuple[str, ...]] = {
    Categories.USERS: (Action.ACCESS, Action.EDIT, Action.UNLOCK),
    Categories.ROLES: (Action.ACCESS, Action.ADD, Action.EDIT, Action.DELETE),
    Categories.API_KEYS: (Action.ACCESS, Action.ADD, Action.DELETE),
    Categories.STUDIES: (Action.ACCESS, Action.ADD, Action.EDIT, Action.DELETE),
    Categories.CENTERS: (Action.ACCESS, Action.ADD, Action.EDIT, Action.DELETE),
    Categories.STUDY_USERS: (Action.ACCESS, Action.ADD, Action.EDIT, Action.DELETE),
    Categories.INVITATIONS: (Action.ACCESS, Action.ADD, Action.RESEND, Action.DELETE),
    Categories.TENANT_SETTINGS: (Action.ACCESS, Action.EDIT),
    Categories.AUDIT_TRAILS: (Action.ACCESS, Action.EXPORT),
    Categories.FILES: (Action.ACCESS, Action.ADD),
    Categories.NOTIFICATIONS: (Action.ACCESS, VIEW_CONTENT),
}

# Every permission, also those of plugins loaded later: what administrators hold.
ALL_PERMISSIONS = "*"


def build_permission(category: str, action: str) -> str:
    """The permission string a view declares and a role grants: ``category.action``."""
    return f"{category}.{action}"


class PermissionsRegistry:
    """Which categories exist, their actions, and who contributed each category."""

    def __init__(self) -> None:
        self._actions: dict[str, frozenset[str]] = {}
        self._owners: dict[str, str] = {}
        # Filled at start-up, then read on every request: expansions are cached.
        self._expanded: dict[frozenset[str], frozenset[str]] = {}
        self._default_grants: dict[str, frozenset[str]] = {}
        for category, actions in CORE_ACTIONS.items():
            self.register(category, actions, owner="core")

    def register(self, category: str, actions: Iterable[str], owner: str) -> None:
        if category in self._owners:
            raise ValueError(
                f"permission category {category!r} of {owner!r} is already"
                f" registered by {self._owners[category]!r}"
            )
        self._actions[str(category)] = frozenset(str(a) for a in actions)
        self._owners[str(category)] = owner
        self._expanded.clear()

    def add_default_grants(self, role: str, permissions: Iterable[str], owner: str) -> None:
        """Let a default role grant some of a plugin's own permissions."""
        permissions = frozenset(permissions)
        foreign = sorted(p for p in permissions if self._owners.get(p.split(".")[0]) != owner)
        if foreign:
            raise ValueError(
                f"{owner!r} grants permissions of other categories: {', '.join(foreign)}"
            )
        self._default_grants[role] = self._default_grants.get(role, frozenset()) | permissions

    def default_grants(self, role: str) -> frozenset[str]:
        return self._default_grants.get(role, frozenset())

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

    def expand(self, granted: Iterable[str]) -> frozenset[str]:
        """The concrete permissions a grant list gives (``*`` expands to all known)."""
        key = frozenset(granted)
        expanded = self._expanded.get(key)
        if expanded is None:
            known = self.permissions()
            expanded = frozenset(known if ALL_PERMISSIONS in key else key & known)
            self._expanded[key] = expanded
        return expanded


_REGISTRY: Slot[PermissionsRegistry] = Slot("datacapt.permissions_registry")


def init_permissions_registry(app: Flask, registry: PermissionsRegistry) -> None:
    """Give the app its registry: the core's categories and the loaded plugins'."""
    _REGISTRY.fill(app, registry)


def permissions_registry() -> PermissionsRegistry:
    """The current app's registry."""
    return _REGISTRY.get()


def _p(category: Categories, action: Action) -> str:
    return build_permission(category, action)


USERS_ACCESS = _p(Categories.USERS, Action.ACCESS)
USERS_EDIT = _p(Categories.USERS, Action.EDIT)
USERS_UNLOCK = _p(Categories.USERS, Action.UNLOCK)
ROLES_ACCESS = _p(Categories.ROLES, Action.ACCESS)
ROLES_ADD = _p(Categories.ROLES, Action.ADD)
ROLES_EDIT = _p(Categories.ROLES, Action.EDIT)
ROLES_DELETE = _p(Categories.ROLES, Action.DELETE)
API_KEYS_ACCESS = _p(Categories.API_KEYS, Action.ACCESS)
API_KEYS_ADD = _p(Categories.API_KEYS, Action.ADD)
API_KEYS_DELETE = _p(Categories.API_KEYS, Action.DELETE)
STUDIES_ACCESS = _p(Categories.STUDIES, Action.ACCESS)
STUDIES_ADD = _p(Categories.STUDIES, Action.ADD)
STUDIES_EDIT = _p(Categories.STUDIES, Action.EDIT)
STUDIES_DELETE = _p(Categories.STUDIES, Action.DELETE)
CENTERS_ACCESS = _p(Categories.CENTERS, Action.ACCESS)
CENTERS_ADD = _p(Categories.CENTERS, Action.ADD)
CENTERS_EDIT = _p(Categories.CENTERS, Action.EDIT)
CENTERS_DELETE = _p(Categories.CENTERS, Action.DELETE)
STUDY_USERS_ACCESS = _p(Categories.STUDY_USERS, Action.ACCESS)
STUDY_USERS_ADD = _p(Categories.STUDY_USERS, Action.ADD)
STUDY_USERS_EDIT = _p(Categories.STUDY_USERS, Action.EDIT)
STUDY_USERS_DELETE = _p(Categories.STUDY_USERS, Action.DELETE)
INVITATIONS_ACCESS = _p(Categories.INVITATIONS, Action.ACCESS)
INVITATIONS_ADD = _p(Categories.INVITATIONS, Action.ADD)
INVITATIONS_RESEND = _p(Categories.INVITATIONS, Action.RESEND)
INVITATIONS_DELETE = _p(Categories.INVITATIONS, Action.DELETE)
TENANT_SETTINGS_ACCESS = _p(Categories.TENANT_SETTINGS, Action.ACCESS)
TENANT_SETTINGS_EDIT = _p(Categories.TENANT_SETTINGS, Action.EDIT)
AUDIT_TRAILS_ACCESS = _p(Categories.AUDIT_TRAILS, Action.ACCESS)
AUDIT_TRAILS_EXPORT = _p(Categories.AUDIT_TRAILS, Action.EXPORT)
FILES_ACCESS = _p(Categories.FILES, Action.ACCESS)
FILES_ADD = _p(Categories.FILES, Action.ADD)
NOTIFICATIONS_ACCESS = _p(Categories.NOTIFICATIONS, Action.ACCESS)
NOTIFICATIONS_VIEW_CONTENT = build_permission(Categories.NOTIFICATIONS, VIEW_CONTENT)
