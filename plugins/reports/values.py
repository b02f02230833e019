"""Texts of a design and answers as printed: a label in the report's language, an answer
with its coded value beside the label a person reads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from datacapt.toolkit import DEFAULT_LANGUAGE, Message

CHOICE_TYPES = frozenset({"single_choice", "multiple_choice"})
YES, NO = Message("Yes"), Message("No")


def text(labels: Mapping[str, str] | None, language: str, fallback: str = "") -> str:
    """A translated text in ``language``, else English, else any it has."""
    if not labels:
        return fallback
    return (
        labels.get(language)
        or labels.get(DEFAULT_LANGUAGE)
        or next(iter(labels.values()), fallback)
    )


def choices(block: Mapping[str, Any], language: str) -> list[tuple[str, str]]:
    """A choice question's (coded value, label) pairs, as designed; yes/no's too."""
    if block.get("type") == "yes_no":
        return [("true", YES.render(language)), ("false", NO.render(language))]
    return [
        (_coded(choice["value"]), text(choice.get("label"), language, _coded(choice["value"])))
        for choice in (block.get("options") or {}).get("choices", [])
    ]


def printed(block: Mapping[str, Any], value: Any, language: str) -> str:
    """An answer as a reader sees it: a choice's label with its coded value in brackets."""
    if value is None:
        return ""
    kind = block.get("type")
    if kind == "yes_no" and isinstance(value, bool):
        return f"{(YES if value else NO).render(language)} ({_coded(value)})"
    if kind in CHOICE_TYPES:
        labels = dict(choices(block, language))
        values = value if isinstance(value, list) else [value]
        return "; ".join(f"{labels.get(_coded(v), _coded(v))} ({_coded(v)})" for v in values)
    if kind == "repeating_group" and isinstance(value, list):
        return "; ".join(
            ", ".join(f"{key}: {_coded(cell)}" for key, cell in row.items())
            for row in value
            if isinstance(row, Mapping)
        )
    return _coded(value)


def _coded(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
