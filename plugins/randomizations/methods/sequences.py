"""Sequences of products over a subject's zones (split-body and crossover designs): each
sequence is an arm of a permuted-block design, so that the randomization module draws,
audits, replays and simulates them like any arm. Permuted blocks of a whole set of
sequences balance each product over positions.

- ``ab_ba``: two products, the two orders.
- ``latin_square``: a cyclic Latin square: each product once in each position.
- ``williams``: a Williams design: each product once in each position, and each product
  after each other one equally often (n sequences for an even n, 2n for an odd n).
"""

from __future__ import annotations

import enum
import string
from typing import Any


class SequenceScheme(enum.StrEnum):
    AB_BA = "ab_ba"
    LATIN_SQUARE = "latin_square"
    WILLIAMS = "williams"


#: A design has at most this many arms, so a scheme at most this many sequences.
MAX_SEQUENCES = 8
LETTERS = string.ascii_uppercase


def _latin_square(count: int) -> list[tuple[int, ...]]:
    return [tuple((row + column) % count for column in range(count)) for row in range(count)]


def _williams(count: int) -> list[tuple[int, ...]]:
    # The first row 0, 1, n-1, 2, n-2, ...; the others shift it; odd n adds the mirror.
    first = [0]
    low, high = 1, count - 1
    while len(first) < count:
        first.append(low)
        low += 1
        if len(first) < count:
            first.append(high)
            high -= 1
    rows = [tuple((value + shift) % count for value in first) for shift in range(count)]
    if count % 2:
        rows += [tuple(reversed(row)) for row in rows]
    return rows


def zone_sequences(count: int, scheme: str) -> list[tuple[int, ...]]:
    """The sequences of ``count`` products (by index) over ``count`` positions; ValueError
    for a scheme that does not fit that many products or needs too many sequences."""
    if count < 2:
        raise ValueError("a sequence has at least two products")
    rows: list[tuple[int, ...]]
    if scheme == SequenceScheme.AB_BA:
        if count != 2:
            raise ValueError("AB/BA is a design of two products")
        rows = [(0, 1), (1, 0)]
    elif scheme == SequenceScheme.LATIN_SQUARE:
        rows = _latin_square(count)
    elif scheme == SequenceScheme.WILLIAMS:
        rows = _williams(count)
    else:
        raise ValueError(f"no such scheme: {scheme}")
    if len(rows) > MAX_SEQUENCES:
        raise ValueError("the scheme needs more sequences than a design has arms")
    return rows


def sequence_code(sequence: tuple[int, ...]) -> str:
    """An arm's code: the products' letters in zone order, such as ``B-A``."""
    return "-".join(LETTERS[index] for index in sequence)


def sequence_of(code: str) -> tuple[int, ...]:
    """The product indexes of an arm's code (the inverse of ``sequence_code``)."""
    return tuple(LETTERS.index(letter) for letter in code.split("-"))


def sequence_config(
    count: int, scheme: str, *, repeats: tuple[int, ...] = (1, 2), factors: list[Any] | None = None
) -> dict[str, Any]:
    """A permuted-block design's parameters drawing the sequences of ``count`` products:
    one arm per sequence, blocks of ``repeats`` whole sets of sequences."""
    rows = zone_sequences(count, scheme)
    return {
        "arms": [
            {"code": sequence_code(row), "name": sequence_code(row), "ratio": 1} for row in rows
        ],
        "factors": factors or [],
        "block_sizes": [len(rows) * repeat for repeat in repeats],
        "capacity": 1000,
        "warning_threshold": 0,
    }
