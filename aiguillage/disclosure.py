"""Statistics disclosure control: which counts of people a table may show.

Every table or CSV that counts people hides the counts from 1 to 4 (primary suppression:
a small count may single someone out), then hides more cells so that no hidden count can
be worked out from what is shown (secondary suppression). A table is a set of cells and a
set of *lines*: groups of cells one of which is the sum of the others (a column and its
total, the flows and the number sent). A line with exactly one hidden cell gives it away by
subtraction, so the smallest other non-zero cell of that line is hidden too, until no line
has exactly one hidden cell. ``tests/test_disclosure.py`` checks with linear programming
that no hidden count can then be pinned down from the shown ones and the lines.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

MASK_BELOW = 5
MASKED = "< 5"
SECONDARY = "(masqué)"

Key = TypeVar("Key", bound=Hashable)


def hidden_cells(
    values: Mapping[Key, int], lines: Iterable[Sequence[Key]]
) -> tuple[set[Key], set[Key]]:
    """(primary, secondary) cells to hide among ``values``, given the ``lines`` (sums)."""
    lines = [list(line) for line in lines]
    primary = {key for key, value in values.items() if 0 < value < MASK_BELOW}
    hidden = set(primary)
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(key in hidden for key in line) != 1:
                continue
            # A line with one hidden non-zero cell has another non-zero cell (its total).
            others = [key for key in line if key not in hidden and values[key] > 0]
            if not others:
                continue
            # Smallest first; ties in a fixed order (keys of one type compare together).
            hidden.add(min(others, key=lambda key: (values[key], type(key).__name__, key)))
            changed = True
    return primary, hidden - primary


def masked_texts(values: Mapping[Key, int], lines: Iterable[Sequence[Key]]) -> dict[Key, str]:
    """Each cell as shown: « < 5 », « (masqué) », or its count."""
    primary, secondary = hidden_cells(values, lines)
    return {
        key: MASKED if key in primary else SECONDARY if key in secondary else str(value)
        for key, value in values.items()
    }


def masked_column(counts: Mapping[Key, int], total: Key) -> dict[Key, str]:
    """A column of counts and its total (``total`` is added under that key)."""
    values = {**counts, total: sum(counts.values())}
    return masked_texts(values, [list(values)])
