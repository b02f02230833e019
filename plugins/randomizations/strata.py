"""Strata: the factor levels of a subject, read from their center and their eCRF answers,
and the key naming a combination of levels (``center=PAR;sex=F``, levels percent-encoded;
empty for a design without factors)."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from datacapt.toolkit import Message, Study, conflict, invalid
from plugins.ecrf.api import subject_answers
from plugins.randomizations.config import CENTER, YES_NO_LEVELS
from plugins.randomizations.errors import RandomizationCodes
from plugins.subjects.api import SubjectInStudy


def stratum_key(factors: Sequence[Mapping[str, Any]], levels: Mapping[str, str]) -> str:
    return ";".join(f"{f['code']}={quote(levels[f['code']], safe='')}" for f in factors)


def level_of(factor: Mapping[str, Any], value: Any) -> str | None:
    """The level an answer falls in (None: in none of the version's levels)."""
    if factor.get("ranges"):
        if isinstance(value, bool):
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return None
        for level in factor["ranges"]:
            low, high = level.get("min"), level.get("max")
            if (low is None or number >= Decimal(low)) and (high is None or number < Decimal(high)):
                return level["code"]
        return None
    level = YES_NO_LEVELS[value] if isinstance(value, bool) else str(value)
    return level if level in factor.get("levels", ()) else None


def factor_levels(factor: Mapping[str, Any], centers: Sequence[str]) -> list[str]:
    """Every level of a factor (a center factor's are the study's center codes)."""
    if factor["source"] == CENTER:
        return list(centers)
    if factor.get("ranges"):
        return [level["code"] for level in factor["ranges"]]
    return list(factor.get("levels", ()))


def all_strata(config: Mapping[str, Any], centers: Sequence[str]) -> list[dict[str, str]]:
    """Every combination of the factors' levels, in the factors' order."""
    factors = config["factors"]
    choices = [factor_levels(factor, centers) for factor in factors]
    return [
        {factor["code"]: level for factor, level in zip(factors, combination, strict=True)}
        for combination in itertools.product(*choices)
    ]


def _unanswered(value: Any) -> bool:
    return value is None or value == "" or value == []


def subject_levels(
    study: Study, participation: SubjectInStudy, config: Mapping[str, Any]
) -> tuple[dict[str, str], dict[str, Any]]:
    """The subject's level of each factor, and the answers read for them: 422 naming every
    question still unanswered, 409 when an answer is in none of the version's levels."""
    answers = subject_answers(study, participation)
    questions = [f["question"] for f in config["factors"] if f["source"] != CENTER]
    missing = [question for question in questions if _unanswered(answers.get(question))]
    if missing:
        raise invalid(
            RandomizationCodes.STRATA_ANSWERS_MISSING,
            Message("The subject has no answer yet to: {questions}.", questions=", ".join(missing)),
            questions=missing,
        )
    levels: dict[str, str] = {}
    for factor in config["factors"]:
        if factor["source"] == CENTER:
            levels[factor["code"]] = participation.center.code
            continue
        level = level_of(factor, answers[factor["question"]])
        if level is None:
            raise conflict(
                RandomizationCodes.STRATUM_LEVEL_UNKNOWN,
                Message(
                    "The answer to {question} is in none of the design's levels: a new"
                    " version of the design must add it.",
                    question=factor["question"],
                ),
                factor=factor["code"],
                question=factor["question"],
            )
        levels[factor["code"]] = level
    return levels, {question: answers[question] for question in questions}


def keys_of(config: Mapping[str, Any], centers: Sequence[str]) -> dict[str, dict[str, str]]:
    """Every stratum's key, with its levels."""
    factors = config["factors"]
    return {stratum_key(factors, levels): levels for levels in all_strata(config, centers)}
