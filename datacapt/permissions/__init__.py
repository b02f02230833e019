"""Permissions: categories and actions, contributed by the core and by plugins."""

from datacapt.permissions.registry import Action, PermissionsRegistry, build_permission

__all__ = ["Action", "PermissionsRegistry", "build_permission"]
