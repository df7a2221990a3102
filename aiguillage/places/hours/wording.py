"""Opening hours in plain French: summary lines, a week table and the « ouvert » badge.

Simple weekly expressions (days, times, « off », « PH ») are described exactly.
Anything else (months, week numbers, sunset…) is described from the library's
own timeline over the coming days, with a warning when weeks differ, so a
valid expression never breaks a page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours

from aiguillage.places.hours.syntax import (
    MINUTES_PER_DAY,
    OSM_DAYS,
    consecutive_runs,
    parse_opening_hours,
)
from aiguillage.places.hours.timeline import (
    PARIS,
    Slot,
    day_table,
    parse_or_none,
    public_holidays,
    to_local,
)

DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
# A Monday-to-Sunday week with no French public holiday, and a public holiday
# (Christmas 2024, a Wednesday): they stand for "any normal week" and "PH".
NORMAL_WEEK = date(2024, 1, 8)
PUBLIC_HOLIDAY = date(2024, 12, 25)
# How far the fallback looks to tell whether the coming weeks all look alike: a
# year, so that seasonal rules (« Jul-Aug ») are noticed (about 2 ms at worst).
WEEKS_COMPARED = 53
STATUS_HORIZON = timedelta(days=31)
VARIABLE_HOURS = "horaires variables selon les dates"
# French typography writes time ranges with an en dash (U+2013) between spaces.
RANGE_DASH = "\u2013"

_DAY = r"(?:Mo|Tu|We|Th|Fr|Sa|Su)"
_DAY_RANGE = rf"(?:{_DAY}(?:-{_DAY})?|PH)"
_SPAN = r"\d\d:\d\d-\d\d:\d\d"
_WEEKLY_RULE_RE = re.compile(
    rf"(?P<days>24/7|{_DAY_RANGE}(?:,{_DAY_RANGE})*)?\s*"
    rf"(?P<times>{_SPAN}(?:,{_SPAN})*)?\s*"
    r"(?P<modifier>open|closed|off|unknown)?\s*"
    r'(?P<comment>"[^"]*")?'
)
_COMMENT_RE = re.compile(r'"[^"]*"')
_RULES_RE = re.compile(r'(?:[^;"]|"[^"]*")+')


# --- Summary lines ---------------------------------------------------------------------


def describe_opening_hours(
    text: str, *, reference: datetime | None = None, tz: ZoneInfo = PARIS
) -> list[str]:
    """Plain-French lines for ``text``, e.g. ["du lundi au vendredi : 9 h - 12 h", …].

    Empty hours give []. Weekly expressions are described exactly; others
    from the 7 days starting at ``reference`` (default: now), preceded by
    « horaires variables selon les dates » when the following weeks differ.
    Raises ``OpeningHoursError`` only for an unreadable expression.
    """
    if not text.strip():
        return []
    weekly = _weekly_description(text.strip())
    if weekly is not None:
        return list(weekly)
    hours = parse_opening_hours(text)
    first_day = to_local(reference or datetime.now(tz), tz).date()
    days = [first_day + timedelta(days=offset) for offset in range(7 * WEEKS_COMPARED)]
    table = day_table(hours, first_day, len(days))
    holidays = public_holidays(first_day, len(days))
    # A public holiday in the coming week must not pass for the usual hours of
    # its weekday: take that weekday from the first ordinary week instead.
    usual = [
        next((table[i] for i in range(offset, len(days), 7) if days[i] not in holidays), ())
        for offset in range(7)
    ]
    lines = _group_lines(days[:7], usual)
    if not lines:
        lines = ["aucune ouverture dans les 7 prochains jours"]
    if any(table[i] != usual[i % 7] for i in range(len(days)) if days[i] not in holidays):
        lines.insert(0, VARIABLE_HOURS)
    if _mentions_holidays(str(hours)):
        first_holiday = next((i for i in range(len(days)) if days[i] in holidays), None)
        if first_holiday is not None:
            lines.append(_holiday_line(table[first_holiday]))
    return lines


def describe_week_table(
    text: str, *, reference: datetime, tz: ZoneInfo = PARIS
) -> list[tuple[str, str]]:
    """Rows (« Lundi », « 9 h - 12 h et 14 h - 17 h » or « fermé ») for the week of ``reference``.

    The week runs from Monday to Sunday in ``tz`` and follows real dates, so
    public holidays and seasonal rules show. Empty hours give [].
    """
    if not text.strip():
        return []
    hours = parse_opening_hours(text)
    local_day = to_local(reference, tz).date()
    monday = local_day - timedelta(days=local_day.weekday())
    table = day_table(hours, monday, 7)
    holidays = public_holidays(monday, 7)
    rows = []
    for offset, (name, slots) in enumerate(zip(DAY_NAMES, table, strict=True)):
        hours_text = _slots_phrase(slots) if slots else "fermé"
        if monday + timedelta(days=offset) in holidays:
            hours_text += " (jour férié)"
        rows.append((name.capitalize(), hours_text))
    return rows


@lru_cache(maxsize=2048)
def _weekly_description(text: str) -> tuple[str, ...] | None:
    """Exact lines when the expression only uses weekdays, times, « off » and « PH »."""
    hours = parse_opening_hours(text)
    # Normalising rewrites additional rules (« Mo-Fr 08:00-12:00, We 14:00-18:00 »)
    # into plain weekly ones; months and the like stay and send us to the fallback.
    rules = _weekly_rules(str(hours)) or _weekly_rules(str(hours.normalize()))
    if rules is None:
        return None
    week = day_table(hours, NORMAL_WEEK, 7)
    if all(slots and slots[0][:2] == (0, MINUTES_PER_DAY) and len(slots) == 1 for slots in week):
        comments = {slots[0][3] for slots in week}
        note = f" ({comments.pop()})" if len(comments) == 1 and "" not in comments else ""
        lines = [f"tous les jours, 24 h sur 24{note}"]
    else:
        lines = _group_lines([NORMAL_WEEK + timedelta(days=index) for index in range(7)], week)
    closed = sorted(day for day in _explicitly_closed_days(rules) if not week[day])
    if closed:
        lines.append(f"fermé {_days_phrase(closed)}")
    if any(_mentions_holidays(rule.group("days") or "") for rule in rules):
        lines.append(_holiday_line(day_table(hours, PUBLIC_HOLIDAY, 1)[0]))
    return tuple(lines or ["fermé tous les jours"])


def _mentions_holidays(text: str) -> bool:
    return re.search(r"\bPH\b", _COMMENT_RE.sub("", text)) is not None


def _holiday_line(slots: tuple[Slot, ...]) -> str:
    return f"les jours fériés : {_slots_phrase(slots)}" if slots else "fermé les jours fériés"


def _weekly_rules(canonical: str) -> list[re.Match[str]] | None:
    rules = []
    for chunk in _RULES_RE.findall(canonical):
        match = _WEEKLY_RULE_RE.fullmatch(chunk.strip())
        if match is None or not chunk.strip():
            return None
        rules.append(match)
    return rules or None


def _explicitly_closed_days(rules: list[re.Match[str]]) -> set[int]:
    closed: set[int] = set()
    for rule in rules:
        if rule.group("modifier") not in ("closed", "off") or rule.group("times"):
            continue
        selector = rule.group("days") or "24/7"
        if selector == "24/7":
            closed.update(range(7))
            continue
        for part in selector.split(","):
            if part == "PH":
                continue
            first, _, last = part.partition("-")
            start, end = OSM_DAYS.index(first), OSM_DAYS.index(last or first)
            # Ranges may wrap around the week end (« Fr-Mo »).
            closed.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    return closed


def _group_lines(days: list[date], table: list[tuple[Slot, ...]]) -> list[str]:
    """One line per distinct set of slots, in weekday order (Monday first)."""
    by_weekday = {day.weekday(): slots for day, slots in zip(days, table, strict=True)}
    groups: dict[tuple[Slot, ...], list[int]] = {}
    for weekday in sorted(by_weekday):
        if by_weekday[weekday]:
            groups.setdefault(by_weekday[weekday], []).append(weekday)
    return [
        f"{_days_phrase(weekdays)} : {_slots_phrase(slots)}" for slots, weekdays in groups.items()
    ]


def _days_phrase(weekdays: list[int]) -> str:
    if len(weekdays) == 7:
        return "tous les jours"
    parts = []
    for run in consecutive_runs(weekdays):
        if len(run) >= 3:
            parts.append(f"du {DAY_NAMES[run[0]]} au {DAY_NAMES[run[-1]]}")
        else:
            parts.extend(f"le {DAY_NAMES[day]}" for day in run)
    return _join_french(parts)


def _slots_phrase(slots: tuple[Slot, ...]) -> str:
    parts = []
    for start, end, state, comment in slots:
        phrase = (
            "24 h sur 24"
            if (start, end) == (0, MINUTES_PER_DAY)
            else f"{format_minutes(start)} {RANGE_DASH} {format_minutes(end, end_of_day=True)}"
        )
        if state == opening_hours.State.UNKNOWN:
            phrase += " (à confirmer)"
        if comment:
            phrase += f" ({comment})"
        parts.append(phrase)
    return _join_french(parts)


def _join_french(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} et {parts[-1]}"


def format_minutes(minutes: int, *, end_of_day: bool = False) -> str:
    """« 9 h », « 9 h 30 »; the end of the day reads « minuit » when ``end_of_day``."""
    if end_of_day and minutes == MINUTES_PER_DAY:
        return "minuit"
    hours, rest = divmod(minutes % MINUTES_PER_DAY, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def describe_slot(begin: datetime, end: datetime, *, today: date | None) -> str:
    """« mardi 25 novembre, 14 h – 17 h », « aujourd'hui, 9 h – 12 h »: one slot of one day.

    ``begin`` and ``end`` are wall-clock times of the place (aware or naive); the end of
    a slot running to midnight reads « minuit ». Without ``today`` the day is always
    named by its date, for texts that are kept and read later.
    """
    day = begin.date()
    if day == today:
        name = "aujourd'hui"
    elif today is not None and day == today + timedelta(days=1):
        name = "demain"
    else:
        name = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    start = format_minutes(begin.hour * 60 + begin.minute)
    minutes = (end - begin).total_seconds() // 60 + begin.hour * 60 + begin.minute
    finish = format_minutes(int(min(minutes, MINUTES_PER_DAY)), end_of_day=True)
    return f"{name}, {start} {RANGE_DASH} {finish}"


# --- Badge -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OpeningStatus:
    """What a badge says about a place at one moment.

    ``is_open`` is None when the hours are unknown or uncertain; ``changes_at``
    is the next opening or closing (aware, in the territory's zone) when one
    comes within 31 days.
    """

    is_open: bool | None
    label: str
    changes_at: datetime | None = None


def opening_status(text: str, at: datetime, tz: ZoneInfo = PARIS) -> OpeningStatus:
    """« Ouvert maintenant · ferme à 12 h », « Fermé · ouvre demain à 9 h »… at ``at``."""
    if not text.strip():
        return OpeningStatus(None, "Horaires non renseignés")
    hours = parse_or_none(text)
    if hours is None:
        return OpeningStatus(None, "Horaires à vérifier")
    now = to_local(at, tz)
    state = hours.state(now)[0]
    if state == opening_hours.State.UNKNOWN:
        return OpeningStatus(None, "Ouverture à confirmer")
    if state == opening_hours.State.OPEN:
        closing = _next_moment(hours, now, lambda new: new != opening_hours.State.OPEN)
        if closing is None:
            return OpeningStatus(True, "Ouvert maintenant")
        label = f"Ouvert maintenant · ferme {_when(closing, now, closing=True)}"
        return OpeningStatus(True, label, closing.replace(tzinfo=tz))
    opening = _next_moment(hours, now, lambda new: new == opening_hours.State.OPEN)
    if opening is None:
        return OpeningStatus(False, "Fermé pour le moment")
    return OpeningStatus(False, f"Fermé · ouvre {_when(opening, now)}", opening.replace(tzinfo=tz))


def _next_moment(
    hours: opening_hours.OpeningHours,
    now: datetime,
    wanted: Callable[[opening_hours.State], bool],
) -> datetime | None:
    """First change after ``now``, within the horizon, into a state that ``wanted`` accepts."""
    # next_change is much cheaper than listing a month of intervals, and a
    # badge is computed for every place of a search page.
    moment: datetime | None = now
    limit = now + STATUS_HORIZON
    while moment is not None and moment < limit:
        following = hours.next_change(moment)
        if following is not None and following <= moment:
            return None  # a library that stops moving forward must not hang a page
        moment = following
        if moment is not None and moment < limit and wanted(hours.state(moment)[0]):
            return moment
    return None


def _when(moment: datetime, now: datetime, *, closing: bool = False) -> str:
    """« à 12 h », « aujourd'hui à 14 h », « demain à 9 h », « lundi à 9 h », « le 3 mai à 9 h »."""
    day, clock = moment.date(), format_minutes(moment.hour * 60 + moment.minute)
    if closing and moment.time() == time() and day > now.date():
        # Closing at 00:00 is closing at midnight at the end of the previous day.
        day, clock = day - timedelta(days=1), "minuit"
    days_ahead = (day - now.date()).days
    if days_ahead == 0:
        return f"à {clock}" if closing else f"aujourd'hui à {clock}"
    if days_ahead == 1:
        return f"demain à {clock}"
    if days_ahead < 7:
        return f"{DAY_NAMES[day.weekday()]} à {clock}"
    day_number = "1er" if day.day == 1 else str(day.day)
    return f"le {day_number} {MONTH_NAMES[day.month - 1]} à {clock}"
