"""Language tags (BCP 47), in the canonical form babel gives them: a tenant's offered
languages and a form's texts are keyed by them."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError


def language_tag(value: str) -> str:
    """``value`` as a canonical language tag (``pt_br`` -> ``pt-BR``, ``zh-Hant-TW``), or
    ValueError when it names no language babel knows."""
    if not isinstance(value, str) or not 0 < len(value.strip()) <= 35:
        raise ValueError("not a language tag")
    try:
        locale = Locale.parse(value.strip().replace("_", "-"), sep="-")
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"unknown language {value!r}") from None
    return "-".join(part for part in (locale.language, locale.script, locale.territory) if part)
