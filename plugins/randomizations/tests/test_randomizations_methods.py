"""The methods as pure functions, with fixed seeds: the stream replays, every permuted
block is balanced, minimization follows its rule with the stated probability."""

from __future__ import annotations

import hmac
import math
from collections import Counter

import pytest

from plugins.randomizations.methods.blocks import BlockPlan, block
from plugins.randomizations.methods.minimization import Balance, Phase, Rule, choose
from plugins.randomizations.methods.stream import SeededStream, new_seed

SEED = "5eed" * 16


def test_a_stream_replays_from_its_seed_and_label_and_differs_otherwise():
    def draws(seed: str, label: str) -> list[int]:
        stream = SeededStream(seed, label)
        return [stream.below(2**40) for _ in range(20)]

    assert draws(SEED, "x") == draws(SEED, "x")
    assert draws(SEED, "x") != draws(SEED, "y")
    assert draws(SEED, "x") != draws("0" * 64, "x")
    # The documented construction: HMAC-SHA256(seed, "x:0"), its first 8 bytes big-endian.
    first = hmac.digest(bytes.fromhex(SEED), b"x:0", "sha256")
    assert SeededStream(SEED, "x")._next() == int.from_bytes(first[:8], "big")
    assert len(new_seed()) == 64 and new_seed() != new_seed()


def test_a_stream_draws_each_value_alike():
    stream = SeededStream(SEED, "uniform")
    counts = Counter(stream.below(6) for _ in range(60000))
    assert set(counts) == set(range(6))
    # Each face 10,000 times expected; a chi-square of 5 degrees of freedom stays under 20.5
    # (p = 0.001) for a fair draw.
    chi2 = sum((count - 10000) ** 2 / 10000 for count in counts.values())
    assert chi2 < 20.5, counts
    with pytest.raises(ValueError):
        stream.below(0)


@pytest.mark.parametrize(
    ("ratios", "sizes"), [((1, 1), (4, 6, 8)), ((2, 1), (3, 6)), ((1, 1, 1), (3, 6, 9))]
)
def test_every_block_of_every_stratum_is_balanced(ratios, sizes):
    arms = tuple("ABC"[: len(ratios)])
    plan = BlockPlan(arms, ratios, sizes)
    seen_sizes: Counter[int] = Counter()
    for stratum in ("center=PAR;sex=F", "center=PAR;sex=M", "center=LYO;sex=F"):
        for index in range(200):
            drawn = block(SEED, stratum, index, plan)
            assert len(drawn) in sizes
            seen_sizes[len(drawn)] += 1
            repeat = len(drawn) // sum(ratios)
            assert Counter(drawn) == {
                arm: ratio * repeat for arm, ratio in zip(arms, ratios, strict=True)
            }
            assert drawn == block(SEED, stratum, index, plan)  # regenerated the same
    assert set(seen_sizes) == set(sizes)  # sizes are drawn, not fixed
    orders = {tuple(block(SEED, "center=PAR;sex=F", index, plan)) for index in range(50)}
    assert len(orders) > 5  # blocks are shuffled, not repeated


def _rule(probability: float = 0.8, distance: str = "range", random_first: int = 0) -> Rule:
    return Rule(
        arms=("A", "B"),
        ratios=(1, 1),
        factors=("center", "sex", "age"),
        weights=(1.0, 1.0, 1.0),
        distance=distance,
        probability=probability,
        random_first=random_first,
    )


@pytest.mark.parametrize("distance", ["range", "variance", "maximum"])
@pytest.mark.parametrize("probability", [0.8, 0.65])
def test_minimization_follows_the_minimizing_arm_with_the_stated_probability(distance, probability):
    rule = _rule(probability, distance, random_first=10)
    population = SeededStream(SEED, "population")
    followed = decided = 0
    phases: Counter[str] = Counter()
    for trial in range(40):
        balance = Balance(rule)
        for subject in range(100):
            levels = {
                "center": population.choice(["PAR", "LYO", "NTE"]),
                "sex": population.choice(["F", "M"]),
                "age": population.choice(["young", "old"]),
            }
            choice = choose(rule, balance, levels, SeededStream(SEED, f"{trial}:{subject}"))
            phases[choice.phase] += 1
            if subject < 10:
                assert choice.phase == Phase.RANDOM
            if choice.phase in (Phase.MINIMIZING, Phase.OTHER):
                decided += 1
                followed += choice.arm in choice.minimizing
                assert (choice.arm in choice.minimizing) == (choice.phase == Phase.MINIMIZING)
            balance.add(levels, choice.arm)
    # The share of decisions following the minimization is binomial(decided, probability):
    # within 4 standard deviations of it (a false alarm about once in 15,000 runs; the
    # seeds are fixed, so the test is deterministic).
    sd = math.sqrt(probability * (1 - probability) / decided)
    assert abs(followed / decided - probability) < 4 * sd, (followed, decided)
    assert decided > 2000 and phases[Phase.TIE] > 0


def test_minimization_always_follows_with_probability_one_and_keeps_arms_balanced():
    rule = _rule(probability=1.0)
    balance = Balance(rule)
    counts: Counter[str] = Counter()
    stream = SeededStream(SEED, "always")
    for subject in range(200):
        levels = {"center": "PAR", "sex": "FM"[subject % 2], "age": "young"}
        choice = choose(rule, balance, levels, stream)
        assert choice.phase in (Phase.MINIMIZING, Phase.TIE)
        balance.add(levels, choice.arm)
        counts[choice.arm] += 1
        assert abs(counts["A"] - counts["B"]) <= 1


def test_minimization_scores_each_distance_as_documented():
    rule = Rule(("A", "B", "C"), (1, 1, 2), ("sex",), (2.0,), "range", 0.8, 0)
    balance = Balance(rule)
    for arm in ("A", "A", "C"):
        balance.add({"sex": "F"}, arm)
    # Counts per arm among women, divided by the ratios: A 2, B 0, C 0.5.
    # Adding to A: (3, 0, 0.5) range 3; to B: (2, 1, 0.5) 1.5; to C: (2, 0, 1) 2; weight 2.
    assert balance.scores({"sex": "F"}) == [6.0, 3.0, 4.0]
    maximum = Rule(("A", "B", "C"), (1, 1, 2), ("sex",), (1.0,), "maximum", 0.8, 0)
    top = Balance(maximum)
    for arm in ("A", "A", "C"):
        top.add({"sex": "F"}, arm)
    assert top.scores({"sex": "F"}) == [3.0, 2.0, 2.0]
    variance = Rule(("A", "B"), (1, 1), ("sex",), (1.0,), "variance", 0.8, 0)
    spread = Balance(variance)
    spread.add({"sex": "F"}, "A")
    assert spread.scores({"sex": "F"}) == [1.0, 0.0]
