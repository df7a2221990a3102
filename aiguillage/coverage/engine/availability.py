"""Which places can be reached *open* at the times people are free.

People who work or study cannot come at 10 on a Tuesday. A time window is an
expression in OpenStreetMap ``opening_hours`` syntax; a place counts as open in a
window when its hours overlap the window at least once in the ``days`` (14) days
from ``start`` (``aiguillage.places.hours.first_overlap``): two weeks catch
places open every other week and skip a single public holiday.

Places whose hours are unknown (empty or unreadable) are **not** counted as open
in any time window — the map would otherwise promise help that may not be there —
but they are counted apart (``unknown_hours``) so coordinators see how much the
answer depends on missing hours, and they do count in the window « à tout moment »,
which ignores hours.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np

from aiguillage.places.hours import PARIS, OpeningHoursError, first_overlap, parse_opening_hours

DEFAULT_HORIZON_DAYS = 14


@dataclass(frozen=True)
class TimeWindow:
    code: str
    label: str  # in French, for tables and the map legend
    osm: str | None  # None: any time, hours are not checked


ANY_TIME = TimeWindow("tout-moment", "À tout moment (horaires non pris en compte)", None)
WEEKDAY_DAYTIME = TimeWindow(
    "semaine-journee", "En semaine en journée (lundi au vendredi, 9 h – 18 h)", "Mo-Fr 09:00-18:00"
)
EVENING = TimeWindow("soiree", "En soirée (lundi au vendredi, 18 h – 21 h)", "Mo-Fr 18:00-21:00")
SATURDAY = TimeWindow("samedi", "Le samedi (9 h – 18 h)", "Sa 09:00-18:00")
DEFAULT_WINDOWS: tuple[TimeWindow, ...] = (ANY_TIME, WEEKDAY_DAYTIME, EVENING, SATURDAY)


@dataclass(frozen=True)
class PlaceAvailability:
    """For each window code, which places (booleans, in input order) are open in it."""

    windows: tuple[TimeWindow, ...]
    is_open: dict[str, np.ndarray]
    unknown_hours: np.ndarray

    def counts(self) -> dict[str, dict[str, int]]:
        """Per window: places open, places closed (hours known) and places with unknown hours."""
        unknown = int(self.unknown_hours.sum())
        total = len(self.unknown_hours)
        result = {}
        for window in self.windows:
            open_count = int(self.is_open[window.code].sum())
            if window.osm is None:
                result[window.code] = {"ouverts": open_count, "fermes": 0, "inconnus": 0}
            else:
                closed = total - open_count - unknown
                result[window.code] = {"ouverts": open_count, "fermes": closed, "inconnus": unknown}
        return result


def has_known_hours(text: str) -> bool:
    """Whether opening hours are given and readable."""
    try:
        parse_opening_hours(text)
    except OpeningHoursError:
        return False
    return True


def open_in_window(
    text: str,
    window: TimeWindow,
    start: datetime,
    days: int = DEFAULT_HORIZON_DAYS,
    tz: ZoneInfo = PARIS,
) -> bool:
    """Whether a place with these hours is open at least once in the window (see module)."""
    if window.osm is None:
        return True
    return first_overlap(text, window.osm, start, days=days, tz=tz) is not None


def place_availability(
    hours: Sequence[str],
    windows: Sequence[TimeWindow] = DEFAULT_WINDOWS,
    *,
    start: datetime,
    days: int = DEFAULT_HORIZON_DAYS,
    tz: ZoneInfo = PARIS,
) -> PlaceAvailability:
    """Open-or-not for every place and window; ``start`` is an aware datetime.

    Many places share the same hours text (« Mo-Fr 09:00-12:00,14:00-17:00 »), so
    each distinct text is evaluated once.
    """
    known = {text: has_known_hours(text) for text in set(hours)}
    unknown = np.array([not known[text] for text in hours], dtype=bool)
    is_open: dict[str, np.ndarray] = {}
    for window in windows:
        if window.osm is None:
            is_open[window.code] = np.ones(len(hours), dtype=bool)
            continue
        verdict = {
            text: known[text] and open_in_window(text, window, start, days, tz) for text in known
        }
        is_open[window.code] = np.array([verdict[text] for text in hours], dtype=bool)
    return PlaceAvailability(tuple(windows), is_open, unknown)
