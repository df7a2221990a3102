"""Reading and writing OpenStreetMap ``opening_hours`` expressions.

The national standard stores a place's hours (column ``horaires``) in OSM
syntax. The library ``opening-hours-py`` does the real parsing; this module adds
what a French form needs: a plain message instead of a parser trace, a stricter
check for typing mistakes the library accepts, and a writer for per-day slots.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from functools import lru_cache

import opening_hours

EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00"
OSM_DAYS: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
# Public holidays are looked up in this country's calendar (« PH off »).
COUNTRY = "FR"
MINUTES_PER_DAY = 24 * 60


class OpeningHoursError(ValueError):
    """An expression that cannot be read; ``str(error)`` is a French message for the user."""


def validate_opening_hours(text: str) -> str | None:
    """Return None when ``text`` is acceptable hours for a form, else a French message.

    An empty text is valid: it means the hours are unknown. On top of the
    library's grammar, ranges that end before they start (« 12:00-09:00 »),
    empty ranges and hours past 24:00 are refused, because in our places they
    are typing mistakes rather than night openings.
    """
    text = text.strip()
    if not text:
        return None
    parsed = _parse_cached(text)
    if isinstance(parsed, str):
        return parsed
    return _implausible_range_message(text)


def parse_opening_hours(text: str) -> opening_hours.OpeningHours:
    """Parse ``text`` (cached), raising ``OpeningHoursError`` with a French message.

    Anything the library understands is accepted, including night ranges, so
    that imported data keeps working; forms use ``validate_opening_hours``.
    """
    text = text.strip()
    if not text:
        raise OpeningHoursError("Les horaires ne sont pas renseignés.")
    parsed = _parse_cached(text)
    if isinstance(parsed, str):
        raise OpeningHoursError(parsed)
    return parsed


@lru_cache(maxsize=4096)
def _parse_cached(text: str) -> opening_hours.OpeningHours | str:
    # Failures are cached too (as their message): search evaluates the same
    # imported expressions, valid or not, for every place on every request.
    try:
        return opening_hours.OpeningHours(text, country=COUNTRY)
    except opening_hours.ParserError as error:
        return _parser_error_message(text, str(error))


# --- French messages -----------------------------------------------------------------

_POSITION_RE = re.compile(r"-->\s*(\d+):(\d+)")
_SEPARATORS = " \t\r\n;,"
# French day names, long or short (« lundi », « Lun », « Lu-Ve »).
_FRENCH_DAYS_RE = re.compile(r"^(lu|ma|me|je|ve|sam|di)", re.IGNORECASE)
_CLOSED_WORDS_RE = re.compile(r"^ferm", re.IGNORECASE)
_H_NOTATION_RE = re.compile(r"\d\s*h", re.IGNORECASE)
_CHAINED_RE = re.compile(r"^\d{1,2}:\d{2}(-\d{1,2}:\d{2}){2,}$")
_PLAIN_RANGE_RE = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
_LONE_TIME_RE = re.compile(r"^\d{1,2}:\d{2}$")
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_COMMA_HINT = "séparez deux plages horaires par une virgule, par exemple 09:00-12:00,14:00-17:00"


def _parser_error_message(text: str, trace: str) -> str:
    """Turn the library's parser trace into a sentence pointing at the faulty words."""
    start, end = _token_span(text, _error_offset(text, trace))
    token = text[start:end] if end - start <= 30 else text[start : start + 29] + "…"
    hint = _hint_for(token, text[:start], trace) or (
        "écrivez les horaires sur une seule ligne, en séparant les jours par « ; »"
        if "\n" in text.strip()
        else ""
    )
    where = f" (près de « {token} »)" if token else ""
    if hint:
        return (
            f"Les horaires ne sont pas au format attendu{where} : {hint}. "
            f"Exemple complet : « {EXAMPLE} »."
        )
    return f"Les horaires ne sont pas au format attendu{where} : écrivez par exemple « {EXAMPLE} »."


def _error_offset(text: str, trace: str) -> int:
    match = _POSITION_RE.search(trace)
    if not match:
        return len(text)
    line, column = int(match.group(1)), int(match.group(2))
    lines = text.split("\n")
    offset = sum(len(previous) + 1 for previous in lines[: line - 1])
    return min(offset + column - 1, len(text))


def _token_span(text: str, offset: int) -> tuple[int, int]:
    """The word around ``offset``, or the last word before it when it falls on a blank."""
    if offset < len(text) and text[offset] in ";,":
        return offset, offset + 1
    while offset > 0 and (offset >= len(text) or text[offset] in _SEPARATORS):
        offset -= 1
    if offset >= len(text) or text[offset] in _SEPARATORS:
        return offset, offset
    start, end = offset, offset
    while start > 0 and text[start - 1] not in _SEPARATORS:
        start -= 1
    while end < len(text) and text[end] not in _SEPARATORS:
        end += 1
    return start, end


def _hint_for(token: str, before: str, trace: str) -> str:
    """A precise advice for the usual mistakes of the real data, or ""."""
    if _CLOSED_WORDS_RE.match(token):
        return "pour un jour de fermeture, écrivez « off », par exemple « We off »"
    if _FRENCH_DAYS_RE.match(token):
        return (
            "écrivez les jours en abrégé anglais : Mo, Tu, We, Th, Fr, Sa, Su "
            "(du lundi au dimanche)"
        )
    if _H_NOTATION_RE.search(token):
        return (
            "écrivez les heures avec deux-points, par exemple 09:00 ou 13:30 (et non 9h ou 13h30)"
        )
    for hours, minutes in _TIME_RE.findall(token):
        if int(hours) > 24 or int(minutes) > 59:
            return f"l'heure « {hours}:{minutes} » n'existe pas (de 00:00 à 24:00)"
    if _CHAINED_RE.match(token):
        return f"une plage a une heure de début et une heure de fin ; {_COMMA_HINT}"
    if token.lower() in ("et", "&", "puis") or (
        _PLAIN_RANGE_RE.match(token) and before.rstrip()[-1:].isdigit()
    ):
        return _COMMA_HINT
    if _LONE_TIME_RE.match(token) and "timespan" in trace:
        return "il manque l'heure de fin, par exemple 09:00-12:00"
    return ""


_RANGE_RE = re.compile(r"(?<![\d:+])(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})(?![\d:])")
_COMMENT_RE = re.compile(r'"[^"]*"')


def _implausible_range_message(text: str) -> str | None:
    """Catch plain ranges the grammar allows but a place's hours never mean."""
    for match in _RANGE_RE.finditer(_COMMENT_RE.sub('""', text)):
        start_hours, start_minutes, end_hours, end_minutes = (int(part) for part in match.groups())
        written = match.group(0)
        for hours, minutes in ((start_hours, start_minutes), (end_hours, end_minutes)):
            if hours > 24 or (hours == 24 and minutes > 0):
                return (
                    f"L'heure « {hours:02d}:{minutes:02d} » n'existe pas : écrivez une heure "
                    f"entre 00:00 et 24:00, par exemple « {EXAMPLE} »."
                )
        start = start_hours * 60 + start_minutes
        # « 22:00-00:00 » is a common way to write « until midnight ».
        end = end_hours * 60 + end_minutes or MINUTES_PER_DAY
        if end == start:
            return (
                f"La plage « {written} » est vide : l'heure de fin doit venir après "
                "l'heure de début, par exemple « 09:00-12:00 »."
            )
        if end < start:
            return (
                f"La plage « {written} » finit avant de commencer : écrivez l'heure "
                "d'ouverture puis l'heure de fermeture, par exemple « 09:00-12:00 »."
            )
    return None


# --- Writing ---------------------------------------------------------------------------

DaySlots = Mapping[str, Sequence[tuple[time, time]]]


def slots_to_osm(day_slots: DaySlots) -> str:
    """Write per-weekday slots (keys "Mo".."Su") as a compact OSM expression.

    Days with identical slots share one rule (« Mo-Fr 09:00-12:00,14:00-17:00;
    Sa 09:00-12:00 »); overlapping or touching slots are merged. An end of
    ``time(0, 0)`` means midnight at the end of the day. Missing days are
    closed; with no slot at all the result is "" (hours unknown). Raises
    ``ValueError`` for an unknown day key, a slot that ends before it starts,
    or seconds (OSM counts in minutes).
    """
    unknown = set(day_slots) - set(OSM_DAYS)
    if unknown:
        raise ValueError(f"Unknown day keys {sorted(unknown)}; expected {OSM_DAYS}.")
    by_day = [_merged_minutes(day_slots.get(day, ()), day) for day in OSM_DAYS]
    if not any(by_day):
        return ""
    if all(slots == ((0, MINUTES_PER_DAY),) for slots in by_day):
        return "24/7"
    rules = []
    for slots in dict.fromkeys(slots for slots in by_day if slots):
        days = [index for index, day in enumerate(by_day) if day == slots]
        ranges = ",".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in slots)
        rules.append(f"{day_selector(days)} {ranges}")
    return "; ".join(rules)


def day_selector(days: Sequence[int]) -> str:
    """OSM selector for weekday indexes (0 = Monday): runs become ranges (« Mo-We,Fr »)."""
    return ",".join(
        OSM_DAYS[run[0]] if len(run) == 1 else f"{OSM_DAYS[run[0]]}-{OSM_DAYS[run[-1]]}"
        for run in consecutive_runs(days)
    )


def consecutive_runs(days: Sequence[int]) -> list[list[int]]:
    """Split sorted weekday indexes into runs of consecutive days."""
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def _merged_minutes(slots: Sequence[tuple[time, time]], day: str) -> tuple[tuple[int, int], ...]:
    spans = []
    for start, end in slots:
        if start.second or start.microsecond or end.second or end.microsecond:
            raise ValueError(f"{day}: opening hours are counted in minutes, not seconds.")
        start_minute = start.hour * 60 + start.minute
        end_minute = end.hour * 60 + end.minute or MINUTES_PER_DAY
        if end_minute <= start_minute:
            raise ValueError(f"{day}: slot {start}-{end} ends before it starts.")
        spans.append((start_minute, end_minute))
    merged: list[tuple[int, int]] = []
    for start_minute, end_minute in sorted(spans):
        if merged and start_minute <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end_minute))
        else:
            merged.append((start_minute, end_minute))
    return tuple(merged)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
