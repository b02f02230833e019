"""Each form's texts by language: what is translated, missing or stale (its source text
changed since it was translated), and the PO files translators work on.

A PO file has one entry per text of the form: its path as the context (``msgctxt``), the
default-language text as the source (``msgid``) and the translation (``msgstr``, empty when
missing, flagged fuzzy when stale). Importing one writes the translations whose source is
still the form's into the form, and keeps the SHA-256 of that source beside each."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, write_po

from datacapt.toolkit import (
    FormLanguages,
    FormText,
    Message,
    Study,
    db,
    has_refused_characters,
    invalid,
    require_current,
)
from plugins.translations.errors import TranslationsCodes
from plugins.translations.forms import Form
from plugins.translations.models import TranslatedText
from plugins.translations.settings import study_form_languages

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_LENGTH = 10_000


def source_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _hashes(study: Study, form: Form) -> dict[tuple[str, str], TranslatedText]:
    rows = db.session.execute(
        sa.select(TranslatedText).where(
            TranslatedText.study_id == study.id,
            TranslatedText.form_kind == form.kind,
            TranslatedText.form_uuid == form.uuid,
        )
    ).scalars()
    return {(row.path, row.language): row for row in rows}


def _sourced(form: Form, default: str) -> list[tuple[FormText, str]]:
    """The form's texts that have a source text (in the default language)."""
    return [(text, text.texts[default]) for text in form.texts if text.texts.get(default)]


@dataclass
class LanguageCount:
    language: str
    total: int = 0
    translated: int = 0
    missing: int = 0
    stale: int = 0


def _is_stale(hashes: dict, text: FormText, language: str, source: str) -> bool:
    row = hashes.get((text.path, language))
    return row is not None and row.source_sha256 != source_sha256(source)


def completeness(study: Study, form: Form) -> dict[str, Any]:
    """The form with, for each language the study offers besides its default, how many of
    its texts are translated (stale ones included), missing and stale."""
    languages = study_form_languages(study)
    hashes = _hashes(study, form)
    sourced = _sourced(form, languages.default)
    counts = []
    for language in languages.offered[1:]:
        count = LanguageCount(language, total=len(sourced))
        for text, source in sourced:
            if text.texts.get(language):
                count.translated += 1
                count.stale += _is_stale(hashes, text, language, source)
            else:
                count.missing += 1
        counts.append(count)
    return {
        "kind": form.kind,
        "uuid": form.uuid,
        "code": form.code,
        "etag": form.etag,
        "default_language": languages.default,
        "languages": counts,
    }


def form_detail(study: Study, form: Form) -> dict[str, Any]:
    """The form's completeness with each of its texts: source and translations."""
    languages = study_form_languages(study)
    hashes = _hashes(study, form)
    return {
        **completeness(study, form),
        "texts": [
            {
                "path": text.path,
                "source": source,
                "translations": [
                    {
                        "language": language,
                        "text": text.texts.get(language),
                        "stale": _is_stale(hashes, text, language, source),
                    }
                    for language in languages.offered[1:]
                ],
            }
            for text, source in _sourced(form, languages.default)
        ],
    }


def translated_language(languages: FormLanguages, language: str) -> str:
    """``language`` as the study offers it, other than its default; else 422."""
    found = next((tag for tag in languages.offered if tag.lower() == language.lower()), None)
    if found is None or found == languages.default:
        raise invalid(
            TranslationsCodes.TRANSLATIONS_LANGUAGE_INVALID,
            Message("The study offers no such language to translate into."),
            field="language",
            offered=list(languages.offered[1:]),
        )
    return found


def _babel_locale(language: str) -> Locale | None:
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, TypeError):
        return None


def export_po(study: Study, form: Form, language: str) -> bytes:
    """The form's texts as a PO file for translating into ``language``."""
    languages = study_form_languages(study)
    language = translated_language(languages, language)
    hashes = _hashes(study, form)
    catalog = Catalog(
        locale=_babel_locale(language),
        project=f"{form.kind} {form.code}",
        fuzzy=False,
    )
    for text, source in _sourced(form, languages.default):
        catalog.add(
            source,
            text.texts.get(language) or "",
            context=text.path,
            flags=("fuzzy",) if _is_stale(hashes, text, language, source) else (),
        )
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, omit_header=False)
    return buffer.getvalue()


def _unreadable(reason: Message) -> Exception:
    return invalid(
        TranslationsCodes.TRANSLATIONS_FILE_INVALID,
        Message("The file is not a PO file of this form's texts: {reason}", reason=reason),
        field="file",
    )


def _read_po(content: bytes) -> list[Any]:
    if len(content) > MAX_FILE_BYTES:
        raise _unreadable(Message("it is larger than 5 MB."))
    try:
        catalog = read_po(io.BytesIO(content), abort_invalid=True)
    except (PoFileError, UnicodeError, LookupError, ValueError) as exc:
        raise _unreadable(Message("it cannot be read.")) from exc
    messages = [m for m in catalog if m.id]
    for message in messages:
        if not isinstance(message.id, str) or not isinstance(message.string, str):
            raise _unreadable(Message("plural entries are not texts of a form."))
        if len(message.string) > MAX_TEXT_LENGTH:
            raise _unreadable(Message("a translation is longer than 10,000 characters."))
        if has_refused_characters(message.id) or has_refused_characters(message.string):
            raise _unreadable(Message("a text holds the NUL character or an unpaired surrogate."))
    return messages


@dataclass
class ImportReport:
    language: str
    etag: str
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    stale: list[dict[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)


def import_po(study: Study, form: Form, language: str, content: bytes) -> ImportReport:
    """Write the file's translations into the form and report on each text: written,
    unchanged, missing (no translation, or fuzzy), stale (translated from a source the form
    no longer has: not written) and unknown (a path the form lacks). The form is locked
    (``get_form(for_update=True)``) and saved once, through its module."""
    require_current(form.etag)
    languages = study_form_languages(study)
    language = translated_language(languages, language)
    messages = {m.context: m for m in _read_po(content) if m.context}
    sourced = _sourced(form, languages.default)
    known = {text.path for text, _ in sourced}
    hashes = _hashes(study, form)
    report = ImportReport(language, form.etag)
    report.unknown = sorted(path for path in messages if path not in known)
    accepted: list[tuple[FormText, str]] = []
    for text, source in sourced:
        message = messages.get(text.path)
        if message is None or not message.string.strip() or message.fuzzy:
            report.missing.append(text.path)
        elif message.id != source:
            report.stale.append({"path": text.path, "source": source, "file_source": message.id})
        else:
            accepted.append((text, source))
            changed = text.texts.get(language) != message.string
            (report.written if changed else report.unchanged).append(text.path)
            if changed:
                text.holder[text.key] = {**text.texts, language: message.string}
    if report.written:
        report.etag = form.save()
    _keep_sources(study, form, language, accepted, hashes)
    db.session.flush()
    return report


def _keep_sources(
    study: Study,
    form: Form,
    language: str,
    accepted: Iterable[tuple[FormText, str]],
    hashes: dict[tuple[str, str], TranslatedText],
) -> None:
    """The hash of each accepted translation's source, a change only where it differs."""
    for text, source in accepted:
        digest = source_sha256(source)
        row = hashes.get((text.path, language))
        if row is None:
            db.session.add(
                TranslatedText(
                    study_id=study.id,
                    form_kind=form.kind,
                    form_uuid=form.uuid,
                    path=text.path,
                    language=language,
                    source_sha256=digest,
                )
            )
        elif row.source_sha256 != digest:
            row.source_sha256 = digest
