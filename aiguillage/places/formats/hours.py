"""Opening hours: checking OSM ``opening_hours`` text, and writing it from per-day tables.

Sources such as France Services publish one text per weekday ("09:00 - 12:00 / 13:30 - 17:00");
the standard wants the OpenStreetMap syntax ("Mo-Fr 09:00-12:00,13:30-17:00; Sa 09:00-12:00").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

import opening_hours

OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

Interval = tuple[str, str]  # ("09:00", "12:00")

_TIME = r"(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|à|a)\s*{_TIME}$")
_INTERVAL_SEPARATORS = re.compile(r"\s*(?:/|,|;|\bet\b)\s*")
_CLOSED = frozenset({"", "ferme", "fermé", "fermée", "ferme toute la journee", "-"})


@lru_cache(maxsize=4096)
def is_valid_osm_hours(value: str) -> bool:
    """Whether opening-hours-py parses ``value``; cached because sources repeat the same text."""
    try:
        opening_hours.OpeningHours(value)
    except opening_hours.ParserError:
        return False
    return True


@lru_cache(maxsize=4096)
def parse_day_text(value: str) -> tuple[Interval, ...] | None:
    """Intervals of one day's text ("09:00 - 12:00 / 13:30 - 17:00", "9h-12h et 14h-17h").

    Returns () for an empty or closed day and None when the text cannot be read. Exports
    repeat or overlap slots ("09:00 - 16:30 / 13:30 - 16:30") and write empty ones as
    "00:00 - 00:00": the opening time is the union of the slots, empty ones are ignored.
    """
    cell = value.strip()
    if cell.casefold() in _CLOSED:
        return ()
    intervals: list[Interval] = []
    for part in _INTERVAL_SEPARATORS.split(cell):
        match = _RANGE.match(part.strip())
        if not match:
            return None
        start = _clock(match.group(1), match.group(2))
        end = _clock(match.group(3), match.group(4))
        if start is None or end is None:
            return None
        if start == end == "00:00":
            continue
        if start >= end:
            return None
        intervals.append((start, end))
    return tuple(_union(intervals))


def _union(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clock(hours: str, minutes: str | None) -> str | None:
    hour, minute = int(hours), int(minutes or 0)
    if hour > 24 or minute > 59 or (hour == 24 and minute):
        return None
    return f"{hour:02d}:{minute:02d}"


def week_to_osm(week: Mapping[int, Sequence[Interval]]) -> str:
    """OSM text for intervals by weekday (0 = Monday); days with the same hours are grouped.

    >>> week_to_osm({0: [("09:00", "12:00")], 1: [("09:00", "12:00")], 2: [("09:00", "12:00")]})
    'Mo-We 09:00-12:00'
    """
    days_by_hours: dict[tuple[Interval, ...], list[int]] = {}
    for day in sorted(week):
        intervals = tuple(week[day])
        if intervals:
            days_by_hours.setdefault(intervals, []).append(day)
    rules = []
    for intervals, days in sorted(days_by_hours.items(), key=lambda item: item[1][0]):
        times = ",".join(f"{start}-{end}" for start, end in intervals)
        rules.append(f"{_day_selector(days)} {times}")
    return "; ".join(rules)


def _day_selector(days: list[int]) -> str:
    """Day selector such as "Mo-We,Fr" for [0, 1, 2, 4]: runs of three days become ranges."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}")
        else:
            parts.extend(OSM_DAYS[day] for day in run)
    return ",".join(parts)
