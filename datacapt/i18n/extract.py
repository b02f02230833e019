"""The translatable texts of each domain's code, and its catalogs checked and updated
against them (`flask translations check | update`).

A domain's texts are the ``Message("...")`` literals of the Python files under its root
(the core: the `datacapt` package; a plugin: the folder holding its locales folder), which
is also how a message finds its catalog at run time. Message templates carry their own
texts per language (datacapt.notifications.templates).
"""

from __future__ import annotations

import ast
import io
import string
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from datacapt.i18n import (
    DEFAULT_LANGUAGE,
    SUPPORTED_LANGUAGES,
    Domain,
    read_catalog,
)

TRANSLATED_LANGUAGES = tuple(lang for lang in SUPPORTED_LANGUAGES if lang != DEFAULT_LANGUAGE)
_WIDTH = 76


def _literal_messages(path: Path) -> list[str]:
    return [
        node.args[0].value
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Message"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def message_ids(domain: Domain) -> set[str]:
    """Every text of ``domain``'s code."""
    return {text for path in domain.root.rglob("*.py") for text in _literal_messages(path)}


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def catalog_problems(domain: Domain, language: str, core: Domain) -> list[str]:
    """What keeps ``domain``'s catalog in ``language`` from matching its code: texts
    without a translation (a plugin's may come from ``core``), translations of texts the
    code no longer has, and translations whose placeholders differ (formatting would fail)."""
    catalog = read_catalog(domain.catalog_path(language), language)
    fallback = read_catalog(core.catalog_path(language), language) if domain != core else {}
    wanted = message_ids(domain)
    problems = [
        f"no translation: {text!r}" for text in sorted(wanted - set(catalog) - set(fallback))
    ]
    problems += [f"not in the code: {text!r}" for text in sorted(set(catalog) - wanted)]
    problems += [
        f"placeholders differ: {text!r}"
        for text, translated in sorted(catalog.items())
        if _fields(text) != _fields(translated)
    ]
    return problems


def update_catalog(domain: Domain, language: str, core: Domain) -> Path:
    """Write ``domain``'s catalog in ``language`` with every text of its code: translations
    kept, new texts untranslated, texts the code lost removed. A plugin's new texts that
    ``core`` translates are left to it (a translation of its own, once added, is kept)."""
    path = domain.catalog_path(language)
    if path.exists():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain=domain.name)
    else:
        catalog = Catalog(locale=language, domain=domain.name, project=domain.name)
    wanted = message_ids(domain)
    if domain != core:
        own = {message.id for message in catalog if message.id}
        wanted -= set(read_catalog(core.catalog_path(language), language)) - own
    template = Catalog(domain=domain.name, creation_date=catalog.creation_date)
    for text in sorted(wanted):
        template.add(text)
    # Same creation date: rewriting an up-to-date catalog changes nothing.
    catalog.update(template, no_fuzzy_matching=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=_WIDTH, ignore_obsolete=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path
