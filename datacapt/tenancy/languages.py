"""The languages a tenant offers: BCP 47 tags (``fr``, ``pt-BR``, ``zh-Hant``) that babel
knows, among which its users, invitees and subjects pick theirs."""

from __future__ import annotations

from typing import Any

import marshmallow as ma

from datacapt.i18n.tags import language_tag
from datacapt.tenancy.services import get_tenant_settings

# Users', invitations' and subjects' language columns hold 8 characters.
TAG_LENGTH = 8


class LanguageTag(ma.fields.String):
    """A BCP 47 tag, loaded in its canonical form."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            tag = language_tag(text)
        except ValueError:
            raise ma.ValidationError(
                f"{text!r} is not a BCP 47 language tag known to Babel."
            ) from None
        # A tag babel would change (a script added, a region dropped) is not the one meant.
        if len(tag) > TAG_LENGTH or tag.lower() != text.lower().replace("_", "-"):
            raise ma.ValidationError(
                f"{text!r} is not a language tag of at most {TAG_LENGTH} characters such as"
                " 'fr' or 'pt-BR'."
            )
        return tag


def offered_languages() -> list[str]:
    return list(get_tenant_settings().languages)


def offered_language(value: str) -> None:
    """Marshmallow validator: ``value`` is one of the current tenant's languages."""
    offered = offered_languages()
    if value not in offered:
        raise ma.ValidationError(f"Not a language this customer offers: {', '.join(offered)}.")
