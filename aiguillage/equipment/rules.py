"""Pure calculations of the equipment pipeline: receipt numbers, the moves a device page
offers, the refurbisher's balance, the age of stock and the time to a home installation.

No database here: the views and ``stock.py`` pass plain values in.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable
from dataclasses import dataclass

from aiguillage.equipment.models import DEVICE_TRANSITIONS, D, ExchangeDirection

# Moves that involve a person are made from the allocation, never from a device page.
PERSON_STATES = frozenset({D.RESERVED, D.HANDED_OVER, D.INSTALLED})


def receipt_number(prefix: str, year: int, sequence: int) -> str:
    """« DON-2017-0004 »: the programme's prefix, the year of the collection, its rank."""
    return f"{prefix}-{year}-{sequence:04d}"


def next_sequence(prefix: str, year: int, taken: Iterable[str]) -> int:
    """One more than the highest rank among the ``taken`` numbers of that prefix and year
    (numbers typed another way are ignored)."""
    start = f"{prefix}-{year}-"
    ranks = [
        int(n[len(start) :]) for n in taken if n.startswith(start) and n[len(start) :].isdigit()
    ]
    return max(ranks, default=0) + 1


def page_moves(state: str) -> list[str]:
    """The moves a device page offers from ``state``: the table's, minus the person's."""
    order = list(D)
    allowed = DEVICE_TRANSITIONS.get(state, frozenset()) - PERSON_STATES
    # Leaving a reservation (back to « prêt ») belongs to the allocation too.
    if state == D.RESERVED:
        allowed -= {D.READY}
    return sorted(allowed, key=order.index)


@dataclass(frozen=True)
class Balance:
    partner_id: int
    given: int
    received: int

    @property
    def difference(self) -> int:
        """Positive: the refurbisher still owes computers; negative: it gave more."""
        return self.given - self.received

    @property
    def received_more(self) -> int:
        return max(self.received - self.given, 0)


def balances(exchanges: Iterable[tuple[int, str, int]]) -> list[Balance]:
    """Given and received per partner, from (partner id, direction, quantity) rows."""
    totals: dict[int, list[int]] = {}
    for partner_id, direction, quantity in exchanges:
        pair = totals.setdefault(partner_id, [0, 0])
        pair[0 if direction == ExchangeDirection.GIVEN else 1] += quantity
    return [Balance(pid, given, received) for pid, (given, received) in totals.items()]


# Age of stock: [lower bound in days, label]; each bucket runs to the next lower bound.
AGE_BUCKETS: tuple[tuple[int, str], ...] = (
    (0, "moins de 30 jours"),
    (30, "30 à 89 jours"),
    (90, "90 à 179 jours"),
    (180, "180 jours et plus"),
)


def age_bucket(received_on: dt.date, today: dt.date) -> str:
    days = (today - received_on).days
    label = AGE_BUCKETS[0][1]
    for lower, name in AGE_BUCKETS:
        if days >= lower:
            label = name
    return label


def age_counts(received: Iterable[dt.date], today: dt.date) -> dict[str, int]:
    counts = {label: 0 for _, label in AGE_BUCKETS}
    for day in received:
        counts[age_bucket(day, today)] += 1
    return counts


@dataclass(frozen=True)
class Durations:
    count: int
    mean: float | None
    median: float | None


def durations(days: Iterable[int]) -> Durations:
    """Mean and median of the days from reception to home installation."""
    values = list(days)
    if not values:
        return Durations(0, None, None)
    return Durations(len(values), statistics.fmean(values), float(statistics.median(values)))


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first day of each month from ``start``'s to ``end``'s, both included."""
    months, current = [], start.replace(day=1)
    while current <= end:
        months.append(current)
        current = (current + dt.timedelta(days=32)).replace(day=1)
    return months
