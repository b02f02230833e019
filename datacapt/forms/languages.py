"""The languages of a form's texts: every text of a design is a map of language tag -> text
(labels, help, choice labels, static content, section titles). A study names its default
language and the languages it offers (a plugin answering ``datacapt_form_languages``);
reads give each text in the caller's language, else in the default.

``form_texts`` walks a design's texts, each under a stable path (a question by its code, a
static block or a section by its uuid), for their completeness and for files to translators.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import g, has_request_context, request

from datacapt.database import db, transaction_cached
from datacapt.identity.models import User
from datacapt.slots import Slot
from datacapt.studies.models import Study

T = TypeVar("T")


@dataclass(frozen=True)
class FormLanguages:
    """A study's default language for its forms and every language it offers (the default
    first)."""

    default: str
    offered: tuple[str, ...]


@dataclass(frozen=True)
class FormText:
    """One text of a design: its stable path, and where it sits (``holder[key]``)."""

    path: str
    holder: MutableMapping[str, Any]
    key: str

    @property
    def texts(self) -> dict[str, str]:
        value = self.holder.get(self.key)
        return value if isinstance(value, dict) else {}


def _question_texts(question: MutableMapping[str, Any], path: str) -> Iterator[FormText]:
    for key in ("label", "help"):
        if isinstance(question.get(key), dict):
            yield FormText(f"{path}/{key}", question, key)
    options = question.get("options")
    choices = options.get("choices") if isinstance(options, dict) else None
    for choice in choices if isinstance(choices, list) else []:
        if isinstance(choice, dict) and isinstance(choice.get("label"), dict):
            yield FormText(f"{path}/choice/{choice.get('value')}/label", choice, "label")
    for column in question.get("columns") or []:
        if isinstance(column, dict) and column.get("code"):
            yield from _question_texts(column, f"{path}/column/{column['code']}")


def block_texts(blocks: Iterable[MutableMapping[str, Any]]) -> Iterator[FormText]:
    """The texts of a flat form's blocks (design or filled), in order."""
    for index, block in enumerate(blocks):
        if block.get("kind") == "question":
            yield from _question_texts(block, f"question/{block.get('code')}")
        elif isinstance(block.get("content"), dict):
            # A static block is known by its uuid; one without (a flat form's) by its place.
            name = block.get("uuid") or index
            yield FormText(f"static/{name}/content", block, "content")


def form_texts(
    blocks: Iterable[MutableMapping[str, Any]] = (),
    sections: Iterable[MutableMapping[str, Any]] = (),
    title: MutableMapping[str, Any] | None = None,
) -> list[FormText]:
    """Every text of a design: its title (``{"title": {...}}``), its sections ->
    subsections -> blocks (an eCRF) and its flat blocks (a questionnaire)."""
    found: list[FormText] = []
    if title is not None and isinstance(title.get("title"), dict):
        found.append(FormText("title", title, "title"))
    for section in sections:
        found.append(FormText(f"section/{section.get('uuid')}/title", section, "title"))
        for sub in section.get("subsections") or []:
            found.append(FormText(f"subsection/{sub.get('uuid')}/title", sub, "title"))
            found.extend(block_texts(sub.get("blocks") or []))
    found.extend(block_texts(blocks))
    return found


def text_in(texts: Mapping[str, str], language: str, default: str) -> dict[str, str]:
    """A text map reduced to the one text shown: in ``language``, else in its primary
    language (``de`` for ``de-CH``), else the default, else any there is; the key says
    which language it is in."""
    for tag in (language, language.split("-")[0], default):
        if texts.get(tag):
            return {tag: texts[tag]}
    for tag, text in texts.items():
        if text:
            return {tag: text}
    return {}


def in_language(value: T, language: str, default: str) -> T:
    """A copy of blocks (a list) or of a text map (a dict) with every text in ``language``,
    else in ``default``."""
    if isinstance(value, dict):
        return text_in(value, language, default)  # type: ignore[return-value]
    if not isinstance(value, list):
        return value  # no text (a title never set)
    copied = deepcopy(value)
    for text in block_texts(copied):
        text.holder[text.key] = text_in(text.texts, language, default)
    return copied


def _asked(header: str | None) -> list[str]:
    """The languages of a ``Language`` or ``Accept-Language`` value, by quality."""
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag))
    return [tag for _, _, tag in sorted(weighted)]


def matching_language(languages: FormLanguages, asked: Sequence[str | None]) -> str | None:
    """The first asked language the study offers: exactly, else its primary language
    (``de-CH`` finds ``de``), else one sharing it (``de-DE``); None when none is offered."""
    offered = {tag.lower(): tag for tag in languages.offered}
    # By primary language, the first offered variant of each.
    primaries = {tag.lower().split("-")[0]: tag for tag in reversed(languages.offered)}
    for tag in asked:
        if not tag:
            continue
        wanted = tag.strip().lower().replace("_", "-")
        primary = wanted.split("-")[0]
        found = offered.get(wanted) or offered.get(primary) or primaries.get(primary)
        if found:
            return found
    return None


def pick_language(languages: FormLanguages, asked: Sequence[str | None]) -> str:
    """The first asked language the study offers, else its default."""
    return matching_language(languages, asked) or languages.default


LanguagesFinder = Callable[[Study], FormLanguages | None]
_LANGUAGES: Slot[LanguagesFinder] = Slot("datacapt.form_languages")


def register_form_languages(app: Any, find: LanguagesFinder) -> None:
    """Set what answers a study's form languages (the enabled plugins' answer, or None)."""
    _LANGUAGES.fill(app, find)


def study_languages(study: Study) -> FormLanguages | None:
    """The study's form languages, None when no enabled module sets them (read once per
    transaction)."""
    return transaction_cached(("form_languages", study.id), lambda: _LANGUAGES.get()(study))


def _signed_in_language() -> str | None:
    principal = g.get("principal") if has_request_context() else None
    user_id = getattr(principal, "user_id", None)
    return db.session.get_one(User, user_id).language if user_id is not None else None


def reading_language(study: Study, person_language: str | None = None) -> str | None:
    """The language the caller reads the study's forms in: the request's ``Language``, then
    ``Accept-Language``, then ``person_language`` (a subject's), then the signed-in user's,
    each if the study offers it, else its default; None when no module sets languages."""
    languages = study_languages(study)
    if languages is None:
        return None
    asked: list[str | None] = []
    if has_request_context():
        asked += _asked(request.headers.get("Language"))
        asked += _asked(request.headers.get("Accept-Language"))
    asked.append(person_language)
    # The user's own language is looked up only when nothing asked before it is offered.
    return matching_language(languages, asked) or pick_language(languages, [_signed_in_language()])


def in_reading_language(study: Study, value: T, person_language: str | None = None) -> T:
    """Blocks or a text map of the study's forms as the caller reads them: each text in
    their language (``reading_language``) else the study's default. Unchanged (every
    language) when no module sets the study's languages. Every form read calls it."""
    language = reading_language(study, person_language)
    languages = study_languages(study)
    if language is None or languages is None:
        return value
    return in_language(value, language, languages.default)
