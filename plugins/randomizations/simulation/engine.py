"""Simulated trials of a design: subjects drawn from a population (each factor's levels
with their weights), assigned by the design's method exactly as the platform assigns
them, from a stream of the simulation's own seed.

What it measures, each over the trials:
- imbalance: the largest minus the smallest count per arm, each count divided by its arm's
  ratio (``2`` in a 1:1 trial of 11 against 9), at the end of each trial: overall, per
  stratum and per factor level;
- predictability: how often someone who saw every earlier assignment guesses the next one
  right. The guess is the arm with the lowest count (divided by its ratio) in the subject's
  stratum so far, for lists; for minimization, the arm it would minimize to. A tie shares
  the guess (1/2 right for two arms). ``chance`` is what always guessing the largest arm
  gives;
- the subjects a list could not place (its stratum ran out).
"""

from __future__ import annotations

import bisect
import itertools
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from datacapt.toolkit import DatacaptException, InternalCodes, Message, invalid
from plugins.randomizations.methods.blocks import BlockPlan, block
from plugins.randomizations.methods.minimization import Balance, Rule, choose
from plugins.randomizations.methods.stream import SeededStream
from plugins.randomizations.models import Method
from plugins.randomizations.strata import factor_levels, stratum_key


def _refused(message: Message) -> DatacaptException:
    return invalid(InternalCodes.VALIDATION_FAILED, message, field="population")


@dataclass(frozen=True)
class Population:
    """Each factor's levels and their cumulative weights (a center factor: the study's
    centers)."""

    factors: tuple[tuple[str, tuple[str, ...], tuple[float, ...]], ...]

    @classmethod
    def of(
        cls,
        config: Mapping[str, Any],
        centers: Sequence[str],
        weights: Mapping[str, Mapping[str, float]],
    ) -> Population:
        """The population of ``config``'s factors: ``weights`` per factor and level where
        given (a level left out weighs nothing), else every level alike; 422 naming what
        does not fit."""
        unknown = sorted(set(weights) - {factor["code"] for factor in config["factors"]})
        if unknown:
            raise _refused(
                Message("The design has no factor {factors}.", factors=", ".join(unknown))
            )
        factors = []
        for factor in config["factors"]:
            code, levels = factor["code"], factor_levels(factor, centers)
            given = weights.get(code, {})
            strange = sorted(set(given) - set(levels))
            if strange:
                raise _refused(
                    Message(
                        "The factor {factor} has no level {levels}.",
                        factor=code,
                        levels=", ".join(strange),
                    )
                )
            chosen = [float(given.get(level, 0 if given else 1)) for level in levels]
            if sum(chosen) <= 0:
                raise _refused(
                    Message("No level of the factor {factor} weighs anything.", factor=code)
                )
            factors.append((code, tuple(levels), tuple(itertools.accumulate(chosen))))
        return cls(tuple(factors))

    def draw(self, stream: SeededStream) -> dict[str, str]:
        drawn = {}
        for code, levels, cumulative in self.factors:
            point = stream.random() * cumulative[-1]
            drawn[code] = levels[min(bisect.bisect_right(cumulative, point), len(levels) - 1)]
        return drawn


def _lowest(counts: Sequence[int], ratios: Sequence[int], arms: Sequence[str]) -> list[str]:
    normalized = [count / ratio for count, ratio in zip(counts, ratios, strict=True)]
    low = min(normalized)
    return [arm for arm, value in zip(arms, normalized, strict=True) if value == low]


class _Lists:
    """A list per stratum, taken in order: generated blocks (up to their capacity), or an
    imported list's sequences."""

    def __init__(
        self,
        arms: Sequence[str],
        ratios: Sequence[int],
        next_arms: Callable[[str, int], list[str]],
        capacity: Callable[[str], int],
    ) -> None:
        self.arms, self.ratios = list(arms), list(ratios)
        self.next_arms, self.capacity = next_arms, capacity
        self.used: dict[str, int] = defaultdict(int)
        self.counts: dict[str, list[int]] = defaultdict(lambda: [0] * len(self.arms))
        self.pending: dict[str, list[str]] = defaultdict(list)
        self.blocks: dict[str, int] = defaultdict(int)

    def step(self, key: str, _levels: Mapping[str, str]) -> tuple[str | None, list[str]]:
        guess = _lowest(self.counts[key], self.ratios, self.arms)
        if self.used[key] >= self.capacity(key):
            return None, guess
        pending = self.pending[key]
        if not pending:
            pending.extend(self.next_arms(key, self.blocks[key]))
            self.blocks[key] += 1
            if not pending:  # an imported list with nothing more for this stratum
                return None, guess
        arm = pending.pop(0)
        self.used[key] += 1
        self.counts[key][self.arms.index(arm)] += 1
        return arm, guess


class _Minimization:
    def __init__(self, rule: Rule, stream: SeededStream) -> None:
        self.rule, self.stream = rule, stream
        self.balance = Balance(rule)

    def step(self, _key: str, levels: Mapping[str, str]) -> tuple[str | None, list[str]]:
        choice = choose(self.rule, self.balance, levels, self.stream)
        # Someone who knows the rule guesses the arms it minimizes to (any, early on).
        guess = list(choice.minimizing) or list(self.rule.arms)
        self.balance.add(levels, choice.arm)
        return choice.arm, guess


def _summary(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"mean": 0.0, "p50": 0.0, "p95": 0.0, "max": 0.0}

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]

    return {
        "mean": round(sum(ordered) / len(ordered), 4),
        "p50": round(at(0.5), 4),
        "p95": round(at(0.95), 4),
        "max": round(ordered[-1], 4),
    }


def _imbalance(counts: Sequence[int], ratios: Sequence[int]) -> float:
    normalized = [count / ratio for count, ratio in zip(counts, ratios, strict=True)]
    return max(normalized) - min(normalized)


@dataclass(frozen=True)
class Simulated:
    """What is simulated: the method and the version's config; an imported list's arms per
    stratum in order."""

    method: str
    config: Mapping[str, Any]
    imported: Mapping[str, Sequence[str]] | None = None


def _allocator(design: Simulated, seed: str, trial: int, stream: SeededStream) -> Any:
    config = design.config
    arms = [arm["code"] for arm in config["arms"]]
    ratios = [arm["ratio"] for arm in config["arms"]]
    if design.method == Method.MINIMIZATION:
        return _Minimization(Rule.of(config), stream)
    if design.method == Method.BLOCKS:
        plan = BlockPlan.of(config)
        return _Lists(
            arms,
            ratios,
            lambda key, index: block(seed, f"trial {trial}|{key}", index, plan),
            lambda _key: int(config["capacity"]),
        )
    imported = design.imported or {}
    return _Lists(
        arms,
        ratios,
        lambda key, index: list(imported.get(key, ())) if index == 0 else [],
        lambda key: len(imported.get(key, ())),
    )


def simulate(
    design: Simulated,
    population: Population,
    trials: int,
    subjects: int,
    seed: str,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Run the trials and measure them (see the module's description)."""
    config = design.config
    arms = [arm["code"] for arm in config["arms"]]
    ratios = [arm["ratio"] for arm in config["arms"]]
    factors = config["factors"]
    overall: list[float] = []
    by_stratum: dict[str, list[float]] = defaultdict(list)
    by_level: dict[tuple[str, str], list[float]] = defaultdict(list)
    levels_of: dict[str, dict[str, str]] = {}
    shares = [0.0] * len(arms)
    right = placed = unplaced = short_trials = 0.0
    every = max(1, trials // 10)
    for trial in range(trials):
        stream = SeededStream(seed, f"trial:{trial}")
        allocator = _allocator(design, seed, trial, stream)
        totals = [0] * len(arms)
        strata: dict[str, list[int]] = defaultdict(lambda: [0] * len(arms))
        levels_counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * len(arms))
        missed = 0
        for _ in range(subjects):
            levels = population.draw(stream)
            key = stratum_key(factors, levels)
            arm, guess = allocator.step(key, levels)
            if arm is None:
                missed += 1
                continue
            index = arms.index(arm)
            placed += 1
            right += (arm in guess) / len(guess)
            totals[index] += 1
            strata[key][index] += 1
            levels_of[key] = levels
            for code, level in levels.items():
                levels_counts[code, level][index] += 1
        overall.append(_imbalance(totals, ratios))
        for key, counts in strata.items():
            by_stratum[key].append(_imbalance(counts, ratios))
        for factor_level, counts in levels_counts.items():
            by_level[factor_level].append(_imbalance(counts, ratios))
        done = sum(totals) or 1
        shares = [share + count / done for share, count in zip(shares, totals, strict=True)]
        unplaced += missed
        short_trials += missed > 0
        if progress is not None and ((trial + 1) % every == 0 or trial + 1 == trials):
            progress(trial + 1)
    total_ratio = sum(ratios)
    return {
        "trials": trials,
        "subjects": subjects,
        "imbalance": {
            "overall": _summary(overall),
            "strata": [
                {"stratum": key, "levels": levels_of[key], **_summary(values)}
                for key, values in sorted(by_stratum.items())
            ],
            "factor_levels": [
                {"factor": factor, "level": level, **_summary(values)}
                for (factor, level), values in sorted(by_level.items())
            ],
        },
        "allocation": {
            arm: round(share / trials, 4) for arm, share in zip(arms, shares, strict=True)
        },
        "predictability": {
            "correct_guesses": round(right / placed, 4) if placed else 0.0,
            "chance": round(max(ratios) / total_ratio, 4),
        },
        "unplaced": {"subjects": int(unplaced), "trials": int(short_trials)},
    }
