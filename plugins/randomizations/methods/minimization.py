"""Pocock-Simon minimization. For a new subject, each arm's score is the imbalance the
trial would have if the subject went to that arm: for each factor, the counts of the
subjects sharing the new subject's level, per arm and divided by the arm's ratio, with the
subject added to the candidate arm, measured by the distance (``range``: largest minus
smallest; ``variance``: their variance; ``maximum``: the largest), weighted by the factor's
weight and summed. The arms of the lowest score are the minimizing ones.

The first ``random_first`` subjects are assigned at random (with the ratios). Then: when
every arm is minimizing, at random (with the ratios); otherwise, with ``probability``, one
of the minimizing arms (equally likely), else one of the others (equally likely).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from plugins.randomizations.methods.stream import SeededStream

# Scores equal to this many decimals are a tie (variances are floats).
_TIE_DECIMALS = 9


def _range(values: Sequence[float]) -> float:
    return max(values) - min(values)


def _variance(values: Sequence[float]) -> float:
    mean = sum(values) / len(values)
    return sum((value - mean) ** 2 for value in values) / len(values)


DISTANCES: dict[str, Callable[[Sequence[float]], float]] = {
    "range": _range,
    "variance": _variance,
    "maximum": max,
}


class Phase:
    """How an arm was chosen."""

    RANDOM = "random"  # among the first subjects
    TIE = "tie"  # every arm minimizing
    MINIMIZING = "minimizing"  # followed the minimization
    OTHER = "other"  # went against it (1 - probability)


@dataclass(frozen=True)
class Rule:
    arms: tuple[str, ...]
    ratios: tuple[int, ...]
    factors: tuple[str, ...]
    weights: tuple[float, ...]
    distance: str
    probability: float
    random_first: int

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Rule:
        settings = config["minimization"]
        return cls(
            tuple(arm["code"] for arm in config["arms"]),
            tuple(arm["ratio"] for arm in config["arms"]),
            tuple(factor["code"] for factor in config["factors"]),
            tuple(float(factor.get("weight", 1)) for factor in config["factors"]),
            settings["distance"],
            float(settings["probability"]),
            int(settings["random_first"]),
        )


class Balance:
    """The assignments so far: per arm, and per (factor, level) and arm."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.assigned = 0
        self.counts: dict[tuple[str, str], list[int]] = {}

    def _row(self, factor: str, level: str) -> list[int]:
        row = self.counts.get((factor, level))
        if row is None:
            row = self.counts[factor, level] = [0] * len(self.rule.arms)
        return row

    def add(self, levels: Mapping[str, str], arm: str, count: int = 1) -> None:
        """Count an assignment (``count=-1``: no longer); one of an earlier version may lack
        a factor added since, or have an arm dropped since (nothing to balance it with)."""
        self.assigned += count
        if arm not in self.rule.arms:
            return
        index = self.rule.arms.index(arm)
        for factor in self.rule.factors:
            level = levels.get(factor)
            if level is not None:
                self._row(factor, level)[index] += count

    def scores(self, levels: Mapping[str, str]) -> list[float]:
        """Each arm's score for a subject of ``levels``."""
        rule = self.rule
        distance = DISTANCES[rule.distance]
        rows = [
            (weight, self.counts.get((factor, levels[factor])) or [0] * len(rule.arms))
            for factor, weight in zip(rule.factors, rule.weights, strict=True)
        ]
        scores = []
        for candidate in range(len(rule.arms)):
            total = 0.0
            for weight, row in rows:
                normalized = [
                    (count + (arm == candidate)) / ratio
                    for arm, (count, ratio) in enumerate(zip(row, rule.ratios, strict=True))
                ]
                total += weight * distance(normalized)
            scores.append(round(total, _TIE_DECIMALS))
        return scores


@dataclass(frozen=True)
class Choice:
    arm: str
    phase: str
    scores: dict[str, float] | None  # per arm; None in the random first part
    minimizing: tuple[str, ...]

    def details(self) -> dict[str, Any]:
        """What an assignment keeps of it (blinded: it reveals the arms)."""
        return {"phase": self.phase, "scores": self.scores, "minimizing": list(self.minimizing)}


def choose(rule: Rule, balance: Balance, levels: Mapping[str, str], stream: SeededStream) -> Choice:
    """The arm of the next subject (of ``levels``), drawn from ``stream``."""
    if balance.assigned < rule.random_first:
        return Choice(rule.arms[stream.weighted(rule.ratios)], Phase.RANDOM, None, ())
    scores = dict(zip(rule.arms, balance.scores(levels), strict=True))
    best = min(scores.values())
    minimizing = tuple(arm for arm, score in scores.items() if score == best)
    if len(minimizing) == len(rule.arms):
        arm, phase = rule.arms[stream.weighted(rule.ratios)], Phase.TIE
    elif stream.random() < rule.probability:
        arm, phase = stream.choice(minimizing), Phase.MINIMIZING
    else:
        arm, phase = stream.choice([a for a in rule.arms if a not in minimizing]), Phase.OTHER
    return Choice(arm, phase, scores, minimizing)
