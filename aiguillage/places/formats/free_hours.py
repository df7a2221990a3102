"""Opening hours typed by people in one free-text box per weekday (survey forms).

People write « 9h à 12h - 14h à 17h », « 09:00-12:00 et 14:00-17:00 », « 8h30/12h30 », « 9-12h »
or « Fermé ». A day is read only when, once its times are taken out, nothing is left but
separators and a few known words: anything else (« 1er samedi du mois », « hors vacances »,
« sur RDV l'après-midi », a place name) may change the meaning, so the day is unreadable and the
caller drops the whole week rather than publish wrong hours.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache

from aiguillage.places.formats.common import fold
from aiguillage.places.formats.hours import FRENCH_DAYS, is_valid_osm_hours
from aiguillage.places.hours import slots_to_osm
from aiguillage.places.hours.syntax import OSM_DAYS

Slot = tuple[time, time]  # an end of time(0, 0) means midnight, as slots_to_osm reads it

# Whole-day answers meaning the place does not receive the public that day (folded text).
_CLOSED = frozenset({
    "", "ferme", "fermee", "ferme toute la journee", "ferme au public", "non",
    "non ouvert au public", "pas d'accueil", "conge",
})  # fmt: skip
_CLOSED_PREFIXES = ("reserve au ",)  # « réservé au public scolaire » : not open to everyone

# A time: « 9h », « 9h30 », « 9 h 30 », « 09:30 », or a bare hour (« 9-12h »). In « 9h17h » the
# 17 is the next time, not minutes: minutes are never followed by « h ».
_TIME = re.compile(
    r"(?<!\d)(\d{1,2})\s*[h:]\s*(?:(\d{2})(?!\d|\s*h))?"
    r"|(?<!\d)(\d{1,2})(?!\d)"
)
# Words that do not change the slots once the times are read (folded text).
_APPOINTMENT = re.compile(r"\(?\b(?:sur|avec)\s+(?:rdv|rendez\s*-?\s*vous)(?:\s+uniquement)?\)?")
_FILLERS = re.compile(
    r"\(?\bsans\s+(?:rdv|rendez\s*-?\s*vous)\)?"
    r"|\((?:journee continue|non stop)\)"
    r"|\bfermee?\s+(?:l'apres\s*-?\s*midi|l'apm|le matin)"
    r"|\bfermee?\b|\bpermanences?\b|\bpuis\b|\bde\b|\bet\b|\ba\b"
)
_SEPARATORS = re.compile(r"[\s\-/,;:|_.+&]*")


@dataclass(frozen=True, slots=True)
class DayHours:
    """One day read from free text: its slots (empty when closed) and whether the text says
    the place receives people by appointment only."""

    slots: tuple[Slot, ...]
    by_appointment: bool = False


@lru_cache(maxsize=4096)
def read_day(value: str, weekday: int | None = None) -> DayHours | None:
    """Slots of one day's free text; ``None`` when the text cannot be read safely.

    ``weekday`` (0 = Monday) lets « Lundi de 9h à 12h » be read in the Monday box. Cached:
    forms repeat the same answers.
    """
    cell = fold(html.unescape(value)).replace("–", "-").replace("—", "-")
    core = cell.strip(" .:|-/")
    if core in _CLOSED or core.startswith(_CLOSED_PREFIXES):
        return DayHours(())
    if weekday is not None:
        cell = re.sub(rf"\b{FRENCH_DAYS[weekday]}s?\b", " ", cell)
    by_appointment = bool(_APPOINTMENT.search(cell))
    cell = _APPOINTMENT.sub(" ", cell)
    times: list[tuple[int, int]] = []
    rest: list[str] = []
    position = 0
    for match in _TIME.finditer(cell):
        rest.append(cell[position : match.start()])
        position = match.end()
        hours = match.group(1) or match.group(3)
        times.append((int(hours), int(match.group(2) or 0)))
    rest.append(cell[position:])
    leftover = _FILLERS.sub(" ", " ".join(rest))
    if not times or len(times) % 2 or not _SEPARATORS.fullmatch(leftover):
        return None
    slots = []
    for (start_h, start_m), (end_h, end_m) in zip(times[::2], times[1::2], strict=True):
        if start_m > 59 or end_m > 59 or start_h > 23 or end_h > 24 or (end_h == 24 and end_m):
            return None
        if (start_h, start_m) >= (end_h, end_m):
            return None
        slots.append((time(start_h, start_m), time(end_h % 24, end_m)))
    return DayHours(tuple(slots), by_appointment)


@dataclass(frozen=True, slots=True)
class WeekHours:
    """A week read from seven free-text boxes (Monday first)."""

    osm: str  # OpenStreetMap opening_hours, "" when unknown or unreadable
    unreadable: tuple[int, ...] = ()  # weekdays whose text could not be read
    by_appointment: tuple[int, ...] = ()  # weekdays open by appointment only


def read_week(days: Sequence[str]) -> WeekHours:
    """OSM hours of seven day texts; none at all as soon as one day cannot be read, because
    a week with a missing day would show that day as closed."""
    readings = [read_day(text, index) for index, text in enumerate(days)]
    unreadable = tuple(index for index, reading in enumerate(readings) if reading is None)
    if unreadable:
        return WeekHours("", unreadable)
    osm = slots_to_osm(
        {OSM_DAYS[index]: reading.slots for index, reading in enumerate(readings) if reading}
    )
    if osm and not is_valid_osm_hours(osm):  # a bug here must not reach the map
        return WeekHours("", tuple(range(len(days))))
    appointment = tuple(
        index for index, reading in enumerate(readings) if reading and reading.by_appointment
    )
    return WeekHours(osm, (), appointment)
