"""Video providers: what a provider does for a room, and the registry the tenant's
``provider`` setting chooses from. A third party adds one with ``register_provider``."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, Protocol


@dataclasses.dataclass(frozen=True)
class Attendee:
    """Whom a token admits: a participant (their user uuid) or the subject (``subject``)."""

    id: str
    name: str
    moderator: bool


@dataclasses.dataclass(frozen=True)
class Admission:
    """A short-lived token and the address that opens the room with it."""

    token: str
    url: str
    expires_at: dt.datetime


class VideoProvider(Protocol):
    """What the plugin asks of a video service; ``settings`` are the tenant's."""

    def admit(
        self, room_name: str, attendee: Attendee, now: dt.datetime, expires_at: dt.datetime
    ) -> Admission:
        """A token admitting ``attendee`` to the room until ``expires_at``."""
        ...

    def clean_up(self, room_name: str) -> None:
        """Forget the room at the provider (it expired or was cancelled); idempotent."""
        ...


ProviderFactory = Callable[[Mapping[str, Any]], VideoProvider]

_PROVIDERS: dict[str, ProviderFactory] = {}


def register_provider(name: str, factory: ProviderFactory) -> None:
    """Make a provider available to the tenant setting ``provider``."""
    _PROVIDERS[name] = factory


def provider_names() -> list[str]:
    return sorted(_PROVIDERS)


def provider(name: str, settings: Mapping[str, Any]) -> VideoProvider | None:
    """The provider ``name`` configured with the tenant's settings; None if unknown."""
    factory = _PROVIDERS.get(name)
    return factory(settings) if factory else None
