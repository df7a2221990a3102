"""Statistics disclosure control: which counts of people a table may show.

Every table or CSV that counts people hides the counts from 1 to 4 (primary suppression:
a small count may single someone out), then hides more cells so that no hidden count can
be worked out from what is shown (secondary suppression).

A table is a set of cells and a set of *lines*: groups of cells whose last cell is the sum
of the others (a column and its total, the flows and the number sent). Secondary cells are
chosen in two steps:

1. a line with exactly one hidden cell gives it away by subtraction, so the smallest other
   non-zero cell of that line is hidden too, until no line has exactly one hidden cell;
2. an audit by linear programming plays the attacker who knows these rules (a hidden small
   count is between 1 and 4, any other hidden count at least 5) and combines every line at
   once; while one small count can only take a single value, one more cell of its lines is
   hidden, then step 1 runs again.

``tests/test_disclosure.py`` checks the result with an independent linear program.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from scipy.optimize import linprog

MASK_BELOW = 5
MASKED = "< 5"
SECONDARY = "(masqué)"

Key = TypeVar("Key", bound=Hashable)


def _order(values: Mapping[Key, int]):
    # Smallest first; ties in a fixed order (keys of one type compare together).
    return lambda key: (values[key], type(key).__name__, key)


def _close_single_lines(values: Mapping[Key, int], lines: list[list[Key]], hidden: set[Key]):
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) != 1:
                continue
            others = [key for key in line if key not in hidden and values[key] > 0]
            if others:
                hidden.add(min(others, key=_order(values)))
                changed = True


def value_range(
    values: Mapping[Key, int],
    lines: Sequence[Sequence[Key]],
    primary: set[Key],
    hidden: set[Key],
    cell: Key,
) -> tuple[float, float] | None:
    """The smallest and largest value ``cell`` can take given what is shown, the lines, and
    the rules (hidden small counts in 1..4, other hidden counts ≥ 5); None if unbounded."""
    order = sorted(hidden, key=_order(values))
    index = {key: position for position, key in enumerate(order)}
    equations, constants = [], []
    for line in lines:
        *parts, total = line
        row = np.zeros(len(order))
        constant = 0.0
        for key in parts:
            if key in index:
                row[index[key]] += 1
            else:
                constant -= values[key]
        if total in index:
            row[index[total]] -= 1
        else:
            constant += values[total]
        if row.any():
            equations.append(row)
            constants.append(constant)
    bounds = [(1, MASK_BELOW - 1) if key in primary else (MASK_BELOW, None) for key in order]
    objective = np.zeros(len(order))
    objective[index[cell]] = 1
    extremes = []
    for sign in (1, -1):
        result = linprog(
            sign * objective,
            A_eq=np.array(equations) if equations else None,
            b_eq=np.array(constants) if constants else None,
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            return None
        extremes.append(sign * result.fun)
    return extremes[0], extremes[1]


def _pinned(values, lines, primary: set, hidden: set):
    """A small count the attacker can work out exactly, or None."""
    for cell in sorted(primary, key=_order(values)):
        extremes = value_range(values, lines, primary, hidden, cell)
        if extremes is None:
            continue
        low, high = extremes
        if math.floor(high + 1e-6) - math.ceil(low - 1e-6) < 1:
            return cell
    return None


def hidden_cells(
    values: Mapping[Key, int], lines: Iterable[Sequence[Key]]
) -> tuple[set[Key], set[Key]]:
    """(primary, secondary) cells to hide among ``values``, given the ``lines`` (sums)."""
    lines = [list(line) for line in lines]
    primary = {key for key, value in values.items() if 0 < value < MASK_BELOW}
    hidden = set(primary)
    while True:
        _close_single_lines(values, lines, hidden)
        cell = _pinned(values, lines, primary, hidden) if primary else None
        if cell is None:
            break
        nearby = [
            key
            for line in lines
            if cell in line
            for key in line
            if key not in hidden and values[key] > 0
        ]
        anywhere = [key for key in values if key not in hidden and values[key] > 0]
        if not (nearby or anywhere):
            break
        hidden.add(min(nearby or anywhere, key=_order(values)))
    return primary, hidden - primary


def masked_texts(values: Mapping[Key, int], lines: Iterable[Sequence[Key]]) -> dict[Key, str]:
    """Each cell as shown: « < 5 », « (masqué) », or its count.

    When every non-zero count is hidden, the zeros are hidden too: otherwise the table's
    shape alone can give the counts away (four rows of 1 under a total of 4: each row is at
    least 1 and they sum to at most 4). With the zeros hidden, each cell may be anything
    from 0 to 4."""
    primary, secondary = hidden_cells(values, lines)
    if primary and all(key in primary | secondary for key, value in values.items() if value):
        return {key: MASKED if key not in secondary else SECONDARY for key in values}
    return {
        key: MASKED if key in primary else SECONDARY if key in secondary else str(value)
        for key, value in values.items()
    }


def masked_column(counts: Mapping[Key, int], total: Key) -> dict[Key, str]:
    """A column of counts and its total (``total`` is added under that key, last)."""
    values = {**counts, total: sum(counts.values())}
    return masked_texts(values, [list(values)])
