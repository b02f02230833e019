"""Random numbers an inspector can replay: a secret seed (from ``secrets``, stored with
the list and audited) and a label (what the numbers are for) give one stream.

Block ``i`` of the stream is HMAC-SHA256(seed, label ":" i), i = 0, 1, ...; its 32 bytes
are read as four unsigned 64-bit big-endian integers, in order. An integer below ``n`` is
the first such value below the largest multiple of ``n`` under 2**64, modulo ``n``
(rejection sampling: every result equally likely); a number in [0, 1) is the top 53 bits
of the next value divided by 2**53. Shuffles are Fisher-Yates from the last item down.
docs/randomizations.md gives the same description for anyone who replays a list.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")
ALGORITHM = "hmac-sha256-v1"
_SPAN = 1 << 64


def new_seed() -> str:
    """A fresh seed: 32 bytes from the operating system's secure source, as hex."""
    return secrets.token_hex(32)


class SeededStream:
    """The stream of ``seed`` (hex) for ``label``."""

    __slots__ = ("_block", "_key", "_label", "_values")

    def __init__(self, seed: str, label: str) -> None:
        self._key = bytes.fromhex(seed)
        self._label = f"{label}:".encode()
        self._block = 0
        self._values: list[int] = []

    def _next(self) -> int:
        if not self._values:
            digest = hmac.digest(self._key, self._label + str(self._block).encode(), "sha256")
            self._block += 1
            # Popped from the end: reversed, so values leave in the digest's order.
            self._values = [int.from_bytes(digest[i : i + 8], "big") for i in range(24, -1, -8)]
        return self._values.pop()

    def below(self, n: int) -> int:
        """An integer in [0, n), each equally likely."""
        if n < 1:
            raise ValueError("below() needs n >= 1")
        limit = _SPAN - _SPAN % n
        while True:
            value = self._next()
            if value < limit:
                return value % n

    def random(self) -> float:
        """A number in [0, 1)."""
        return (self._next() >> 11) / (1 << 53)

    def weighted(self, weights: Sequence[int]) -> int:
        """An index drawn with probability proportional to its (whole) weight."""
        point = self.below(sum(weights))
        for index, weight in enumerate(weights):
            if point < weight:
                return index
            point -= weight
        raise AssertionError("unreachable: point < sum(weights)")

    def shuffle(self, items: list[T]) -> list[T]:
        """``items`` shuffled in place (and returned)."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]
        return items

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]
