"""The languages of form texts: tags, the caller's language among a study's, texts shown
in it with the default as fallback, and every text of a design under a stable path."""

from __future__ import annotations

import pytest

from datacapt.forms.languages import (
    FormLanguages,
    _asked,
    form_texts,
    in_language,
    pick_language,
)
from datacapt.i18n.tags import language_tag

BLOCKS = [
    {
        "kind": "question",
        "code": "smoker",
        "label": {"en": "Smoker", "de": "Raucher"},
        "help": {"en": "Now or before"},
        "options": {"choices": [{"value": "Y", "label": {"en": "Yes", "de": "Ja"}}]},
        "columns": [],
    },
    {
        "kind": "question",
        "code": "ae",
        "label": {"en": "Events"},
        "columns": [{"code": "term", "label": {"en": "Term", "fr": "Terme"}}],
    },
    {"kind": "static", "uuid": "b1", "content": {"en": "Thanks."}},
    {"kind": "static", "content": {"en": "Bye."}},
]


def test_language_tags_are_canonical_or_refused():
    assert [language_tag(t) for t in ("pt_br", "de", "zh-Hant-TW")] == ["pt-BR", "de", "zh-Hant-TW"]
    for bad in ("xx", "", "e" * 40, 12, "en--US"):
        with pytest.raises(ValueError):
            language_tag(bad)  # type: ignore[arg-type]


def test_the_first_offered_language_asked_wins_else_the_default():
    languages = FormLanguages("en", ("en", "fr", "de-DE", "de"))
    assert pick_language(languages, ["es", "de-CH", "fr"]) == "de"  # its primary language
    assert pick_language(languages, ["DE_de"]) == "de-DE"
    assert pick_language(FormLanguages("en", ("en", "de-AT")), ["de"]) == "de-AT"
    assert pick_language(languages, [None, "it"]) == "en"
    assert _asked("fr;q=0.3, de-CH, *, en;q=0, it;q=x") == ["de-CH", "fr"]


def test_texts_are_shown_in_the_language_else_the_default_without_changing_the_design():
    shown = in_language(BLOCKS, "de-CH", "en")
    assert shown[0]["label"] == {"de": "Raucher"}
    assert shown[0]["help"] == {"en": "Now or before"}
    assert shown[0]["options"]["choices"][0]["label"] == {"de": "Ja"}
    assert shown[1]["columns"][0]["label"] == {"en": "Term"}
    assert in_language({"fr": "Seul"}, "de", "en") == {"fr": "Seul"}
    assert in_language({}, "de", "en") == {}
    assert in_language(None, "de", "en") is None
    assert BLOCKS[0]["label"] == {"en": "Smoker", "de": "Raucher"}


def test_each_text_has_a_stable_path():
    section = {"uuid": "s1", "title": {"en": "Visit"}, "subsections": []}
    paths = [t.path for t in form_texts(BLOCKS, sections=[section], title={"title": {"en": "T"}})]
    assert paths == [
        "title",
        "section/s1/title",
        "question/smoker/label",
        "question/smoker/help",
        "question/smoker/choice/Y/label",
        "question/ae/label",
        "question/ae/column/term/label",
        "static/b1/content",
        "static/3/content",
    ]
