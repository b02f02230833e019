"""A version's parameters (its ``config``): arms with ratios, factors (the study's center,
or an eCRF question: a single choice, a yes/no, or a number cut into ranges), and the
method's settings. The schema checks their shape; ``problems`` checks them against the
method and the study's eCRF, and ``resolved`` stores each choice question's levels, so a
version says by itself what its strata are."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import marshmallow as ma

from datacapt.toolkit import Message, QuestionType, Study, invalid
from plugins.ecrf.api import compiled_form
from plugins.randomizations.errors import RandomizationCodes
from plugins.randomizations.methods.minimization import DISTANCES
from plugins.randomizations.models import Method

CODE = ma.validate.Regexp(
    r"^[A-Za-z][A-Za-z0-9_]{0,39}$", error="A letter, then letters, digits or _."
)
ARM_CODE = ma.validate.Regexp(r"^[A-Za-z0-9_-]{1,20}$", error="1 to 20 letters, digits, _ or -.")
CENTER, QUESTION = "center", "question"
CHOICE_TYPES = frozenset({QuestionType.SINGLE_CHOICE, QuestionType.YES_NO})
NUMBER_TYPES = frozenset(
    {QuestionType.INTEGER, QuestionType.DECIMAL, QuestionType.SCALE, QuestionType.CALCULATED}
)
YES_NO_LEVELS = {True: "yes", False: "no"}


class ArmSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=ARM_CODE)
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    ratio = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=10))


class RangeSchema(ma.Schema):
    """A level of a number: from ``min`` (included) to ``max`` (excluded); either open."""

    code = ma.fields.String(required=True, validate=CODE)
    min = ma.fields.Decimal(as_string=True, allow_none=True, load_default=None, allow_nan=False)
    max = ma.fields.Decimal(as_string=True, allow_none=True, load_default=None, allow_nan=False)


class FactorSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=CODE)
    source = ma.fields.String(required=True, validate=ma.validate.OneOf([CENTER, QUESTION]))
    question = ma.fields.String(validate=CODE, metadata={"description": "The eCRF question's code"})
    ranges = ma.fields.List(ma.fields.Nested(RangeSchema), validate=ma.validate.Length(max=20))
    weight = ma.fields.Float(
        load_default=1.0,
        validate=ma.validate.Range(min=0, min_inclusive=False, max=100),
        metadata={"description": "Minimization: the factor's weight"},
    )
    levels = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "A choice question's levels, stored from the eCRF at each save"
            " (what is sent is replaced)"
        },
    )


class MinimizationSchema(ma.Schema):
    distance = ma.fields.String(required=True, validate=ma.validate.OneOf(list(DISTANCES)))
    probability = ma.fields.Float(
        required=True,
        validate=ma.validate.Range(min=0.5, max=1),
        metadata={"description": "Of following the minimizing arm (0.8: 80 %)"},
    )
    random_first = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=10000),
        metadata={"description": "How many subjects are first assigned at random"},
    )


class ConfigSchema(ma.Schema):
    arms = ma.fields.List(
        ma.fields.Nested(ArmSchema), required=True, validate=ma.validate.Length(min=2, max=8)
    )
    factors = ma.fields.List(
        ma.fields.Nested(FactorSchema), load_default=list, validate=ma.validate.Length(max=6)
    )
    block_sizes = ma.fields.List(
        ma.fields.Integer(validate=ma.validate.Range(min=2, max=100)),
        validate=ma.validate.Length(min=1, max=5),
        metadata={"description": "Blocks: the sizes blocks are drawn from"},
    )
    capacity = ma.fields.Integer(
        validate=ma.validate.Range(min=1, max=100000),
        metadata={"description": "Blocks: the slots of each stratum"},
    )
    warning_threshold = ma.fields.Integer(
        load_default=0,
        validate=ma.validate.Range(min=0, max=100000),
        metadata={"description": "A stratum with this many slots left or fewer is flagged"},
    )
    minimization = ma.fields.Nested(MinimizationSchema)


def _problem(field: str, message: Message) -> dict[str, Any]:
    return {"field": field, "message": message}


def _arm_problems(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    codes = [arm["code"] for arm in config["arms"]]
    if len(set(codes)) != len(codes):
        return [_problem("arms", Message("Two arms have the same code."))]
    return []


def _range_problems(field: str, ranges: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not ranges:
        return [_problem(f"{field}.ranges", Message("A number is cut into ranges: give them."))]
    problems = []
    if len({r["code"] for r in ranges}) != len(ranges):
        problems.append(_problem(f"{field}.ranges", Message("Two ranges have the same code.")))
    low = Decimal("-Infinity")
    for index, level in enumerate(sorted(ranges, key=_range_start)):
        start = _range_start(level)
        end = level["max"] if level["max"] is not None else Decimal("Infinity")
        if start >= end:
            problems.append(_problem(f"{field}.ranges", Message("A range ends before it starts.")))
        elif index and start < low:
            problems.append(_problem(f"{field}.ranges", Message("Two ranges overlap.")))
        low = max(low, end)
    return problems


def _range_start(level: Mapping[str, Any]) -> Decimal:
    return level["min"] if level["min"] is not None else Decimal("-Infinity")


def _factor_problems(
    index: int, factor: Mapping[str, Any], questions: Mapping[str, Any]
) -> list[dict[str, Any]]:
    field = f"factors.{index}"
    if factor["source"] == CENTER:
        if factor.get("question") or factor.get("ranges"):
            return [_problem(field, Message("A center factor names no question and no range."))]
        return []
    code = factor.get("question")
    question = questions.get(code) if code else None
    if question is None:
        return [_problem(f"{field}.question", Message("The eCRF has no such question."))]
    if question.type in CHOICE_TYPES:
        if factor.get("ranges"):
            return [_problem(f"{field}.ranges", Message("Only a number is cut into ranges."))]
        return []
    if question.type in NUMBER_TYPES:
        return _range_problems(field, factor.get("ranges") or [])
    return [
        _problem(
            f"{field}.question",
            Message("A factor is a single choice, a yes/no or a number question."),
        )
    ]


def _method_problems(method: str, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    blocks, minimizes = method == Method.BLOCKS, method == Method.MINIMIZATION
    problems = []
    for name, wanted in (
        ("block_sizes", blocks),
        ("capacity", blocks),
        ("minimization", minimizes),
    ):
        if wanted and config.get(name) is None:
            problems.append(_problem(name, Message("This method needs it.")))
        elif not wanted and config.get(name) is not None:
            problems.append(_problem(name, Message("This method does not take it.")))
    if blocks and config.get("block_sizes"):
        total = sum(arm["ratio"] for arm in config["arms"])
        if any(size % total for size in config["block_sizes"]):
            problems.append(
                _problem(
                    "block_sizes",
                    Message(
                        "Each block size is a multiple of the ratios' sum ({total}).", total=total
                    ),
                )
            )
    if minimizes and not config["factors"]:
        problems.append(_problem("factors", Message("Minimization balances at least one factor.")))
    return problems


def problems(method: str, config: Mapping[str, Any], study: Study) -> list[dict[str, Any]]:
    """What is wrong with ``config`` for ``method`` in ``study`` (its eCRF), as
    ``{field, message}``."""
    found = _arm_problems(config) + _method_problems(method, config)
    codes = [factor["code"] for factor in config["factors"]]
    if len(set(codes)) != len(codes):
        found.append(_problem("factors", Message("Two factors have the same code.")))
    if sum(factor["source"] == CENTER for factor in config["factors"]) > 1:
        found.append(_problem("factors", Message("The center is one factor at most.")))
    questions = compiled_form(study).by_code
    for index, factor in enumerate(config["factors"]):
        found += _factor_problems(index, factor, questions)
    capacity = config.get("capacity")
    if capacity is not None and config["warning_threshold"] >= capacity:
        found.append(
            _problem("warning_threshold", Message("The warning comes before the list runs out."))
        )
    return found


def checked(method: str, config: Mapping[str, Any], study: Study) -> dict[str, Any]:
    """``config`` as stored: checked (422 with its problems) and with each choice
    question's levels."""
    found = problems(method, config, study)
    if found:
        raise invalid(
            RandomizationCodes.RANDOMIZATION_DESIGN_INVALID,
            Message("The design has problems; details.problems lists them."),
            problems=found,
        )
    return resolved(config, study)


def rechecked(method: str, stored: Mapping[str, Any], study: Study) -> dict[str, Any]:
    """A stored config checked again (the eCRF may have changed since it was saved)."""
    return checked(method, ConfigSchema().load(stored), study)


def resolved(config: Mapping[str, Any], study: Study) -> dict[str, Any]:
    """The config as JSON, each choice factor with the levels its question offers now."""
    stored = ConfigSchema().dump(config)
    questions = compiled_form(study).by_code
    for factor in stored["factors"]:
        question = questions.get(factor.get("question"))
        if question is not None and question.type == QuestionType.YES_NO:
            factor["levels"] = list(YES_NO_LEVELS.values())
        elif question is not None and question.type == QuestionType.SINGLE_CHOICE:
            factor["levels"] = [str(c["value"]) for c in question.options.get("choices", [])]
    return stored
