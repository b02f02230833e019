"""CAS Registry Numbers: 2 to 7 digits, 2 digits and a check digit (``7732-18-5``)."""

from __future__ import annotations

import re

_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")


def is_cas_number(text: str) -> bool:
    """Whether ``text`` is a CAS number whose check digit holds: the sum of the other
    digits, each times its position counted from the right, modulo 10."""
    match = _CAS.match(text)
    if match is None:
        return False
    digits = (match.group(1) + match.group(2))[::-1]
    total = sum(position * int(digit) for position, digit in enumerate(digits, start=1))
    return total % 10 == int(match.group(3))
