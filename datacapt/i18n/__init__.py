"""Translations: messages in the request's language (the `Language` header), English fallback.

Catalogs are gettext `.po` files under `locales/<language>/LC_MESSAGES/datacapt.po`, read
with Babel once per process. Code marks text with ``Message("... {name} ...", name=...)``;
it is rendered when serialized, in the language of the request (or of
``language_context``), so a message created in a service reads right in the response.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import has_request_context, request

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "fr")
LOCALES_DIR = Path(__file__).with_name("locales")

_language: ContextVar[str | None] = ContextVar("datacapt_language", default=None)


@functools.cache
def _catalog(language: str) -> dict[str, str]:
    path = LOCALES_DIR / language / "LC_MESSAGES" / "datacapt.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and isinstance(m.string, str) and m.string and not m.fuzzy
    }


def negotiate(header: str | None) -> str:
    """The supported language a `Language` or `Accept-Language` value asks for first."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower().replace("_", "-").split("-")[0]
        if code in SUPPORTED_LANGUAGES:
            return code
    return DEFAULT_LANGUAGE


def current_language() -> str:
    chosen = _language.get()
    if chosen:
        return chosen
    if has_request_context():
        return negotiate(request.headers.get("Language") or request.headers.get("Accept-Language"))
    return DEFAULT_LANGUAGE


@contextmanager
def language_context(language: str) -> Iterator[None]:
    """Render messages in ``language`` inside the block (emails to a given person)."""
    token = _language.set(negotiate(language))
    try:
        yield
    finally:
        _language.reset(token)


def translate(msgid: str, language: str | None = None) -> str:
    language = language or current_language()
    if language == DEFAULT_LANGUAGE:
        return msgid
    return _catalog(language).get(msgid, msgid)


class Message:
    """A translatable text with named parameters, rendered on demand."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params

    def render(self, language: str | None = None) -> str:
        params = {  # a message may quote another, in the same language
            name: value.render(language) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return translate(self.msgid, language).format(**params)

    def with_params(self, **params: Any) -> Message:
        """The same text with (more) parameters: a template filled in."""
        return Message(self.msgid, **{**self.params, **params})

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.msgid!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Message):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.msgid)
