"""The payments plugin's error codes, in its manifest's range 7220-7259."""

from __future__ import annotations

import enum


class PaymentCodes(enum.IntEnum):
    """Append only: a number never changes. 7220-7239 plans, orders and payees, 7240-7259
    validation, batches, files and bank reports."""
