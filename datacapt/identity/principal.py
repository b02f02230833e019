"""Who is making the request: a logged-in user or an API key, and what they may do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import g

from datacapt.database import db
from datacapt.identity.models import User
from datacapt.permissions.registry import permissions_registry

if TYPE_CHECKING:
    from datacapt.apikeys.models import ApiKey

API_KEY_HEADER = "Api-Key"


@dataclass
class Principal:
    """A user's session (``session_id``, ``user_id``) or an API key; never both.

    ``granted`` is what the user's platform role grants; for a key, what its creator's
    platform role grants now, which bounds the key's own list.
    """

    session_id: int | None = None
    user_id: int | None = None
    label: str = ""
    granted: frozenset[str] = frozenset()
    api_key: ApiKey | None = None
    _platform_permissions: frozenset[str] | None = field(default=None, repr=False)

    @property
    def acting_user_id(self) -> int:
        """The user whose rights bound this principal: the user, or the key's creator."""
        if self.user_id is not None:
            return self.user_id
        assert self.api_key is not None
        return self.api_key.created_by_id

    @property
    def study_scope(self) -> frozenset[str] | None:
        """The studies (uuids, as text) an API key is limited to; None for a user or a key
        of all studies. Within it, a key reaches only where its creator is a member."""
        key = self.api_key
        if key is None or key.all_studies:
            return None
        return frozenset(key.study_uuids)

    def reaches_study(self, study_uuid: uuid.UUID | str) -> bool:
        """Whether the study is within the principal's scope (``study_scope``)."""
        scope = self.study_scope
        return scope is None or str(study_uuid) in scope

    @property
    def user(self) -> User | None:
        """The user entity, loaded on first use (most requests need only ``user_id``)."""
        return db.session.get(User, self.user_id) if self.user_id is not None else None

    @property
    def actor(self) -> str:
        """How audit records and events name this principal."""
        if self.user_id is not None:
            return f"user:{self.label}"
        assert self.api_key is not None
        return f"api_key:{self.api_key.uuid} {self.api_key.name}"

    @property
    def platform_permissions(self) -> frozenset[str]:
        """Tenant-wide permissions: the user's platform role; for a key, its own list as far
        as its creator holds it."""
        if self._platform_permissions is None:
            registry = permissions_registry()
            granted = registry.expand(self.granted)
            if self.api_key is not None:
                granted &= registry.expand(self.api_key.permissions)
            self._platform_permissions = granted
        return self._platform_permissions


def current_principal() -> Principal:
    return g.principal


def acting_user() -> User:
    """The user behind the request: the one signed in, or the creator of the API key used."""
    return db.session.get_one(User, current_principal().acting_user_id)
