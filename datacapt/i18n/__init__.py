"""Translations: messages in the request's language (the `Language` header), English fallback.

Catalogs are gettext `.po` files, one per domain, read with Babel once per process: the
core's `datacapt/i18n/locales/<language>/LC_MESSAGES/datacapt.po`, and each plugin's
`<language>/LC_MESSAGES/<plugin>.po` in the locales folder its `datacapt_translations`
hook names. Code marks text with ``Message("... {name} ...", name=...)``; it is rendered
when serialized, in the language of the request (or of ``language_context``), so a message
created in a service reads right in the response.

A message belongs to the domain of the code that creates it: a plugin's when that code's
file lies in the folder holding the plugin's locales folder (its package), else the core's.
It is looked up in its domain's catalog, then in the core's, so a plugin may reuse a core
text without translating it again and its own translation of the same text wins for its
messages; a core message is looked up in the core's catalog only, so no plugin changes the
core's texts or another plugin's.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po
from flask import has_request_context, request

DEFAULT_LANGUAGE = "en"
SUPPORTED_LANGUAGES = ("en", "fr")
CORE_DOMAIN = "datacapt"
LOCALES_DIR = Path(__file__).with_name("locales")

_language: ContextVar[str | None] = ContextVar("datacapt_language", default=None)


@dataclass(frozen=True)
class Domain:
    """A catalog: its name (the `.po` file's), its locales folder and the code it covers."""

    name: str
    locales: Path
    root: Path

    def catalog_path(self, language: str) -> Path:
        return self.locales / language / "LC_MESSAGES" / f"{self.name}.po"


_domains: dict[str, Domain] = {
    CORE_DOMAIN: Domain(CORE_DOMAIN, LOCALES_DIR, LOCALES_DIR.parents[1]),
}
# The domain of each source file that created a message, found once per file.
_file_domains: dict[str, str] = {}


def register_domain(name: str, locales: Path) -> Domain:
    """Add a plugin's catalog: ``locales`` holds ``<language>/LC_MESSAGES/<name>.po`` and
    translates the messages created by the code of the folder holding it."""
    locales = Path(os.path.realpath(locales))
    domain = Domain(name, locales, locales.parent)
    known = _domains.get(name)
    if known is not None and known != domain:
        raise ValueError(f"translation domain {name!r} is already read from {known.locales}")
    for other in _domains.values():
        if other.name != name and other.root == domain.root:
            raise ValueError(f"{domain.root} already holds the catalog of {other.name!r}")
    _domains[name] = domain
    _file_domains.clear()
    return domain


def domains() -> dict[str, Domain]:
    """Every catalog of this process, the core's first."""
    return dict(_domains)


def domain_of(filename: str | None) -> str:
    """The domain of the messages created by the code in ``filename``."""
    if not filename:
        return CORE_DOMAIN
    found = _file_domains.get(filename)
    if found is None:
        path = os.path.realpath(filename)
        covering = [
            d
            for d in _domains.values()
            if d.name != CORE_DOMAIN and path.startswith(f"{d.root}{os.sep}")
        ]
        found = max(covering, key=lambda d: len(d.root.parts)).name if covering else CORE_DOMAIN
        _file_domains[filename] = found
    return found


def read_catalog(path: Path, language: str) -> dict[str, str]:
    """A `.po` file's translations (none when it does not exist); fuzzy ones are skipped."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        m.id: m.string
        for m in catalog
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string and not m.fuzzy
    }


@functools.cache
def _catalog(domain: str, language: str) -> dict[str, str]:
    return read_catalog(_domains[domain].catalog_path(language), language)


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


def translate(msgid: str, language: str | None = None, domain: str = CORE_DOMAIN) -> str:
    """``msgid`` in ``language``: from ``domain``'s catalog, else the core's, else as is."""
    language = language or current_language()
    if language == DEFAULT_LANGUAGE:
        return msgid
    if domain != CORE_DOMAIN:
        found = _catalog(domain, language).get(msgid)
        if found is not None:
            return found
    return _catalog(CORE_DOMAIN, language).get(msgid, msgid)


class Message:
    """A translatable text with named parameters, rendered on demand."""

    __slots__ = ("msgid", "origin", "params")

    def __init__(self, msgid: str, **params: Any) -> None:
        self.msgid = msgid
        self.params = params
        # The file of the code creating the message: it decides the catalog (domain_of).
        self.origin: str | None = sys._getframe(1).f_globals.get("__file__")

    @property
    def domain(self) -> str:
        return domain_of(self.origin)

    def render(self, language: str | None = None) -> str:
        params = {  # a message may quote another, in the same language
            name: value.render(language) if isinstance(value, Message) else value
            for name, value in self.params.items()
        }
        return translate(self.msgid, language, self.domain).format(**params)

    def with_params(self, **params: Any) -> Message:
        """The same text with (more) parameters: a template filled in, in its own domain."""
        filled = Message(self.msgid, **{**self.params, **params})
        filled.origin = self.origin
        return filled

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
