"""Evaluating opening hours at real moments: open now, open during a slot, first common slot.

The library reasons in naive local times of the place. Our API takes aware
datetimes (often UTC from the database) and converts them to the territory's
zone first, so that « 09:00 » means 9 o'clock in Paris on both sides of a
daylight-saving change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import opening_hours

from aiguillage.places.hours.syntax import (
    COUNTRY,
    MINUTES_PER_DAY,
    OpeningHoursError,
    parse_opening_hours,
)

PARIS = ZoneInfo("Europe/Paris")

# One piece of a day: (start minute, end minute up to 1440, state, comment).
Slot = tuple[int, int, opening_hours.State, str]


def to_local(at: datetime, tz: ZoneInfo) -> datetime:
    """Naive wall-clock time of ``at`` in ``tz``, as the library expects."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("An aware datetime is expected (for instance in UTC).")
    return at.astimezone(tz).replace(tzinfo=None)


def from_local(moment: datetime, tz: ZoneInfo) -> datetime:
    """Aware datetime for a naive wall-clock time in ``tz`` (first occurrence if repeated)."""
    return moment.replace(tzinfo=tz)


def parse_or_none(text: str) -> opening_hours.OpeningHours | None:
    """The parsed expression, or None when empty or unreadable (callers then answer "no")."""
    try:
        return parse_opening_hours(text)
    except OpeningHoursError:
        return None


def is_open_at(text: str, at: datetime, tz: ZoneInfo = PARIS) -> bool:
    """Whether the place is open at ``at`` (False for empty, invalid or uncertain hours)."""
    hours = parse_or_none(text)
    return hours is not None and hours.is_open(to_local(at, tz))


def open_during(text: str, start: datetime, end: datetime, tz: ZoneInfo = PARIS) -> bool:
    """Whether the place is open at least once in ``[start, end)`` (e.g. a chosen day and slot)."""
    hours = parse_or_none(text)
    if hours is None:
        return False
    return bool(open_spans(hours, to_local(start, tz), to_local(end, tz)))


def first_overlap(
    text: str,
    availability_text: str,
    start: datetime,
    days: int = 14,
    tz: ZoneInfo = PARIS,
) -> datetime | None:
    """First moment in ``[start, start + days)`` when both expressions are open, or None.

    ``availability_text`` is a person's availability in the same OSM syntax
    (« Sa 09:00-12:00; Tu,Th 17:30-19:00 »). The answer is aware, in ``tz``; it
    is ``start`` itself when both are already open then.
    """
    slot = first_common_slot(text, availability_text, start, days, tz)
    return slot[0] if slot is not None else None


def first_common_slot(
    text: str,
    availability_text: str,
    start: datetime,
    days: int = 14,
    tz: ZoneInfo = PARIS,
) -> tuple[datetime, datetime] | None:
    """(begin, end) of the first period in the window when both expressions are open.

    Same window and zone as ``first_overlap``; the end is where either side closes
    (« mardi 14 h – 17 h » when the place opens 14 h – 18 h and the person can 9 h – 17 h).
    """
    place, person = parse_or_none(text), parse_or_none(availability_text)
    if place is None or person is None:
        return None
    local_start = to_local(start, tz)
    local_end = local_start + timedelta(days=days)
    place_spans = open_spans(place, local_start, local_end)
    person_spans = open_spans(person, local_start, local_end)
    # Both lists are sorted and disjoint: walk them together.
    i = j = 0
    while i < len(place_spans) and j < len(person_spans):
        begin = max(place_spans[i][0], person_spans[j][0])
        finish = min(place_spans[i][1], person_spans[j][1])
        if begin < finish:
            return from_local(begin, tz), from_local(finish, tz)
        if place_spans[i][1] <= person_spans[j][1]:
            i += 1
        else:
            j += 1
    return None


def open_spans(
    hours: opening_hours.OpeningHours, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """Merged, non-empty open periods within naive local ``[start, end)``."""
    spans: list[tuple[datetime, datetime]] = []
    if end <= start:
        return spans
    for begin, finish, state, _comment in hours.intervals(start, end):
        if state != opening_hours.State.OPEN:
            continue
        begin, finish = max(begin, start), min(finish or end, end)
        if begin >= finish:
            continue
        if spans and spans[-1][1] == begin:
            spans[-1] = (spans[-1][0], finish)
        else:
            spans.append((begin, finish))
    return spans


def day_table(
    hours: opening_hours.OpeningHours, first_day: date, count: int
) -> list[tuple[Slot, ...]]:
    """Open and uncertain slots of ``count`` days from ``first_day``, split at midnight."""
    window_start = datetime.combine(first_day, time())
    window_end = window_start + timedelta(days=count)
    table: list[list[Slot]] = [[] for _ in range(count)]
    for begin, finish, state, comment in hours.intervals(window_start, window_end):
        if state == opening_hours.State.CLOSED:
            continue
        begin, finish = max(begin, window_start), min(finish or window_end, window_end)
        while begin < finish:
            midnight = datetime.combine(begin.date(), time())
            piece_end = min(finish, midnight + timedelta(days=1))
            slots = table[(begin.date() - first_day).days]
            start_minute = _minutes_between(midnight, begin)
            end_minute = _minutes_between(midnight, piece_end)
            if slots and slots[-1][1] == start_minute and slots[-1][2:] == (state, comment):
                slots[-1] = (slots[-1][0], end_minute, state, comment)
            else:
                slots.append((start_minute, end_minute, state, comment))
            begin = piece_end
    return [tuple(slots) for slots in table]


def public_holidays(first_day: date, count: int) -> set[date]:
    """French public holidays among ``count`` days from ``first_day`` (the library's calendar)."""
    start = datetime.combine(first_day, time())
    return {
        begin.date() + timedelta(days=offset)
        for begin, finish, state, _comment in _HOLIDAYS.intervals(start, start + timedelta(count))
        if state == opening_hours.State.OPEN
        for offset in range((finish - begin).days)
    }


# Open exactly on public holidays: asking it for intervals lists the holidays.
_HOLIDAYS = opening_hours.OpeningHours("PH", country=COUNTRY)


def _minutes_between(earlier: datetime, later: datetime) -> int:
    return min(int((later - earlier).total_seconds() // 60), MINUTES_PER_DAY)
