"""A form's state from its answers: what is visible, calculated values, answers cleared
because their question became hidden, validation findings, and completion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from datacapt.forms import rules
from datacapt.forms.questions import (
    Level,
    Problem,
    Question,
    QuestionType,
    option_problems,
    rule_codes,
)
from datacapt.graphs import dependency_order
from datacapt.i18n import Message


@dataclass(frozen=True)
class Finding:
    code: str
    level: Level
    message: str


@dataclass
class FormState:
    answers: dict[str, Any]
    visible: set[str]
    calculated: dict[str, Any] = field(default_factory=dict)
    cleared: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    required: int = 0
    required_answered: int = 0


def _as_decimal_text(value: Any) -> Any:
    """A calculated number as the API gives every decimal: a string ("42.4")."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def design_problems(questions: Sequence[Question]) -> list[Problem]:
    """Why a form cannot be saved: bad codes or settings, rules too deep or naming unknown
    questions or operators, and display conditions or calculations that depend on
    themselves; each problem points at its question's block and field."""
    found: list[Problem] = []
    seen: set[str] = set()
    for question in questions:
        if question.code in seen:
            found.append(_problem(question, "code", Message("this code is used twice")))
        seen.add(question.code)
    known = {q.code for q in questions}
    for question in questions:
        found.extend(option_problems(question))
        rules_of = [("visible_if", question.visible_if), ("calculation", question.calculation)]
        rules_of += [(f"validations.{i}.rule", v.rule) for i, v in enumerate(question.validations)]
        for name, rule in rules_of:
            found.extend(_problem(question, name, p) for p in rules.problems(rule, known))
    return found + _cycle_problems(questions)


def _problem(question: Question, field_name: str, message: Message) -> Problem:
    return Problem(question.code, field_name, message, question.section, question.block)


def _cycle_problems(questions: Sequence[Question]) -> list[Problem]:
    cycle = rules.find_cycle({q.code: rule_codes(q) for q in questions})
    if not cycle:
        return []
    first = next(q for q in questions if q.code == cycle[0])
    field_name = "calculation" if cycle[1] in rules.references(first.calculation) else "visible_if"
    message = Message("these depend on each other: {cycle}", cycle=" -> ".join(cycle))
    return [_problem(first, field_name, message)]


def is_answered(value: Any) -> bool:
    return value not in (None, "", [])


def asks_for_answer(question: Question, state: FormState) -> bool:
    """Whether the question must be answered in this state (required, shown, not computed)."""
    return (
        question.required
        and question.type != QuestionType.CALCULATED
        and question.code in state.visible
    )


def evaluate_form(questions: Sequence[Question], answers: Mapping[str, Any]) -> FormState:
    """The state of a form (the design has no problems) for the given cleaned answers."""
    by_code = {q.code: q for q in questions}
    current = {code: answers.get(code) for code in by_code}
    state = FormState(answers=current, visible=set())
    for code in dependency_order({q.code: rule_codes(q) for q in questions}):
        question = by_code.get(code)
        if question is None:
            continue
        visible = question.visible_if is None or rules.truthy(question.visible_if, current)
        if not visible:
            if current.get(code) is not None:
                state.cleared.append(code)
            current[code] = None
            continue
        state.visible.add(code)
        if question.type == QuestionType.CALCULATED:
            value = _as_decimal_text(rules.evaluate(question.calculation, current))
            current[code] = state.calculated[code] = value
    for question in questions:
        if question.code not in state.visible:
            continue
        for validation in question.validations:
            if rules.truthy(validation.rule, current):
                state.findings.append(Finding(question.code, validation.level, validation.message))
        if asks_for_answer(question, state):
            state.required += 1
            state.required_answered += is_answered(current.get(question.code))
    return state
