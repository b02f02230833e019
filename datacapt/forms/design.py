"""A form design as the engine sees it: the questions of its blocks, each with the display
condition of its container joined to its own; and its blocks as filled in."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from datacapt.forms.questions import Level, Question, QuestionType, ValidationRule
from datacapt.forms.state import FormState


def question_of(
    block: Mapping[str, Any], container_condition: Any = None, section: Any = None
) -> Question:
    """The engine's question for a question block (or a repeating group's column), placed
    in ``section`` for the problems of its design."""
    conditions = [c for c in (container_condition, block.get("visible_if")) if c is not None]
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
        columns=[question_of(column) for column in block.get("columns") or []],
        section=section,
        block=block.get("uuid"),
    )


def block_questions(
    blocks: Iterable[Mapping[str, Any]], container_condition: Any = None, section: Any = None
) -> list[Question]:
    """The questions among ``blocks`` (static content left out), in order."""
    return [
        question_of(block, container_condition, section)
        for block in blocks
        if block.get("kind") == "question"
    ]


def engine_questions(sections: Iterable[Mapping[str, Any]]) -> list[Question]:
    """Every question of a sectioned design (sections -> subsections -> blocks), in order."""
    return [
        question
        for section in sections
        for subsection in section.get("subsections", [])
        for question in block_questions(
            subsection.get("blocks", []), subsection.get("visible_if"), section.get("uuid")
        )
    ]


def filled_blocks(blocks: Iterable[Mapping[str, Any]], state: FormState) -> list[dict[str, Any]]:
    """Blocks as a form shows them: static content, or a question with its visibility and
    value in ``state``; each with its uuid and rules, for a frontend to evaluate them as the
    user types."""
    filled: list[dict[str, Any]] = []
    for block in blocks:
        common = {"uuid": block.get("uuid"), "visible_if": block.get("visible_if")}
        if block.get("kind") != "question":
            filled.append({"kind": "static", **common, "content": block.get("content", {})})
            continue
        code = block["code"]
        filled.append(
            {
                "kind": "question",
                **common,
                "code": code,
                "type": block["type"],
                "label": block.get("label", {}),
                "help": block.get("help", {}),
                "required": block.get("required", False),
                "options": block.get("options", {}),
                "calculation": block.get("calculation"),
                "validations": block.get("validations", []),
                "columns": block.get("columns", []),
                "visible": code in state.visible,
                "value": state.answers.get(code),
            }
        )
    return filled
