"""The languages a tenant offers: BCP 47 tags (``fr``, ``pt-BR``, ``zh-Hant``) that babel
knows, among which its users, invitees and subjects pick theirs."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from babel import Locale, UnknownLocaleError

from datacapt.tenancy.services import get_tenant_settings

# Users', invitations' and subjects' language columns hold 8 characters.
TAG_LENGTH = 8


def language_tag(value: str) -> str:
    """``value`` as a canonical BCP 47 tag (``pt-br`` -> ``pt-BR``); ValidationError when
    babel knows no such language or it is longer than ``TAG_LENGTH``."""
    text = value.strip()
    try:
        locale = Locale.parse(text.replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise ma.ValidationError(
            f"{value!r} is not a BCP 47 language tag known to Babel."
        ) from None
    tag = "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
    if len(tag) > TAG_LENGTH or tag.lower() != text.lower().replace("_", "-"):
        raise ma.ValidationError(
            f"{value!r} is not a language tag of at most {TAG_LENGTH} characters such as"
            " 'fr' or 'pt-BR'."
        )
    return tag


class LanguageTag(ma.fields.String):
    """A BCP 47 tag, loaded in its canonical form."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return language_tag(super()._deserialize(value, attr, data, **kwargs))


def offered_languages() -> list[str]:
    return list(get_tenant_settings().languages)


def offered_language(value: str) -> None:
    """Marshmallow validator: ``value`` is one of the current tenant's languages."""
    offered = offered_languages()
    if value not in offered:
        raise ma.ValidationError(f"Not a language this customer offers: {', '.join(offered)}.")
