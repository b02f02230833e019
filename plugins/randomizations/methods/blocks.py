"""Permuted blocks with sizes drawn at random from a set, per stratum: block ``i`` of a
stratum is drawn from the stream labelled ``block:<stratum key>:<i>``. Its size is one of
the sizes (each equally likely); it holds every arm ``size / sum(ratios) * ratio`` times,
shuffled. Every block is balanced; where one ends is not predictable."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from plugins.randomizations.methods.stream import SeededStream


@dataclass(frozen=True)
class BlockPlan:
    arms: tuple[str, ...]
    ratios: tuple[int, ...]
    sizes: tuple[int, ...]

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> BlockPlan:
        return cls(
            tuple(arm["code"] for arm in config["arms"]),
            tuple(arm["ratio"] for arm in config["arms"]),
            tuple(config["block_sizes"]),
        )

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> BlockPlan:
        """The plan a list was generated for (its ``parameters``)."""
        return cls(
            tuple(parameters["arms"]), tuple(parameters["ratios"]), tuple(parameters["block_sizes"])
        )

    def parameters(self) -> dict[str, Any]:
        """What a list is generated for: a version changing any of it starts a new list."""
        return {
            "arms": list(self.arms),
            "ratios": list(self.ratios),
            "block_sizes": list(self.sizes),
        }


def block(seed: str, stratum_key: str, index: int, plan: BlockPlan) -> list[str]:
    """The arms of block ``index`` of the stratum, in order."""
    stream = SeededStream(seed, f"block:{stratum_key}:{index}")
    size = stream.choice(plan.sizes)
    repeat = size // sum(plan.ratios)
    arms = [
        arm
        for arm, ratio in zip(plan.arms, plan.ratios, strict=True)
        for _ in range(ratio * repeat)
    ]
    return stream.shuffle(arms)
