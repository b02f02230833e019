"""Descriptive statistics computed by pandas: of numbers (n, missing, mean, sample
standard deviation, median, quartiles, minimum, maximum) and of choices (counts and
percentages), and the cross-tabulation of two choice questions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

# pandas is imported by the functions that use it: at module level it costs ~0.1 s of
# every start-up.
if TYPE_CHECKING:
    import pandas as pd

#: How the quartiles are computed, as the answers say.
QUARTILES = (
    "linear interpolation between the closest ranks (Hyndman and Fan type 7: R's"
    " default, Excel's QUARTILE.INC, pandas' quantile)"
)


def number(value: Any) -> float | None:
    """A stored answer as a number (decimals are stored as text), None if it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        return None
    return float(parsed) if parsed.is_finite() else None


def _figure(value: Any) -> float | None:
    """A figure as JSON carries it: one beyond a double's range (or undefined) is null,
    never Infinity or NaN, which are not JSON."""
    if value is None:
        return None
    figure = float(value)
    return figure if math.isfinite(figure) else None


def numbers(values: pd.Series, subjects: int) -> dict[str, Any]:
    """Of the numeric answers of ``subjects`` subjects (the others are missing)."""
    import pandas as pd

    series = pd.to_numeric(values.map(number), errors="coerce").dropna()
    n = int(series.size)
    figures: dict[str, Any] = {"n": n, "missing": subjects - n}
    if not n:
        return figures | dict.fromkeys(("mean", "sd", "median", "q1", "q3", "min", "max"))
    quartiles = series.quantile([0.25, 0.5, 0.75], interpolation="linear")
    return figures | {
        "mean": _figure(series.mean()),
        "sd": _figure(series.std(ddof=1)),  # the sample's: None for one value
        "median": _figure(quartiles[0.5]),
        "q1": _figure(quartiles[0.25]),
        "q3": _figure(quartiles[0.75]),
        "min": _figure(series.min()),
        "max": _figure(series.max()),
    }


def choices(
    values: pd.Series, subjects: int, labels: Sequence[tuple[Any, str]], multiple: bool
) -> dict[str, Any]:
    """Counts and percentages of each choice (``labels``: coded value, label, in the
    design's order) among the subjects who answered; a multiple choice's percentages are
    of respondents, so they may add up to more than 100."""
    chosen = values.explode() if multiple else values
    counts = chosen.map(_key).value_counts()
    n = int(values.size)
    return {
        "n": n,
        "missing": subjects - n,
        "choices": [
            {
                "value": value,
                "label": label,
                "count": int(counts.get(_key(value), 0)),
                "percent": _percent(int(counts.get(_key(value), 0)), n),
            }
            for value, label in labels
        ],
    }


def cross_tabulation(
    rows: pd.Series,
    columns: pd.Series,
    row_labels: Sequence[tuple[Any, str]],
    column_labels: Sequence[tuple[Any, str]],
) -> dict[str, Any]:
    """Counts of the subjects who answered both, with row, column and total percentages,
    every pair of choices listed (zero included)."""
    import pandas as pd

    both = pd.concat([rows.map(_key), columns.map(_key)], axis=1, keys=["row", "column"]).dropna()
    row_keys = [_key(value) for value, _ in row_labels]
    column_keys = [_key(value) for value, _ in column_labels]
    table = pd.crosstab(
        pd.Categorical(both["row"], categories=row_keys),
        pd.Categorical(both["column"], categories=column_keys),
        dropna=False,
    ).reindex(index=row_keys, columns=column_keys, fill_value=0)
    n = int(table.to_numpy().sum())
    row_totals, column_totals = table.sum(axis=1), table.sum(axis=0)
    return {
        "n": n,
        "cells": [
            {
                "row": row_value,
                "column": column_value,
                "count": int(table.loc[_key(row_value), _key(column_value)]),
                "row_percent": _percent(
                    int(table.loc[_key(row_value), _key(column_value)]),
                    int(row_totals[_key(row_value)]),
                ),
                "column_percent": _percent(
                    int(table.loc[_key(row_value), _key(column_value)]),
                    int(column_totals[_key(column_value)]),
                ),
                "percent": _percent(int(table.loc[_key(row_value), _key(column_value)]), n),
            }
            for row_value, _ in row_labels
            for column_value, _ in column_labels
        ],
        "row_totals": [
            {"value": value, "label": label, "count": int(row_totals[_key(value)])}
            for value, label in row_labels
        ],
        "column_totals": [
            {"value": value, "label": label, "count": int(column_totals[_key(value)])}
            for value, label in column_labels
        ],
    }


def _key(value: Any) -> str:
    """A choice's coded value as a key: JSON's true and 1 are different answers."""
    return f"{type(value).__name__}:{value}"


def _percent(count: int, total: int) -> float | None:
    return round(100 * count / total, 2) if total else None
