"""Rules as JSON data, evaluated without ``eval``: JsonLogic's syntax and operators, plus a
few of the field's own (``answered``, ``days_between``, ``years_between``, ``round``).

A rule is a JSON value: a literal (number, string, boolean, null, list), or an object with
one key, the operator, whose value is the list of arguments: ``{">=": [{"var": "age"}, 18]}``.
A frontend evaluates the same rules with json-logic-js and the extra operators of
docs/forms.md. Missing answers are ``null``: a comparison with ``null`` is false, and
arithmetic with ``null`` gives ``null``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from datacapt.graphs import DependencyCycle, dependency_order
from datacapt.i18n import Message

MAX_DEPTH = 32


class RuleError(ValueError):
    """A rule that is not well formed (unknown operator, wrong arity, too deep)."""


def _number(value: Any) -> float | int | None:
    """A finite number, or None (a text that is no number, infinity and NaN included)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _compare(op: Callable[[Any, Any], bool]) -> Callable[..., bool]:
    def compare(a: Any, b: Any, c: Any = None) -> bool:
        if a is None or b is None:
            return False
        left, right = _number(a), _number(b)
        if left is None or right is None:
            left, right = a, b  # strings and dates compare as they are (ISO dates sort)
        try:
            if c is not None:  # between: a < b < c
                return op(left, right) and op(right, _number(c) if _number(c) is not None else c)
            return op(left, right)
        except TypeError:
            return False

    return compare


def _numbers(values: Iterable[Any]) -> list[float | int] | None:
    """The values as numbers, or None when any is no number (or there are none)."""
    numbers = [_number(v) for v in values]
    if not numbers or None in numbers:
        return None
    return [n for n in numbers if n is not None]


def _arithmetic(op: Callable[[float, float], float]) -> Callable[..., Any]:
    def apply(*values: Any) -> Any:
        numbers = _numbers(values)
        if numbers is None:
            return None
        result = numbers[0]
        for n in numbers[1:]:
            try:
                result = op(result, n)
            except (ZeroDivisionError, OverflowError):
                return None
        return _number(result)

    return apply


def _equal(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if _number(a) is not None and _number(b) is not None:
        return _number(a) == _number(b)
    return a == b


def _in(item: Any, collection: Any) -> bool:
    if item is None or collection is None:
        return False
    if isinstance(collection, str):
        return isinstance(item, str) and item in collection
    return isinstance(collection, list) and any(_equal(item, element) for element in collection)


def _days_between(start: Any, end: Any) -> int | None:
    first, last = _date(start), _date(end)
    return (last - first).days if first and last else None


def _years_between(start: Any, end: Any) -> int | None:
    """Whole years from ``start`` to ``end`` (an age from a birth date)."""
    first, last = _date(start), _date(end)
    if not first or not last:
        return None
    return last.year - first.year - ((last.month, last.day) < (first.month, first.day))


def _round(value: Any, digits: Any = 0) -> Any:
    number = _number(value)
    if number is None:
        return None
    places = max(-15, min(int(_number(digits) or 0), 15))  # what a float holds
    factor = 10**places
    return math.floor(number * factor + 0.5) / factor if places else math.floor(number + 0.5)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


# name: (function, minimum arguments, maximum arguments or None)
OPERATORS: dict[str, tuple[Callable[..., Any], int, int | None]] = {
    "==": (_equal, 2, 2),
    "!=": (lambda a, b: not _equal(a, b), 2, 2),
    "<": (_compare(lambda a, b: a < b), 2, 3),
    "<=": (_compare(lambda a, b: a <= b), 2, 3),
    ">": (_compare(lambda a, b: a > b), 2, 2),
    ">=": (_compare(lambda a, b: a >= b), 2, 2),
    "!": (lambda a: not _truthy(a), 1, 1),
    "in": (_in, 2, 2),
    "+": (_arithmetic(lambda a, b: a + b), 1, None),
    "-": (_arithmetic(lambda a, b: a - b), 1, None),
    "*": (_arithmetic(lambda a, b: a * b), 1, None),
    "/": (_arithmetic(lambda a, b: a / b), 2, 2),
    "min": (lambda *v: None if (n := _numbers(v)) is None else min(n), 1, None),
    "max": (lambda *v: None if (n := _numbers(v)) is None else max(n), 1, None),
    "round": (_round, 1, 2),
    "empty": (_empty, 1, 1),
    "days_between": (_days_between, 2, 2),
    "years_between": (_years_between, 2, 2),
}
# Operators that decide which of their arguments to evaluate.
LAZY = {"and", "or", "if", "var", "answered"}


def _truthy(value: Any) -> bool:
    return not _empty(value) and value is not False and value != 0


def _arguments(rule: Mapping[str, Any]) -> tuple[str, list[Any]]:
    if len(rule) != 1:
        raise RuleError(f"a rule object has exactly one operator, not {sorted(rule)}")
    ((operator, arguments),) = rule.items()
    return operator, arguments if isinstance(arguments, list) else [arguments]


def evaluate(rule: Any, answers: Mapping[str, Any], depth: int = 0) -> Any:
    """The value of ``rule`` given the answers (question code -> value)."""
    if depth > MAX_DEPTH:
        raise RuleError(f"rules nest at most {MAX_DEPTH} levels")
    if isinstance(rule, list):
        return [evaluate(item, answers, depth + 1) for item in rule]
    if not isinstance(rule, Mapping):
        return rule
    operator, arguments = _arguments(rule)
    if operator == "var":
        return answers.get(str(arguments[0])) if arguments else None
    if operator == "answered":
        return not _empty(answers.get(str(arguments[0]))) if arguments else False
    if operator == "and":
        result: Any = True
        for argument in arguments:
            result = evaluate(argument, answers, depth + 1)
            if not _truthy(result):
                return False
        return _truthy(result)
    if operator == "or":
        return any(_truthy(evaluate(a, answers, depth + 1)) for a in arguments)
    if operator == "if":
        for index in range(0, len(arguments) - 1, 2):
            if _truthy(evaluate(arguments[index], answers, depth + 1)):
                return evaluate(arguments[index + 1], answers, depth + 1)
        return evaluate(arguments[-1], answers, depth + 1) if len(arguments) % 2 else None
    if operator not in OPERATORS:
        raise RuleError(f"unknown operator {operator!r}")
    function = OPERATORS[operator][0]
    return function(*(evaluate(a, answers, depth + 1) for a in arguments))


def truthy(rule: Any, answers: Mapping[str, Any]) -> bool:
    return _truthy(evaluate(rule, answers))


def nesting(rule: Any) -> int:
    """How deep a rule nests, counted as ``evaluate`` does, without recursing."""
    deepest, stack = 0, [(rule, 0)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
        elif isinstance(item, Mapping):
            for arguments in item.values():
                children = arguments if isinstance(arguments, list) else [arguments]
                stack.extend((child, depth + 1) for child in children)
    return deepest


def problems(rule: Any, known_codes: Iterable[str] | None = None) -> list[Message]:
    """What is wrong with a rule: too deep, unknown operators or question codes, wrong
    arities."""
    if nesting(rule) > MAX_DEPTH:
        return [Message("rules nest at most {limit} levels", limit=MAX_DEPTH)]
    known = set(known_codes) if known_codes is not None else None
    return _problems(rule, known)


def _problems(rule: Any, known: set[str] | None) -> list[Message]:
    if isinstance(rule, list):
        return [p for item in rule for p in _problems(item, known)]
    if not isinstance(rule, Mapping):
        return []
    if len(rule) != 1:
        return [
            Message(
                "a rule object has exactly one operator, not {operators}",
                operators=", ".join(sorted(map(str, rule))),
            )
        ]
    operator, arguments = _arguments(rule)
    if operator in ("var", "answered"):
        if len(arguments) != 1 or not isinstance(arguments[0], str):
            return [Message("{operator} takes one question code", operator=operator)]
        return (
            []
            if known is None or arguments[0] in known
            else [Message("unknown question '{code}'", code=arguments[0])]
        )
    found = (
        []
        if operator in LAZY or operator in OPERATORS
        else [Message("unknown operator '{operator}'", operator=operator)]
    )
    if operator in OPERATORS:
        _, low, high = OPERATORS[operator]
        if len(arguments) < low or (high is not None and len(arguments) > high):
            found.append(_arity(operator, low, high))
    if operator == "if" and len(arguments) < 2:
        found.append(Message("if takes a condition and a value"))
    return found + [p for a in arguments for p in _problems(a, known)]


def _arity(operator: str, low: int, high: int | None) -> Message:
    if high == low:
        return Message("{operator} takes {low} arguments", operator=operator, low=low)
    if high is None:
        return Message("{operator} takes {low} or more arguments", operator=operator, low=low)
    return Message(
        "{operator} takes {low} to {high} arguments", operator=operator, low=low, high=high
    )


def references(rule: Any) -> set[str]:
    """The question codes a rule reads (without recursing: rules are checked for depth
    after their references are known)."""
    found: set[str] = set()
    stack = [rule]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
            continue
        if not isinstance(item, Mapping) or len(item) != 1:
            continue
        ((operator, arguments),) = item.items()
        arguments = arguments if isinstance(arguments, list) else [arguments]
        if operator in ("var", "answered"):
            if arguments:
                found.add(str(arguments[0]))
        else:
            stack.extend(arguments)
    return found


def find_cycle(dependencies: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in "code depends on codes", as the list of codes around it, or None."""
    try:
        dependency_order(dependencies)
    except DependencyCycle as exc:
        return exc.cycle
    return None
