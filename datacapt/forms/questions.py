"""Question types, their options, and the check of one answer against its question."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from datacapt.errors import DatacaptException, ErrorCode, InternalCodes
from datacapt.forms import rules
from datacapt.i18n import Message

CODE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


class QuestionType(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"
    SCALE = "scale"
    CALCULATED = "calculated"
    FILE = "file"
    REPEATING_GROUP = "repeating_group"


class Level(enum.StrEnum):
    """How serious a validation finding is (the query it raises)."""

    INFORMATION = "information"
    WARNING = "warning"
    EXCLUSION = "exclusion"


@dataclass(frozen=True)
class ValidationRule:
    """A finding of ``level`` whenever ``rule`` holds (the rule describes the problem)."""

    rule: Any
    level: Level
    message: str


@dataclass(frozen=True)
class Question:
    code: str
    type: QuestionType
    required: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    visible_if: Any = None
    calculation: Any = None
    validations: Sequence[ValidationRule] = ()
    columns: Sequence[Question] = ()  # the questions of a repeating group's rows
    # Where the question's block is in its design, for problems to point at it.
    section: Any = None
    block: Any = None


class AnswerError(ValueError):
    """The answer does not fit its question; the messages say what is expected (a
    repeating group's rows may say several things)."""

    def __init__(self, message: Message, *more: Message) -> None:
        super().__init__(message.msgid)
        self.messages = [message, *more]

    def __str__(self) -> str:
        return "; ".join(str(message) for message in self.messages)


_PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")


def _choices(question: Question) -> list[Any]:
    return [choice["value"] for choice in question.options.get("choices", [])]


def _bounded(question: Question, number: Any) -> None:
    low, high = question.options.get("min"), question.options.get("max")
    if low is not None and number < Decimal(str(low)):
        raise AnswerError(Message("at least {low}", low=low))
    if high is not None and number > Decimal(str(high)):
        raise AnswerError(Message("at most {high}", high=high))


def clean_answer(question: Question, value: Any) -> Any:
    """The answer as stored (dates and decimals as ISO strings), or AnswerError."""
    if value is None or value == "":
        return None
    kind = question.type
    if kind in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT):
        limit = question.options.get(
            "max_length", 255 if kind == QuestionType.SHORT_TEXT else 10000
        )
        if not isinstance(value, str):
            raise AnswerError(Message("a text"))
        if len(value) > limit:
            raise AnswerError(Message("at most {limit} characters", limit=limit))
        return value
    if kind == QuestionType.INTEGER:
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnswerError(Message("a whole number"))
        _bounded(question, Decimal(value))
        return value
    if kind in (QuestionType.DECIMAL, QuestionType.SCALE):
        if isinstance(value, bool):
            raise AnswerError(Message("a number"))
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise AnswerError(Message("a number")) from None
        if not number.is_finite():
            raise AnswerError(Message("a number"))
        precision = question.options.get("precision")
        exponent = number.as_tuple().exponent  # an int: the number is finite
        if precision is not None and isinstance(exponent, int) and -exponent > precision:
            raise AnswerError(Message("at most {precision} decimals", precision=precision))
        _bounded(question, number)
        step = question.options.get("step")
        if (
            kind == QuestionType.SCALE
            and step
            and (number - Decimal(str(question.options.get("min", 0)))) % Decimal(str(step))
        ):
            raise AnswerError(Message("a step of {step}", step=step))
        return (
            str(number)
            if kind == QuestionType.DECIMAL
            else (int(number) if number == number.to_integral() else float(number))
        )
    if kind == QuestionType.DATE:
        if not isinstance(value, str):
            raise AnswerError(Message("a date (YYYY-MM-DD)"))
        if question.options.get("partial") and _PARTIAL_DATE.match(value):
            return value  # unknown day (YYYY-MM) or month (YYYY)
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            raise AnswerError(Message("a date (YYYY-MM-DD)")) from None
    if kind == QuestionType.TIME:
        if not isinstance(value, str) or not _TIME.match(value):
            raise AnswerError(Message("a time (HH:MM)"))
        return value
    if kind == QuestionType.DATETIME:
        try:
            return dt.datetime.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise AnswerError(Message("a date and time (YYYY-MM-DDTHH:MM)")) from None
    if kind == QuestionType.SINGLE_CHOICE:
        if value not in _choices(question):
            raise AnswerError(Message("one of the choices"))
        return value
    if kind == QuestionType.MULTIPLE_CHOICE:
        if not isinstance(value, list) or any(v not in _choices(question) for v in value):
            raise AnswerError(Message("a list of the choices"))
        return sorted(set(value), key=_choices(question).index)
    if kind == QuestionType.YES_NO:
        if not isinstance(value, bool):
            raise AnswerError(Message("yes (true) or no (false)"))
        return value
    if kind == QuestionType.CALCULATED:
        raise AnswerError(Message("calculated by the platform, not answered"))
    if kind == QuestionType.FILE:
        try:
            return str(uuid.UUID(value))
        except (TypeError, ValueError, AttributeError):
            raise AnswerError(Message("the id of an uploaded file")) from None
    if kind == QuestionType.REPEATING_GROUP:
        return _clean_rows(question, value)
    raise AnswerError(Message("unknown question type {kind}", kind=kind))


def clean_answers(
    questions: Mapping[str, Question],
    given: Mapping[str, Any],
    unknown: Message,
    check: Callable[[Question, Any], Message | None] | None = None,
) -> dict[str, Any]:
    """Each given answer cleaned against its question, or a 422 naming every answer that
    does not fit: ``unknown`` for a code that is not a question here, ``check`` for what
    the module adds (an upload that does not exist, ...)."""
    cleaned, errors = {}, {}
    for code, value in given.items():
        question = questions.get(code)
        if question is None:
            errors[code] = [unknown]
            continue
        try:
            cleaned[code] = clean_answer(question, value)
        except AnswerError as exc:
            errors[code] = exc.messages
            continue
        problem = check(question, cleaned[code]) if check else None
        if problem is not None:
            errors[code] = [problem]
    if errors:
        raise DatacaptException(
            ErrorCode.VALIDATION_ERROR,
            InternalCodes.VALIDATION_FAILED,
            Message("Some answers do not fit their questions."),
            fields=errors,
        )
    return cleaned


def _clean_rows(question: Question, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(row, Mapping) for row in value):
        raise AnswerError(Message("a list of rows"))
    limit = question.options.get("max_rows")
    if limit is not None and len(value) > limit:
        raise AnswerError(Message("at most {limit} rows", limit=limit))
    columns = {column.code: column for column in question.columns}
    cleaned, problems = [], []
    for index, row in enumerate(value, start=1):
        unknown = sorted(set(row) - set(columns))
        if unknown:
            problems.append(
                Message(
                    "row {index}: unknown fields {fields}", index=index, fields=", ".join(unknown)
                )
            )
        clean_row = {}
        for code, column in columns.items():
            try:
                clean_row[code] = clean_answer(column, row.get(code))
            except AnswerError as exc:
                problems += [
                    Message(
                        "row {index}, {code}: {problem}", index=index, code=code, problem=problem
                    )
                    for problem in exc.messages
                ]
                continue
            if column.required and clean_row[code] is None:
                problems.append(Message("row {index}, {code}: required", index=index, code=code))
        cleaned.append(clean_row)
    if problems:
        raise AnswerError(*problems)
    return cleaned


_NUMBER_OPTIONS = ("min", "max", "step")
_COUNT_OPTIONS = ("precision", "max_length", "max_rows")
# The options each type takes (docs/forms.md); any other key is a mistake of the design.
OPTIONS_BY_TYPE: dict[QuestionType, frozenset[str]] = {
    QuestionType.SHORT_TEXT: frozenset({"max_length"}),
    QuestionType.LONG_TEXT: frozenset({"max_length"}),
    QuestionType.INTEGER: frozenset({"min", "max", "unit"}),
    QuestionType.DECIMAL: frozenset({"precision", "min", "max", "unit"}),
    QuestionType.DATE: frozenset({"partial"}),
    QuestionType.TIME: frozenset(),
    QuestionType.DATETIME: frozenset(),
    QuestionType.SINGLE_CHOICE: frozenset({"choices"}),
    QuestionType.MULTIPLE_CHOICE: frozenset({"choices"}),
    QuestionType.YES_NO: frozenset(),
    QuestionType.SCALE: frozenset({"min", "max", "step", "labels"}),
    QuestionType.CALCULATED: frozenset(),
    QuestionType.FILE: frozenset(),
    QuestionType.REPEATING_GROUP: frozenset({"max_rows"}),
}


@dataclass(frozen=True)
class Problem:
    """What is wrong with a design: the question (its code, and where its block is),
    the field of the block (``options.min``, ``validations.0.rule``) and why."""

    question: str | None
    field: str | None
    message: Message
    section: Any = None
    block: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "section": None if self.section is None else str(self.section),
            "block": None if self.block is None else str(self.block),
            "question": self.question,
            "field": self.field,
            "message": self.message,
        }


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _valid_choices(choices: Any) -> bool:
    return isinstance(choices, list) and all(
        isinstance(c, dict) and isinstance(c.get("value"), str | int | float | bool)
        for c in choices
    )


def _option_type_problems(question: Question) -> list[tuple[str, Message]]:
    """Unknown options, and options of the wrong type (answers are checked against them)."""
    options = question.options
    found = [
        (
            f"options.{name}",
            Message("{type} questions have no option {name}", type=question.type, name=name),
        )
        for name in sorted(set(options) - OPTIONS_BY_TYPE[question.type])
    ]
    found += [
        (f"options.{name}", Message("{name} must be a number", name=name))
        for name in _NUMBER_OPTIONS
        if options.get(name) is not None and not _is_number(options[name])
    ]
    found += [
        (f"options.{name}", Message("{name} must be a whole number, 0 or more", name=name))
        for name in _COUNT_OPTIONS
        if options.get(name) is not None and not _is_count(options[name])
    ]
    if options.get("choices") is not None and not _valid_choices(options["choices"]):
        found.append(
            (
                "options.choices",
                Message('choices must be a list of {{"value": ..., "label": {{...}}}}'),
            )
        )
    if options.get("partial") is not None and not isinstance(options["partial"], bool):
        found.append(("options.partial", Message("partial must be true or false")))
    if options.get("unit") is not None and not isinstance(options["unit"], str):
        found.append(("options.unit", Message("unit must be a text")))
    if options.get("labels") is not None and not isinstance(options["labels"], dict):
        found.append(("options.labels", Message("labels must be an object")))
    return found


def _setting_problems(question: Question) -> list[tuple[str, Message]]:
    """What is wrong with the settings of a question whose options have the right types."""
    options, kind, found = question.options, question.type, []
    if kind in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        values = _choices(question)
        if not values:
            found.append(("options.choices", Message("a choice question needs a list of choices")))
        elif len(values) != len(set(values)):
            found.append(("options.choices", Message("choices need distinct values")))
    if kind == QuestionType.SCALE and ("min" not in options or "max" not in options):
        found.append(("options", Message("a scale needs min and max")))
    low, high = options.get("min"), options.get("max")
    if low is not None and high is not None and low > high:
        found.append(("options.min", Message("min is greater than max")))
    if options.get("step") is not None and options["step"] <= 0:
        found.append(("options.step", Message("a step is greater than 0")))
    if kind == QuestionType.CALCULATED and question.calculation is None:
        found.append(("calculation", Message("a calculated question needs its calculation")))
    if kind != QuestionType.CALCULATED and question.calculation is not None:
        found.append(("calculation", Message("only calculated questions have a calculation")))
    if kind == QuestionType.REPEATING_GROUP and not question.columns:
        found.append(("columns", Message("a repeating group needs columns")))
    return found


def option_problems(question: Question, prefix: str = "") -> list[Problem]:
    """What is wrong with a question's own settings (rules are checked with the form);
    ``prefix`` places a repeating group's column (``columns.0.``)."""
    found: list[tuple[str, Message]] = []
    if not CODE_PATTERN.match(question.code):
        found.append(("code", Message("a code is a letter then up to 39 letters, digits or _")))
    mistyped = _option_type_problems(question)
    # The settings' checks read the options: only once they have the right types.
    found += mistyped or _setting_problems(question)
    problems = [
        Problem(question.code, prefix + field, message, question.section, question.block)
        for field, message in found
    ]
    for index, column in enumerate(question.columns):
        located = dataclasses.replace(column, section=question.section, block=question.block)
        problems += option_problems(located, f"{prefix}columns.{index}.")
    return problems


def rule_codes(question: Question) -> set[str]:
    """The codes the question's display condition and calculation read."""
    return rules.references(question.visible_if) | rules.references(question.calculation)
