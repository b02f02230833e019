"""The eCRF design as the form engine sees it: its questions, with each subsection's
display condition joined to its questions' own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from datacapt.forms.questions import Level, Question, QuestionType, ValidationRule


def _question(block: Mapping[str, Any], subsection_condition: Any = None) -> Question:
    conditions = [c for c in (subsection_condition, block.get("visible_if")) if c is not None]
    visible_if = (
        None if not conditions else conditions[0] if len(conditions) == 1 else {"and": conditions}
    )
    return Question(
        code=block["code"],
        type=QuestionType(block["type"]),
        required=block.get("required", False),
        options=block.get("options") or {},
        visible_if=visible_if,
        calculation=block.get("calculation"),
        validations=[
            ValidationRule(v["rule"], Level(v["level"]), v.get("message", ""))
            for v in block.get("validations") or []
        ],
        columns=[_question(column) for column in block.get("columns") or []],
    )


def engine_questions(sections: Iterable[Mapping[str, Any]]) -> list[Question]:
    """Every question of a design document (sections -> subsections -> blocks), in order."""
    return [
        _question(block, subsection.get("visible_if"))
        for section in sections
        for subsection in section.get("subsections", [])
        for block in subsection.get("blocks", [])
        if block.get("kind") == "question"
    ]
