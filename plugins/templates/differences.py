"""The difference between two versions of a template, block by block: questions (by code)
added, removed or changed field by field; texts (titles, static content, labels outside
questions, message texts) added, removed or changed where they lie; and other settings
(a questionnaire's schedule, a consent's signers) changed.

A text that only moved (a question inserted before it) is no difference."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXT_KEYS = frozenset({"title", "content", "label", "help", "statement", "texts"})


def _parts(
    value: Any, path: str, questions: dict[str, Any], texts: dict[str, Any], settings: dict
) -> None:
    if isinstance(value, Mapping):
        if value.get("kind") == "question" and isinstance(value.get("code"), str):
            questions[value["code"]] = value
            return
        for key, item in value.items():
            inner = f"{path}.{key}" if path else str(key)
            if key in TEXT_KEYS:
                texts[inner] = item
            elif key != "kind":  # a block's kind says nothing its content does not
                _parts(item, inner, questions, texts, settings)
    elif isinstance(value, list) and value and all(not isinstance(v, Mapping) for v in value):
        settings[path] = value  # a list of plain values (channels, days) is one setting
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _parts(item, f"{path}.{index}" if path else str(index), questions, texts, settings)
    else:
        settings[path] = value


def _split(content: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    questions: dict[str, Any] = {}
    texts: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    _parts(content, "", questions, texts, settings)
    return questions, texts, settings


def _question_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    return {
        field: {"from": old.get(field), "to": new.get(field)}
        for field in sorted(set(old) | set(new))
        if old.get(field) != new.get(field)
    }


def _text_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list]:
    gone = {path: text for path, text in old.items() if new.get(path) != text}
    came = {path: text for path, text in new.items() if old.get(path) != text}
    # A text found on the other side at another place only moved.
    old_values = list(old.values())
    new_values = list(new.values())
    gone = {path: text for path, text in gone.items() if text not in new_values}
    came = {path: text for path, text in came.items() if text not in old_values}
    changed = sorted(set(gone) & set(came))
    return {
        "added": [{"path": p, "text": came[p]} for p in sorted(came) if p not in gone],
        "removed": [{"path": p, "text": gone[p]} for p in sorted(gone) if p not in came],
        "changed": [{"path": p, "from": gone[p], "to": came[p]} for p in changed],
    }


def difference(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """What changed from content ``old`` to content ``new``."""
    old_questions, old_texts, old_settings = _split(old)
    new_questions, new_texts, new_settings = _split(new)
    changed_questions = [
        {"code": code, "fields": _question_changes(old_questions[code], new_questions[code])}
        for code in sorted(set(old_questions) & set(new_questions))
        if old_questions[code] != new_questions[code]
    ]
    return {
        "questions": {
            "added": sorted(set(new_questions) - set(old_questions)),
            "removed": sorted(set(old_questions) - set(new_questions)),
            "changed": changed_questions,
        },
        "texts": _text_changes(old_texts, new_texts),
        "settings": [
            {"path": path, "from": old_settings.get(path), "to": new_settings.get(path)}
            for path in sorted(set(old_settings) | set(new_settings))
            if old_settings.get(path) != new_settings.get(path)
        ],
    }
